"""The agency's recorded choice of jurisdiction, read from the audit chain.

The choice is a ``settings.changed`` entry for the setting ``jurisdiction`` (made at
first-run set-up or by an administrator; ``services.jurisdiction``); the latest valid
one wins. ``trustdesk evaluate`` and ``offenses search`` read it over a read-only
connection, without opening the store, so a command that records nothing stays light and
never creates a database.
"""

from __future__ import annotations

import json

# Deliberately light (see pack_imports): imported on the path of ``trustdesk evaluate``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Container, Iterable
    from pathlib import Path

SETTINGS_CHANGED = "settings.changed"
SETTING = "jurisdiction"
_DB_NAME = "trustdesk.db"  # store.paths.DB_NAME (tests/security holds them equal)


def choice_in(objects: Iterable[str], valid: Container[str]) -> str | None:
    """The latest jurisdiction chosen in these ``settings.changed`` entries' objects."""
    code = None
    for text in objects:
        try:
            found = json.loads(text)
        except (ValueError, RecursionError):  # a tampered entry: too deeply nested
            continue
        if isinstance(found, dict) and found.get("setting") == SETTING:
            value = found.get("jurisdiction")
            if isinstance(value, str) and value in valid:
                code = value
    return code


def recorded_choice(data_dir: Path, valid: Container[str]) -> str | None:
    """The choice recorded in the data folder's own database; None when it has none (or
    no database: a folder never set up has made no choice). A database that cannot be
    read raises StoreError."""
    path = data_dir / _DB_NAME
    if not path.exists():
        return None
    import sqlite3

    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT objects FROM audit_log WHERE event = ? ORDER BY seq", (SETTINGS_CHANGED,)
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        from trustdesk.store.connection import translate
        from trustdesk.store.errors import StoreError

        raise translate(exc, path) or StoreError(f"cannot read {path}: {exc}") from None
    return choice_in((str(text) for (text,) in rows), valid)
