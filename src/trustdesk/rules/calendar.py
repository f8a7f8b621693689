"""Exclusion calendars for the hold clock: excluded weekdays and observed federal holidays."""

from __future__ import annotations

import os
import sys
import threading
from datetime import date

from trustdesk.core.pack import ClockRule, ExclusionCalendar
from trustdesk.rules import cache
from trustdesk.rules.errors import RulesError

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOLIDAY_SETS = ("us-federal-observed", "none")

#: The legal public holidays of 5 U.S.C. 6103(a), as the ``holidays`` package names them.
#: Anything else it lists (days of mourning, executive-order closures, Inauguration Day in
#: some versions or subdivisions) is not a holiday under the statute and is dropped.
FEDERAL_HOLIDAY_NAMES = frozenset(
    {
        "New Year's Day",
        "Martin Luther King Jr. Day",
        "Washington's Birthday",
        "Memorial Day",
        "Juneteenth National Independence Day",
        "Independence Day",
        "Labor Day",
        "Columbus Day",
        "Veterans Day",
        "Thanksgiving Day",
        "Christmas Day",
    }
)
#: Holidays younger than the Monday Holiday Act's 1971 calendar, by first year.
_FIRST_YEAR = {
    "Martin Luther King Jr. Day": 1986,  # Pub. L. 98-144
    "Juneteenth National Independence Day": 2021,  # Pub. L. 117-17
}
_CHECKED_FROM = 1971
_OBSERVED = " (observed)"

# Years computed together on a miss: building the first ``holidays`` calendar costs
# ~100 ms, each further year well under 1 ms, so one miss covers every likely year.
_WINDOW = (2010, 2045)


def exclusion_calendar(rule: ClockRule) -> ExclusionCalendar:
    """The calendar of local days that do not count towards ``rule``'s hold."""
    weekdays = rule.excluded_weekdays
    if not weekdays <= frozenset(range(7)):
        raise ValueError(f"excluded weekdays must be 0 (Monday) to 6 (Sunday): {sorted(weekdays)}")
    if rule.holidays == "none":
        return _weekday_calendar(weekdays)
    if rule.holidays == "us-federal-observed":
        return _federal_calendar(weekdays)
    raise ValueError(f"unknown holiday set {rule.holidays!r}; expected one of {HOLIDAY_SETS}")


def _weekday_calendar(weekdays: frozenset[int]) -> ExclusionCalendar:
    def excluded(day: date) -> str | None:
        weekday = day.weekday()
        return WEEKDAY_NAMES[weekday] if weekday in weekdays else None

    return excluded


def _federal_calendar(weekdays: frozenset[int]) -> ExclusionCalendar:
    holiday_name = _FEDERAL.name

    def excluded(day: date) -> str | None:
        weekday = day.weekday()
        # On a weekday the holiday's name says more than "Monday" would; holidays are
        # only ever observed on weekdays, so Saturdays and Sundays read as such.
        if weekday < 5:
            name = holiday_name(day)
            if name is not None:
                return name
        return WEEKDAY_NAMES[weekday] if weekday in weekdays else None

    return excluded


class _FederalHolidays:
    """Weekdays on which a federal holiday is observed, memoised and cached on disk."""

    __slots__ = ("_cache_read", "_lock", "_names", "_years")

    def __init__(self) -> None:
        self._names: dict[date, str] = {}
        self._years: set[int] = set()
        self._cache_read = False
        # An administrator's pack import runs its tests on a worker thread (ui/tasks.py)
        # while the window may decide a case: one thread loads a year at a time, and a
        # year is marked loaded only once its holidays are in (a hostile pass found the
        # order reversed: the other thread could read the year as holiday-free).
        self._lock = threading.Lock()

    def name(self, day: date) -> str | None:
        if day.year not in self._years:
            with self._lock:
                if day.year not in self._years:
                    self._load(day.year)
        return self._names.get(day)

    def _load(self, year: int) -> None:
        cache_name = _cache_name()
        if not self._cache_read:
            self._cache_read = True
            if cache_name is not None:
                self._merge(_parse(cache.read(cache_name)))
            if year in self._years:
                return
        wanted = range(min(year, _WINDOW[0]), max(year, _WINDOW[1]) + 1)
        self._merge(_compute([y for y in wanted if y not in self._years]))
        if cache_name is not None:
            cache.write(cache_name, _dump(self._names, self._years))

    def _merge(self, computed: dict[int, dict[date, str]]) -> None:
        for year, names in computed.items():
            self._names.update(names)  # the holidays first, then the year marked loaded
            self._years.add(year)


_FEDERAL = _FederalHolidays()


def _compute(years: list[int]) -> dict[int, dict[date, str]]:
    """Observed federal holidays of ``years`` from the ``holidays`` package."""
    import holidays

    listed = holidays.country_holidays(
        "US", years=years, language="en_US", categories=("public",), observed=True
    )
    result: dict[int, dict[date, str]] = {year: {} for year in years}
    seen: dict[int, set[str]] = {year: set() for year in years}
    for day in sorted(listed):
        if day.year not in result:
            continue
        for name in listed.get_list(day):
            base = name.removesuffix(_OBSERVED)
            if base not in FEDERAL_HOLIDAY_NAMES:
                continue
            seen[day.year].add(base)
            # A holiday is observed on a weekday only: one on a Saturday or Sunday is
            # listed again, as "(observed)", on the Friday before or the Monday after.
            if day.weekday() < 5:
                known = result[day.year].get(day)
                result[day.year][day] = name if known is None else f"{known}; {name}"
    # A renamed or dropped holiday in a new package release must fail loudly, not
    # silently shorten every hold that spans it.
    for year in years:
        if year < _CHECKED_FROM:
            continue
        expected = {n for n in FEDERAL_HOLIDAY_NAMES if _FIRST_YEAR.get(n, 0) <= year}
        if missing := sorted(expected - seen[year]):
            raise RulesError(
                f"the holidays package {_holidays_version() or ''} does not list "
                f"{', '.join(missing)} for {year}; the federal holiday calendar cannot be trusted"
            )
    return result


def _cache_name() -> str | None:
    version = _holidays_version()
    return None if version is None else f"us-federal-holidays-{version}"


def _holidays_version() -> str | None:
    """The installed ``holidays`` version, without importing it or importlib.metadata.

    Both imports cost tens of milliseconds; the version is read from the name of the
    ``holidays-<version>.dist-info`` folder next to the package instead.
    """
    for entry in sys.path:
        folder = entry or "."
        if not os.path.isdir(os.path.join(folder, "holidays")):
            continue
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.startswith("holidays-") and name.endswith(".dist-info"):
                return name.removeprefix("holidays-").removesuffix(".dist-info")
        break
    # Only when the folder layout is unusual (a frozen build, an egg): this import is slow.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("holidays")
    except PackageNotFoundError:
        # Without a version a cached calendar could outlive a fix in the package.
        return None


def _dump(names: dict[date, str], years: set[int]) -> dict[str, Any]:
    by_year: dict[str, dict[str, str]] = {str(year): {} for year in sorted(years)}
    for day, name in names.items():
        by_year[str(day.year)][day.isoformat()] = name
    return {"years": by_year}


def _parse(value: dict[str, Any]) -> dict[int, dict[date, str]]:
    """The cached calendar, or nothing when the file is not what we wrote."""
    try:
        parsed: dict[int, dict[date, str]] = {}
        for year, names in value["years"].items():
            days = {date.fromisoformat(day): name for day, name in names.items()}
            if not all(isinstance(n, str) and d.year == int(year) for d, n in days.items()):
                return {}
            parsed[int(year)] = days
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}
    return parsed
