"""Which law a report's period falls under: the statute each shipped rule pack of the
agency's jurisdiction states, and the packs in force during the period.

The report's footnotes name the law from these packs (``statute``, ``effective_from`` /
``effective_to``), never from code, so a California agency's report names the
Government Code and a Connecticut one § 54-192h. Only the packs' headers are read.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from trustdesk.rules import strict_json
from trustdesk.rules.errors import RulesError
from trustdesk.rules.packs import bundled_pack_paths


class PackLaw(NamedTuple):
    pack_id: str
    statute: str  # "Conn. Gen. Stat. § 54-192h", "Gov. Code §§ 7282.5, 7283.1, 7284.6"
    effective_from: date
    effective_to: date | None


def shipped_laws(jurisdiction: str | None) -> tuple[PackLaw, ...]:
    """The shipped packs of ``jurisdiction`` (of every one for None) in date order (a
    damaged one is left out: the rules loader names it where the packs are used)."""
    found = []
    for path in bundled_pack_paths(jurisdiction):
        try:
            raw = strict_json.load_path(path)
            to = raw.get("effective_to")
            found.append(
                PackLaw(
                    str(raw["id"]),
                    str(raw["statute"]),
                    date.fromisoformat(str(raw["effective_from"])),
                    None if to is None else date.fromisoformat(str(to)),
                )
            )
        except (RulesError, KeyError, TypeError, ValueError, AttributeError):
            continue
    return tuple(sorted(found, key=lambda law: law.effective_from))


def laws_in_period(laws: tuple[PackLaw, ...], start: date, end: date) -> tuple[PackLaw, ...]:
    """The packs in force on some day from ``start`` to ``end`` (both included); all of
    them when none is (a period before the first one)."""
    within = tuple(
        law
        for law in laws
        if law.effective_from <= end and (law.effective_to is None or law.effective_to >= start)
    )
    return within or laws


def law_phrase(laws: tuple[PackLaw, ...]) -> str:
    """How a footnote names the law: "the version of Conn. Gen. Stat. § 54-192h in force
    on its decision date (ct-2014, ct-2019, ct-2025)" when the packs share one statute;
    else each statute with its packs."""
    statutes: dict[str, list[str]] = {}
    for law in laws:
        statutes.setdefault(law.statute, []).append(law.pack_id)
    if len(statutes) == 1:
        statute, ids = next(iter(statutes.items()))
        return f"the version of {statute} in force on its decision date ({', '.join(ids)})"
    named = "; ".join(f"{statute} ({', '.join(ids)})" for statute, ids in statutes.items())
    return f"the law in force on its decision date: {named}"
