"""How well offense search resolves the 255 real DOC offense lines (figures for the README).

Run with ``.venv/bin/python bench/doc_resolution.py``. tests/test_doc_offense_lines.py
uses the same functions and asserts the thresholds.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPECTED = REPO / "tests" / "data" / "doc_expected_sections.tsv"
IGNORED_CODES = {"", "C"}  # "C" is DOC's unknown/truncated code


@dataclass(frozen=True)
class DocLine:
    description: str
    code: str
    raw: str


@dataclass(frozen=True)
class Figures:
    section_resolved: int
    section_total: int
    compatible: int
    compatible_current_law: int
    coded_total: int
    unresolved: tuple[str, ...]
    incompatible: tuple[str, ...]

    @property
    def section_rate(self) -> float:
        return self.section_resolved / self.section_total

    @property
    def compatible_rate(self) -> float:
        return self.compatible / self.coded_total


def public_data_dir() -> Path:
    """The public data copied into the repository (tests/data/public, with its provenance)."""
    return REPO / "tests" / "data" / "public"


def load_lines(data_dir: Path) -> list[DocLine]:
    with (data_dir / "ct-doc-offenses" / "offenses.tsv").open(encoding="utf-8") as handle:
        return [
            DocLine(row["description"], row["class_code"], row["raw_doc_string"])
            for row in csv.DictReader(handle, delimiter="\t")
        ]


def load_expected() -> dict[str, frozenset[str]]:
    """Description -> sections judged correct; an empty set means 'no section'."""
    lines = [
        ln for ln in EXPECTED.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")
    ]
    rows = csv.DictReader(lines, delimiter="\t")
    return {
        row["description"]: frozenset()
        if row["expected_sections"] == "-"
        else frozenset(row["expected_sections"].split(";"))
        for row in rows
    }


def coded_query(line: DocLine) -> str:
    """The line as the 40-character field when a source kept it, else rebuilt from its parts."""
    if line.raw and line.raw.rstrip().endswith(line.code):
        return line.raw
    return f"{line.description:<38}{line.code:>2}" if line.code else line.description


def measure(catalog: object, lines: list[DocLine], expected: dict[str, frozenset[str]]) -> Figures:
    from trustdesk.rules.offense_search import DOC_CODES, search

    resolved = total = compatible = current = coded = 0
    unresolved: list[str] = []
    incompatible: list[str] = []
    for line in lines:
        wanted = expected[line.description]
        if wanted:
            total += 1
            queries = {line.description, line.raw} - {""}
            tops = [search(catalog, q, 1) for q in queries]  # type: ignore[arg-type]
            if all(top and top[0].entry.section in wanted for top in tops):
                resolved += 1
            else:
                got = ",".join(top[0].entry.section if top else "-" for top in tops)
                unresolved.append(f"{line.description!r}: expected {sorted(wanted)}, got {got}")
        if line.code in IGNORED_CODES:
            continue
        coded += 1
        level, klass = DOC_CODES[line.code]
        top = search(catalog, coded_query(line), 1)  # type: ignore[arg-type]
        if top and top[0].entry.can_carry(level, klass):
            compatible += 1
            current += top[0].entry.can_carry(level, klass, former=False)
        else:
            got = f"{top[0].entry.section} {top[0].entry.levels}" if top else "nothing"
            incompatible.append(f"{line.description!r} {line.code}: top {got}")
    return Figures(
        resolved, total, compatible, current, coded, tuple(unresolved), tuple(incompatible)
    )


def without_doc_aliases(catalog: object, lines: list[DocLine]) -> object:
    """The catalog minus aliases copied verbatim from the DOC lines, to measure generalisation."""
    from trustdesk.rules.catalog import OffenseCatalog

    assert isinstance(catalog, OffenseCatalog)
    doc = {" ".join(line.description.upper().split()) for line in lines}
    entries = tuple(
        replace(e, aliases=tuple(a for a in e.aliases if " ".join(a.upper().split()) not in doc))
        for e in catalog.entries
    )
    return OffenseCatalog.of(entries, id=catalog.id, title=catalog.title)


def main() -> int:
    from trustdesk.rules.catalog import load_catalog

    data_dir = public_data_dir()
    lines, expected = load_lines(data_dir), load_expected()
    catalog = load_catalog()
    for label, cat in (
        ("catalog as shipped", catalog),
        ("held out: DOC spellings removed from aliases", without_doc_aliases(catalog, lines)),
    ):
        figures = measure(cat, lines, expected)
        print(f"{label}:")
        print(
            f"  section resolution     {figures.section_resolved}/{figures.section_total}"
            f" = {figures.section_rate:.1%} (lines with an expected section)"
        )
        print(
            f"  level+class fits code  {figures.compatible}/{figures.coded_total}"
            f" = {figures.compatible_rate:.1%} (current law: {figures.compatible_current_law};"
            " DOC code C ignored)"
        )
        for problem in figures.unresolved:
            print(f"    unresolved: {problem}")
        if label.startswith("catalog"):
            for problem in figures.incompatible:
                print(f"    code misfit: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
