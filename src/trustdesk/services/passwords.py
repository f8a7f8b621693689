"""Passwords: the rules a new one must meet, and salted scrypt hashes compared in constant time.

Rules (NIST SP 800-63B, as RELIABILITY.md asks): at least 8 characters, up to 1,024
accepted and every character counts (never truncated), not on the banned list, not the
user name. Text is NFKC-normalised first so the same password typed on another keyboard
layout still matches. Stored form: ``scrypt$n=…$r=…$p=…$<salt>$<hash>`` (base64), so the
cost can be raised later and old hashes are upgraded at the next log-on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from functools import cache

from trustdesk.services.errors import PasswordRejected

MIN_LENGTH = 8
MAX_LENGTH = 1024


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

    def _derive(self, password: str, salt: bytes, params: ScryptParams) -> bytes:
        return hashlib.scrypt(
            _normalise(password),
            salt=salt,
            n=params.n,
            r=params.r,
            p=params.p,
            dklen=params.dklen,
            maxmem=params.maxmem,
        )

    def hash(self, password: str) -> str:
        salt = os.urandom(self.params.salt_bytes)
        digest = self._derive(password, salt, self.params)
        p = self.params
        return (
            f"scrypt$n={p.n}$r={p.r}$p={p.p}$"
            f"{base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
        )

    def verify(self, password: str, stored: str) -> bool:
        parsed = _parse(stored)
        if parsed is None:
            self.dummy_verify(password)
            return False
        params, salt, expected = parsed
        return hmac.compare_digest(self._derive(password, salt, params), expected)

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
    """Raise PasswordRejected saying what to change; nothing about the password is logged."""
    length = len(unicodedata.normalize("NFKC", password))
    if length < MIN_LENGTH:
        raise PasswordRejected(
            f"the password is too short ({length} characters); use at least {MIN_LENGTH} — "
            "a passphrase of several words is easiest to remember"
        )
    if length > MAX_LENGTH:
        raise PasswordRejected(f"the password is longer than {MAX_LENGTH} characters")
    if not password.strip():
        raise PasswordRejected("the password cannot be only spaces")
    folded = unicodedata.normalize("NFKC", password).casefold()
    if folded in banned_passwords() or folded.strip() in banned_passwords():
        raise PasswordRejected(
            "that password is on the list of common or breached passwords; choose another"
        )
    if username and username.casefold() in folded:
        raise PasswordRejected("the password must not contain the user name")
