"""Passwords: the rules a new one must meet, and salted scrypt hashes compared in constant time.

Rules (NIST SP 800-63B, as RELIABILITY.md asks): at least 8 characters, up to 1,024
accepted and every character counts (never truncated), not on the banned list, not
containing the user name (a name of under 4 characters only as a word of its own: "al"
would otherwise bar "totally fine"), no control or invisible formatting character (only
the zero-width joiners some keyboards type inside words, not counted in the length). Text
is NFKC-normalised first so the same password typed on another keyboard layout still
matches. Stored form: ``scrypt$n=…$r=…$p=…$<salt>$<hash>`` (base64), so the cost can be
raised later and old hashes are upgraded at the next log-on. The rules apply to new
passwords only: a password set before a rule was added still signs in.

Signing in also yields a second secret, the seed of the officer's key for what a desk
keeps while the record server is lost (``services.kept_signing``, decision 0062): the next
32 bytes of the same scrypt output. scrypt ends in PBKDF2-HMAC-SHA256 with one
iteration, whose output blocks are computed independently, so the first 32 bytes are the
stored hash exactly as before and the next 32 cannot be computed from them without the
password: whoever reads the stored hash cannot sign in the officer's name, and signing in
costs no second derivation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from trustdesk.core.characters import JOINERS, first_unsafe
from trustdesk.services.errors import PasswordRejected

MIN_LENGTH = 8
MAX_LENGTH = 1024
#: A user name shorter than this bars a password only as a word of its own.
SHORT_NAME = 4
#: The signing seed's length, taken from the scrypt output after the stored hash.
SEED_BYTES = 32


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost. The default follows OWASP's recommendation (N=2^17, r=8, p=1)."""

    n: int = 2**17
    r: int = 8
    p: int = 1
    dklen: int = 32
    salt_bytes: int = 16

    @property
    def maxmem(self) -> int:
        return 2 * 128 * self.r * (self.n + self.p + 2)


def _normalise(password: str) -> bytes:
    return unicodedata.normalize("NFKC", password).encode("utf-8")


class PasswordHasher:
    def __init__(self, params: ScryptParams | None = None) -> None:
        self.params = params or ScryptParams()

    def _derive(self, password: str, salt: bytes, params: ScryptParams, extra: int = 0) -> bytes:
        return hashlib.scrypt(
            _normalise(password),
            salt=salt,
            n=params.n,
            r=params.r,
            p=params.p,
            dklen=params.dklen + extra,
            maxmem=params.maxmem,
        )

    def hash(self, password: str) -> str:
        return self.hash_with_seed(password)[0]

    def hash_with_seed(self, password: str) -> tuple[str, bytes]:
        """A new stored hash of ``password``, and the signing seed that goes with it."""
        salt = os.urandom(self.params.salt_bytes)
        derived = self._derive(password, salt, self.params, SEED_BYTES)
        digest, seed = derived[: self.params.dklen], derived[self.params.dklen :]
        p = self.params
        stored = (
            f"scrypt$n={p.n}$r={p.r}$p={p.p}$"
            f"{base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
        )
        return stored, seed

    def verify(self, password: str, stored: str) -> bool:
        return self.verify_with_seed(password, stored) is not None

    def verify_with_seed(self, password: str, stored: str) -> bytes | None:
        """The signing seed when ``password`` matches ``stored``, else None (in the time
        of one derivation either way)."""
        parsed = _parse(stored)
        if parsed is None:
            self.dummy_verify(password)
            return None
        params, salt, expected = parsed
        derived = self._derive(password, salt, params, SEED_BYTES)
        if not hmac.compare_digest(derived[: params.dklen], expected):
            return None
        return derived[params.dklen :]

    def dummy_verify(self, password: str) -> None:
        """Spend the time of a real check, so an unknown name is not told apart by timing."""
        self._derive(password, b"\0" * self.params.salt_bytes, self.params)

    def needs_rehash(self, stored: str) -> bool:
        parsed = _parse(stored)
        return parsed is None or parsed[0] != self.params


def _parse(stored: str) -> tuple[ScryptParams, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = (int(part.split("=", 1)[1]) for part in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except (ValueError, IndexError):
        return None
    return ScryptParams(n=n, r=r, p=p, dklen=len(digest), salt_bytes=len(salt)), salt, digest


@cache
def banned_passwords() -> frozenset[str]:
    """The shipped banned list (resources/security/banned-passwords.txt), case-folded."""
    from trustdesk.resources import resource

    text = resource("security", "banned-passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def check_new_password(password: str, username: str) -> None:
    """Raise PasswordRejected saying what to change; nothing about the password is logged.

    Invisible characters do not make a password: eight zero-width spaces passed as eight
    characters, not "only spaces" (a hostile pass). Control and invisible formatting
    characters are refused (``core.characters``), except the two joiners some keyboards
    type inside words, which are kept but not counted.
    """
    text = unicodedata.normalize("NFKC", password)
    joiners = sum(ch in JOINERS for ch in text)
    length = len(text) - joiners
    if length < MIN_LENGTH:
        uncounted = " not counting the invisible joiners" if joiners else ""
        raise PasswordRejected(
            f"the password is too short ({length} characters{uncounted}); use at least "
            f"{MIN_LENGTH} — a passphrase of several words is easiest to remember"
        )
    if length > MAX_LENGTH:
        raise PasswordRejected(f"the password is longer than {MAX_LENGTH} characters")
    unsafe = first_unsafe("".join(ch for ch in password if ch not in JOINERS))
    if unsafe is not None:
        raise PasswordRejected(
            f"the password contains U+{ord(unsafe):04X}, a control or invisible character "
            "that nobody can see or be sure to type again; use letters, digits, symbols "
            "and spaces"
        )
    if all(ch.isspace() or ch in JOINERS for ch in text):
        raise PasswordRejected("the password cannot be only spaces")
    folded = "".join(ch for ch in text if ch not in JOINERS).casefold()
    if folded in banned_passwords() or folded.strip() in banned_passwords():
        raise PasswordRejected(
            "that password is on the list of common or breached passwords; choose another"
        )
    name = username.casefold()
    if len(name) >= SHORT_NAME and name in folded:
        raise PasswordRejected("the password must not contain the user name")
    if name and name in re.split(r"[\W_]+", folded):
        raise PasswordRejected("the password must not contain the user name as a word")


def same_password(first: str, second: str) -> bool:
    """Whether two typed passwords are one password as hashed (NFKC: a fullwidth letter
    and its plain form are the same)."""
    return _normalise(first) == _normalise(second)
