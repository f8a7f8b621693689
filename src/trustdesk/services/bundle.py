"""Assembling the services over one data folder (the GUI's app.py and the CLI both use it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from trustdesk.services.accounts import AccountService
from trustdesk.services.agency import AgencyService
from trustdesk.services.context import ServiceContext, utc_now
from trustdesk.services.decisions import DecisionService, RulesSource
from trustdesk.services.drafts import DraftService
from trustdesk.services.holds import HoldService
from trustdesk.services.memos import MemoService, rules_loader
from trustdesk.services.passwords import PasswordHasher
from trustdesk.services.records import RecordsService
from trustdesk.services.rulepacks import RulePackService
from trustdesk.store.store import Store


@dataclass(frozen=True, slots=True)
class Services:
    store: Store
    accounts: AccountService
    decisions: DecisionService
    holds: HoldService
    records: RecordsService
    memos: MemoService
    agency: AgencyService
    drafts: DraftService
    rulepacks: RulePackService

    def close(self) -> None:
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
    ctx = ServiceContext(store, hasher or PasswordHasher(), clock)
    if workstation is not None:
        ctx.workstation = workstation
    return Services(
        store,
        AccountService(ctx),
        DecisionService(ctx, rules),
        HoldService(ctx),
        RecordsService(ctx),
        MemoService(ctx, rules_loader(rules, store.data_dir)),
        AgencyService(ctx),
        DraftService(ctx),
        RulePackService(ctx),
    )


def open_services(
    data_dir: Path | str | None,
    rules: RulesSource,
    *,
    hasher: PasswordHasher | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Services:
    """Open the store of ``data_dir`` (default: the per-user folder) and the services on it."""
    return build_services(Store.open(data_dir), rules, hasher=hasher, clock=clock)
