"""Catalog figures for the README: sections per title, and how DOC offense lines resolve.

Run with ``.venv/bin/python tools/catalog_figures.py``. tests/test_catalog_figures.py uses
the same functions and asserts the thresholds (accuracy, never timing).

Over the 255 real Department of Correction lines vendored in tests/data/public/:
- right level: over the lines that carry a DOC class code (not the unknown code C) and
  name an identifiable Connecticut section, the top hit can carry DOC's level under the
  law the catalog records: today's classes or an earlier class with its act.
- right class: over those of the lines whose code states a class letter (AF..EF, AM..DM),
  the top hit can carry that class under the same law. A bare level code (F, M, UF, UM:
  "felony" or "misdemeanor" with no letter) states no class, so it can neither confirm
  nor contradict one: those lines are counted apart, with how many the catalog reads as
  unclassified at that level and how many it gives a class letter. The figure over every
  coded line (bare codes counted as misses when the catalog gives a letter) is printed
  too. A DOC code the catalog keeps only as a dated DOC record is counted apart.
- right class under the law (the headline, decision 0046): over every coded line, against
  the class the law gave at the line's date, as tests/data/public/ct-doc-offenses/SOURCE.md
  asks ("the statute as the authority on class"): DOC's letter where DOC states one and no
  statute text contradicts it; otherwise (a bare code, or a letter the statute text
  contradicts) the level and classes in tests/data/doc_expected_classes.json, each read from
  a source quoted there, never from the catalog. A line of neither kind (a bare code whose
  class no source read states) is a miss.
- wrong top hit: over every line, the top hit is a section other than the ones judged
  right for it (for a line naming no section, any hit is wrong).
"""

from __future__ import annotations

import collections
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC_DATA = REPO / "tests" / "data" / "public" / "ct-doc-offenses" / "offenses.tsv"
EXPECTED = REPO / "tests" / "data" / "doc_expected_sections.tsv"
MISSES = REPO / "resources" / "offenses" / "sources" / "doc-class-misses.json"
LAW_CLASSES = REPO / "tests" / "data" / "doc_expected_classes.json"
IGNORED_CODES = {"", "C"}  # "C" is DOC's unknown/truncated code


@dataclass(frozen=True)
class Line:
    description: str
    code: str
    raw: str


@dataclass(frozen=True)
class Figures:
    per_title: dict[str, int]
    sections: int
    class_unknown: int
    with_history: int
    coded: int
    level_right: int
    class_right: int
    class_right_with_doc_records: int
    class_stated: int
    class_stated_right: int
    unclassed: int
    unclassed_agree: int
    lines: int
    wrong_top: tuple[str, ...]
    no_section_coded: int
    level_misses: tuple[str, ...]
    class_misses: tuple[str, ...]
    unclassed_disagree: tuple[str, ...]
    law_right: int
    law_from_table: int
    law_misses: tuple[str, ...]

    @property
    def level_rate(self) -> float:
        return self.level_right / self.coded

    @property
    def class_rate(self) -> float:
        """Right class over the coded lines whose DOC code states a class letter."""
        return self.class_stated_right / self.class_stated

    @property
    def class_rate_all_coded(self) -> float:
        """Right class over every coded line, a bare level code counting as a class."""
        return self.class_right / self.coded

    @property
    def class_rate_law(self) -> float:
        """Right class over every coded line, against the class the law gave (headline)."""
        return self.law_right / self.coded

    @property
    def wrong_top_rate(self) -> float:
        return len(self.wrong_top) / self.lines


def load_lines() -> list[Line]:
    with DOC_DATA.open(encoding="utf-8") as handle:
        return [
            Line(row["description"], row["class_code"], row["raw_doc_string"])
            for row in csv.DictReader(handle, delimiter="\t")
        ]


def load_expected() -> dict[str, frozenset[str]]:
    rows = [
        ln for ln in EXPECTED.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")
    ]
    return {
        row["description"]: frozenset()
        if row["expected_sections"] == "-"
        else frozenset(row["expected_sections"].split(";"))
        for row in csv.DictReader(rows, delimiter="\t")
    }


@dataclass(frozen=True)
class LawClass:
    """The level and classes the law gave for one DOC line, read from a quoted source."""

    section: str
    readings: dict[str, frozenset[str]]
    degree_unstated: bool


def load_law_classes() -> dict[tuple[str, str], LawClass]:
    rows = json.loads(LAW_CLASSES.read_text(encoding="utf-8"))["lines"]
    return {
        (row["description"], row["code"]): LawClass(
            row["section"],
            {r["level"]: frozenset(r["classes"]) for r in row["readings"]},
            bool(row.get("degree_unstated")),
        )
        for row in rows
    }


def fits_law(entry: object, law: LawClass) -> bool:
    """Whether the top hit gives, at each level the law gives, the law's classes.

    Exactly the law's classes; for a line naming no degree, some of them and none other.
    Only the current forms count: the classes read are those in force at the lines' dates.
    """
    from trustdesk.rules.catalog import OffenseEntry

    assert isinstance(entry, OffenseEntry)
    for level, wanted in law.readings.items():
        given = {k for form in entry.forms if form.level == level for k in form.classes}
        if not given or not given <= wanted:
            return False
        if not law.degree_unstated and given != wanted:
            return False
    return True


def right_by_law(law: LawClass | None, entry: object, klass: str, fits: bool) -> bool:
    """Whether the top hit carries the class the law gave for a coded line.

    With a table row (a bare code, or a DOC letter the statute text contradicts): the row's
    section and classes. Without one: DOC's letter, which ``fits`` already judged; a bare
    code with no row has no class read from any source, so it cannot count as right.
    """
    if law is not None:
        return (
            entry is not None
            and getattr(entry, "section", None) == law.section
            and fits_law(entry, law)
        )
    return klass != "unclassified" and fits


def query(line: Line) -> str:
    """The line as the 40-character DOC field when a source kept it, else rebuilt."""
    if line.raw and line.raw.rstrip().endswith(line.code):
        return line.raw
    return f"{line.description:<38}{line.code:>2}" if line.code else line.description


def wrong_tops(catalog: object, line: Line, wanted: frozenset[str]) -> list[str]:
    """The line's spellings (bare and as the DOC field) whose top hit is another section."""
    from trustdesk.rules.offense_search import search

    found = []
    for text in dict.fromkeys(q for q in (line.description, query(line)) if q):
        top = search(catalog, text, 1)  # type: ignore[arg-type]
        if top and top[0].entry.section not in wanted:
            found.append(f"{text.strip()!r}: top {top[0].entry.section}, wanted {sorted(wanted)}")
    return found


def measure(catalog: object) -> Figures:
    from trustdesk.rules.catalog import OffenseCatalog
    from trustdesk.rules.doc_codes import DOC_CODES
    from trustdesk.rules.offense_search import search

    assert isinstance(catalog, OffenseCatalog)
    per_title = collections.Counter(entry.section.split("-")[0] for entry in catalog)
    expected = load_expected()
    lines = load_lines()
    coded = level_right = class_right = with_doc = no_section = 0
    stated = stated_right = unclassed = unclassed_agree = 0
    unclassed_disagree: list[str] = []
    wrong: list[str] = []
    level_misses: list[str] = []
    class_misses: list[str] = []
    law_classes = load_law_classes()
    law_misses: list[str] = []
    for line in lines:
        wanted = expected[line.description]
        wrong.extend(wrong_tops(catalog, line, wanted))
        if line.code in IGNORED_CODES:
            continue
        if not wanted:
            no_section += 1
            continue
        coded += 1
        level, klass = DOC_CODES[line.code]
        top = search(catalog, query(line), 1)
        entry = top[0].entry if top else None
        if entry is not None and entry.can_carry(level):
            level_right += 1
        else:
            level_misses.append(f"{line.description!r} {line.code}: top {entry and entry.section}")
        fits = entry is not None and entry.can_carry(level, klass)
        if fits:
            class_right += 1
            with_doc += 1
        else:
            with_doc += entry is not None and entry.doc_code_seen(line.code)
        described = (
            f"{line.description!r} {line.code}: top {entry and entry.section}"
            f" {entry and [(f.level, f.classes) for f in entry.forms]}"
        )
        by_law = right_by_law(law_classes.get((line.description, line.code)), entry, klass, fits)
        if not by_law:
            law_misses.append(described)
        # "unclassified" is what a bare level code (F, M, UF, UM) maps to: no class letter.
        if klass == "unclassified":
            unclassed += 1
            unclassed_agree += fits
            if not fits:
                unclassed_disagree.append(described)
            continue
        stated += 1
        stated_right += fits
        if not fits:
            class_misses.append(described)
    return Figures(
        per_title=dict(sorted(per_title.items(), key=lambda kv: (-kv[1], kv[0]))),
        sections=len(catalog),
        class_unknown=sum(entry.class_unknown for entry in catalog),
        with_history=sum(entry.class_history() is not None for entry in catalog),
        coded=coded,
        level_right=level_right,
        class_right=class_right,
        class_right_with_doc_records=with_doc,
        class_stated=stated,
        class_stated_right=stated_right,
        unclassed=unclassed,
        unclassed_agree=unclassed_agree,
        lines=len(lines),
        wrong_top=tuple(wrong),
        no_section_coded=no_section,
        level_misses=tuple(level_misses),
        class_misses=tuple(class_misses),
        unclassed_disagree=tuple(unclassed_disagree),
        law_right=coded - len(law_misses),
        law_from_table=sum(
            (ln.description, ln.code) in law_classes
            for ln in lines
            if ln.code not in IGNORED_CODES and expected[ln.description]
        ),
        law_misses=tuple(law_misses),
    )


def main() -> int:
    from trustdesk.rules.catalog import load_catalog

    figures = measure(load_catalog())
    print(
        f"sections: {figures.sections} ({figures.class_unknown} with class unknown,"
        f" {figures.with_history} with a dated class history)"
    )
    print("per title: " + ", ".join(f"{t}: {n}" for t, n in figures.per_title.items()))
    print(
        f"DOC lines: {figures.lines}; coded lines naming a section: {figures.coded}"
        f" (coded lines naming no section: {figures.no_section_coded})"
    )
    print(f"right level: {figures.level_right}/{figures.coded} = {figures.level_rate:.1%}")
    print(
        f"right class under the law at the line's date (every coded line; DOC's letter unless"
        f" contradicted, else the class a quoted source gives, {figures.law_from_table} lines"
        f" from {LAW_CLASSES.relative_to(REPO)}): {figures.law_right}/{figures.coded}"
        f" = {figures.class_rate_law:.1%}"
    )
    print(
        f"narrower: right class over the lines whose DOC code states a class letter:"
        f" {figures.class_stated_right}"
        f"/{figures.class_stated} = {figures.class_rate:.1%}"
    )
    print(
        f"lines with a bare level code (F, M, UF, UM; no class stated): {figures.unclassed};"
        f" the catalog reads {figures.unclassed_agree} as unclassified at that level and gives"
        f" a class letter to {figures.unclassed - figures.unclassed_agree}"
    )
    print(
        f"older reading: right class over every coded line, a bare code counted as 'unclassified':"
        f" {figures.class_right}/{figures.coded} = {figures.class_rate_all_coded:.1%}"
        f" (with DOC's own dated codes: {figures.class_right_with_doc_records})"
    )
    print(
        f"wrong top hit: {len(figures.wrong_top)}/{figures.lines} lines"
        f" = {figures.wrong_top_rate:.1%}"
    )
    for text in figures.wrong_top:
        print(f"  wrong top: {text}")
    for text in figures.level_misses:
        print(f"  level miss: {text}")
    for text in figures.class_misses:
        print(f"  class miss: {text}")
    for text in figures.unclassed_disagree:
        print(f"  bare code, catalog gives a class: {text}")
    for text in figures.law_misses:
        print(f"  miss under the law: {text}")

    explained = json.loads(MISSES.read_text(encoding="utf-8"))["lines"]
    counts = collections.Counter(item["kind"] for item in explained)
    print(
        f"why each class miss misses ({MISSES.relative_to(REPO)}): "
        + "; ".join(f"{kind}: {n}" for kind, n in counts.most_common())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
