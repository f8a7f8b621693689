"""Counsel's sign-off never takes the place of a pack version it was not made from.

A desk keeps the rule set it loaded. Another desk sharing the data folder (or the
command line beside the open app) may import a newer version of a pack meanwhile. A
sign-off made from the version the first desk still shows must then be refused: it
would put the old text back in force, with counsel's name on it, over an import nobody
undid, and record that it replaced the old version.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from servicekit import Clock
from test_rulepack_archive import UNSIGNED, Holder, agency_pack

from trustdesk.rules.errors import InputError
from trustdesk.rules.registry import rules_for_data_dir
from trustdesk.rules.revision import Attestation

ATTESTED = Attestation(
    items=("criteria/listed_offense_conviction",),
    source="Public Act 25-xx, § 1 (official text)",
    by="Dana Reyes",
    title="Town Attorney",
    on=date(2026, 11, 1),
)


@pytest.fixture
def office(tmp_path: Path) -> Any:
    from storekit import open_desk

    data = tmp_path / "data"
    holder = Holder(rules_for_data_dir(data))
    desk = open_desk(data, holder, Clock())
    yield desk, holder
    desk.services.close()


def test_a_signoff_from_a_stale_rule_set_does_not_replace_a_newer_import(
    office: Any, tmp_path: Path
) -> None:
    desk, this_desk = office
    admin = desk.session("admin")
    shipped = this_desk.pack("ct-2025").pack.sha256
    # The other desk's rule set: the same data folder, loaded on its own.
    other_desk = Holder(rules_for_data_dir(desk.store.data_dir))
    imported = desk.services.rulepacks.import_pack(
        admin, agency_pack(tmp_path / "usb", "agency v1"), other_desk, override=UNSIGNED
    )
    target = desk.store.data_dir / "rules" / "ct-2025.json"
    before = target.read_bytes()

    with pytest.raises(InputError) as caught:
        desk.services.signoff.sign_off(admin, this_desk.rules, "ct-2025", ATTESTED, this_desk)
    message = str(caught.value)
    assert "ct-2025" in message and imported.sha256[:12] in message
    assert "load the rule packs again" in message
    # Nothing changed: the import stays in force, nothing was recorded as signed off.
    assert target.read_bytes() == before
    assert desk.store.audit.of_events("rules.signed_off") == []
    assert this_desk.pack("ct-2025").pack.sha256 == shipped
    fresh = rules_for_data_dir(desk.store.data_dir, desk.services.rulepacks.in_force())
    assert fresh.pack("ct-2025").pack.sha256 == imported.sha256
    refused = desk.store.audit.of_events("rules.signoff_refused")[-1].objects_dict()
    assert refused["sha256"] == shipped

    # Signed off from the version in force now, it goes through.
    done = desk.services.signoff.sign_off(admin, other_desk.rules, "ct-2025", ATTESTED, other_desk)
    assert done.old_sha256 == imported.sha256
