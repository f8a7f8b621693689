"""Keep DOC's class code beside the statute's class wherever the two disagree (issue 15).

Reads the vendored DOC offense lines (tests/data/public/ct-doc-offenses) and the judged
section of each line (tests/data/doc_expected_sections.tsv); for every coded line whose
section cannot carry DOC's level and class under the law the catalog records, it adds a
dated ``doc_records`` entry to resources/offenses/ct.json. Idempotent: run it again after
editing the catalog, then review the diff.

    .venv/bin/python tools/doc_records.py
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "resources" / "offenses" / "ct.json"
LINES = REPO / "tests" / "data" / "public" / "ct-doc-offenses" / "offenses.tsv"
EXPECTED = REPO / "tests" / "data" / "doc_expected_sections.tsv"
# The span of the data set the lines were collected from (see its SOURCE.md).
SEEN_FROM, SEEN_UNTIL = "2016-01-01", "2020-12-31"
SOURCE = (
    "DOC 'Accused Pre-Trial Inmates in Correctional Facilities' records 2016-2020"
    " (tests/data/public/ct-doc-offenses)"
)
CODES = {
    "AF": ("felony", "A"),
    "BF": ("felony", "B"),
    "CF": ("felony", "C"),
    "DF": ("felony", "D"),
    "EF": ("felony", "E"),
    "F": ("felony", "unclassified"),
    "AM": ("misdemeanor", "A"),
    "BM": ("misdemeanor", "B"),
    "CM": ("misdemeanor", "C"),
    "DM": ("misdemeanor", "D"),
    "M": ("misdemeanor", "unclassified"),
    "UM": ("misdemeanor", "unclassified"),
}


def _forms(entry: dict) -> list[tuple[str, list[str]]]:
    forms = [(entry["level"], entry["classes"]), *entry.get("levels", {}).items()]
    forms += [(f["level"], f["classes"]) for f in entry.get("former", [])]
    return forms


def main() -> int:
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    by_section = {entry["section"]: entry for entry in catalog["offenses"]}
    rows = [ln for ln in EXPECTED.read_text(encoding="utf-8").splitlines() if ln[:1] != "#"]
    expected = {
        r["description"]: r["expected_sections"] for r in csv.DictReader(rows, delimiter="\t")
    }
    added = 0
    with LINES.open(encoding="utf-8") as handle:
        for line in csv.DictReader(handle, delimiter="\t"):
            code, sections = line["class_code"], expected.get(line["description"], "-")
            if code not in CODES or sections == "-" or ";" in sections:
                continue
            entry = by_section[sections]
            level, klass = CODES[code]
            if any(lv == level and klass in classes for lv, classes in _forms(entry)):
                continue
            records = entry.setdefault("doc_records", [])
            if any(r["code"] == code for r in records):
                continue
            records.append(
                {
                    "code": code,
                    "seen_from": SEEN_FROM,
                    "seen_until": SEEN_UNTIL,
                    "description": line["description"][:60],
                    "source": SOURCE,
                }
            )
            added += 1
    CATALOG.write_text(json.dumps(catalog, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{added} DOC codes recorded beside the statute's class")
    return 0


if __name__ == "__main__":
    sys.exit(main())
