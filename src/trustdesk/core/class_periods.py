"""A section's class history: its classes today, the earlier ones and when each applied.

Data only (built by rules/ from the offense catalog); core/class_history.py applies it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

Form = tuple[str, tuple[str, ...]]  # (level, classes at that level)


class ClassPeriod(NamedTuple):
    """Levels and classes a section carried until ``until`` (``None``: end not known).

    ``known_until`` is a day up to which the period certainly lasted when its exact end
    is not known (the act that ended it was passed later).
    """

    forms: tuple[Form, ...]
    until: date | None
    act: str
    known_until: date | None = None


class ClassHistory(NamedTuple):
    """Today's forms of a section, since when, and the earlier periods with their acts."""

    current: tuple[Form, ...]
    earlier: tuple[ClassPeriod, ...]
    since: date | None = None
    since_exact: bool = True
    act: str = ""

    def differs(self) -> bool:
        """Whether any earlier period carried other levels or classes than today."""
        today = pairs(self.current)
        return any(pairs(period.forms) != today for period in self.earlier)

    def change_date(self) -> tuple[date | None, bool]:
        """First day of today's classes, and whether that day is exact (not just 'by then')."""
        if self.since is not None:
            return self.since, self.since_exact
        dated = [p.until for p in self.earlier if p.until is not None]
        if dated and len(dated) == len(self.earlier):
            return max(dated) + timedelta(days=1), True
        return None, False

    def on(self, day: date) -> tuple[Form, ...] | None:
        """The forms in force on ``day``, or None when the sources cannot tell."""
        for period in sorted(
            (p for p in self.earlier if p.until is not None), key=lambda p: p.until or day
        ):
            if period.until is not None and day <= period.until:
                return period.forms
        since, exact = self.change_date()
        if since is not None and day >= since:
            return self.current
        # The earliest period reaches back to the section's beginning, so up to the day it
        # certainly lasted it is the one in force; a later one's start is not known.
        ends = [p.until or p.known_until for p in self.earlier]
        if self.earlier and all(end is not None for end in ends):
            first = min(self.earlier, key=lambda p: p.until or p.known_until or day)
            limit = first.until or first.known_until
            if limit is not None and day <= limit:
                return first.forms
        undated = [p for p in self.earlier if p.until is None]
        if exact and since is not None and len(undated) == 1:
            return undated[0].forms
        if exact and since is not None and not undated:
            return self.current
        return None


def pairs(forms: tuple[Form, ...]) -> frozenset[tuple[str, str]]:
    return frozenset((level, klass) for level, classes in forms for klass in classes)


def describe_forms(forms: tuple[Form, ...]) -> str:
    """``class D felony``, ``class A misdemeanor or unclassified felony`` …"""
    parts = []
    for level, classes in forms:
        named = [c for c in classes if c not in {"unclassified", "unknown"}]
        text = ""
        if named:
            text = f"class {' or '.join(named)} {level}"
        if "unclassified" in classes:
            text = f"{text} or unclassified {level}" if text else f"unclassified {level}"
        if "unknown" in classes:
            text = f"{text} or {level} of unknown class" if text else f"{level} of unknown class"
        parts.append(text)
    return " or ".join(parts)
