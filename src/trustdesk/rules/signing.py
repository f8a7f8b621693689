"""Signed rule packs: publisher keys, the signed-pack envelope, signing and checking.

A publisher (a state association, the state's attorneys) signs a pack with an Ed25519
key. The signed file is a small envelope around the pack's unchanged bytes::

    TRUSTDESK SIGNED RULE PACK 1
    {"fingerprint": ..., "pack_bytes": ..., "pack_sha256": ..., "public_key": ...,
     "publisher": ..., "signature": ..., "signed_at": ...}
    <the pack file, byte for byte>

The signature covers the first line, the header without its ``signature`` (canonical
JSON) and the pack bytes, so it names the publisher and the moment of signing as well
as the exact pack. Whether a signature is *trusted* is a separate question: it is when
its key is one an administrator chose (``TrustedKey``), that choice has not expired and
the key was not revoked (docs/decisions/0031). A private key file holds the key
encrypted with the publisher's passphrase. Pure: no Qt, no store.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from trustdesk.rules import strict_json
from trustdesk.rules.errors import InputError

MAGIC = b"TRUSTDESK SIGNED RULE PACK 1\n"
KEY_KIND = "trustdesk-ed25519"  # first word of a public key's text form
#: Format 1 held the key in the clear (kept readable); format 2 holds it encrypted.
PRIVATE_FORMAT_PLAIN = "trustdesk-ed25519-private/1"
PRIVATE_FORMAT = "trustdesk-ed25519-private/2"
#: A passphrase shorter than this protects a stolen key file for minutes, not years.
PASSPHRASE_MIN = 12
PUBLISHER_MAX = 200
_HEADER_MAX = 4096  # the header is a few hundred bytes; anything longer is not one
_HEADER_KEYS = frozenset(
    {
        "fingerprint",
        "pack_bytes",
        "pack_sha256",
        "public_key",
        "publisher",
        "signature",
        "signed_at",
    }
)


class SigningError(InputError):
    """A key or signed pack that cannot be used: the file, and what is wrong with it."""


class RevokedKeyError(SigningError):
    """A pack signed with a key the agency revoked, after the revocation: always refused."""


def fingerprint_of(raw_public_key: bytes) -> str:
    """The key's fingerprint as people compare it: 8 groups of 4 hex digits (128 bits)."""
    digest = hashlib.sha256(raw_public_key).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def check_publisher(name: str, source: str = "publisher") -> str:
    text = " ".join(name.split())
    if not text:
        raise SigningError(source, "", "the publisher's name is empty; give the name to show")
    if len(text) > PUBLISHER_MAX:
        raise SigningError(source, "", f"the publisher's name is over {PUBLISHER_MAX} characters")
    return text


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A publisher's public key and the name it was given."""

    publisher: str
    raw: bytes  # the 32 bytes of the Ed25519 public key

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.raw)

    @property
    def text(self) -> str:
        """The one-line form handed to administrators: ``trustdesk-ed25519 KEY NAME``."""
        return f"{KEY_KIND} {base64.b64encode(self.raw).decode()} {self.publisher}"

    @classmethod
    def parse(cls, line: str, source: str = "public key") -> PublicKey:
        """The key of a text form line; SigningError saying how a good one looks."""
        parts = line.strip().split(None, 2)
        example = f'"{KEY_KIND} <key> <publisher name>", as `trustdesk rules keygen` printed it'
        if len(parts) < 3 or parts[0] != KEY_KIND:
            raise SigningError(source, "", f"is not a publisher's public key; give {example}")
        try:
            raw = base64.b64decode(parts[1], validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise SigningError(source, "", f"the key part is damaged; copy it again ({example})")
        return cls(check_publisher(parts[2], source), raw)


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """A public key an administrator chose to trust, and who chose it (for display).

    ``expires_on``: the last day packs signed with it are trusted (None: no end).
    ``revoked_at``: when an administrator revoked it (ISO 8601, UTC; None: not revoked).
    A revoked key stays listed so that what was imported under it can say so.
    """

    key: PublicKey
    origin: str  # "machine config (set by IT)" or "added by NAME on DATE"
    expires_on: date | None = None
    revoked_at: str | None = None
    revoked_by: str = ""

    def status(self, today: date) -> str:
        """ "trusted", "expired" or "revoked"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_on is not None and today > self.expires_on:
            return "expired"
        return "trusted"

    def describe(self, today: date) -> str:
        """The key's state in a few words, for lists of publishers."""
        state = self.status(today)
        if state == "revoked":
            return (
                f"REVOKED on {str(self.revoked_at)[:10]}"
                + (f" by {self.revoked_by}" if self.revoked_by else "")
                + ": packs signed after that are refused; packs imported before stay in force"
            )
        if state == "expired":
            return f"EXPIRED on {self.expires_on}: its packs import only with an override"
        until = f", until {self.expires_on}" if self.expires_on is not None else ""
        return f"trusted{until}"


@dataclass(frozen=True, slots=True)
class Signature:
    """A checked signature: who signed the pack, with which key, when."""

    publisher: str
    public_key: bytes
    signed_at: str
    pack_sha256: str

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.public_key)


@dataclass(frozen=True, slots=True)
class OpenedPack:
    """A pack file as read: the pack's own bytes, and its checked signature (None: unsigned)."""

    pack: bytes
    signature: Signature | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pack).hexdigest()


@dataclass(frozen=True, slots=True)
class Trust:
    """What an administrator is told about who stands behind a pack."""

    signature: Signature | None
    trusted_as: TrustedKey | None  # the trusted key that matches the signature, if any
    #: Why the matching key does not vouch for this pack (expired, revoked); "" when it does.
    problem: str = ""
    #: The key was revoked before this pack was signed: refused, whatever the override.
    refused: bool = False

    @property
    def trusted(self) -> bool:
        return self.trusted_as is not None and not self.problem

    @property
    def state(self) -> str:
        """ "trusted", "untrusted", "revoked" or "unsigned" (the audit's word)."""
        if self.signature is None:
            return "unsigned"
        if self.refused:
            return "revoked"
        return "trusted" if self.trusted else "untrusted"

    def describe(self) -> str:
        """One or two sentences for an administrator."""
        sig = self.signature
        if sig is None:
            return (
                "Not signed: nothing shows who published this pack or that it is unchanged. "
                "Import it only if you know where it came from."
            )
        who = f"Signed by “{sig.publisher}” (key fingerprint {sig.fingerprint}) on {sig.signed_at}."
        if self.trusted_as is None:
            return (
                f"{who} This key is NOT one of the publishers your agency trusts; compare the "
                "fingerprint with the publisher (by telephone, not by the e-mail that brought "
                "the file) before trusting it."
            )
        if self.problem:
            return f"{who} {self.problem}"
        named = self.trusted_as.key.publisher
        alias = "" if named == sig.publisher else f" (trusted under the name “{named}”)"
        return f"{who} The key is trusted{alias}: {self.trusted_as.origin}."


def trust_of(
    opened: OpenedPack,
    trusted: Iterable[TrustedKey],
    today: date | None = None,
    zone: tzinfo = UTC,
) -> Trust:
    """Whether the pack's signature was made with one of the ``trusted`` keys, still in force.

    A key past its ``expires_on`` (today, or on the day the pack says it was signed) no
    longer vouches: the pack imports only with an override, like an untrusted one. Both
    days are the agency's (``zone``): its trust in a key lasts to the end of the last day
    there. A
    revoked key vouches for nothing new: a pack it signed after the revocation is
    *refused* (whoever holds the key now may be anyone); one that says it was signed
    before is treated as untrusted, because the signing time is the signer's own claim.
    """
    sig = opened.signature
    match = None if sig is None else next((t for t in trusted if t.key.raw == sig.public_key), None)
    if sig is None or match is None:
        return Trust(sig, match)
    day = today or datetime.now(zone).date()
    signed = _signed_time(sig.signed_at)
    if match.revoked_at is not None:
        revoked = _signed_time(match.revoked_at)
        when = match.revoked_at[:10]
        # Signing times have whole seconds: a pack signed in the second of the
        # revocation counts as signed after it.
        if signed is None or revoked is None or signed >= revoked.replace(microsecond=0):
            return Trust(
                sig,
                match,
                f"Its key was REVOKED on {when}, before this pack was signed: the pack is "
                "refused. Ask the publisher for a copy signed with their new key.",
                refused=True,
            )
        return Trust(
            sig,
            match,
            f"Its key was REVOKED on {when}. The pack says it was signed before that, but "
            "the signing time is the signer's own statement: it imports only with an "
            "override, as if unsigned. Packs imported before the revocation stay in force.",
        )
    expiry = match.expires_on
    signed_day = None if signed is None else signed.astimezone(zone).date()
    if expiry is not None and (day > expiry or (signed_day is not None and signed_day > expiry)):
        return Trust(
            sig,
            match,
            f"The agency's trust in this key ended on {expiry}: the pack imports only with "
            "an override. Trust the publisher's current key (or renew this one) to import "
            "it without one.",
        )
    return Trust(sig, match)


def _signed_time(text: str) -> datetime | None:
    """An ISO 8601 time (``Z`` allowed) as an aware datetime; None when unreadable."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


# -- keys -------------------------------------------------------------------------------------


def check_passphrase(passphrase: str, source: str = "passphrase") -> bytes:
    """A new key's passphrase as bytes, or SigningError when it is too short to protect
    a key or holds a character nobody can see or be sure to type again (as a sign-in
    password may not: twelve zero-width spaces are not a passphrase)."""
    from trustdesk.core.characters import JOINERS, first_unsafe

    unsafe = first_unsafe("".join(ch for ch in passphrase if ch not in JOINERS))
    if unsafe is not None:
        raise SigningError(
            source,
            "",
            f"contains U+{ord(unsafe):04X}, a control or invisible character that nobody "
            "can see or be sure to type again; use letters, digits, symbols and spaces",
        )
    length = sum(ch not in JOINERS for ch in passphrase)
    if length < PASSPHRASE_MIN:
        raise SigningError(
            source,
            "",
            f"is {length} characters; a key's passphrase has at least "
            f"{PASSPHRASE_MIN} (a few unrelated words are easy to remember)",
        )
    return passphrase.encode("utf-8")


def generate_key(publisher: str, private_path: Path, passphrase: bytes) -> PublicKey:
    """A new key pair: the private key written to ``private_path`` encrypted with
    ``passphrase`` (mode 0600, never over an existing file), the public key returned (and
    not written anywhere)."""
    name = check_publisher(publisher)
    if not passphrase:
        raise SigningError(str(private_path), "", "needs a passphrase to encrypt the key")
    private = Ed25519PrivateKey.generate()
    public = PublicKey(name, private.public_key().public_bytes_raw())
    # PKCS #8 with the best encryption cryptography offers (a scrypt- or PBKDF2-derived
    # key and AES): a copied key file is useless without the passphrase.
    encrypted = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    body = {
        "format": PRIVATE_FORMAT,
        "publisher": name,
        "encrypted_private_key": encrypted.decode("ascii"),
        "public_key": public.text,
    }
    data = (json.dumps(body, indent=1, ensure_ascii=False) + "\n").encode()
    try:
        # O_EXCL: an existing key (perhaps the publisher's only copy) is never replaced.
        handle = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SigningError(
            str(private_path), "", "already exists; choose another name (keys are never replaced)"
        ) from None
    except OSError as exc:
        raise SigningError(str(private_path), "", f"cannot be written: {exc.strerror}") from None
    try:
        os.write(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)
    return public


@dataclass(frozen=True, slots=True)
class PrivateKey:
    """A publisher's private key as loaded, and whether its file kept it encrypted."""

    key: Ed25519PrivateKey
    publisher: str
    encrypted: bool


def load_private_key(path: Path, passphrase: Callable[[], bytes]) -> PrivateKey:
    """The private key and publisher name of a key file written by ``generate_key``.

    ``passphrase`` is asked only for an encrypted file (a file of format 1, written before
    keys were encrypted, loads without it; ``PrivateKey.encrypted`` says so).
    """
    source = str(path)
    not_a_key = "is not a TrustDesk private key (make one with `trustdesk rules keygen`)"
    try:
        text = strict_json.read_file(path, "private key", SigningError).decode("utf-8")
    except UnicodeDecodeError:
        raise SigningError(source, "", f"{not_a_key}; it is not text") from None
    except OSError as exc:
        raise SigningError(source, "", f"cannot be read: {exc.strerror or exc}") from None
    try:
        body = json.loads(text)
        publisher = check_publisher(str(body["publisher"]), source)
        kind = body.get("format")
        if kind == PRIVATE_FORMAT_PLAIN:
            seed = base64.b64decode(body["private_key"], validate=True)
            if len(seed) != 32:
                raise ValueError
            return PrivateKey(Ed25519PrivateKey.from_private_bytes(seed), publisher, False)
        if kind != PRIVATE_FORMAT:
            raise ValueError
        pem = str(body["encrypted_private_key"]).encode("ascii")
    except SigningError:
        raise
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeEncodeError):
        raise SigningError(source, "", not_a_key) from None
    try:
        private = serialization.load_pem_private_key(pem, password=passphrase())
    except ValueError:
        # cryptography says only "bad decrypt" or a parse error: the usual cause is a
        # mistyped passphrase, and a damaged file reads the same.
        raise SigningError(
            source, "", "cannot be opened with that passphrase (mistyped, or the file is damaged)"
        ) from None
    except TypeError:
        raise SigningError(source, "", not_a_key) from None
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningError(source, "", not_a_key)
    return PrivateKey(private, publisher, True)


# -- signing and opening ----------------------------------------------------------------------


def _signed_message(header: dict[str, object], pack: bytes) -> bytes:
    unsigned = {k: v for k, v in header.items() if k != "signature"}
    canonical = json.dumps(unsigned, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return MAGIC + canonical.encode() + b"\n" + pack


def sign_pack(
    pack: bytes, private: Ed25519PrivateKey, publisher: str, now: datetime | None = None
) -> bytes:
    """The signed-pack file for ``pack`` (the pack's bytes, unchanged, inside it)."""
    if pack.startswith(MAGIC):
        raise SigningError("pack", "", "is already signed; sign the plain pack file")
    raw = private.public_key().public_bytes_raw()
    when = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    header: dict[str, object] = {
        "fingerprint": fingerprint_of(raw),
        "pack_bytes": len(pack),
        "pack_sha256": hashlib.sha256(pack).hexdigest(),
        "public_key": base64.b64encode(raw).decode(),
        "publisher": check_publisher(publisher),
        "signed_at": when.isoformat().replace("+00:00", "Z"),
    }
    header["signature"] = base64.b64encode(private.sign(_signed_message(header, pack))).decode()
    line = json.dumps(header, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return MAGIC + line.encode() + b"\n" + pack


def open_pack(data: bytes, source: str) -> OpenedPack:
    """Split a pack file into the pack and its checked signature.

    A plain pack (no envelope) is returned unsigned. A signed one whose signature does
    not match its bytes, to the last byte, is refused (SigningError): it was changed
    after signing, or damaged.
    """
    if not data.startswith(MAGIC):
        return OpenedPack(data, None)
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _HEADER_MAX)
    if end < 0:
        raise SigningError(source, "", "the signature header is damaged; ask for a fresh copy")
    try:
        header = json.loads(data[len(MAGIC) : end])
        if not isinstance(header, dict) or set(header) != _HEADER_KEYS:
            raise ValueError
        raw = base64.b64decode(header["public_key"], validate=True)
        signature = base64.b64decode(header["signature"], validate=True)
        publisher = check_publisher(str(header["publisher"]), source)
        size = header["pack_bytes"]
        if len(raw) != 32 or len(signature) != 64 or not isinstance(size, int):
            raise ValueError
    except SigningError:
        raise
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise SigningError(
            source, "", "the signature header is damaged; ask the publisher for a fresh copy"
        ) from None
    pack = data[end + 1 :]
    refused = (
        "does not match its signature: the pack was changed after it was signed, or damaged "
        "on the way; it is refused. Ask the publisher for a fresh copy"
    )
    if len(pack) != size or hashlib.sha256(pack).hexdigest() != header["pack_sha256"]:
        raise SigningError(source, "", refused)
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, _signed_message(header, pack))
    except InvalidSignature:
        raise SigningError(source, "", refused) from None
    if header["fingerprint"] != fingerprint_of(raw):
        raise SigningError(source, "", refused)
    return OpenedPack(
        pack, Signature(publisher, raw, str(header["signed_at"]), header["pack_sha256"])
    )


def read_pack_file(path: Path, max_bytes: int) -> OpenedPack:
    """``open_pack`` of a file, refusing one larger than ``max_bytes``."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SigningError(
                source, "", f"is {size:,} bytes; a rule pack is at most {max_bytes:,} bytes"
            )
        data = strict_json.read_file(path, "rule pack", SigningError)
    except OSError as exc:
        raise SigningError(source, "", f"cannot be read: {exc.strerror or exc}") from None
    return open_pack(data, source)


def revoked_signer_note(
    sha256: str, signers: Mapping[str, tuple[str, str]], revoked: Mapping[str, str]
) -> str:
    """What the pack list says of an imported version whose signing key was since revoked.

    ``signers``: pack SHA-256 → (publisher, key fingerprint) of each recorded import;
    ``revoked``: key fingerprint → when it was revoked. "" when the key was not revoked.
    """
    signer = signers.get(sha256)
    if signer is None or signer[1] not in revoked:
        return ""
    publisher, fingerprint = signer
    return (
        f"signed by “{publisher}” with key {fingerprint}, REVOKED on "
        f"{revoked[fingerprint][:10]}: imported before the revocation, it stays in force "
        "and readable; packs signed with that key after the revocation are refused"
    )
