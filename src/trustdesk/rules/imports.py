"""Importing an agency's rule pack: checked exactly as the bundled ones, then installed.

A pack file is accepted only when the rule set *with it* loads: the file passes every
check of ``load_pack`` (strict JSON, schema, references, its own embedded tests) and
the whole set passes ``load_rules``' overlap check. Only then are the very bytes that
were checked copied into the data folder's ``rules/`` folder (temporary name, fsync,
rename), where ``load_rules(extra_dir=...)`` finds them at every start. Any refusal
raises ``RulesError`` naming the file, the JSON pointer and the reason; nothing is
written and the rules in force stay in force.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from trustdesk.rules.errors import InputError
from trustdesk.rules.packs import LoadedPack, load_pack
from trustdesk.rules.registry import RuleSet, load_rules

#: The data folder's sub-folder of imported packs.
IMPORTED_FOLDER = "rules"
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

    @property
    def target(self) -> Path:
        return self.folder / f"{self.loaded.pack.id}.json"


@dataclass(frozen=True, slots=True)
class InstalledImport:
    """An installed pack, the rule set reloaded with it, and how to take it back out."""

    checked: CheckedImport
    rules: RuleSet
    previous: bytes | None  # the imported file it replaced, if there was one

    def undo(self) -> None:
        """Put the folder back as it was (used when the import cannot be recorded)."""
        _put_back(self.checked.target, self.previous)


def check_import(source: Path, folder: Path, *, catalog_path: Path | None = None) -> CheckedImport:
    """Check ``source`` as the rule set with it installed in ``folder``; nothing is written."""
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
    current = load_rules(catalog_path=catalog_path, extra_dir=folder)
    loaded = load_pack(source, catalog=current.sections, catalog_fingerprint=current.catalog_sha256)
    # The set as the next start will load it: this pack in place of the one of its id.
    kept = [lp.path for lp in current.packs if lp.pack.id != loaded.pack.id]
    load_rules([*kept, source], catalog_path=catalog_path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise InputError(name, "", f"cannot be read: {exc.strerror or exc}") from None
    if hashlib.sha256(data).hexdigest() != loaded.pack.sha256:
        raise InputError(name, "", "changed while it was being checked; import it again")
    replaces = next((lp for lp in current.packs if lp.pack.id == loaded.pack.id), None)
    return CheckedImport(source, data, loaded, replaces, folder)


def install(checked: CheckedImport, *, catalog_path: Path | None = None) -> InstalledImport:
    """Write the checked bytes into the folder and reload the rule set from it.

    Should the reload fail after all, the folder is put back and the error raised.
    """
    target = checked.target
    try:
        checked.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        previous = target.read_bytes() if target.exists() else None
    except OSError as exc:
        raise InputError(
            str(target), "", f"cannot be written: {exc.strerror or exc}; nothing was changed"
        ) from None
    write_atomically(target, checked.data)
    try:
        rules = load_rules(catalog_path=catalog_path, extra_dir=checked.folder)
    except BaseException:
        _put_back(target, previous)
        raise
    return InstalledImport(checked, rules, previous)


def _put_back(target: Path, previous: bytes | None) -> None:
    if previous is None:
        target.unlink(missing_ok=True)
        _fsync_dir(target.parent)
    else:
        write_atomically(target, previous)


def write_atomically(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` whole or not at all (temporary name, fsync, rename)."""
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with open(temp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except OSError as exc:
        raise InputError(
            str(target), "", f"cannot be written: {exc.strerror or exc}; nothing was changed"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
