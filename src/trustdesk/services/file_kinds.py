"""A file's name against what TrustDesk writes in it (decision 0089).

Programs choose how to open a file by the end of its name: Excel refuses a CSV named
``.xlsx`` ("the file format or file extension is not valid"), a PDF reader refuses a
workbook named ``.pdf``, and ``audit verify --anchors`` read an audit export in JSON
lines named ``.csv`` as CSV and said that TrustDesk's own export carried no chain head.
A name that ends as another kind of file's does is refused before anything is written
or recorded; a name with no ending, or an ending no program ties to one kind (``.txt``,
``.dat``), is taken as given.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from trustdesk.services.errors import InvalidRequest

#: Endings programs open as one kind of file, and how a person calls that kind.
KINDS = {
    ".pdf": "a PDF",
    ".csv": "a CSV file",
    ".tsv": "a tab-separated file",
    ".xlsx": "an Excel workbook",
    ".xlsm": "an Excel workbook",
    ".xls": "an Excel workbook",
    ".ods": "an OpenDocument spreadsheet",
    ".json": "a JSON document",
    ".jsonl": "a JSON lines file",
    ".ndjson": "a JSON lines file",
}

#: What a format writes, and the endings its files go by (the first one is advised).
Kinds = Mapping[str, tuple[str, tuple[str, ...]]]

#: The report's formats.
REPORT_FILES: Kinds = {
    "pdf": ("a PDF", (".pdf",)),
    "csv": ("a CSV file", (".csv",)),
    "xlsx": ("an Excel workbook", (".xlsx",)),
    "json": ("a JSON document", (".json",)),
    "state-csv": ("a CSV file (the state's layout)", (".csv",)),
}

#: The audit export's formats.
AUDIT_FILES: Kinds = {
    "jsonl": ("JSON lines (one entry a line)", (".jsonl", ".ndjson")),
    "csv": ("a CSV file", (".csv",)),
}


def check_named_for(target: Path, fmt: str, kinds: Kinds) -> None:
    """Refuse ``target`` when its ending names another kind of file than ``fmt`` writes."""
    what, endings = kinds[fmt]
    ending = target.suffix.lower()
    if ending in endings or ending not in KINDS:
        return
    advised = target.with_suffix(endings[0]).name
    raise InvalidRequest(
        f"{target.name} ends in {target.suffix}, the ending of {KINDS[ending]}, but the "
        f"{fmt} format writes {what}: a program opening it by its name would refuse it or "
        f"misread it. Name it {advised}, or choose the format its name says; nothing was "
        "written"
    )
