"""The rule set in force: the bundled (or an agency's) rule packs and offense catalog."""

from __future__ import annotations

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


class RuleSet:
    """Every pack and the catalog, loaded and checked; not changed once built.

    ``sections`` (the catalog's section numbers) is all that deciding a case needs; the
    full catalog, for offense search, is loaded on first use.
    """

    __slots__ = ("_catalog", "catalog_path", "catalog_sha256", "packs", "sections")

    def __init__(
        self,
        packs: tuple[LoadedPack, ...],
        sections: frozenset[str],
        catalog_path: Path,
        catalog_sha256: str,
    ) -> None:
        self.packs = packs
        self.sections = sections
        self.catalog_path = catalog_path
        self.catalog_sha256 = catalog_sha256
        self._catalog: OffenseCatalog | None = None

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

    packs = load(pack_paths if pack_paths is not None else bundled_pack_paths())
    added = (*load(imported_pack_paths(extra_dir)), *load(extra_files))
    if added:
        packs = merge_packs(packs, added)
    _check_no_overlap(packs)
    return RuleSet(packs, sections, catalog_file, digest)


def imported_pack_paths(folder: Path | None) -> list[Path]:
    """The pack files an agency imported into ``folder`` (none when it does not exist)."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.json") if not path.name.startswith("."))


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
