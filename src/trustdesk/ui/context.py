"""What every page of the signed-in app shares: services, rules, clock, who is signed in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustdesk.config.keys import JURISDICTIONS
from trustdesk.services.bundle import Services
from trustdesk.services.context import Session
from trustdesk.ui.clock import Clock

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from trustdesk.core.pack import RulePack
    from trustdesk.rules.catalog import OffenseCatalog
    from trustdesk.rules.packs import LoadedPack
    from trustdesk.rules.registry import RuleSet

DEFAULT_ZONE = "America/New_York"


class RulesHolder:
    """The rule set, loaded on first use so the sign-in window appears fast.

    ``imported_dir`` is the data folder's ``rules/`` (the agency's imported packs, see
    ``rules.imports``), set by ``use_data_folder`` once the data folder is open. (Plain
    classes here: a dataclass costs a millisecond to define, on the first window's path.)
    """

    __slots__ = ("imported_dir", "in_force", "jurisdiction", "others", "rules")

    def __init__(self, rules: RuleSet | None = None, imported_dir: Path | None = None) -> None:
        self.rules = rules
        self.imported_dir = imported_dir
        #: The agency's jurisdiction (``services.jurisdiction``), set with the data folder:
        #: the packs and the catalog loaded are that state's. None: the rules given.
        self.jurisdiction: Callable[[], str] | None = None
        #: The imported pack versions the audit chain puts in force (set with the folder);
        #: a file of ``imported_dir`` that is not one of them is skipped, not applied.
        self.in_force: Callable[[], Mapping[str, str]] | None = None
        #: Other jurisdictions' rule sets, loaded only to print or re-read a decision
        #: recorded under one of their packs.
        self.others: dict[str, RuleSet] = {}

    def get(self) -> RuleSet:
        if self.rules is None:
            from trustdesk.rules.registry import load_rules

            accepted = None if self.in_force is None else self.in_force()
            self.rules = load_rules(
                extra_dir=self.imported_dir, accepted=accepted, **self._jurisdiction()
            )
        return self.rules

    def _jurisdiction(self) -> dict[str, Any]:
        """The agency's jurisdiction for ``load_rules`` (nothing: its default)."""
        return {} if self.jurisdiction is None else {"jurisdiction": self.jurisdiction()}

    def replace(self, rules: RuleSet) -> None:
        self.rules = rules

    def reload(self) -> None:
        """Load afresh on next use (the agency changed its jurisdiction)."""
        self.rules = None

    def use_data_folder(
        self,
        data_dir: Path,
        in_force: Callable[[], Mapping[str, str]] | None = None,
        jurisdiction: Callable[[], str] | None = None,
    ) -> None:
        """Load the agency's imported packs of ``data_dir`` too (once; see ``get``).

        Rules loaded before the folder was known are dropped if it holds imported packs,
        so they are never applied without the agency's packs. ``in_force`` gives the
        versions whose import the audit chain records (``RulePackService.in_force``).
        """
        newly_vouched = in_force is not None and self.in_force is None
        if jurisdiction is not None:
            # Checked at every sign-in: another desk's administrator may have changed it.
            self.jurisdiction = jurisdiction
            if self.rules is not None and self.rules.jurisdiction != jurisdiction():
                self.rules = None  # loaded before the agency's choice was known
        if in_force is not None:
            self.in_force = in_force
        if self.imported_dir is not None and not newly_vouched:
            return
        from trustdesk.rules.imports import imported_folder
        from trustdesk.rules.registry import imported_pack_paths

        if self.imported_dir is None:
            self.imported_dir = imported_folder(data_dir)
        if self.rules is not None and imported_pack_paths(self.imported_dir):
            self.rules = None

    # The rules protocols of the services, answered by the loaded set.
    @property
    def sections(self) -> frozenset[str]:
        return self.get().sections

    @property
    def catalog(self) -> OffenseCatalog:
        return self.get().catalog

    @property
    def packs(self) -> tuple[LoadedPack, ...]:
        return self.get().packs

    def pack_for(self, decision_time: datetime) -> RulePack:
        return self.get().pack_for(decision_time)

    def pack(self, pack_id: str) -> LoadedPack:
        try:
            return self.get().pack(pack_id)
        except KeyError:
            other = self._rules_of(pack_id)
            if other is None:
                raise
            return other.pack(pack_id)

    def pack_version(self, pack_id: str, sha256: str) -> LoadedPack:
        """Any known version of a pack, by its SHA-256 (see ``RuleSet.pack_version``);
        also one of another jurisdiction, for decisions recorded before the agency
        changed its jurisdiction (they keep their pack)."""
        try:
            return self.get().pack_version(pack_id, sha256)
        except KeyError:
            other = self._rules_of(pack_id)
            if other is None:
                raise
            return other.pack_version(pack_id, sha256)

    def _rules_of(self, pack_id: str) -> RuleSet | None:
        """The rule set of the jurisdiction a pack id names (its prefix: ``ct-2025``),
        when that is not the one in force; None when it is, or is unknown."""
        code = pack_id.split("-", 1)[0].upper()
        if code == self.get().jurisdiction or code not in JURISDICTIONS:
            return None
        if code not in self.others:
            from trustdesk.rules.registry import load_rules

            accepted = None if self.in_force is None else self.in_force()
            self.others[code] = load_rules(
                extra_dir=self.imported_dir, accepted=accepted, jurisdiction=code
            )
        return self.others[code]


class UiContext:
    """``default_printer``: the printer IT named for TrustDesk (None: the system's default)."""

    __slots__ = (
        "_zone",
        "clock",
        "default_printer",
        "role",
        "rules_holder",
        "services",
        "session",
        "zone_name",
    )

    def __init__(
        self,
        services: Services,
        rules_holder: RulesHolder,
        clock: Clock,
        session: Session,
        role: str,
        zone_name: str = DEFAULT_ZONE,
        default_printer: str | None = None,
    ) -> None:
        self.services = services
        self.rules_holder = rules_holder
        self.clock = clock
        self.session = session
        self.role = role
        self.zone_name = zone_name
        self.default_printer = default_printer
        self._zone: ZoneInfo | None = None
        self.rules_holder.use_data_folder(
            self.services.store.data_dir,
            self.services.rulepacks.in_force,
            lambda: self.services.jurisdiction.current().code,
        )

    @property
    def rules(self) -> RuleSet:
        return self.rules_holder.get()

    @property
    def zone(self) -> ZoneInfo:
        if self._zone is None:
            from zoneinfo import ZoneInfo

            self._zone = ZoneInfo(self.zone_name)
        return self._zone
