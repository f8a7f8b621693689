"""The federal holiday calendar against 5 U.S.C. 6103 as LAW.md §3 states it."""

from __future__ import annotations

import calendar as stdlib_calendar
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path

import pytest

from trustdesk.core.pack import ClockRule
from trustdesk.rules import calendar as federal
from trustdesk.rules.calendar import exclusion_calendar
from trustdesk.rules.errors import RulesError

YEARS = range(2014, 2036)
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def rule(
    weekdays: frozenset[int] = frozenset({SAT, SUN}), holidays: str = "us-federal-observed"
) -> ClockRule:
    return ClockRule(48, "America/New_York", weekdays, holidays, "test", "test")


CT = exclusion_calendar(rule())
HOLIDAYS_ONLY = exclusion_calendar(rule(frozenset()))


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TRUSTDESK_NO_CACHE", raising=False)


# -- the oracle: the statute's rules, computed here independently ----------------------


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year, month, stdlib_calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def statutory_holidays(year: int) -> dict[str, date]:
    """5 U.S.C. 6103(a) for ``year``: each holiday's own date."""
    days = {
        "New Year's Day": date(year, 1, 1),
        "Martin Luther King Jr. Day": nth_weekday(year, 1, MON, 3),
        "Washington's Birthday": nth_weekday(year, 2, MON, 3),
        "Memorial Day": last_weekday(year, 5, MON),
        "Independence Day": date(year, 7, 4),
        "Labor Day": nth_weekday(year, 9, MON, 1),
        "Columbus Day": nth_weekday(year, 10, MON, 2),
        "Veterans Day": date(year, 11, 11),
        "Thanksgiving Day": nth_weekday(year, 11, THU, 4),
        "Christmas Day": date(year, 12, 25),
    }
    if year >= 2021:
        days["Juneteenth National Independence Day"] = date(year, 6, 19)
    return days


def observed_in(year: int) -> dict[date, str]:
    """Weekdays of ``year`` on which a federal holiday is observed, with its reason."""
    observed: dict[date, str] = {}
    for source_year in (year - 1, year, year + 1):
        for name, day in statutory_holidays(source_year).items():
            shift = {SAT: -1, SUN: 1}.get(day.weekday(), 0)
            on = day + timedelta(days=shift)
            if on.year == year:
                observed[on] = f"{name} (observed)" if shift else name
    return observed


def every_day(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


# -- the calendar against the oracle --------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_observed_holidays_match_the_statute(year: int) -> None:
    excluded = {day: HOLIDAYS_ONLY(day) for day in every_day(year) if HOLIDAYS_ONLY(day)}
    assert excluded == observed_in(year)


@pytest.mark.parametrize("year", YEARS)
def test_connecticut_calendar_is_weekends_plus_observed_holidays(year: int) -> None:
    holidays = observed_in(year)
    for day in every_day(year):
        if day.weekday() == SAT:
            assert CT(day) == "Saturday"
        elif day.weekday() == SUN:
            assert CT(day) == "Sunday"
        else:
            assert CT(day) == holidays.get(day)


def test_oracle_sanity() -> None:
    assert len(observed_in(2026)) == 11
    assert len(observed_in(2020)) == 10
    assert len(observed_in(2022)) == 10  # New Year's Day 2022 was observed in 2021
    assert len(observed_in(2021)) == 12  # ... so 2021 observed two


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 11, 26), "Thanksgiving Day"),
        (date(2026, 7, 3), "Independence Day (observed)"),
        (date(2026, 7, 4), "Saturday"),
        (date(2021, 12, 31), "New Year's Day (observed)"),
        (date(2022, 1, 1), "Saturday"),
        (date(2021, 6, 18), "Juneteenth National Independence Day (observed)"),
        (date(2022, 6, 20), "Juneteenth National Independence Day (observed)"),
        (date(2024, 6, 19), "Juneteenth National Independence Day"),
        (date(2023, 1, 2), "New Year's Day (observed)"),
        (date(2025, 1, 20), "Martin Luther King Jr. Day"),  # also Inauguration Day
        (date(2017, 11, 10), "Veterans Day (observed)"),
    ],
)
def test_reasons(day: date, reason: str) -> None:
    assert CT(day) == reason


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 6, 19),  # Juneteenth before Pub. L. 117-17
        date(2017, 1, 20),  # Inauguration Day (D.C. area only)
        date(2021, 1, 20),  # Inauguration Day (D.C. area only)
        date(2014, 12, 26),  # executive-order closure
        date(2018, 12, 5),  # day of mourning, G. H. W. Bush
        date(2018, 12, 24),  # executive-order closure
        date(2019, 12, 24),  # executive-order closure
        date(2020, 12, 24),  # executive-order closure
        date(2024, 12, 24),  # executive-order closure
        date(2025, 1, 9),  # day of mourning, Carter
        date(2025, 12, 24),  # executive-order closure
        date(2025, 12, 26),  # executive-order closure
        date(2026, 2, 12),  # Lincoln's Birthday, a Connecticut holiday only
        date(2026, 4, 3),  # Good Friday, a Connecticut holiday only
    ],
)
def test_days_that_are_not_federal_holidays(day: date) -> None:
    assert CT(day) is None


# -- rule variants ----------------------------------------------------------------------


def test_no_holidays() -> None:
    calendar = exclusion_calendar(rule(holidays="none"))
    assert calendar(date(2026, 11, 26)) is None
    assert calendar(date(2026, 11, 28)) == "Saturday"


def test_holiday_name_wins_over_an_excluded_weekday() -> None:
    calendar = exclusion_calendar(rule(frozenset({MON})))
    assert calendar(date(2026, 1, 19)) == "Martin Luther King Jr. Day"
    assert calendar(date(2026, 1, 26)) == "Monday"
    assert calendar(date(2026, 7, 4)) is None  # Saturday not excluded; observed on Friday
    assert calendar(date(2026, 7, 3)) == "Independence Day (observed)"


def test_unknown_holiday_set() -> None:
    with pytest.raises(ValueError, match="us-state-holidays"):
        exclusion_calendar(rule(holidays="us-state-holidays"))


def test_bad_weekday_number() -> None:
    with pytest.raises(ValueError, match="0 \\(Monday\\) to 6"):
        exclusion_calendar(rule(frozenset({7})))


def test_far_years_are_computed_on_demand() -> None:
    assert HOLIDAYS_ONLY(date(2061, 7, 4)) == "Independence Day"
    assert HOLIDAYS_ONLY(date(1999, 12, 31)) == "New Year's Day (observed)"


def test_renamed_holiday_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        federal, "FEDERAL_HOLIDAY_NAMES", federal.FEDERAL_HOLIDAY_NAMES | {"Flag Day"}
    )
    with pytest.raises(RulesError, match="Flag Day for 2026"):
        federal._compute([2026])


def test_version_read_cheaply_agrees_with_metadata() -> None:
    assert federal._holidays_version() == version("holidays")


# -- the on-disk cache, seen from fresh processes -------------------------------------

PROBE = """
import json, sys
from datetime import date
from trustdesk.core.pack import ClockRule
from trustdesk.rules.calendar import exclusion_calendar
rule = ClockRule(48, "America/New_York", frozenset({5, 6}), "us-federal-observed", "c", "t")
calendar = exclusion_calendar(rule)
reasons = [calendar(date(2026, 11, 26)), calendar(date(2021, 12, 31)), calendar(date(2026, 11, 25))]
print(json.dumps({"reasons": reasons, "imported": "holidays" in sys.modules}))
"""
EXPECTED = ["Thanksgiving Day", "New Year's Day (observed)", None]


def probe(cache_dir: Path, **env: str) -> dict[str, object]:
    environment = {**os.environ, "TRUSTDESK_CACHE_DIR": str(cache_dir), **env}
    if "TRUSTDESK_NO_CACHE" not in env:
        environment.pop("TRUSTDESK_NO_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_warm_cache_avoids_importing_holidays(tmp_path: Path) -> None:
    cold = probe(tmp_path)
    assert cold == {"reasons": EXPECTED, "imported": True}
    assert len(list(tmp_path.glob(f"us-federal-holidays-{version('holidays')}-*.json"))) == 1
    warm = probe(tmp_path)
    assert warm == {"reasons": EXPECTED, "imported": False}


def test_corrupt_cache_is_recomputed(tmp_path: Path) -> None:
    probe(tmp_path)
    for path in tmp_path.glob("us-federal-holidays-*.json"):
        path.write_text('{"years": {"2026": {"2026-11-26": 3}}}', encoding="utf-8")
    assert probe(tmp_path) == {"reasons": EXPECTED, "imported": True}
    assert probe(tmp_path) == {"reasons": EXPECTED, "imported": False}


def test_cache_can_be_disabled(tmp_path: Path) -> None:
    assert probe(tmp_path, TRUSTDESK_NO_CACHE="1") == {"reasons": EXPECTED, "imported": True}
    assert not list(tmp_path.glob("*.json"))


def test_a_year_being_loaded_is_never_read_as_holiday_free_by_another_thread() -> None:
    """The year was marked loaded before its holidays were added: a second thread asking
    in between read Thanksgiving as a working day (a hostile pass on the hold clock)."""
    import threading
    from datetime import date

    from trustdesk.rules import calendar

    adding, release = threading.Event(), threading.Event()

    class SlowNames(dict):  # type: ignore[type-arg]
        def update(self, names: dict[date, str]) -> None:  # type: ignore[override]
            if thanksgiving in names:  # the loading thread is adding that year's now
                adding.set()
                release.wait(5)
            super().update(names)

    federal = calendar._FederalHolidays()
    federal._cache_read = True  # computed, not read from a cache of this machine
    thanksgiving = date(2031, 11, 27)
    federal._names = SlowNames()
    first: list[str | None] = []
    loading = threading.Thread(target=lambda: first.append(federal.name(thanksgiving)))
    loading.start()
    assert adding.wait(30)
    second: list[str | None] = []
    reading = threading.Thread(target=lambda: second.append(federal.name(thanksgiving)))
    reading.start()
    reading.join(0.5)  # it must wait for the year, not answer from half of it
    release.set()
    loading.join(30)
    reading.join(30)
    assert first == second == ["Thanksgiving Day"]
