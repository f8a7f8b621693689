"""The service context makes its password hasher at the first password, not when opened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from servicekit import FAST_HASHER

from trustdesk.services.bundle import open_services
from trustdesk.services.passwords import PasswordHasher


class NoRules:
    pass


def test_opening_the_services_leaves_password_hashing_unloaded(tmp_path: Path) -> None:
    # Opening a data folder (what the desktop app does before its first window) must not
    # load the password module or hashlib's OpenSSL; signing in does.
    probe = (
        "import sys\n"
        "from trustdesk.services.bundle import open_services\n"
        f"services = open_services({str(tmp_path / 'data')!r}, object())\n"
        "services.agency.profile()\n"
        "services.accounts.needs_first_administrator()\n"
        "watched = ('hashlib', 'trustdesk.services.passwords')\n"
        "print(sorted(m for m in watched if m in sys.modules))\n"
        "services.ctx.hasher.hash('red harbor compass 88')\n"
        "print(sorted(m for m in watched if m in sys.modules))\n"
        "services.close()\n"
    )
    # A first open initialises the folder (and hashes its first audit entry): open it once.
    env = {**os.environ, "TRUSTDESK_DEBUG": ""}
    first = subprocess.run(
        [sys.executable, "-c", probe], check=False, capture_output=True, text=True, env=env
    )
    assert first.returncode == 0, first.stderr
    again = subprocess.run(
        [sys.executable, "-c", probe], check=False, capture_output=True, text=True, env=env
    )
    assert again.returncode == 0, again.stderr
    before, after = again.stdout.splitlines()[-2:]
    assert before == "[]"
    assert after == "['hashlib', 'trustdesk.services.passwords']"


def test_the_hasher_is_made_once_and_can_be_given(tmp_path: Path) -> None:
    services = open_services(tmp_path / "a", NoRules())  # type: ignore[arg-type]
    try:
        made = services.ctx.hasher
        assert isinstance(made, PasswordHasher)
        assert services.ctx.hasher is made
        assert services.ctx.with_store(services.store).hasher is made
        services.ctx.hasher = FAST_HASHER
        assert services.ctx.hasher is FAST_HASHER
    finally:
        services.close()
    given = open_services(tmp_path / "b", NoRules(), hasher=FAST_HASHER)  # type: ignore[arg-type]
    try:
        assert given.ctx.hasher is FAST_HASHER
    finally:
        given.close()
