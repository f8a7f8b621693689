"""An agency of a second jurisdiction through the window, end to end, with a synthetic
pack standing in for its law (tests/fixtures/packs/zz-2020.json relabelled California:
several actions, never a hold, a ground on a flagged conviction, an interview only after
a consent form). It proves the plumbing — set-up, the pack's own questions and offense
flags, every action on the result, the memo's actions table and documents, the contact
advice — independently of the real California packs (test_california_agency.py).
The expected outcomes are the pack's own (its embedded test case), not written here.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_california_agency import (
    OFFICER_PASSWORD,
    _focused,
    add_officer,
    new_agency_window,
    saved_memo_text,
    set_up,
    sign_in,
    tab_to,
    walk_to_result,
)
from uikit import FakeTime, type_text

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

FIXTURES = Path(__file__).parents[1] / "fixtures" / "packs"
LEFT = Qt.MouseButton.LeftButton


def stand_in_rules(tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    """The synthetic pack as a California agency's only pack, and its serious-conviction
    test case (with what it expects)."""
    from trustdesk.rules.registry import load_rules

    raw = json.loads((FIXTURES / "zz-2020.json").read_text(encoding="utf-8"))
    raw.update(jurisdiction="CA", jurisdiction_name="California")
    text = json.dumps(raw).replace('"interview_consent"', '"truth_consent"')
    path = tmp_path / "zz-2020.json"
    path.write_text(text, encoding="utf-8")
    rules = load_rules([path], catalog_path=FIXTURES / "zz-catalog.json", jurisdiction="CA")
    case = next(t for t in raw["tests"] if t["name"] == "Serious conviction opens release date")
    return rules, case


def check_result(page: Any, expected: dict[str, str]) -> Any:
    """The result shows every action the pack decides, as the pack's test expects."""
    decision = page.result.decision
    assert decision is not None, page.result.problems.text()
    assert {o.id: o.outcome for o in decision.outcomes} == expected
    assert page.result.outcome.text().startswith("✘ DETAINER DECLINED")
    shown = page.result.action_outcomes.text().splitlines()
    assert shown == [
        f"{ {'allowed': '✔', 'not_allowed': '✘', 'allowed_with_conditions': '⚠'}[o.outcome] } "
        f"{o.label}: "
        + {
            "allowed": "ALLOWED",
            "not_allowed": "NOT ALLOWED",
            "allowed_with_conditions": "ALLOWED ONLY WITH CONDITIONS",
        }[o.outcome]
        for o in decision.outcomes
        if o.id != "hold"
    ]
    details = page.result.details.toPlainText()
    assert "Ground: Serious conviction not reduced — § 1(c)" in details
    assert "Condition: The person has signed the consent form" in details
    assert "Consent Form: Interview by Immigration (ICE)" in details
    return decision


def log_interview_contact(qtbot: Any, window: Any) -> Any:
    """ICE asks to interview the person: the advice says the consent form comes first;
    the officer lets the interview happen, says how the condition was met, records."""
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = window.workspace.contact_dialog
    qtbot.waitUntil(lambda: _focused() is dialog.kind)
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # a request to interview the person
    assert dialog.kind.currentData() == "interview_request"
    tab_to(qtbot, dialog, dialog.booking)
    qtbot.keyClicks(dialog.booking, "FR-2026-77")
    qtbot.keyClick(dialog.booking, Qt.Key.Key_Tab)
    advice = dialog.advice_label.text().splitlines()
    assert "the decision on record at the contact's time" in advice[0] and "zz-2020" in advice[0]
    interview = next(line for line in advice if "interview" in line.lower())
    assert interview.startswith("⚠") and "consent form" in interview, interview
    tab_to(qtbot, dialog, dialog.given["interview_access"])
    qtbot.keyClick(dialog.given["interview_access"], Qt.Key.Key_Space)
    assert "(allowed only with conditions)" in dialog.given["interview_access"].text()
    assert "allowed only when: The person has signed the consent form" in dialog.warning.text()
    tab_to(qtbot, dialog, dialog.reason)
    assert _focused() is dialog.reason
    qtbot.keyClicks(dialog.reason, "consent form signed 10:40, copy in file")
    assert dialog.isVisible() and _focused() is dialog.reason
    # Having tabbed past the buttons, Enter must not cancel what was typed (Cancel is
    # not auto-default); Alt+R records.
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.recorded, timeout=3000) as recorded:
        qtbot.keyClick(dialog.reason, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    return recorded.args[0]


def test_an_agency_of_another_jurisdiction_end_to_end(
    qtbot: Any, tmp_path: Path, fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules, case = stand_in_rules(tmp_path)
    expected = case["expect"]["outcomes"]
    window = new_agency_window(qtbot, tmp_path, fake_time, rules)
    set_up(qtbot, window, "California", "UTC", "CA0100000")
    add_officer(window)
    sign_in(qtbot, window, "ortiz", OFFICER_PASSWORD)
    assert window.context.rules is rules  # the agency chose the rule set's jurisdiction

    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.workspace.review
    type_text(qtbot, page.person.name, "Ana Ruiz")
    qtbot.keyClicks(page.person.booking, "FR-2026-77")
    qtbot.mouseClick(page.next_button, LEFT)
    assert "zz-2020" in page.pack_label.text()
    convictions = next(
        p for p in page.pages.values() if getattr(p, "offenses", None) and not p.offenses.pending
    )
    # The flags the pack tests are asked; the catalog's flags preset them.
    assert list(convictions.offenses.flag_boxes) == ["serious", "violent"]
    assert list(convictions.offenses.tri_boxes) == ["juvenile", "reduced_to_misdemeanor"]
    walk_to_result(qtbot, page, ("TC 1192.7", date(2001, 5, 1)))
    [item] = convictions.offenses.items
    assert item["flags"] == ["serious"] and item["reduced_to_misdemeanor"] is False

    decision = check_result(page, expected)
    qtbot.keyClick(page.result.attest, Qt.Key.Key_Space)
    with qtbot.waitSignal(page.decision_saved, timeout=5000) as saved:
        qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    decision_id = int(saved.args[0])

    text = saved_memo_text(qtbot, page, tmp_path, monkeypatch)
    assert "Ana Ruiz" in text and "zz-2020" in text and "54-192h" not in text
    for o in decision.outcomes:
        assert o.label in text  # the actions table
    assert "Consent Form: Interview by Immigration (ICE)" in text  # the consent form, EN
    assert "consentimiento" in text.lower()  # and ES

    record = log_interview_contact(qtbot, window)
    assert record.decision_id == decision_id and record.given == ("interview_access",)
    assert record.review_needed  # a supervisor confirms the condition was met
    # Given under its conditions it is lawful: counted as allowed, not as a disclosure
    # the law did not allow, with the officer's word on how they were met.
    assert record.allowed and record.unlawful_reason
    # The decision's page in the history lists each action as recorded.
    history = window.workspace.history
    window.workspace.tabs.setCurrentWidget(history)
    history.show_decision(decision_id)
    lines = history.detail.section("What the law allows, action by action")
    assert [line.split(":")[0] for line in lines] == [
        f"{'✔' if o.outcome == 'allowed' else '⚠' if o.outcome.endswith('conditions') else '✖'}"
        f" {o.label}"
        for o in decision.outcomes
    ]
    window.close()  # as the app ends: the window first, then the store
    window.services.close()


def test_a_decision_recorded_before_the_change_keeps_its_pack(tmp_path: Path, rules: Any) -> None:
    """After the agency moved to another jurisdiction, a Connecticut decision's pack is
    still found by its id and SHA-256 (to print and re-read it as it was decided)."""
    from trustdesk.ui.context import RulesHolder

    stand_in, _case = stand_in_rules(tmp_path)
    holder = RulesHolder(stand_in)
    ct = rules.pack("ct-2025").pack
    assert holder.get().jurisdiction == "CA"
    found = holder.pack_version("ct-2025", ct.sha256).pack
    assert (found.id, found.sha256, found.jurisdiction) == ("ct-2025", ct.sha256, "CT")
    assert holder.pack("ct-2014").pack.jurisdiction == "CT"
    assert holder.get() is stand_in  # the rules in force are still the agency's
