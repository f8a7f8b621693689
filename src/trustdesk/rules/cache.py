"""A small on-disk cache of facts that are slow to establish and cheap to trust again.

Validating a rule pack with jsonschema, running its embedded tests and computing
holiday calendars costs far more than the whole ``trustdesk evaluate`` command may
take. Each fact is keyed by the SHA-256 of everything it depends on (file bytes, the
schema, TrustDesk's own rule and engine code), so any change re-establishes it.
A missing, unreadable or malformed cache is never an error: the work is redone.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import cache
from pathlib import Path

from trustdesk import __version__

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_ENV_DIR = "TRUSTDESK_CACHE_DIR"
_ENV_DISABLE = "TRUSTDESK_NO_CACHE"


def cache_dir() -> Path:
    """Folder of the cache: ``$TRUSTDESK_CACHE_DIR`` or the per-user cache folder."""
    override = os.environ.get(_ENV_DIR)
    if override:
        return Path(override)
    platform: str = sys.platform  # a plain str, so type checkers keep both branches
    if platform.startswith("linux"):
        # platformdirs' answer on Linux (the XDG rule), without importing it: its import
        # pulls in tempfile and shutil, a third of the CLI's start-up budget.
        # tests/test_cache.py holds this to platformdirs.user_cache_dir.
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = xdg if os.path.isabs(xdg) else os.path.expanduser("~/.cache")
        return Path(base) / "trustdesk"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("trustdesk", appauthor=False))


def enabled() -> bool:
    return not os.environ.get(_ENV_DISABLE)


@cache
def code_fingerprint() -> str:
    """SHA-256 over the engine and rule-loading code, so a code change voids the cache."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent.parent
    for sub in ("core", "rules"):
        for path in sorted((package / sub).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _file(name: str) -> Path:
    return cache_dir() / f"{name}-{code_fingerprint()[:16]}.json"


def read(name: str) -> dict[str, Any]:
    """The cached mapping called ``name``; empty when absent or unusable."""
    if not enabled():
        return {}
    try:
        with open(_file(name), "rb") as handle:
            if not _ours(os.fstat(handle.fileno())):
                return {}
            value = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _ours(stamp: os.stat_result) -> bool:
    """Written by this account and writable by no other (as ``write`` leaves it, 0600).

    IT may point ``TRUSTDESK_CACHE_DIR`` at one folder for every desk account; what
    another account put there is not believed: the cache says which days the hold clock
    skips as holidays and which pack files passed their checks (a hostile pass planted
    a holiday on a Tuesday, and every hold ran a day longer).
    """
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:
        return True  # Windows: the per-user folder's access list is the guard
    return stamp.st_uid == geteuid() and not stamp.st_mode & 0o022


def write(name: str, value: dict[str, Any]) -> None:
    """Replace the cached mapping ``name`` atomically; failures are ignored."""
    if not enabled():
        return
    import tempfile  # only when writing: it pulls in shutil and the compression modules

    target = _file(name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(value, handle, sort_keys=True)
        os.replace(tmp, target)
    except OSError:
        return


def sha256_hex(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()
