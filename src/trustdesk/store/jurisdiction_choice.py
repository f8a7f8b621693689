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
    from collections.abc import Callable, Container, Iterable, Mapping, Sequence
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

    from trustdesk.store.connection import inspect_file

    # What the file is, said as every command says it: a folder in its place read as
    # "input/output error … Check the disk", and a file that is not SQLite as damaged,
    # with the advice to restore a backup over it.
    inspect_file(path)
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


class LawCheck:
    """What a save checks against the record, inside its transaction: the jurisdiction
    whose law the desk decided under (``code``, read when it signed in), every valid
    code with its name, and the one in force when the record holds no choice."""

    __slots__ = ("code", "default", "names")

    def __init__(self, code: str, names: Mapping[str, str], default: str) -> None:
        self.code = code
        self.names = names
        self.default = default


#: The latest choice's entry, read with the chain's head in the save's turn (one query,
#: no extra round trip while the writers' lock is held): its objects, actor and time.
_LATEST = (
    "(SELECT {column} FROM audit_log WHERE event = ? AND objects LIKE ? ORDER BY seq DESC LIMIT 1)"
)
LATEST_CHOICE_COLUMNS = ", ".join(_LATEST.format(column=c) for c in ("objects", "actor", "at"))
LATEST_CHOICE_PARAMS = (SETTINGS_CHANGED, f'%"setting":"{SETTING}"%') * 3


def law_change(
    check: LawCheck,
    latest: Sequence[object],
    every: Callable[[], Iterable[str]],
    read: str = "when it signed in",
) -> str | None:
    """What changed, when the record's jurisdiction is no longer the one the desk read
    (``check.code``), else None: "the agency's jurisdiction in the record was changed to
    California by chief at … UTC, but this desk read Connecticut when it signed in".
    ``latest``: the objects, actor and time of the latest choice's entry (None: none);
    ``every``: all choices' objects, read only when that latest entry holds no valid code
    (a tampered one)."""
    objects, actor, at = latest
    code = None if objects is None else choice_in([str(objects)], check.names)
    if objects is not None and code is None:
        code = choice_in(every(), check.names)
        actor = at = None  # not the latest entry's: who made it is not said
    now = code or check.default
    if now == check.code:
        return None
    law = check.names.get(now, now)
    if code is None:
        what = f"is {law} (none was chosen: the default)"
    elif actor is not None and at is not None:
        what = f"was changed to {law} by {actor} at {str(at)[:16].replace('T', ' ')} UTC"
    else:
        what = f"was changed to {law}"
    was = check.names.get(check.code, check.code)
    return f"the agency's jurisdiction in the record {what}, but this desk read {was} {read}"


def law_conflict(
    check: LawCheck, latest: Sequence[object], every: Callable[[], Iterable[str]]
) -> str | None:
    """Why a save must be refused (see ``law_change``), or None."""
    change = law_change(check, latest, every)
    if change is None:
        return None
    was = check.names.get(check.code, check.code)
    return (
        f"{change}: this decision was evaluated under {was}'s law, so nothing was saved; "
        "sign in again (or restart TrustDesk) and start the case again under the new law"
    )
