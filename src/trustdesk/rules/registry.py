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
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from trustdesk.core.errors import CoreError
from trustdesk.core.pack import RulePack
from trustdesk.core.select import select_pack
from trustdesk.rules import format1_imports, pack_format1
from trustdesk.rules.errors import InputError, RulesError
from trustdesk.rules.known_sections import known_sections
from trustdesk.rules.packs import (
    DEFAULT_JURISDICTION,
    LoadedPack,
    bundled_pack_paths,
    catalog_path_for,
    load_pack,
)

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
        "converted",
        "jurisdiction",
        "packs",
        "replaced",
        "sections",
        "skipped",
        "superseded_dir",
        "withheld",
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
        skipped: tuple[str, ...] = (),
        withheld: tuple[tuple[LoadedPack, str], ...] = (),
        converted: tuple[str, ...] = (),
        jurisdiction: str = DEFAULT_JURISDICTION,
    ) -> None:
        self.packs = packs
        #: The jurisdiction whose packs and catalog these are (the agency's).
        self.jurisdiction = jurisdiction
        #: One notice per imported format-1 pack applied through its all-unverified
        #: format-2 reading: that it is, and what lifts it (decision 0031).
        self.converted = converted
        #: One message per file of the imported-packs folder that is not applied: what is
        #: wrong with it and how to fix it (remove it, or import it again).
        self.skipped = skipped
        #: Shipped packs held back because the imported file of their id is skipped:
        #: a case they would govern is refused with that file's message, not decided.
        self.withheld = withheld
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
        for loaded, why in self.withheld:
            try:
                select_pack((loaded.pack,), decision_time)
            except CoreError:
                continue  # not its dates: the packs that are fine still decide
            raise RulesError(f"the rule pack for this date is not applied: {why}")
        return select_pack((loaded.pack for loaded in self.packs), decision_time)

    def pack(self, pack_id: str) -> LoadedPack:
        for loaded in self.packs:
            if loaded.pack.id == pack_id:
                return loaded
        raise KeyError(pack_id)

    def pack_version(self, pack_id: str, sha256: str) -> LoadedPack:
        """The version of pack ``pack_id`` whose file has SHA-256 ``sha256``.

        Looked for among the packs in force, the ones an import replaced, the kept
        (superseded) imported versions and every version TrustDesk ever shipped
        (``rules.pack_history``); a kept file is loaded only now, checked as at import
        (a format-1 file through its format-2 reading, ``rules.pack_format1``), and
        refused (``InputError``) when its bytes do not hash to the SHA-256 recorded for
        it. ``KeyError`` when no such version is known.
        """
        # A withheld shipped pack is still the exact version some decisions were made
        # under (found by its SHA-256): printing those stays possible.
        held = tuple(loaded for loaded, _why in self.withheld)
        for loaded in (*self.packs, *self.replaced, *held):
            if loaded.pack.id == pack_id and loaded.pack.sha256 == sha256:
                return loaded
        key = (pack_id, sha256)
        found = self._versions.get(key)
        if found is None:
            try:
                found = self._load_superseded(pack_id, sha256)
            except KeyError:
                try:
                    found = self._load_imported_as_is(pack_id, sha256)
                except KeyError:
                    found = self._load_shipped(pack_id, sha256)
            self._versions[key] = found
        return found

    def _load_imported_as_is(self, pack_id: str, sha256: str) -> LoadedPack:
        """The imported file of ``pack_id`` when its bytes are exactly version ``sha256``.

        After an upgrade a pack an agency imported in format 1 is no longer applied
        (it is skipped), yet the decisions made under it name its SHA-256: the same
        bytes are the law as applied, so they are read (format 1 through its reading).
        """
        folder = self.superseded_dir
        if folder is None or not re.fullmatch(_PACK_ID, pack_id):
            raise KeyError((pack_id, sha256))
        path = folder.parent / f"{pack_id}.json"
        try:
            data = path.read_bytes()
        except OSError:
            raise KeyError((pack_id, sha256)) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise KeyError((pack_id, sha256))
        return self._load_kept(path, pack_id, sha256)

    def _load_shipped(self, pack_id: str, sha256: str) -> LoadedPack:
        from trustdesk.rules.pack_history import kept_file

        path = kept_file(pack_id, sha256)
        if path is None:
            raise KeyError((pack_id, sha256))
        return self._load_kept(path, pack_id, sha256)

    def _load_kept(self, path: Path, pack_id: str, sha256: str) -> LoadedPack:
        sections, digest = self.sections, self.catalog_sha256
        # A decision made before the agency changed jurisdiction names a pack of the
        # other one: it is read with that jurisdiction's catalog, as it was decided.
        other = _stated_jurisdiction(path)
        if other is not None and other != self.jurisdiction:
            found = catalog_path_for(other)
            if found.exists():
                sections, digest = known_sections(found)
        loaded = load_pack(path, catalog=sections, catalog_fingerprint=digest, old_formats=True)
        if loaded.pack.sha256 != sha256:
            raise InputError(str(path), "", "changed while it was being read; it is not used")
        if loaded.pack.id != pack_id:
            raise InputError(
                str(path), "/id", f"is {loaded.pack.id!r}, not the {pack_id!r} its name records"
            )
        return loaded

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
        return self._load_kept(path, pack_id, sha256)


def _stated_jurisdiction(path: Path) -> str | None:
    """The ``jurisdiction`` a pack file states (None when it cannot be read as one)."""
    import json

    try:
        raw = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    value = raw.get("jurisdiction") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and value.isalnum() and value.isupper() else None


def superseded_path(folder: Path, pack_id: str, sha256: str) -> Path:
    """Where the superseded version ``sha256`` of pack ``pack_id`` is kept in ``folder``."""
    return folder / f"{pack_id}-{sha256[:12]}.json"


def rules_for_data_dir(
    data_dir: Path,
    accepted: Mapping[str, str] | None = None,
    jurisdiction: str = DEFAULT_JURISDICTION,
) -> RuleSet:
    """The rules applied on the data folder ``data_dir``, by the desktop app and the CLI.

    The bundled packs, with the packs imported into ``data_dir/rules`` in place of those
    of the same id (or added). ``accepted`` holds the SHA-256 of each pack version the
    audit chain records as imported and in force (see ``load_rules``); a file of that
    folder that is not one of them, or is damaged, is skipped with a message
    (``RuleSet.skipped``). A data folder without ``rules/`` costs one ``stat``.
    ``jurisdiction``: the agency's; only its packs and its catalog are loaded.
    """
    return load_rules(
        extra_dir=data_dir / IMPORTED_FOLDER, accepted=accepted, jurisdiction=jurisdiction
    )


def load_rules(
    pack_paths: list[Path] | None = None,
    catalog_path: Path | None = None,
    extra_dir: Path | None = None,
    *,
    extra_files: Sequence[Path] = (),
    accepted: Mapping[str, str] | None = None,
    jurisdiction: str = DEFAULT_JURISDICTION,
) -> RuleSet:
    """Load the catalog and every pack; any refusal raises with the file and reason.

    ``extra_dir`` holds an agency's imported packs (``*.json``) and ``extra_files`` more
    of them; each is checked exactly as a bundled pack and replaces the loaded pack of the
    same id, or adds a version. The overlap check runs on the result.

    A file of ``extra_dir`` comes into force only when its SHA-256 is in ``accepted``
    (SHA-256 → pack id of the versions the import path recorded in the audit chain): a
    file dropped there by hand is skipped, and so is one that fails its checks, each with
    a message naming the file and the fix (``RuleSet.skipped``), while the packs that are
    fine stay in force.
    ``accepted=None`` (tests, tools) takes every readable file, still skipping damaged ones.
    ``jurisdiction``: only packs of this jurisdiction are loaded (a pack of another one is
    refused, an imported one skipped), with its catalog ``resources/offenses/<id>.json``.
    """
    catalog_file = catalog_path or catalog_path_for(jurisdiction)
    sections, digest = known_sections(catalog_file)

    def own(loaded: LoadedPack) -> LoadedPack:
        if loaded.pack.jurisdiction != jurisdiction:
            raise InputError(
                str(loaded.path),
                "/jurisdiction",
                f"is a rule pack of {loaded.pack.jurisdiction}, not of {jurisdiction} "
                "(the agency's jurisdiction); it is not applied",
            )
        return loaded

    def load(paths: Iterable[Path]) -> tuple[LoadedPack, ...]:
        return tuple(own(load_pack(p, catalog=sections, catalog_fingerprint=digest)) for p in paths)

    def load_agency(paths: Iterable[Path]) -> tuple[LoadedPack, ...]:
        # A pack the agency imported before the upgrade may be format 1: it is read as
        # format 2 with every item unverified (rules.pack_format1, decision 0031).
        return tuple(
            own(format1_imports.load_imported(p, catalog=sections, catalog_fingerprint=digest))
            if pack_format1.is_format_1_file(p)
            else own(
                load_pack(
                    p, catalog=sections, catalog_fingerprint=digest, jurisdiction=jurisdiction
                )
            )
            for p in paths
        )

    base = load(pack_paths if pack_paths is not None else bundled_pack_paths(jurisdiction))
    imported, skipped = _load_imported(imported_pack_paths(extra_dir), accepted, load_agency)
    # An imported file is named after its pack's id: while it is skipped, the shipped pack
    # of that id must not silently stand in for the agency's own version of the law.
    # (Only for an id the agency did import: a file dropped there by hand under a
    # shipped pack's name is skipped and the shipped pack stays in force.)
    imported_ids = set(skipped) if accepted is None else set(accepted.values())
    held_ids = imported_ids & set(skipped)
    withheld = tuple((lp, skipped[lp.pack.id]) for lp in base if lp.pack.id in held_ids)
    base = tuple(lp for lp in base if lp.pack.id not in held_ids)
    added = (*imported, *load(extra_files))
    packs = merge_packs(base, added) if added else base
    _check_no_overlap(packs)
    added_ids = {loaded.pack.id for loaded in added}
    replaced = tuple(loaded for loaded in base if loaded.pack.id in added_ids)
    superseded = None if extra_dir is None else extra_dir / SUPERSEDED_FOLDER
    converted = tuple(
        f"{lp.pack.id} ({lp.path.name}): {pack_format1.IMPORTED_NOTICE}"
        for lp in imported
        if pack_format1.is_format_1_file(lp.path)
    )
    return RuleSet(
        packs,
        sections,
        catalog_file,
        digest,
        replaced=replaced,
        superseded_dir=superseded,
        skipped=tuple(skipped.values()),
        withheld=withheld,
        converted=converted,
        jurisdiction=jurisdiction,
    )


_FIX = (
    "remove it from that folder, or import the pack again in the desktop app "
    "(Administration → Rule packs → Import rule pack…)"
)


def _load_imported(
    paths: list[Path],
    accepted: Mapping[str, str] | None,
    load: Callable[[Iterable[Path]], tuple[LoadedPack, ...]],
) -> tuple[tuple[LoadedPack, ...], dict[str, str]]:
    """The imported pack files that may come into force, and why each other one may not."""
    loaded: list[LoadedPack] = []
    skipped: dict[str, str] = {}  # file name without .json (the pack id, as imported) → why
    for path in paths:
        if accepted is not None:
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:
                skipped[path.stem] = f"{path}: cannot be read ({exc.strerror or exc}); {_FIX}"
                continue
            if digest not in accepted:
                skipped[path.stem] = (
                    f"{path}: not applied: no import of this file is recorded in the audit "
                    f"trail (it was put there by hand, or changed since); {_FIX}"
                )
                continue
        try:
            loaded.extend(load([path]))
        except RulesError as error:
            skipped[path.stem] = f"{error}; not applied: {_FIX}"
    return tuple(loaded), skipped


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
