"""A California decision's memo and documents, built against the format-3 contract.

The pack here is a small fixture: a shipped pack's value with California's jurisdiction,
statute and no hold clock (SB 54 allows no hold), and a decision whose action outcomes
are those the contract describes (hold never, release date and transfer on a serious
felony, interview only after the TRUTH Act consent form). The real ca-2018 pack lands on
its own branch; these tests check what the memo and notices print from any such pack.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pytest
from memokit import AGENCY, CREATED_AT, OFFICER, RECORD_SHA256, SCENARIOS, decide, pdf_pages

from trustdesk.core.decision import DECLINE, ActionOutcome
from trustdesk.memo.build import build_view_model
from trustdesk.memo.render import render_memo, render_notice
from trustdesk.memo.viewmodel import HOLD_NEVER, AgencyHeader, GivenToIce, MemoViewModel, RecordInfo
from trustdesk.rules.registry import RuleSet

OUTCOMES = (
    ActionOutcome(
        "hold",
        "Hold on the detainer",
        "not_allowed",
        "No hold on an immigration detainer is allowed.",
        (),
        ("Gov. Code § 7284.6(a)(1)(B)",),
    ),
    ActionOutcome(
        "release_date",
        "Tell ICE the release date",
        "allowed",
        "The release date may be shared: serious felony conviction.",
        ("serious_felony",),
        ("Gov. Code § 7282.5(a)(1)",),
        (),
        ("release_date_told",),
    ),
    ActionOutcome(
        "transfer",
        "Transfer to ICE",
        "unknown",
        "Not settled: whether the conviction is within the look-back is unknown.",
        (),
        ("Gov. Code § 7282.5(a)(3)",),
    ),
    ActionOutcome(
        "interview_access",
        "Let ICE interview the person",
        "allowed_with_conditions",
        "Only after the person signs the consent form.",
        (),
        ("Gov. Code § 7283.1(a)",),
        ("The person has signed the TRUTH Act consent form",),
        ("truth_consent",),
    ),
)


#: A California agency's header: an ORI starts with its state's two letters (CA).
CA_AGENCY = AgencyHeader(
    "Fresno County Sheriff's Office", "Main Jail, Fresno, California", "CA0100000"
)


def california(rules: RuleSet, given: Sequence[GivenToIce] = ()) -> MemoViewModel:
    case, decision, pack = decide(rules, SCENARIOS["ct-2025-decline"])
    pack = pack._replace(
        jurisdiction="CA",
        jurisdiction_name="California",
        title="California Values Act (SB 54, 2017)",
        statute="Cal. Gov. Code § 7284.6",
        clock=None,
        timezone="America/Los_Angeles",
        required_notices=("detainer_copy",),
    )
    decision = decision._replace(
        decision=DECLINE, grounds=(), hold=None, outcomes=OUTCOMES, statute=pack.statute
    )
    record = RecordInfo("2001", 1, RECORD_SHA256, 9, CREATED_AT)
    return build_view_model(
        case, decision, pack, agency=CA_AGENCY, record=record, officer=OFFICER, given=given
    )


def test_memo_shows_every_action_and_the_pack_s_law(rules: RuleSet) -> None:
    vm = california(rules)
    assert vm.hold.kind == HOLD_NEVER
    # Allowing the release date is not giving it: no "we told ICE" notice yet.
    assert vm.notice.documents == ("detainer_copy", "truth_consent")
    text = " ".join(pdf_pages(render_memo(vm)))
    assert "Immigration detainer decision — Cal. Gov. Code § 7284.6 (Values Act)" in text
    assert "What the law allows — each action" in text
    assert "Hold on the detainer NOT allowed" in text
    assert "Tell ICE the release date Allowed" in text
    assert "Transfer to ICE Unknown — not settled" in text
    assert "Allowed with conditions" in text
    assert "Condition: The person has signed the TRUTH Act consent form" in text
    assert "The person must get: Consent Form: Interview by Immigration (ICE)" in text
    assert (
        "The person must get: Notice: We Told Immigration Your Release Date (when the "
        "release date is given to ICE)"
    ) in text
    assert "Gov. Code § 7283.1(a)" in text
    # No hold clock as if one ran: the law allows none.
    assert "never allows holding a person on a detainer" in text
    assert "HOLD EXPIRES" not in text and "Clock starts" not in text
    assert "§ 54-192h" not in text.split("Person")[0]  # title and decision box: the pack's


def test_ct_memo_has_no_actions_table_for_a_record_without_outcomes(rules: RuleSet) -> None:
    case, decision, pack = decide(rules, SCENARIOS["ct-2025-honor"])
    old = decision._replace(outcomes=())  # a record made before outcomes were stored
    vm = build_view_model(
        case,
        old,
        pack,
        agency=AGENCY,
        record=RecordInfo("7", 1, RECORD_SHA256, 3, CREATED_AT),
        officer=OFFICER,
    )
    text = " ".join(pdf_pages(render_memo(vm)))
    assert "HOLD PERMITTED UNDER § 54-192h" in text
    assert "What the law allows — each action" not in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Consent Form: Interview by Immigration (ICE)",
                "The interview is voluntary. You do not have to talk to ICE.",
                "YES, BUT ONLY WITH MY LAWYER",
                "NO: I do not want to talk to ICE.",
                "Your signature:",
                "Government Code § 7283.1(a)",
            ],
        ),
        (
            "es",
            [
                "Formulario de consentimiento: entrevista con inmigración (ICE)",
                "La entrevista es voluntaria.",
                "SÍ, PERO SOLO CON MI ABOGADO",
                "NO: no quiero hablar con ICE.",
                "Su firma:",
                "Código de Gobierno, § 7283.1(a)",
                "Translation awaiting review by a certified translator.",
            ],
        ),
    ],
)
def test_consent_form(rules: RuleSet, language: str, expected: list[str]) -> None:
    (page,) = pdf_pages(render_notice(california(rules), language, ["truth_consent"]))
    for line in expected:
        assert line in page, line


def test_the_pack_chooses_the_documents(rules: RuleSet) -> None:
    vm = california(rules)
    pages = pdf_pages(render_notice(vm, "en"))
    assert len(pages) == 2
    assert (
        pages[0].startswith("Fresno County")
        or "Notice About a Request From Immigration" in pages[0]
    )
    assert "The law allows us to tell ICE the date you will be released." in pages[0]
    assert "We will not keep you here longer because of this request." in pages[0]
    assert "Government Code § 7283.1(b)" in pages[0]
    assert "Consent Form: Interview by Immigration (ICE)" in pages[1]
    assert not any("We Told Immigration Your Release Date" in page for page in pages)
    # The memo carries each document in each language after it.
    memo = pdf_pages(render_memo(vm))
    both = pdf_pages(render_memo(vm, notice_languages=("en", "es")))
    assert len(both) == len(memo) + 4
    assert "Aviso sobre una solicitud de inmigración" in both[len(memo) + 2]
    # A Connecticut decision still prints its one notice per language.
    ct = decide(rules, SCENARIOS["ct-2025-honor"])
    assert ct[2].required_notices == ("detainer_copy_and_intent",)


def test_the_shipped_ca_2018_pack_prints_its_memo_and_documents() -> None:
    """With the real ca-2018 pack: no hold ever, the TRUTH Act documents chosen by it."""
    from trustdesk.core.evaluate import evaluate
    from trustdesk.rules.caseio import parse_case
    from trustdesk.rules.registry import load_rules

    california_rules = load_rules(jurisdiction="CA")
    raw = {**SCENARIOS["ct-2025-decline"], "convictions": [], "pending_charges": []}
    case = parse_case(raw, "test", california_rules.sections)
    pack = california_rules.pack_for(case.decision_time)
    assert pack.id == "ca-2018"
    decision = evaluate(pack, case)
    vm = build_view_model(
        case,
        decision,
        pack,
        agency=CA_AGENCY,
        record=RecordInfo("3001", 1, RECORD_SHA256, 11, CREATED_AT),
        officer=OFFICER,
    )
    assert vm.hold.kind == HOLD_NEVER
    # The pack requires the copy of the request; its interview outcome the consent form.
    assert vm.notice.documents[0] == "detainer_copy"
    assert "truth_consent" in vm.notice.documents
    release = decision.outcome_of("release_date")
    assert release is not None
    # Unsettled facts give "unknown": the notice then promises nothing either way.
    shared = {"unknown": None, "not_allowed": False}.get(release.outcome, True)
    assert vm.notice.release_date_shared is shared
    memo = pdf_pages(render_memo(vm, notice_languages=("en", "es")))
    text = " ".join(memo)
    assert "Immigration detainer decision — " + pack.statute in text
    assert "What the law allows — each action" in text
    assert "HOLD EXPIRES" not in text and "never allows holding a person" in text
    for outcome in decision.outcomes:
        assert outcome.label in text
    pages = len(vm.notice.documents)
    english, spanish = memo[-2 * pages : -pages], memo[-pages:]
    assert "Notice About a Request From Immigration" in english[0]
    refusal = "The law does not allow us to tell ICE the date you will be released"
    assert (refusal in english[0]) == (shared is False)
    assert ("The law allows us to tell ICE the date" in english[0]) == (shared is True)
    assert "Consent Form: Interview by Immigration (ICE)" in " ".join(english)
    assert "Formulario de consentimiento" in " ".join(spanish)
    assert "certified translator" in " ".join(spanish)


def test_the_memo_names_the_offense_and_its_exact_paragraph() -> None:
    """A robbery conviction opens the release date under ca-2018: the actions table says
    which conviction and which paragraph of § 1192.7(c) / § 667.5(c) made it count."""
    from trustdesk.core.evaluate import evaluate
    from trustdesk.rules.caseio import parse_case
    from trustdesk.rules.registry import load_rules

    california_rules = load_rules(jurisdiction="CA")
    robbery = {
        "statute": "PC 211",
        "level": "felony",
        "class": "unclassified",
        "jurisdiction": "CA",
        "date": "2019-03-01",
    }
    raw = {**SCENARIOS["ct-2025-decline"], "convictions": [robbery], "pending_charges": []}
    case = parse_case(raw, "test", california_rules.sections)
    pack = california_rules.pack_for(case.decision_time)
    decision = evaluate(pack, case)
    vm = build_view_model(
        case,
        decision,
        pack,
        agency=CA_AGENCY,
        record=RecordInfo("3002", 1, RECORD_SHA256, 12, CREATED_AT),
        officer=OFFICER,
    )
    text = " ".join(pdf_pages(render_memo(vm)))
    table = text[text.index("What the law allows — each action") :]
    assert "PC 211 (felony, 2019-03-01) — Penal Code § 1192.7(c)(19); Penal Code § 667.5(c)(9)" in (
        table
    )
    # A Connecticut-shaped record (no paragraph cited) keeps the grounds by title.
    plain = build_view_model(
        case,
        decision._replace(outcomes=tuple(o._replace(reasons=()) for o in decision.outcomes)),
        pack,
        agency=CA_AGENCY,
        record=RecordInfo("3003", 1, RECORD_SHA256, 13, CREATED_AT),
        officer=OFFICER,
    )
    assert "1192.7(c)(19)" not in " ".join(r for row in plain.outcomes for r in row.grounds)


# --- the notice that ICE was told the release date (Gov. Code § 7283.1(b)) ----------------

#: A contact that gave ICE the release date: Tuesday 1 December 2026, 10:15 Pacific time.
TOLD = GivenToIce(datetime.fromisoformat("2026-12-01T18:15:00+00:00"), ("release_date",))
#: A contact that told ICE only that the person is in custody.
CUSTODY = GivenToIce(datetime.fromisoformat("2026-11-30T17:00:00+00:00"), ("custody_status",))


def test_the_release_date_notice_is_printed_once_the_date_was_given(rules: RuleSet) -> None:
    vm = california(rules, [CUSTODY, TOLD])
    assert vm.notice.documents == ("detainer_copy", "release_date_told", "truth_consent")
    memo = " ".join(pdf_pages(render_memo(vm)))
    assert (
        "Notice: We Told Immigration Your Release Date (due now: the release date was given "
        "to ICE on Tuesday, December 1, 2026, 10:15 PST)"
    ) in memo
    assert "when the release date is given to ICE" not in memo
    english = pdf_pages(render_notice(vm, "en"))
    assert len(english) == 3
    told = english[1]
    assert "Notice: We Told Immigration Your Release Date" in told
    assert "We told ICE on Tuesday, December 1, 2026, 10:15 a.m. (Pacific Time)." in told
    assert "Date and time we told ICE" not in told
    assert "Government Code § 7283.1(b)" in told
    spanish = pdf_pages(render_notice(vm, "es"))
    assert "Aviso: informamos a inmigración la fecha de su salida" in spanish[1]
    assert (
        "Se lo informamos a ICE el martes 1 de diciembre de 2026, 10:15 a. m. (hora del Pacífico)."
    ) in spanish[1]


def test_each_time_the_date_was_given_is_on_the_notice(rules: RuleSet) -> None:
    again = GivenToIce(datetime.fromisoformat("2026-12-03T23:40:00+00:00"), ("release_date",))
    vm = california(rules, [again, TOLD])  # oldest first on paper, whatever the order given
    (page,) = pdf_pages(render_notice(vm, "en", ["release_date_told"]))
    first = page.index("We told ICE on Tuesday, December 1, 2026, 10:15 a.m. (Pacific Time).")
    second = page.index("We told ICE on Thursday, December 3, 2026, 3:40 p.m. (Pacific Time).")
    assert first < second


def test_the_two_times_of_the_repeated_hour_are_told_apart_in_both_languages(
    rules: RuleSet,
) -> None:
    # 1:30 a.m. happened twice on 1 November 2026 in California: the general "Pacific
    # Time" would not say which, so those times name daylight or standard time.
    daylight = GivenToIce(datetime.fromisoformat("2026-11-01T08:30:00+00:00"), ("release_date",))
    standard = GivenToIce(datetime.fromisoformat("2026-11-01T09:30:00+00:00"), ("release_date",))
    later = GivenToIce(datetime.fromisoformat("2026-11-01T10:30:00+00:00"), ("release_date",))
    vm = california(rules, [daylight, standard, later])
    (english,) = pdf_pages(render_notice(vm, "en", ["release_date_told"]))
    for line in (
        "November 1, 2026, 1:30 a.m. (Pacific Daylight Time).",
        "November 1, 2026, 1:30 a.m. (Pacific Standard Time).",
        "November 1, 2026, 2:30 a.m. (Pacific Time).",  # once only: the general name
    ):
        assert line in english
    (spanish,) = pdf_pages(render_notice(vm, "es", ["release_date_told"]))
    for line in (
        "1 de noviembre de 2026, 1:30 a. m. (hora de verano del Pacífico).",
        "1 de noviembre de 2026, 1:30 a. m. (hora estándar del Pacífico).",
        "1 de noviembre de 2026, 2:30 a. m. (hora del Pacífico).",
    ):
        assert line in spanish


def test_giving_something_else_does_not_make_the_notice_due(rules: RuleSet) -> None:
    vm = california(rules, [CUSTODY])
    assert vm.notice.documents == ("detainer_copy", "truth_consent")
    assert vm.notice.release_date_given_at == ()
    memo = " ".join(pdf_pages(render_memo(vm, notice_languages=("en", "es"))))
    assert "(when the release date is given to ICE)" in memo
    assert "We told ICE on" not in memo and "Se lo informamos a ICE" not in memo


def test_asked_for_by_name_before_the_date_was_given_it_leaves_the_time_to_write(
    rules: RuleSet,
) -> None:
    (page,) = pdf_pages(render_notice(california(rules), "es", ["release_date_told"]))
    assert "Fecha y hora en que se lo informamos a ICE:" in page
    assert "Se lo informamos a ICE el" not in page


def test_a_connecticut_decision_never_prints_it(rules: RuleSet) -> None:
    for scenario in ("ct-2025-honor", "ct-2025-decline", "ct-2019-honor", "ct-2014-honor"):
        case, decision, pack = decide(rules, SCENARIOS[scenario])
        record = RecordInfo("8", 1, RECORD_SHA256, 3, CREATED_AT)
        plain = build_view_model(
            case, decision, pack, agency=AGENCY, record=record, officer=OFFICER
        )
        told = build_view_model(
            case, decision, pack, agency=AGENCY, record=record, officer=OFFICER, given=[TOLD]
        )
        assert told == plain, scenario
        assert "release_date_told" not in told.notice.documents


@pytest.mark.parametrize(
    ("decided", "pack_id"),
    [("2017-06-01T09:00:00-07:00", "ca-2014"), ("2026-11-30T09:00:00-08:00", "ca-2018")],
)
@pytest.mark.parametrize("robbery", [True, False])
def test_the_shipped_california_packs_print_it_only_once_given(
    decided: str, pack_id: str, robbery: bool
) -> None:
    """With the real packs: allowed (robbery under ca-2018, always under ca-2014) or not,
    the notice waits for a contact that gave the date; given, it is due even where giving
    it was not allowed (ICE was told all the same)."""
    from trustdesk.core.evaluate import evaluate
    from trustdesk.rules.caseio import parse_case
    from trustdesk.rules.registry import load_rules

    california_rules = load_rules(jurisdiction="CA")
    convictions = [
        {
            "statute": "PC 211",
            "level": "felony",
            "class": "unclassified",
            "jurisdiction": "CA",
            "date": "2015-03-01",
        }
    ]
    base = SCENARIOS["ct-2025-decline"]
    raw = {
        **base,
        "decision_time": decided,
        "detainer": {k: v for k, v in base["detainer"].items() if k != "received_at"},
        "convictions": convictions if robbery else [],
        "pending_charges": [],
    }
    case = parse_case(raw, "test", california_rules.sections)
    pack = california_rules.pack_for(case.decision_time)
    assert pack.id == pack_id
    decision = evaluate(pack, case)
    release = decision.outcome_of("release_date")
    assert release is not None
    if robbery:
        assert release.outcome == "allowed_with_conditions"

    def built(given: Sequence[GivenToIce]) -> MemoViewModel:
        record = RecordInfo("3004", 1, RECORD_SHA256, 14, CREATED_AT)
        return build_view_model(
            case, decision, pack, agency=CA_AGENCY, record=record, officer=OFFICER, given=given
        )

    before = built([CUSTODY])
    assert "release_date_told" not in before.notice.documents
    texts = pdf_pages(render_memo(before, notice_languages=("en", "es")))
    assert not any("We Told Immigration Your Release Date" in page[:200] for page in texts)
    if release.outcome in ("allowed", "allowed_with_conditions"):
        assert "(when the release date is given to ICE)" in " ".join(texts)
    at = datetime.fromisoformat(decided).replace(hour=15)
    after = built([CUSTODY, GivenToIce(at, ("release_date",))])
    assert "release_date_told" in after.notice.documents
    english = pdf_pages(render_notice(after, "en"))
    page = english[after.notice.documents.index("release_date_told")]
    assert page.count("We told ICE on ") == 1
    assert "at 3:00 p.m." not in page and "3:00 p.m. (Pacific Time)." in page
