"""Importing an agency's rule pack: checked exactly as the bundled ones, then installed.

A pack file is accepted only when the rule set *with it* loads: the file passes every
check of ``load_pack`` (strict JSON, schema, references, its own embedded tests) and
the whole set passes ``load_rules``' overlap check. Only then are the very bytes that
were checked copied into the data folder's ``rules/`` folder (temporary name, fsync,
rename), where ``load_rules(extra_dir=...)`` finds them at every start. Any refusal
raises ``RulesError`` naming the file, the JSON pointer and the reason; nothing is
written and the rules in force stay in force.

An imported file that a new import replaces is not destroyed: its bytes are first kept
as ``rules/superseded/<id>-<sha12>.json`` (written and fsynced before the replacement),
so decisions made under it can still be printed (``RuleSet.pack_version``). At every
moment the folder holds either the old pack or the new one in force, never neither.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

from trustdesk.durable import fsync_dir
from trustdesk.rules import strict_json
from trustdesk.rules.errors import InputError
from trustdesk.rules.packs import DEFAULT_JURISDICTION, LoadedPack, load_pack
from trustdesk.rules.registry import (
    IMPORTED_FOLDER,
    SUPERSEDED_FOLDER,
    RuleSet,
    load_rules,
    superseded_path,
)

__all__ = [
    "IMPORTED_FOLDER",
    "CheckedImport",
    "InstalledImport",
    "check_import",
    "imported_folder",
    "install",
    "write_atomically",
]
#: A pack is tens of kilobytes; anything this large is not one (and is not read whole).
MAX_PACK_BYTES = 5 * 1024 * 1024


def imported_folder(data_dir: Path) -> Path:
    return data_dir / IMPORTED_FOLDER


@dataclass(frozen=True, slots=True)
class CheckedImport:
    """A pack file that passed every check, and what installing it would change."""

    source: Path
    data: bytes
    loaded: LoadedPack
    replaces: LoadedPack | None  # the pack of the same id in force now, if any
    folder: Path
    accepted: Mapping[str, str] | None = None  # imported versions in force before it

    @property
    def target(self) -> Path:
        return self.folder / f"{self.loaded.pack.id}.json"


@dataclass(frozen=True, slots=True)
class InstalledImport:
    """An installed pack, the rule set reloaded with it, and how to take it back out."""

    checked: CheckedImport
    rules: RuleSet
    previous: bytes | None  # the imported file it replaced, if there was one
    kept: Path | None = None  # where the replaced imported version is kept, if one was
    #: Every file written or removed, with its bytes before (None: it did not exist).
    changes: tuple[tuple[Path, bytes | None], ...] = ()

    def undo(self) -> None:
        """Put the folder back as it was (used when the import cannot be recorded)."""
        _put_back(self.changes)


def check_import(
    source: Path,
    folder: Path,
    *,
    catalog_path: Path | None = None,
    accepted: Mapping[str, str] | None = None,
    jurisdiction: str = DEFAULT_JURISDICTION,
) -> CheckedImport:
    """Check ``source`` as the rule set with it installed in ``folder``; nothing is written.

    ``accepted``: the imported versions in force (``load_rules``); the caller passes the
    audit chain's, so a file dropped into the folder by hand plays no part in the check.
    ``jurisdiction``: the agency's; a pack of another jurisdiction is refused.
    """
    name = str(source)
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise InputError(name, "", f"cannot be read: {exc.strerror or exc}") from None
    if not source.is_file():
        raise InputError(name, "", "is not a file")
    if source.resolve().parent == folder.resolve():
        raise InputError(name, "", "is already in TrustDesk's folder of imported packs")
    if size > MAX_PACK_BYTES:
        raise InputError(
            name, "", f"is {size:,} bytes; a rule pack is at most {MAX_PACK_BYTES:,} bytes"
        )
    current = load_rules(
        catalog_path=catalog_path, extra_dir=folder, accepted=accepted, jurisdiction=jurisdiction
    )
    loaded = load_pack(
        source,
        catalog=current.sections,
        catalog_fingerprint=current.catalog_sha256,
        jurisdiction=jurisdiction,
    )
    # The set as the next start will load it: this pack in place of the one of its id.
    kept = [lp.path for lp in current.packs if lp.pack.id != loaded.pack.id]
    after = load_rules([*kept, source], catalog_path=catalog_path, jurisdiction=jurisdiction)
    _refuse_new_gap(name, loaded, current.packs, after.packs)
    try:
        data = strict_json.read_file(source, "rule pack")
    except OSError as exc:
        raise InputError(name, "", f"cannot be read: {exc.strerror or exc}") from None
    if hashlib.sha256(data).hexdigest() != loaded.pack.sha256:
        raise InputError(name, "", "changed while it was being checked; import it again")
    replaces = next((lp for lp in current.packs if lp.pack.id == loaded.pack.id), None)
    return CheckedImport(source, data, loaded, replaces, folder, accepted)


def _gaps(packs: Iterable[LoadedPack]) -> list[tuple[LoadedPack, LoadedPack]]:
    """Each pair of packs, one after the other, with days between them that neither governs."""
    ordered = sorted(packs, key=lambda loaded: loaded.pack.effective_from)
    return [
        (earlier, later)
        for earlier, later in pairwise(ordered)
        if earlier.pack.effective_to is not None
        and earlier.pack.effective_to + timedelta(days=1) < later.pack.effective_from
    ]


def _refuse_new_gap(
    name: str,
    loaded: LoadedPack,
    before: Iterable[LoadedPack],
    after: Iterable[LoadedPack],
) -> None:
    """Refuse a pack that leaves days between two versions of the law with neither in
    force (a case on them could not be decided). A gap the packs in force already had is
    not this import's doing and is left to the pack that closes it."""
    had = {(a.pack.effective_to, b.pack.effective_from) for a, b in _gaps(before)}
    for earlier, later in _gaps(after):
        end, start = earlier.pack.effective_to, later.pack.effective_from
        if (end, start) in had or end is None:
            continue
        pointer = "/effective_from" if later.pack.id == loaded.pack.id else "/effective_to"
        raise InputError(
            name,
            pointer,
            f"leaves {end + timedelta(days=1)} to {start - timedelta(days=1)} with no rule "
            f"pack in force ({earlier.pack.id} ends on {end}, {later.pack.id} begins on "
            f"{start}): a case on those days could not be decided; make one begin the day "
            "after the other ends",
        )


def install(
    checked: CheckedImport,
    *,
    catalog_path: Path | None = None,
    jurisdiction: str = DEFAULT_JURISDICTION,
) -> InstalledImport:
    """Write the checked bytes into the folder and reload the rule set from it.

    The imported file of the pack it replaces is first kept in ``superseded/``. Should
    anything fail after all, the folder is put back and the error raised.
    """
    target = checked.target
    folder = checked.folder
    old = checked.replaces
    # The imported file in force for this id (normally ``target``; bundled ones stay put).
    old_file = old.path if old is not None and old.path.parent == folder else None
    try:
        # 0770 less the umask: every member of a shared data folder's group reads the
        # agency's packs (a per-user data folder is private by its own 0700 mode).
        folder.mkdir(mode=0o770, parents=True, exist_ok=True)
        previous = target.read_bytes() if target.exists() else None
        old_bytes = None if old_file is None or not old_file.exists() else old_file.read_bytes()
    except OSError as exc:
        raise InputError(
            str(target), "", f"cannot be written: {exc.strerror or exc}; nothing was changed"
        ) from None
    changes: list[tuple[Path, bytes | None]] = []
    try:
        kept = None
        if old_bytes is not None and old_bytes != checked.data:
            kept = _keep_superseded(folder, checked.loaded.pack.id, old_bytes, changes)
        write_atomically(target, checked.data)  # whole or not at all: noted once done
        changes.append((target, previous))
        if old_file is not None and old_file != target and old_bytes is not None:
            changes.append((old_file, old_bytes))
            _remove(old_file)
        accepted = (
            None
            if checked.accepted is None
            else {**checked.accepted, checked.loaded.pack.sha256: checked.loaded.pack.id}
        )
        rules = load_rules(
            catalog_path=catalog_path,
            extra_dir=folder,
            accepted=accepted,
            jurisdiction=jurisdiction,
        )
    except BaseException:
        _put_back(tuple(changes))
        raise
    return InstalledImport(checked, rules, previous, kept, tuple(changes))


def _keep_superseded(
    folder: Path, pack_id: str, data: bytes, changes: list[tuple[Path, bytes | None]]
) -> Path:
    """Keep ``data`` (a replaced imported version) in ``superseded/``; note what changed."""
    archive = folder / SUPERSEDED_FOLDER
    kept = superseded_path(archive, pack_id, hashlib.sha256(data).hexdigest())
    try:
        if not archive.is_dir():
            archive.mkdir(mode=0o770)  # as the imported folder: the group reads it
            changes.append((archive, None))
            fsync_dir(folder)
        before = kept.read_bytes() if kept.exists() else None
    except OSError as exc:
        raise InputError(
            str(kept), "", f"cannot be written: {exc.strerror or exc}; nothing was changed"
        ) from None
    if before != data:  # already kept (imported again after a later version): nothing to do
        write_atomically(kept, data)
        changes.append((kept, before))
    return kept


def _put_back(changes: tuple[tuple[Path, bytes | None], ...]) -> None:
    """Undo ``changes`` in reverse order: rewrite each file, or remove what was created.

    Every change is tried; the first failure is raised once all were.
    """
    failure: InputError | None = None
    for path, before in reversed(changes):
        try:
            if before is not None:
                write_atomically(path, before)
            elif path.is_dir():
                with contextlib.suppress(OSError):  # left in place if anything else is in it
                    path.rmdir()
                    fsync_dir(path.parent)
            else:
                _remove(path)
        except InputError as error:
            failure = failure or error
    if failure is not None:
        raise failure


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
        fsync_dir(path.parent)
    except OSError as exc:
        raise InputError(str(path), "", f"cannot be removed: {exc.strerror or exc}") from None


def write_atomically(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` whole or not at all (temporary name, fsync, rename)."""
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with open(temp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
        fsync_dir(target.parent)
    except OSError as exc:
        raise InputError(
            str(target), "", f"cannot be written: {exc.strerror or exc}; nothing was changed"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
