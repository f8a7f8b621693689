"""The officer's signature on what a desk keeps while the record server is lost.

A decision or hold closure kept on the workstation (``services.outbox``,
``services.kept_closures``) is recorded later in the name of the officer its file names.
Whoever can write the data folder could otherwise plant or edit such a file (decision
0061); so each kept file is signed with a key only its officer can make, and the flush
records only a file whose signature verifies against the key the record holds for that
officer (decision 0062):

- the key is Ed25519, made at sign-in from the seed the password derivation yields
  (``passwords.PasswordHasher.verify_with_seed``) and held in memory for the session;
- its public half is registered in the audit chain (``account.signing_key``) at the
  first sign-in that makes a key the record does not hold yet (a new password, a
  rehashed one, the first sign-in on this version);
- what is signed is every field fixed when the item was kept, as one text
  (``signed_text``); the fields a flush rewrites (attempted, refused) are not signed.
"""

from __future__ import annotations

import json
from typing import Any

from trustdesk.store.records import AuditEntry

#: The audit event registering an officer's public key (objects: user, signing_key).
REGISTERED = "account.signing_key"
_DOMAIN = b"trustdesk kept-item signing key v1\0"
_TEXT_PREFIX = "trustdesk kept item v1\n"


class KeptSigner:
    """An officer's private signing key for this session; never written anywhere."""

    __slots__ = ("_key", "proof", "public_hex")

    def __init__(self, seed: bytes, proof: str = "") -> None:
        # Imported at the first sign-in, not on the desktop app's start-up path.
        import hashlib

        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        self._key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(_DOMAIN + seed).digest())
        self.public_hex = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
        #: The stored password hash the key was made against at sign-in: what lets the
        #: desk check the officer's password again while the record server is lost.
        self.proof = proof

    def sign(self, text: bytes) -> str:
        return self._key.sign(text).hex()

    def __repr__(self) -> str:  # never the key itself, in a log or a traceback
        return f"KeptSigner(public {self.public_hex[:16]}…)"


def signed_text(kind: str, fields: dict[str, Any]) -> bytes:
    """The one text signed for a kept ``kind`` ("decision", "closure") with ``fields``:
    its values as a JSON file gives them back (a tuple reads back as a list), keys sorted,
    ASCII only, so the text made when it is kept is the text made when it is read."""
    value = json.loads(json.dumps(fields, allow_nan=False))
    body = json.dumps(
        {"kind": kind, **value},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
    )
    return (_TEXT_PREFIX + body).encode("ascii")


def verifies(public_hex: str, text: bytes, signature_hex: str) -> bool:
    """Whether ``signature_hex`` is the signature of ``text`` by the key ``public_hex``
    (False for anything that is not such a key and signature)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(bytes.fromhex(signature_hex), text)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def registered_key(entry: AuditEntry, user_id: int) -> str | None:
    """The public key an ``account.signing_key`` entry registers for ``user_id`` (None
    when its objects do not read as such: then the account has no usable key)."""
    try:
        objects = json.loads(entry.objects)
    except ValueError:
        return None
    if not isinstance(objects, dict) or type(objects.get("user")) is not int:
        return None
    if objects["user"] != user_id:
        return None
    key = objects.get("signing_key")
    if not (isinstance(key, str) and len(key) == 64):
        return None
    try:
        bytes.fromhex(key)
    except ValueError:
        return None
    return key
