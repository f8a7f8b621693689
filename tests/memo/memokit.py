"""Helpers for the memo tests: decide a case, build its view-model, read a PDF back."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from typing import Any

import pypdf

from casekit import conviction, make_case
from trustdesk.core.decision import Decision
from trustdesk.core.evaluate import evaluate
from trustdesk.core.model import Case
from trustdesk.core.pack import RulePack
from trustdesk.memo.build import build_view_model
from trustdesk.memo.render import render_memo
from trustdesk.memo.viewmodel import AgencyHeader, MemoViewModel, RecordInfo, Signer
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet

AGENCY = AgencyHeader(
    name="New Haven Department of Police Service",
    facility="Union Avenue Detention Facility, New Haven, Connecticut",
    ori="CT0009300",
)
RECORD_SHA256 = hashlib.sha256(b"a canonical decision record").hexdigest()
CREATED_AT = datetime.fromisoformat("2026-11-19T14:05:00+00:00")
OFFICER = Signer("Ana Gonçalves", "1187", datetime.fromisoformat("2026-11-19T09:05:00-05:00"))

DETAINER = {
    "form": "I-247A",
    "received_at": "2026-11-19T08:10:00-05:00",
    "judicial_warrant": False,
    "administrative_warrant": "I-200",
    "issuing_office": "ICE ERO Burlington, MA",
    "subject_id": "A123456789",
}

#: An honored and a declined case under each version of the law, like the packs' tests.
SCENARIOS: dict[str, dict[str, Any]] = {
    "ct-2014-honor": make_case(
        decision_time="2016-11-17T10:00:00-05:00",
        releasable_at="2016-11-18T15:00:00-05:00",
        convictions=[conviction("53a-60", "felony", "D", date="2012-05-01")],
    ),
    "ct-2014-decline": make_case(
        decision_time="2016-11-17T10:00:00-05:00",
        convictions=[conviction("53a-61", "misdemeanor", "A", date="2015-03-02")],
    ),
    "ct-2019-honor": make_case(
        decision_time="2020-11-24T09:00:00-05:00",
        releasable_at="2020-11-25T10:00:00-05:00",
        detainer={**DETAINER, "judicial_warrant": True, "received_at": "2020-11-24T08:00:00-05:00"},
    ),
    "ct-2019-decline": make_case(
        decision_time="2020-11-24T09:00:00-05:00",
        detainer={**DETAINER, "received_at": "2020-11-24T08:00:00-05:00"},
    ),
    "ct-2025-honor": make_case(
        releasable_at="2026-11-25T10:00:00-05:00",
        detainer=DETAINER,
        convictions=[conviction("53a-223", "felony", "D", date="2023-08-09")],
        pending_charges=[conviction("53a-61", "misdemeanor", "A", bond_posted=None)],
    ),
    "ct-2025-decline": make_case(
        detainer=DETAINER,
        convictions=[conviction("53a-125b", "misdemeanor", "A", date="2019-03-02")],
    ),
}


def decide(rules: RuleSet, raw: dict[str, Any]) -> tuple[Case, Decision, RulePack]:
    case = parse_case(raw, "test", rules.sections)
    pack = rules.pack_for(case.decision_time)
    return case, evaluate(pack, case), pack


def titles_for(rules: RuleSet, case: Case) -> dict[str, str]:
    titles = {}
    for item in (*case.convictions, *case.pending_charges):
        entry = rules.catalog.get(item.section or item.statute)
        if entry is not None and item.section:
            titles[item.section] = entry.title
    return titles


def view_model(rules: RuleSet, raw: dict[str, Any], **changes: Any) -> MemoViewModel:
    case, decision, pack = decide(rules, raw)
    options: dict[str, Any] = {
        "agency": AGENCY,
        "record": RecordInfo("1042", 1, RECORD_SHA256, 57, CREATED_AT),
        "officer": OFFICER,
        "titles": titles_for(rules, case),
    }
    options.update(changes)
    return build_view_model(case, decision, pack, **options)


def memo_text_for_name(rules: RuleSet, name: str) -> str:
    """The text of the ct-2025-honor memo with both notices, its person named ``name``
    (a name built past the case reader, as one stored before its rules could be)."""
    case = parse_case(SCENARIOS["ct-2025-honor"], "test", rules.sections)
    case = case._replace(person=case.person._replace(name=name))
    pack = rules.pack_for(case.decision_time)
    vm = build_view_model(
        case,
        evaluate(pack, case),
        pack,
        agency=AGENCY,
        record=RecordInfo("1042", 1, RECORD_SHA256, 57, CREATED_AT),
        officer=OFFICER,
        titles={},
    )
    return pdf_text(render_memo(vm, notice_languages=("en", "es")))


def normalize(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, whitespace normalised."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [normalize(page.extract_text()) for page in reader.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def pdf_metadata(data: bytes) -> Any:
    return pypdf.PdfReader(io.BytesIO(data)).metadata
