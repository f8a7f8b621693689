"""The rule set in force: the bundled (or an agency's) rule packs and offense catalog.

The desktop app and the command line both build it with ``rules_for_data_dir``: the
bundled packs, replaced or added to by the packs the agency imported into the data
folder's ``rules/``. Versions of a pack that are no longer in force stay findable by
their SHA-256 (``RuleSet.pack_version``), so a decision recorded under one can still be
printed and re-evaluated exactly as decided.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from trustdesk import resources
from trustdesk.core.pack import RulePack
from trustdesk.core.select import select_pack
from trustdesk.rules.errors import InputError
from trustdesk.rules.known_sections import known_sections
from trustdesk.rules.packs import LoadedPack, bundled_pack_paths, load_pack

TYPE_CHECKING = False
if TYPE_CHECKING:
    from trustdesk.rules.catalog import OffenseCatalog


#: The data folder's sub-folder of imported packs, and its sub-folder of the imported
#: versions that a later import replaced (``<id>-<first 12 hex digits of SHA-256>.json``).
IMPORTED_FOLDER = "rules"
SUPERSEDED_FOLDER = "superseded"
_SHA256 = r"[0-9a-f]{64}"
_PACK_ID = r"[a-z]{2}-[0-9]{4}[a-z0-9-]*"  # as in schemas/rule-pack.schema.json


class RuleSet:
    """Every pack and the catalog, loaded and checked; the packs in force never change.

    ``sections`` (the catalog's section numbers) is all that deciding a case needs; the
    full catalog, for offense search, is loaded on first use. ``replaced`` holds the
    loaded packs an import took the place of (a bundled ``ct-2025``, say) and
    ``superseded_dir`` the imported versions a later import replaced, each read only when
    a decision made under it is asked for (``pack_version``).
    """

    __slots__ = (
        "_catalog",
        "_versions",
        "catalog_path",
        "catalog_sha256",
        "packs",
        "replaced",
        "sections",
        "superseded_dir",
    )

    def __init__(
        self,
        packs: tuple[LoadedPack, ...],
        sections: frozenset[str],
        catalog_path: Path,
        catalog_sha256: str,
        *,
        replaced: tuple[LoadedPack, ...] = (),
        superseded_dir: Path | None = None,
    ) -> None:
        self.packs = packs
        self.sections = sections
        self.catalog_path = catalog_path
        self.catalog_sha256 = catalog_sha256
        self.replaced = replaced
        self.superseded_dir = superseded_dir
        self._catalog: OffenseCatalog | None = None
        self._versions: dict[tuple[str, str], LoadedPack] = {}

    @property
    def catalog(self) -> OffenseCatalog:
        if self._catalog is None:
            from trustdesk.rules.catalog import load_catalog

            self._catalog = load_catalog(self.catalog_path)
        return self._catalog

    def pack_for(self, decision_time: datetime) -> RulePack:
        return select_pack((loaded.pack for loaded in self.packs), decision_time)

    def pack(self, pack_id: str) -> LoadedPack:
        for loaded in self.packs:
            if loaded.pack.id == pack_id:
                return loaded
        raise KeyError(pack_id)

    def pack_version(self, pack_id: str, sha256: str) -> LoadedPack:
        """The version of pack ``pack_id`` whose file has SHA-256 ``sha256``.

        Looked for among the packs in force, the ones an import replaced and the kept
        (superseded) imported versions; a kept file is loaded only now, checked exactly
        as at import, and refused (``InputError``) when its bytes do not hash to the
        SHA-256 its name records. ``KeyError`` when no such version is known.
        """
        for loaded in (*self.packs, *self.replaced):
            if loaded.pack.id == pack_id and loaded.pack.sha256 == sha256:
                return loaded
        key = (pack_id, sha256)
        found = self._versions.get(key)
        if found is None:
            found = self._versions[key] = self._load_superseded(pack_id, sha256)
        return found

    def _load_superseded(self, pack_id: str, sha256: str) -> LoadedPack:
        folder = self.superseded_dir
        named = re.fullmatch(_PACK_ID, pack_id) and re.fullmatch(_SHA256, sha256)
        if folder is None or not named:
            raise KeyError((pack_id, sha256))
        path = superseded_path(folder, pack_id, sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise KeyError((pack_id, sha256)) from None
        except OSError as exc:
            raise InputError(str(path), "", f"cannot be read: {exc.strerror or exc}") from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise InputError(
                str(path),
                "",
                f"its bytes have SHA-256 {actual[:12]}…, not the {sha256[:12]}… its name "
                "records: the kept rule pack was changed, so it is not used",
            )
        loaded = load_pack(path, catalog=self.sections, catalog_fingerprint=self.catalog_sha256)
        if loaded.pack.sha256 != sha256:
            raise InputError(str(path), "", "changed while it was being read; it is not used")
        if loaded.pack.id != pack_id:
            raise InputError(
                str(path), "/id", f"is {loaded.pack.id!r}, not the {pack_id!r} its name records"
            )
        return loaded


def superseded_path(folder: Path, pack_id: str, sha256: str) -> Path:
    """Where the superseded version ``sha256`` of pack ``pack_id`` is kept in ``folder``."""
    return folder / f"{pack_id}-{sha256[:12]}.json"


def rules_for_data_dir(data_dir: Path) -> RuleSet:
    """The rules applied on the data folder ``data_dir``, by the desktop app and the CLI.

    The bundled packs, with the packs imported into ``data_dir/rules`` in place of those
    of the same id (or added); a damaged imported pack raises with its file and reason.
    A data folder without ``rules/`` costs one ``stat``.
    """
    return load_rules(extra_dir=data_dir / IMPORTED_FOLDER)


def load_rules(
    pack_paths: list[Path] | None = None,
    catalog_path: Path | None = None,
    extra_dir: Path | None = None,
    *,
    extra_files: Sequence[Path] = (),
) -> RuleSet:
    """Load the catalog and every pack; any refusal raises with the file and reason.

    ``extra_dir`` holds an agency's imported packs (``*.json``) and ``extra_files`` more
    of them; each is checked exactly as a bundled pack and replaces the loaded pack of the
    same id, or adds a version. The overlap check runs on the result.
    """
    catalog_file = catalog_path or resources.resource("offenses", "ct.json")
    sections, digest = known_sections(catalog_file)

    def load(paths: Iterable[Path]) -> tuple[LoadedPack, ...]:
        return tuple(load_pack(p, catalog=sections, catalog_fingerprint=digest) for p in paths)

    base = load(pack_paths if pack_paths is not None else bundled_pack_paths())
    added = (*load(imported_pack_paths(extra_dir)), *load(extra_files))
    packs = merge_packs(base, added) if added else base
    _check_no_overlap(packs)
    added_ids = {loaded.pack.id for loaded in added}
    replaced = tuple(loaded for loaded in base if loaded.pack.id in added_ids)
    superseded = None if extra_dir is None else extra_dir / SUPERSEDED_FOLDER
    return RuleSet(
        packs, sections, catalog_file, digest, replaced=replaced, superseded_dir=superseded
    )


def imported_pack_paths(folder: Path | None) -> list[Path]:
    """The pack files an agency imported into ``folder`` (none when it does not exist).

    A folder that exists but cannot be read is an error, never taken for an empty one:
    the bundled packs must not silently stand in for the agency's.
    """
    if folder is None or not folder.is_dir():
        return []
    try:
        with os.scandir(folder) as entries:
            names = [
                entry.name
                for entry in entries
                if entry.name.endswith(".json") and not entry.name.startswith(".")
            ]
    except OSError as exc:
        raise InputError(str(folder), "", f"cannot be read: {exc.strerror or exc}") from None
    return [folder / name for name in sorted(names)]


def merge_packs(
    base: tuple[LoadedPack, ...], added: tuple[LoadedPack, ...]
) -> tuple[LoadedPack, ...]:
    """``added`` in place of the ``base`` packs with the same ids; in effective-date order.

    Two added packs with one id both stay, so the overlap check names the duplicate.
    """
    replaced = {loaded.pack.id for loaded in added}
    kept = tuple(loaded for loaded in base if loaded.pack.id not in replaced)
    return tuple(sorted((*kept, *added), key=lambda loaded: loaded.pack.effective_from))


def _check_no_overlap(packs: tuple[LoadedPack, ...]) -> None:
    """Exactly one version of the law may govern any date, and each id names one pack."""
    first_of: dict[str, LoadedPack] = {}
    for loaded in packs:
        first = first_of.setdefault(loaded.pack.id, loaded)
        if first is not loaded:
            reason = f"pack id {loaded.pack.id!r} is loaded twice (also {first.path})"
            raise InputError(str(loaded.path), "/id", reason)
    ordered = sorted(packs, key=lambda loaded: loaded.pack.effective_from)
    for earlier, later in pairwise(ordered):
        end = earlier.pack.effective_to
        if end is None or end >= later.pack.effective_from:
            raise InputError(
                str(later.path),
                "/effective_from",
                f"overlaps rule pack {earlier.pack.id} ({earlier.path}); "
                "only one version of the law may govern a date",
            )
