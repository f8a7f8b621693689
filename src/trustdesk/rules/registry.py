"""The rule set in force: the bundled (or an agency's) rule packs and offense catalog."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from trustdesk import resources
from trustdesk.core.pack import RulePack
from trustdesk.core.select import select_pack
from trustdesk.rules.catalog import OffenseCatalog, load_catalog
from trustdesk.rules.errors import InputError
from trustdesk.rules.packs import LoadedPack, bundled_pack_paths, load_pack


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every pack and the catalog, loaded and checked; immutable once built."""

    packs: tuple[LoadedPack, ...]
    catalog: OffenseCatalog
    catalog_sha256: str

    def pack_for(self, decision_time: datetime) -> RulePack:
        return select_pack((loaded.pack for loaded in self.packs), decision_time)

    def pack(self, pack_id: str) -> LoadedPack:
        for loaded in self.packs:
            if loaded.pack.id == pack_id:
                return loaded
        raise KeyError(pack_id)


def catalog_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(str(path), "", f"cannot be read: {exc.strerror or exc}") from None


def load_rules(pack_paths: list[Path] | None = None, catalog_path: Path | None = None) -> RuleSet:
    """Load the catalog and every pack; any refusal raises with the file and reason."""
    catalog_file = catalog_path or resources.resource("offenses", "ct.json")
    catalog = load_catalog(catalog_file)
    digest = catalog_digest(catalog_file)
    packs = tuple(
        load_pack(path, catalog=catalog, catalog_fingerprint=digest)
        for path in (pack_paths if pack_paths is not None else bundled_pack_paths())
    )
    _check_no_overlap(packs)
    return RuleSet(packs, catalog, digest)


def _check_no_overlap(packs: tuple[LoadedPack, ...]) -> None:
    """Exactly one version of the law may govern any date."""
    ordered = sorted(packs, key=lambda loaded: loaded.pack.effective_from)
    for earlier, later in pairwise(ordered):
        if earlier.pack.id == later.pack.id:
            raise InputError(str(later.path), "/id", f"pack id {later.pack.id!r} is loaded twice")
        end = earlier.pack.effective_to
        if end is None or end >= later.pack.effective_from:
            raise InputError(
                str(later.path),
                "/effective_from",
                f"overlaps rule pack {earlier.pack.id} ({earlier.path}); "
                "only one version of the law may govern a date",
            )
