"""Assembling the services over one data folder (the GUI's app.py and the CLI both use it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path

from trustdesk.services.context import ServiceContext, utc_now
from trustdesk.store.store import Store

TYPE_CHECKING = False
if TYPE_CHECKING:
    from trustdesk.services.accounts import AccountService
    from trustdesk.services.agency import AgencyService
    from trustdesk.services.decisions import DecisionService, RulesSource
    from trustdesk.services.drafts import DraftService
    from trustdesk.services.holds import HoldService
    from trustdesk.services.jurisdiction import JurisdictionService
    from trustdesk.services.live import LiveRecord
    from trustdesk.services.memos import MemoService
    from trustdesk.services.passwords import PasswordHasher
    from trustdesk.services.records import RecordsService
    from trustdesk.services.rulepacks import RulePackService
    from trustdesk.services.signoff import SignoffService
    from trustdesk.services.sync import SyncService


class Services:
    """Every service over one store. Each is built on first use: the desktop app's sign-in
    window needs only accounts and the agency profile, and should not wait for the rest."""

    def __init__(self, store: Store, ctx: ServiceContext, rules: RulesSource) -> None:
        self.store = store
        self.ctx = ctx
        self.rules = rules

    @cached_property
    def accounts(self) -> AccountService:
        from trustdesk.services.accounts import AccountService

        return AccountService(self.ctx)

    @cached_property
    def agency(self) -> AgencyService:
        from trustdesk.services.agency import AgencyService

        return AgencyService(self.ctx)

    @cached_property
    def jurisdiction(self) -> JurisdictionService:
        from trustdesk.services.jurisdiction import JurisdictionService

        return JurisdictionService(self.ctx)

    @cached_property
    def decisions(self) -> DecisionService:
        from trustdesk.services.decisions import DecisionService

        return DecisionService(self.ctx, self.rules)

    @cached_property
    def holds(self) -> HoldService:
        from trustdesk.services.holds import HoldService

        return HoldService(self.ctx)

    @cached_property
    def records(self) -> RecordsService:
        from trustdesk.services.records import RecordsService

        return RecordsService(self.ctx)

    @cached_property
    def memos(self) -> MemoService:
        from trustdesk.services.memos import MemoService, rules_loader

        return MemoService(self.ctx, rules_loader(self.rules, self.store.data_dir))

    @cached_property
    def drafts(self) -> DraftService:
        from trustdesk.services.drafts import DraftService

        return DraftService(self.ctx)

    @cached_property
    def rulepacks(self) -> RulePackService:
        from trustdesk.services.rulepacks import RulePackService

        return RulePackService(self.ctx)

    @cached_property
    def signoff(self) -> SignoffService:
        from trustdesk.services.signoff import SignoffService

        return SignoffService(self.ctx)

    @cached_property
    def live(self) -> LiveRecord:
        from trustdesk.services.live import LiveRecord

        return LiveRecord(self.store)

    @cached_property
    def sync(self) -> SyncService:
        from trustdesk.services.outbox import Outbox
        from trustdesk.services.sync import SyncService

        return SyncService(self.decisions, Outbox(self.store.data_dir), self.live)

    def close(self) -> None:
        if "live" in self.__dict__:  # its feed reads the record: stop it first
            self.live.stop()
        self.store.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def build_services(
    store: Store,
    rules: RulesSource,
    *,
    hasher: PasswordHasher | None = None,
    clock: Callable[[], datetime] = utc_now,
    workstation: str | None = None,
) -> Services:
    ctx = (
        ServiceContext(store, clock=clock)
        if hasher is None
        else ServiceContext(store, hasher, clock)
    )
    if workstation is not None:
        ctx.workstation = workstation
    return Services(store, ctx, rules)


def open_services(
    data_dir: Path | str | None,
    rules: RulesSource,
    *,
    hasher: PasswordHasher | None = None,
    clock: Callable[[], datetime] = utc_now,
    database: str | None = None,
    window: bool = False,
    moved_ok: bool = False,
) -> Services:
    """Open the store (on the server of ``database``, a ``postgresql://`` URL, else in
    ``data_dir``, default the per-user folder) and the services on it. ``database``
    None: the machine's ``database`` setting (--database, the environment or the config
    file); "" : the data folder's own database. ``window``: the desktop app's open (one
    window per data folder; on a server every desk has its own folder anyway).
    ``moved_ok``: a reading use that may open a data folder whose record was moved onto
    a server (store/moved.py); any other is refused there.
    """
    if database is None:
        from trustdesk import config

        database = str(config.current()["database"].value)
    return build_services(
        Store.open(data_dir, database=database, window=window, moved_ok=moved_ok),
        rules,
        hasher=hasher,
        clock=clock,
    )
