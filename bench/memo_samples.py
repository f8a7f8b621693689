"""Sample memos for benchmarks and reviewers: each pack's own test cases, dressed up.

For every bundled rule pack, the first embedded test case that honors the detainer with
a hold clock and the first that declines it, given a person with an accented name, a
fully described detainer and dummy record, agency and officer details.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import datetime, timedelta
from typing import Any

from trustdesk.core.evaluate import evaluate
from trustdesk.memo.build import build_view_model
from trustdesk.memo.viewmodel import AgencyHeader, MemoViewModel, RecordInfo, Signer
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet

AGENCY = AgencyHeader(
    name="New Haven Department of Police Service",
    facility="Union Avenue Detention Facility, 1 Union Avenue, New Haven, Connecticut",
    ori="CT0009300",
)
PEOPLE = {"honor": "José Nuñez Peña", "decline": "Ana Gonçalves"}


def pick_tests(rules: RuleSet, pack_id: str) -> dict[str, dict[str, Any]]:
    """The first honored-with-hold and the first declined test case of ``pack_id``."""
    chosen: dict[str, dict[str, Any]] = {}
    for test in rules.pack(pack_id).tests:
        outcome = test["expect"]["decision"]
        if outcome in chosen:
            continue
        if outcome == "honor" and not test["expect"].get("hold_expires_at"):
            continue
        chosen[outcome] = test
    return chosen


def dressed(raw: dict[str, Any], outcome: str, number: int) -> dict[str, Any]:
    case = copy.deepcopy(raw)
    decided = datetime.fromisoformat(case["decision_time"])
    case["person"] = {
        "name": PEOPLE[outcome],
        "date_of_birth": "1988-02-03",
        "booking_number": f"NH-{decided.year}-{1100 + number:04d}",
    }
    case["detainer"].update(
        received_at=(decided - timedelta(hours=1, minutes=20)).isoformat(),
        issuing_office="ICE ERO Boston, Burlington Sub-Office, MA",
        subject_id=f"A{200000000 + number * 7919}",
    )
    return case


def sample_view_model(
    rules: RuleSet, raw: dict[str, Any], outcome: str, number: int, *, salt: str = ""
) -> MemoViewModel:
    """A view-model for a dressed-up copy of ``raw``; ``salt`` varies the record hash."""
    case_raw = dressed(raw, outcome, number)
    case = parse_case(case_raw, f"sample {number}", rules.sections)
    pack = rules.pack_for(case.decision_time)
    decision = evaluate(pack, case)
    titles = {}
    for item in (*case.convictions, *case.pending_charges):
        entry = rules.catalog.get(item.section or item.statute)
        if entry is not None and item.section:
            titles[item.section] = entry.title
    recorded = case.decision_time + timedelta(minutes=4)
    digest = hashlib.sha256(f"sample record {number} {salt}".encode()).hexdigest()
    return build_view_model(
        case,
        decision,
        pack,
        agency=AGENCY,
        record=RecordInfo(str(1000 + number), 1, digest, 40 + number, recorded),
        officer=Signer("Officer María Peña", "1187", recorded),
        titles=titles,
    )


def samples(rules: RuleSet) -> list[tuple[str, MemoViewModel]]:
    """``(name, view-model)`` for an honored and a declined case under each pack."""
    result = []
    number = 0
    for loaded in rules.packs:
        for outcome, test in sorted(pick_tests(rules, loaded.pack.id).items(), reverse=True):
            number += 1
            vm = sample_view_model(rules, test["case"], outcome, number)
            result.append((f"{loaded.pack.id}-{outcome}", vm))
    return result
