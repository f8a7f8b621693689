"""The report as an Excel workbook (XlsxWriter): a "Report" sheet saying what it is, then
one sheet per figure, each with its header frozen, sized columns and typed cells: counts
and hours as numbers, dates as dates, text as text (formula-like text neutralised, see
cells.py). XlsxWriter is told never to turn a string into a formula, a number or a link.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]  # no stubs, no py.typed

from trustdesk.exports.cells import formula_like
from trustdesk.memo.report_model import Cell, Figure, Report

MAX_WIDTH = 60
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    base = _SHEET_UNSAFE.sub(" ", title).strip()[:31] or "Sheet"
    name, number = base, 2
    while name.casefold() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.casefold())
    return name


class _Formats:
    def __init__(self, book: Any) -> None:
        self.header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True})
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.month = book.add_format({"num_format": "yyyy-mm"})
        self.stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.count = book.add_format({"num_format": "#,##0"})
        self.number = book.add_format({"num_format": "#,##0.00"})
        self.text = book.add_format({})
        self.quoted = book.add_format({"quote_prefix": True})
        self.note = book.add_format({"italic": True, "text_wrap": True, "valign": "top"})


def _write(sheet: Any, row: int, col: int, value: Cell, column: str, f: _Formats) -> int:
    """Write one typed cell; returns its shown width (for the column's size)."""
    if value is None:
        sheet.write_blank(row, col, None)
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
        return 5
    if isinstance(value, int):
        sheet.write_number(row, col, value, f.count)
        return len(f"{value:,}")
    if isinstance(value, float):
        sheet.write_number(row, col, value, f.number)
        return len(f"{value:,.2f}")
    if isinstance(value, datetime):
        # Excel has no time zones: the instant is written in UTC, and the label says so.
        utc = value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
        sheet.write_datetime(row, col, utc, f.stamp)
        return 19
    if isinstance(value, date):
        # Written as a date, not as a datetime at midnight: XlsxWriter takes a datetime
        # on 1900-01-01 for a time of day alone and wrote Excel's day 0, shown as
        # "1900-01-00" (and read back as the time 00:00), for a report from the first
        # day a report takes.
        sheet.write_datetime(row, col, value, f.month if column == "Month" else f.date)
        return 10
    text = str(value)
    sheet.write_string(row, col, text, f.quoted if formula_like(text) else f.text)
    return len(text)


def _figure_sheet(sheet: Any, figure: Figure, f: _Formats) -> None:
    widths = [len(column) for column in figure.columns]
    for col, column in enumerate(figure.columns):
        sheet.write_string(0, col, column, f.header)
    for r, row in enumerate(figure.rows, start=1):
        for col, value in enumerate(row):
            widths[col] = max(widths[col], _write(sheet, r, col, value, figure.columns[col], f))
    sheet.freeze_panes(1, 0)
    below = len(figure.rows) + 2
    sheet.write_string(below, 0, figure.title, f.header)
    sheet.write_string(below + 1, 0, "Definition: " + figure.definition, f.note)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(MAX_WIDTH, width + 2))


def _report_sheet(sheet: Any, report: Report, f: _Formats) -> None:
    rows: list[tuple[str, Cell]] = [
        ("Report", report.title),
        ("Agency", report.agency),
        ("Facility", report.facility),
        ("Period from", report.start),
        ("Period to", report.end),
        ("Time zone", report.timezone),
        ("Counted by", "detainer received" if report.by == "received" else "decision made"),
        *((f"Filter: {name}", value) for name, value in report.filters),
        ("Made at (UTC)", report.made_at),
        ("Made by", report.made_by),
        ("TrustDesk version", report.app_version),
        ("Audit chain head: entry", report.head_seq),
        ("Audit chain head: sha256", report.head_hash),
    ]
    if report.statement:
        rows.append(("Statement", report.statement))
    rows += [("Note", note) for note in report.notes]
    sheet.write_string(0, 0, "What", f.header)
    sheet.write_string(0, 1, "Value", f.header)
    width = 10
    for r, (name, value) in enumerate(rows, start=1):
        sheet.write_string(r, 0, name, f.text)
        width = max(width, _write(sheet, r, 1, value, "", f))
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, max(len(name) for name, _ in rows) + 2)
    sheet.set_column(1, 1, min(MAX_WIDTH, width + 2))


def write_xlsx(report: Report, path: Path) -> None:
    # The workbook is made in memory and its bytes written here: XlsxWriter writing the
    # file itself wrapped the system's refusal (a full disk) in its own FileCreateError,
    # which no layer words ("internal error"), and its half-written zip file printed a
    # traceback when collected. Written here, the OSError reaches store.files.new_file
    # as any format's does ("the disk is full"). ``in_memory`` also keeps the report's
    # parts out of the system's temporary folder, whose own room no longer matters.
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties(
        {
            "title": report.title,
            "subject": f"{report.start.isoformat()} to {report.end.isoformat()}",
            "author": report.made_by,
            "comments": f"audit chain head entry {report.head_seq} sha256 {report.head_hash}",
            "created": report.made_at.astimezone(UTC).replace(tzinfo=None),
        }
    )
    formats = _Formats(book)
    taken: set[str] = set()
    _report_sheet(book.add_worksheet(sheet_name("Report", taken)), report, formats)
    for figure in report.figures:
        _figure_sheet(book.add_worksheet(sheet_name(figure.title, taken)), figure, formats)
    book.close()
    path.write_bytes(buffer.getvalue())
