"""Running a rule pack's own embedded test cases against the engine.

Expectations state the law, not the state of its verification: each case is decided
with every item of the pack taken as verified and compared with them, then decided
under the pack's own verification, where the only difference allowed is review (and the
notes) for grounds resting on unverified items. So a counsel sign-off, which changes
only verification, never makes a pack fail its own tests.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from trustdesk.core.contacts import advise
from trustdesk.core.decision import MET, Decision
from trustdesk.core.errors import CoreError
from trustdesk.core.evaluate import UNVERIFIED_REASONS, evaluate
from trustdesk.core.pack import RulePack, Verification
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.errors import InputError, PackTestFailure

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True, slots=True)
class PackTestResult:
    index: int
    name: str
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def _expiry_problem(expected: str | None, actual: datetime | None) -> str | None:
    if expected is None:
        return None if actual is None else f"expected no hold expiry, got {actual.isoformat()}"
    try:
        wanted = datetime.fromisoformat(expected)
    except ValueError:
        return f"expected hold_expires_at {expected!r} is not a date and time"
    if actual is None:
        return f"expected hold expiry {expected}, got none"
    if actual != wanted or actual.utcoffset() != wanted.utcoffset():
        return f"expected hold expiry {expected}, got {actual.isoformat()}"
    return None


def all_verified(pack: RulePack) -> RulePack:
    """``pack`` as it would be were every one of its items verified."""
    done = Verification(True, by="(every item taken as verified)", title="test", source="test")
    return pack._replace(verifications=dict.fromkeys(pack.verifications, done))


def _grounds_unverified(pack: RulePack, decision: Decision) -> bool:
    """Whether every met ground rests on an item the pack does not record as verified."""
    met = [result for result in decision.trace if result.status == MET]
    return bool(met) and all(result.unverified for result in met)


def _verification_problems(pack: RulePack, decision: Decision, expected_review: bool) -> list[str]:
    """Check the decision under the pack's own verification against the expectation.

    ``expect.needs_review`` states the review needed were every item verified; under the
    pack as it is, a decision whose every ground rests on an unverified item must also go
    to review for that reason, and every unverified item it rests on must be shown.
    """
    problems = []
    unverified = [i for i in decision.rests_on if not pack.verification(i).verified]
    if bool(decision.unverified) != bool(unverified):
        problems.append(
            f"unverified items the decision rests on: {unverified or 'none'}, "
            f"but it shows {len(decision.unverified)} unverified notes"
        )
    flagged = bool(UNVERIFIED_REASONS & set(decision.review_reasons))
    if flagged != _grounds_unverified(pack, decision):
        problems.append(f"review for unverified grounds is {flagged}, which the items contradict")
    if not flagged and decision.needs_review != expected_review:
        problems.append(
            f"expected needs_review {expected_review}, got {decision.needs_review}"
            + (f" ({'; '.join(decision.review_reasons)})" if decision.review_reasons else "")
        )
    return problems


def _contact_problems(pack: RulePack, decision: Decision, expected: Mapping[str, str]) -> list[str]:
    """The contact check's verdicts for this decision against ``expect.contacts``."""
    if pack.contacts is None:
        return ["expects contact verdicts but the pack has no contacts section"]
    advice = advise(pack, decision=decision)
    got = {item.disclosure: item.verdict for item in advice.items}
    return [
        f"expected {disclosure} {verdict} for a contact, got {got[disclosure]}"
        for disclosure, verdict in expected.items()
        if got[disclosure] != verdict
    ]


def _outcome_problems(decision: Decision, expected: Mapping[str, str]) -> list[str]:
    """The engine's action outcomes (every item taken as verified) against ``expect.outcomes``."""
    problems = []
    for action, outcome in expected.items():
        got = decision.outcome_of(action)
        if got is None:
            problems.append(f"expected {action} {outcome}, but the pack decides no {action}")
        elif got.outcome != outcome:
            problems.append(f"expected {action} {outcome}, got {got.outcome}")
    return problems


def run_one(
    pack: RulePack,
    index: int,
    test: Mapping[str, Any],
    source: str,
    catalog: Container[str] | None,
) -> PackTestResult:
    """Run one embedded test: once with every item verified, once as the pack stands."""
    name = str(test.get("name", f"test {index}"))
    expect = test["expect"]
    try:
        case = parse_case(test["case"], f"{source} /tests/{index}/case", catalog)
        checked = evaluate(all_verified(pack), case)
        decision = evaluate(pack, case)
    except (InputError, CoreError) as exc:
        return PackTestResult(index, name, (f"case cannot be evaluated: {exc}",))
    problems = []
    if checked.decision != expect["decision"]:
        problems.append(f"expected {expect['decision']}, got {checked.decision}")
    if set(checked.grounds) != set(expect["grounds"]):
        problems.append(
            f"expected grounds {sorted(expect['grounds'])}, got {sorted(checked.grounds)}"
        )
    if checked.needs_review != expect["needs_review"]:
        problems.append(
            f"expected needs_review {expect['needs_review']} with every item verified, "
            f"got {checked.needs_review}"
            + (f" ({'; '.join(checked.review_reasons)})" if checked.review_reasons else "")
        )
    if "hold_expires_at" in expect:
        problem = _expiry_problem(expect["hold_expires_at"], checked.hold_expires_at)
        if problem:
            problems.append(problem)
    wanted_text = expect.get("review_reason_contains")
    if wanted_text and not any(wanted_text in reason for reason in checked.review_reasons):
        problems.append(f"no review reason mentions {wanted_text!r}")
    if "rests_on" in expect and set(checked.rests_on) != set(expect["rests_on"]):
        problems.append(
            f"expected the decision to rest on {sorted(expect['rests_on'])}, "
            f"got {sorted(checked.rests_on)}"
        )
    if "contacts" in expect:
        problems.extend(_contact_problems(all_verified(pack), checked, expect["contacts"]))
    if "outcomes" in expect:
        problems.extend(_outcome_problems(checked, expect["outcomes"]))
    if (decision.decision, decision.grounds) != (checked.decision, checked.grounds):
        problems.append("verification changed the outcome; it may only send it to review")
    problems.extend(_verification_problems(pack, decision, expect["needs_review"]))
    return PackTestResult(index, name, tuple(problems))


def run_pack_tests(
    pack: RulePack,
    tests: Sequence[Mapping[str, Any]],
    source: str,
    catalog: Container[str] | None,
) -> list[PackTestResult]:
    return [run_one(pack, i, test, source, catalog) for i, test in enumerate(tests)]


def check_pack_tests(
    pack: RulePack,
    tests: Sequence[Mapping[str, Any]],
    source: str,
    catalog: Container[str] | None,
) -> None:
    """Raise PackTestFailure naming every failing embedded test."""
    failures = [r for r in run_pack_tests(pack, tests, source, catalog) if not r.passed]
    if failures:
        detail = "; ".join(
            f"/tests/{r.index} ({r.name}): {', '.join(r.problems)}" for r in failures
        )
        raise PackTestFailure(
            f"{source}: rule pack {pack.id} refused: {len(failures)} of its own "
            f"{len(tests)} test cases fail: {detail}"
        )
