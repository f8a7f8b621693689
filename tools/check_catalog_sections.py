"""Check the offense catalog against the statute sections read from public statute text.

Run with ``.venv/bin/python tools/check_catalog_sections.py``; it exits 1 when a section the
list shows as an offense with a stated level is missing from the catalog, or when a class
disagreement is not yet in the list's ``reported_disagreements``, and prints:

- missing: offense sections whose text states a level but which the catalog lacks;
- disagreements: sections whose stated level and class the catalog cannot carry (neither
  today's classes nor an earlier class it records) -- for the lead, never changed silently;
- not added: offense sections whose text states no level in what was read (the catalog
  cannot take them without guessing a level), and catchline-only sections;
- per title: how many sections were read and how many of them are in the catalog.

The list is ``resources/offenses/sources/statute-sections.json`` (its provenance is in the
file and in ``resources/offenses/SOURCES.md``). tests/test_catalog_sections.py runs the
same functions.
"""

from __future__ import annotations

import collections
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SECTIONS = REPO / "resources" / "offenses" / "sources" / "statute-sections.json"


@dataclass(frozen=True)
class SectionRead:
    """One section as read from a statute text."""

    section: str
    catchline: str
    offense: bool | None
    stated: tuple[tuple[str, tuple[str, ...]], ...]
    source: str


@dataclass(frozen=True)
class Report:
    """How the catalog compares with the sections read."""

    read: int
    per_title: dict[str, tuple[int, int]]
    missing: tuple[str, ...]
    disagreements: tuple[str, ...]
    not_added: tuple[str, ...]
    catchline_only: tuple[str, ...]


def load_sections(path: Path = SECTIONS) -> list[SectionRead]:
    """The sections of the vendored list, in file order."""
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    out: list[SectionRead] = []
    for item in raw["sections"]:
        stated = tuple(
            (level, tuple(classes)) for level, classes in dict(item.get("stated", {})).items()
        )
        out.append(
            SectionRead(
                section=str(item["section"]),
                catchline=str(item["catchline"]),
                offense=item["offense"],
                stated=stated,
                source=str(item["source"]),
            )
        )
    return out


def load_reported(path: Path = SECTIONS) -> frozenset[str]:
    """Sections whose disagreement with the catalog has been reported to the lead."""
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(str(item["section"]) for item in raw.get("reported_disagreements", []))


def unreported(report: Report, reported: frozenset[str]) -> tuple[str, ...]:
    """The disagreements not yet reported (a new one must be listed for the lead)."""
    return tuple(d for d in report.disagreements if d.split(":", 1)[0] not in reported)


def compare(catalog: Any, sections: list[SectionRead]) -> Report:
    """Compare ``catalog`` (an OffenseCatalog) with the sections read."""
    per_title: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    missing: list[str] = []
    disagreements: list[str] = []
    not_added: list[str] = []
    catchline_only: list[str] = []
    for read in sections:
        title = read.section.split("-", 1)[0]
        entry = catalog.get(read.section)
        per_title[title][0] += 1
        per_title[title][1] += entry is not None
        if read.offense is None:
            catchline_only.append(f"{read.section} {read.catchline}")
            continue
        if not read.offense:
            continue
        if not read.stated:
            if entry is None:
                not_added.append(f"{read.section} {read.catchline} (no level in the text read)")
            continue
        if entry is None:
            missing.append(f"{read.section} {read.catchline}")
            continue
        for level, classes in read.stated:
            for klass in classes:
                if not entry.can_carry(level, klass):
                    current = [(f.level, f.classes) for f in entry.forms]
                    disagreements.append(
                        f"{read.section}: the text states {level} class {klass}"
                        f" ({read.source}); the catalog has {current}"
                    )
    return Report(
        read=len(sections),
        per_title={k: (v[0], v[1]) for k, v in sorted(per_title.items())},
        missing=tuple(missing),
        disagreements=tuple(disagreements),
        not_added=tuple(not_added),
        catchline_only=tuple(catchline_only),
    )


def main() -> int:
    sys.path.insert(0, str(REPO / "src"))
    from trustdesk.rules.catalog import load_catalog

    report = compare(load_catalog(), load_sections())
    new = unreported(report, load_reported())
    print(f"sections read: {report.read}")
    for title, (read, present) in report.per_title.items():
        print(f"  title {title}: {read} read, {present} in the catalog")
    for label, items in (
        ("missing from the catalog", report.missing),
        ("class disagreements (for the lead)", report.disagreements),
        ("offenses not added (no level in the text read)", report.not_added),
        ("catchline only (penalty not read)", report.catchline_only),
    ):
        print(f"{label}: {len(items)}")
        for item in items:
            print(f"  {item}")
    print(f"disagreements not yet reported: {len(new)}")
    return 1 if report.missing or new else 0


if __name__ == "__main__":
    raise SystemExit(main())
