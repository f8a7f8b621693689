"""Running a rule pack's own embedded test cases against the engine."""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from trustdesk.core.errors import CoreError
from trustdesk.core.evaluate import evaluate
from trustdesk.core.pack import RulePack
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


def run_one(
    pack: RulePack,
    index: int,
    test: Mapping[str, Any],
    source: str,
    catalog: Container[str] | None,
) -> PackTestResult:
    name = str(test.get("name", f"test {index}"))
    expect = test["expect"]
    try:
        case = parse_case(test["case"], f"{source} /tests/{index}/case", catalog)
        decision = evaluate(pack, case)
    except (InputError, CoreError) as exc:
        return PackTestResult(index, name, (f"case cannot be evaluated: {exc}",))
    problems = []
    if decision.decision != expect["decision"]:
        problems.append(f"expected {expect['decision']}, got {decision.decision}")
    if set(decision.grounds) != set(expect["grounds"]):
        problems.append(
            f"expected grounds {sorted(expect['grounds'])}, got {sorted(decision.grounds)}"
        )
    if decision.needs_review != expect["needs_review"]:
        problems.append(
            f"expected needs_review {expect['needs_review']}, got {decision.needs_review}"
            + (f" ({'; '.join(decision.review_reasons)})" if decision.review_reasons else "")
        )
    if "hold_expires_at" in expect:
        problem = _expiry_problem(expect["hold_expires_at"], decision.hold_expires_at)
        if problem:
            problems.append(problem)
    wanted_text = expect.get("review_reason_contains")
    if wanted_text and not any(wanted_text in reason for reason in decision.review_reasons):
        problems.append(f"no review reason mentions {wanted_text!r}")
    if "unverified" in expect and bool(decision.unverified) != expect["unverified"]:
        problems.append(
            f"expected unverified data shown: {expect['unverified']}, "
            f"got {bool(decision.unverified)}"
        )
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
