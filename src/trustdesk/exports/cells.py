"""Cell values as the spreadsheets hold them, and the neutralising of formula-like text.

A name or a reason typed at the desk can begin with ``=``, ``+``, ``-`` or ``@``;
Excel and LibreOffice would run it as a formula (``=HYPERLINK(...)`` leaks data, DDE
runs programs). Text cells that begin so are neutralised: in CSV with a leading
apostrophe (the OWASP advice; the spreadsheet then shows it as text), in XLSX by
writing them as text cells marked "quote prefix" (the same as typing the apostrophe in
Excel: the text stays exactly as typed, and no program reads it as a formula). Tab and
carriage return lead the same way into some programs and are neutralised too.
Numbers are never text, so a negative count stays a number.
"""

from __future__ import annotations

from datetime import date, datetime

from trustdesk.memo.report_model import Cell

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_LEADS)


def neutral_text(text: str) -> str:
    """``text`` safe for a CSV cell: an apostrophe before a formula-like start."""
    return "'" + text if formula_like(text) else text


def cell_text(value: Cell, column: str = "") -> str:
    """A cell as text (CSV, JSON's strings): dates ISO, months as YYYY-MM, blanks empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.strftime("%Y-%m") if column == "Month" else value.isoformat()
    if isinstance(value, float):
        # The shortest text that reads back as the same number (``:g`` kept six digits:
        # 12345.67 hours became 12345.7), without a trailing ".0".
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def csv_cell(value: Cell, column: str = "") -> str:
    """A cell as a CSV field: text neutralised (``neutral_text``), a number or a date as
    its text. A negative number (``-0.25`` hours: a review recorded at a desk whose
    clock was behind) is a number, not a formula, and stays one for the spreadsheet and
    for a script's ``float()``; an apostrophe made it text."""
    text = cell_text(value, column)
    return neutral_text(text) if isinstance(value, str) else text
