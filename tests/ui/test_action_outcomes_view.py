"""A pack of several actions, as the wizard and the result page show it: the offense
facts its conditions test are asked (and only those), and every action's outcome is shown
with its grounds, conditions and notices. Uses the synthetic zz-2020 pack (no real law),
so nothing here depends on a state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.packs import load_pack
from trustdesk.services.offense_inputs import offense_inputs

FIXTURE = Path(__file__).parents[1] / "fixtures" / "packs" / "zz-2020.json"
LEFT = Qt.MouseButton.LeftButton


def zz_decision(**changes: Any) -> Any:
    pack = load_pack(FIXTURE).pack
    raw = json.loads(FIXTURE.read_text())["tests"][0]["case"]
    raw.update(changes)
    return pack, evaluate(pack, parse_case(raw, "zz case"))


def test_offense_inputs_are_read_from_the_pack_conditions(rules: Any) -> None:
    zz = load_pack(FIXTURE).pack
    # The reduction decides whether a conviction counts: it starts at "Unknown". Whether
    # an entry is a juvenile matter is always asked, starting at "No".
    assert offense_inputs(zz, pending=False) == (
        ("serious", "violent"),
        ("juvenile", "reduced_to_misdemeanor"),
        ("juvenile",),
    )
    assert offense_inputs(zz, pending=True) == (
        ("serious", "violent"),
        ("juvenile", "probable_cause_found"),
        ("juvenile",),
    )
    ct = rules.pack_for(__import__("datetime").datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC")))
    # Connecticut's packs test a reduction and a juvenile matter only to send the entry to
    # review: both are asked, starting at "No" (the case format's reading when left out).
    assert offense_inputs(ct, pending=False) == (
        (),
        ("juvenile", "reduced_to_misdemeanor"),
        ("juvenile", "reduced_to_misdemeanor"),
    )
    assert offense_inputs(ct, pending=True) == ((), ("juvenile",), ("juvenile",))


def test_the_offense_form_asks_the_flags_and_records_them(qtbot: Any, rules: Any) -> None:
    from trustdesk.ui.offenses import OffenseList

    zz = load_pack(FIXTURE).pack
    form = OffenseList(
        rules.catalog, pending=True, inputs=offense_inputs(zz, pending=True), home="ZZ"
    )
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    assert form.jurisdiction.itemText(0) == "ZZ" and form.jurisdiction.itemText(1) == "federal"
    assert list(form.flag_boxes) == ["serious", "violent"]
    assert form.flag_boxes["violent"].text() == "Violent felony"
    qtbot.keyClicks(form.search, "53a-59")
    form._resolve_typed()
    qtbot.mouseClick(form.flag_boxes["violent"], LEFT)
    pc = form.tri_boxes["probable_cause_found"]
    pc.setFocus()
    qtbot.keyClick(pc, Qt.Key.Key_Down)  # Unknown → Yes
    qtbot.mouseClick(form.add_button, LEFT)
    [item] = form.items
    assert item["flags"] == ["violent"] and item["probable_cause_found"] is True
    assert form.table.item(0, 6).text() == (
        "Violent felony; A magistrate found probable cause on this charge: yes"
    )
    # The boxes are cleared for the next offense.
    assert not form.flag_boxes["violent"].isChecked() and pc.currentIndex() == 0


def test_every_action_is_shown_with_grounds_conditions_and_notices(qtbot: Any) -> None:
    from trustdesk.ui.result_view import ResultStep

    _pack, decision = zz_decision(facts={"current_registrant": True})
    step = ResultStep()
    qtbot.addWidget(step)
    step.show()
    step.show_decision(decision, ZoneInfo("Pacific/Honolulu"))
    assert step.outcome.text() == "✘ DETAINER DECLINED"
    assert step.action_outcomes.text().splitlines() == [
        "✔ Release date: ALLOWED",
        "✘ Transfer to ICE: NOT ALLOWED",
        "⚠ Interview: ALLOWED ONLY WITH CONDITIONS",
    ]
    text = step.details.toPlainText()
    assert "Ground: Current registrant — § 1(b)" in text
    assert "Condition: The person has signed the consent form" in text
    # Due when the release date is given to ICE, not with the decision.
    assert (
        "Notice to give: Notice: We Told Immigration Your Release Date (when the release "
        "date is given to ICE)"
    ) in text
    assert "Notice to give: interview consent" in text  # an id with no title reads as words


def test_a_connecticut_hold_names_its_own_statute(rules: Any) -> None:
    from trustdesk.ui.result_view import headline, statute_section

    assert statute_section("Conn. Gen. Stat. § 54-192h") == "§ 54-192h"
    assert statute_section("Testland Code § 1") == "§ 1"
    _pack, decision = zz_decision()
    assert headline(decision._replace(decision="honor")) == "HOLD PERMITTED UNDER § 1"
