"""The report as one CSV file: RFC 4180 (CRLF, fields quoted when needed), UTF-8, with
Excel's byte-order mark on request (Excel reads UTF-8 without it as the local code page).

Layout, one table after another, a blank line between: the provenance (period, filters,
who made it and when, app version, chain head) as two columns; the statement for an
empty period and the notes; then each figure as its title, its header, its rows and a
"Definition" line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from trustdesk.exports.cells import csv_cell, neutral_text
from trustdesk.memo.report_model import Figure, Report

BOM = "\ufeff"


def report_rows(report: Report) -> Iterator[list[str]]:
    """Every row as the file holds it: text neutralised, numbers and dates as they are."""
    for name, value in report.provenance():
        yield [neutral_text(name), neutral_text(value)]
    if report.statement:
        yield ["Statement", neutral_text(report.statement)]
    for note in report.notes:
        yield ["Note", neutral_text(note)]
    for figure in report.figures:
        yield []
        yield from figure_rows(figure)


def figure_rows(figure: Figure) -> Iterator[list[str]]:
    yield [neutral_text(figure.title)]
    yield [neutral_text(column) for column in figure.columns]
    for row in figure.rows:
        yield [csv_cell(value, figure.columns[i]) for i, value in enumerate(row)]
    yield ["Definition", neutral_text(figure.definition)]


def csv_text(rows: Iterator[list[str]]) -> str:
    buffer = io.StringIO()
    # QUOTE_MINIMAL with CRLF is RFC 4180: quotes only around fields holding a comma,
    # a quote or a line break, quotes doubled inside.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(report: Report, path: Path, *, bom: bool = False) -> None:
    text = csv_text(report_rows(report))
    path.write_bytes(((BOM if bom else "") + text).encode("utf-8"))
