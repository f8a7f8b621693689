"""Which imported rule-pack versions the audit chain puts in force.

A pack file comes into force only through the import path, which records
``rules.imported`` (pack id and SHA-256) in the audit chain. The versions in force are
the latest recorded one of each pack id; the rules loader applies a file of the data
folder's ``rules/`` only when its SHA-256 is one of them (``rules.registry.load_rules``),
so a file dropped there by hand, or an older version copied back, is not applied.

``trustdesk evaluate`` records nothing and never opens the store; it reads these
entries over a read-only connection, and only when ``rules/`` holds a pack file.
"""

from __future__ import annotations

import json
import sqlite3

# Deliberately light: ``trustdesk evaluate`` imports this module (see the docstring), so
# it does not import the store's audit or connection modules (typing, dataclasses…).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path
    from typing import Any

    from trustdesk.store.records import AuditEntry

RULES_IMPORTED = "rules.imported"
#: A revision made in TrustDesk by counsel's sign-off (services.signoff) is put in force
#: the same way as an import: by its audit entry (pack id and SHA-256).
RULES_SIGNED_OFF = "rules.signed_off"
PUT_IN_FORCE = (RULES_IMPORTED, RULES_SIGNED_OFF)
#: An administrator keeps the agency's version of a pack although TrustDesk's shipped one
#: has changed since it took its place (services.pack_alerts): the pair is not named again.
SHIPPED_CHANGE_KEPT = "rules.shipped_change_kept"
#: ``replacements``' answer for a version put in force where no pack of its id was.
REPLACED_NOTHING = ""
_DB_NAME = "trustdesk.db"  # store.paths.DB_NAME (tests/security holds them equal)


def _latest(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    latest: dict[str, str] = {}
    for outcome, text in rows:
        if outcome != "success":
            continue
        try:
            objects = json.loads(text)
        except ValueError:
            continue
        pack = objects.get("pack") if isinstance(objects, dict) else None
        digest = objects.get("sha256") if isinstance(objects, dict) else None
        if isinstance(pack, str) and isinstance(digest, str):
            latest[pack] = digest
    return {digest: pack for pack, digest in latest.items()}


def in_force(entries: Iterable[AuditEntry]) -> dict[str, str]:
    """SHA-256 → pack id of the latest recorded import or sign-off of each pack id."""
    return _latest(
        (entry.outcome, entry.objects) for entry in entries if entry.event in PUT_IN_FORCE
    )


def _recorded(entries: Iterable[AuditEntry], events: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The objects of each successful entry of ``events`` that read as a JSON object, in
    the entries' order (an entry that does not read is passed over)."""
    wanted = set(events)
    for entry in entries:
        if entry.event not in wanted or entry.outcome != "success":
            continue
        try:
            objects = json.loads(entry.objects)
        except ValueError:
            continue
        if isinstance(objects, dict):
            yield objects


def changes_kept(entries: Iterable[AuditEntry]) -> set[tuple[str, str]]:
    """(the agency's version, the shipped version) of every recorded decision to keep the
    agency's pack in force without the shipped version's changes (``SHIPPED_CHANGE_KEPT``)."""
    found: set[tuple[str, str]] = set()
    for objects in _recorded(entries, (SHIPPED_CHANGE_KEPT,)):
        agency, shipped = objects.get("sha256"), objects.get("shipped_sha256")
        if isinstance(agency, str) and isinstance(shipped, str):
            found.add((agency, shipped))
    return found


def replacements(entries: Iterable[AuditEntry]) -> dict[str, str]:
    """SHA-256 → the SHA-256 of the version it replaced, of every recorded import or
    sign-off that replaced one (``replaced_sha256``): followed back, the versions an
    agency's pack was made from, down to the shipped one it first took the place of.
    An import recorded as replacing nothing maps to the version of its pack id the trail
    put in force before it, if any (the version in force was then withheld, its file
    damaged or changed), else to ``REPLACED_NOTHING``: it came into force where no pack of
    its id was. An import with no record of what it replaced is not in the map."""
    found: dict[str, str] = {}
    latest: dict[str, str] = {}  # pack id -> the version the trail last put in force
    for objects in _recorded(entries, PUT_IN_FORCE):
        digest, replaced = objects.get("sha256"), objects.get("replaced_sha256")
        pack = objects.get("pack")
        earlier = latest.get(pack) if isinstance(pack, str) else None
        if isinstance(pack, str) and isinstance(digest, str):
            latest[pack] = digest
        if isinstance(digest, str) and replaced is None and "replaced_sha256" in objects:
            # Replacing nothing: the version the trail put in force before it was withheld
            # (its file damaged), else no pack of its id was in force at all.
            before = earlier if earlier is not None and earlier != digest else None
            found.setdefault(digest, REPLACED_NOTHING if before is None else before)
        elif isinstance(digest, str) and isinstance(replaced, str) and digest != replaced:
            # What it replaced when first put in force: a version's text never changes, so
            # what it was made from is fixed then. Put back in force later (X, then Y,
            # then X again) it replaces another version, and that would make a loop
            # (X -> Y -> X) hiding where X came from.
            found.setdefault(digest, replaced)
    return found


def imported_in_force(data_dir: Path) -> dict[str, str]:
    """``in_force`` of the data folder's database, read without opening the store.

    No database: nothing was ever imported through TrustDesk here. A database that
    cannot be read raises StoreError (the caller then applies none of the imported packs).
    """
    path = data_dir / _DB_NAME
    if not path.exists():
        return {}
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT outcome, objects FROM audit_log WHERE event IN (?, ?) ORDER BY seq",
                PUT_IN_FORCE,
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        from trustdesk.store.connection import translate
        from trustdesk.store.errors import StoreError

        raise translate(exc, path) or StoreError(f"cannot read {path}: {exc}") from None
    return _latest(rows)


PUBLISHER_UNTRUSTED = "rules.publisher_untrusted"  # services.publishers: a revocation


def import_signers(data_dir: Path) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Who signed each imported version, and which keys were revoked when (read-only).

    Returns (pack SHA-256 → (publisher, key fingerprint)) for the recorded imports of
    signed packs, and (key fingerprint → revocation time) from the revocation entries, so
    that the list of packs in force can say that a pack stays in force although the key
    it was signed with has since been revoked (decision 0031). No database: both empty.
    """
    path = data_dir / _DB_NAME
    if not path.exists():
        return {}, {}
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT event, at, objects FROM audit_log WHERE outcome = 'success' "
                "AND event IN (?, ?) ORDER BY seq",
                (RULES_IMPORTED, PUBLISHER_UNTRUSTED),
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        from trustdesk.store.connection import translate
        from trustdesk.store.errors import StoreError

        raise translate(exc, path) or StoreError(f"cannot read {path}: {exc}") from None
    return signers_of(rows)


def signers_of(
    rows: Iterable[tuple[str, str, str]],
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """``import_signers``' answer from the successful import and revocation entries
    (event, time, objects), in chain order: read from a data folder's own file, or from
    the open store's chain (``RulePackService.import_signers``, on a server too)."""
    signers: dict[str, tuple[str, str]] = {}
    revoked: dict[str, str] = {}
    for event, at, text in rows:
        try:
            objects = json.loads(text)
        except ValueError:
            continue
        if not isinstance(objects, dict):
            continue
        if event == RULES_IMPORTED:
            digest, fingerprint = objects.get("sha256"), objects.get("key_fingerprint")
            if isinstance(digest, str) and isinstance(fingerprint, str):
                signers[digest] = (str(objects.get("publisher") or ""), fingerprint)
        else:
            fingerprint = objects.get("fingerprint")
            if isinstance(fingerprint, str):
                revoked.setdefault(fingerprint, str(at))
    return signers, revoked
