"""The report as PDF: what it is (period, filters, who made it, when, the app version and
the audit chain head), the charts with their numbers beside them, then every figure as
a table with its numbered definition under it.

The same fonts and black-on-white style as the memo; charts are vector drawings
(report_charts.chart_drawing). The chain head goes into the PDF's keywords in the
memo's form, so ``audit verify --anchors report.pdf`` proves the records the report was
computed from are still those of the chain. ``invariant``: the same report, the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from trustdesk.memo.errors import MemoError
from trustdesk.memo.report_charts import chart_drawing
from trustdesk.memo.report_model import Cell, ChartSpec, Figure, Report
from trustdesk.memo.styles import (
    MISSING_NOTE,
    SANS,
    SANS_BOLD,
    SHADE,
    lacks_glyphs,
    printable,
    stylesheet,
)
from trustdesk.memo.verification import chain_head_keyword

MARGIN = 0.7 * inch
WIDTH = LETTER[0] - 2 * MARGIN
CHART_WIDTH = 290.0
CHART_HEIGHT = 180.0


def _shown(text: str, style: Any) -> str:
    """``text`` escaped for a paragraph in ``style``, each character its font lacks
    written as its code point (``styles.printable``)."""
    return escape(printable(text, style.fontName))


def _para(text: str, style: Any) -> Paragraph:
    return Paragraph(_shown(text, style), style)


def _lacks_glyphs(report: Report) -> bool:
    """Whether some text of ``report`` has a character the fonts lack (then a note says
    how such characters are printed)."""
    texts = [report.title, report.agency, report.facility, report.statement, *report.notes]
    texts += [value for _name, value in report.provenance()]
    for figure in (*report.figures, *(chart.table for chart in report.charts)):
        texts += [figure.title, figure.definition, *map(str, figure.columns)]
        texts += [
            _cell_text(value, figure.columns[i])
            for row in figure.rows
            for i, value in enumerate(row)
            if not figure.is_numeric(i)
        ]
    return any(lacks_glyphs(text, SANS) or lacks_glyphs(text, SANS_BOLD) for text in texts)


def _cell_text(value: Cell, column: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.strftime("%Y-%m") if column == "Month" else value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _table(figure: Figure, width: float) -> Table:
    styles = stylesheet()
    header = [
        column if figure.is_numeric(i) else _para(column, styles.cell_bold)
        for i, column in enumerate(figure.columns)
    ]
    body: list[list[Any]] = [header]
    for row in figure.rows:
        body.append(
            [
                _cell_text(value, figure.columns[i])
                if figure.is_numeric(i)
                else _para(_cell_text(value, figure.columns[i]), styles.cell)
                for i, value in enumerate(row)
            ]
        )
    # The first column (labels) as wide as its longest entry allows, the numbers share
    # the rest; on a narrow table beside a chart the labels wrap rather than the numbers.
    others = len(figure.columns) - 1
    longest = max(
        [stringWidth(str(figure.columns[0]), SANS_BOLD, 8)]
        + [stringWidth(_cell_text(row[0], figure.columns[0]), SANS, 8) for row in figure.rows]
    )
    least = min(width * 0.7, max(44.0 * others, width - longest - 10))
    first = width - least if others else width
    rest = least / max(1, others)
    table = Table(body, colWidths=[first] + [rest] * (len(figure.columns) - 1), repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), SANS, 8),
        ("FONT", (0, 0), (-1, 0), SANS_BOLD, 8),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, -1), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for i in range(len(figure.columns)):
        if figure.is_numeric(i):
            commands.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
    if figure.rows and figure.rows[-1][0] == "Total":
        commands.append(("FONT", (0, -1), (-1, -1), SANS_BOLD, 8))
    table.setStyle(TableStyle(commands))
    return table


#: The tallest numbers table printed beside its chart; a longer one (a period of many
#: months) would not fit on a page inside the chart's row, so it follows the chart at
#: full width instead, split over pages with its header repeated.
BESIDE_MAX_HEIGHT = 5 * inch


def _chart_block(chart: ChartSpec) -> list[Any]:
    drawing = chart_drawing(chart, CHART_WIDTH, CHART_HEIGHT)
    numbers = _table(chart.table, WIDTH - CHART_WIDTH - 12)
    _width, height = numbers.wrap(WIDTH - CHART_WIDTH - 12, LETTER[1])
    if height > BESIDE_MAX_HEIGHT:
        return [drawing, Spacer(1, 4), _table(chart.table, WIDTH), Spacer(1, 10)]
    block = Table(
        [[drawing, numbers]],
        colWidths=[CHART_WIDTH + 12, WIDTH - CHART_WIDTH - 12],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )
    return [KeepTogether([block, Spacer(1, 10)])]


def report_story(report: Report) -> list[Any]:
    styles = stylesheet()
    story: list[Any] = [
        _para(report.title, styles.title),
        _para(f"{report.agency} — {report.facility}".strip(" —"), styles.body),
    ]
    facts = [
        [_para(name, styles.cell_bold), _para(value, styles.cell)]
        for name, value in report.provenance()
    ]
    story.append(
        Table(
            facts,
            colWidths=[1.6 * inch, WIDTH - 1.6 * inch],
            style=TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1)]
            ),
        )
    )
    if report.statement:
        story += [Spacer(1, 8), _para(report.statement, styles.heading)]
    for note in report.notes:
        story.append(_para(note, styles.small))
    if _lacks_glyphs(report):
        story.append(_para(MISSING_NOTE, styles.small))
    story.append(Paragraph("Charts", styles.heading))
    for chart in report.charts:
        story += _chart_block(chart)
    story.append(Paragraph("Figures", styles.heading))
    for number, figure in enumerate(report.figures, start=1):
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        f"{_shown(figure.title, styles.label)} <super>{number}</super>",
                        styles.label,
                    ),
                    _table(figure, WIDTH),
                    Paragraph(
                        f"<super>{number}</super> {_shown(figure.definition, styles.small)}",
                        styles.small,
                    ),
                    Spacer(1, 8),
                ]
            )
        )
    return story


def render_report_pdf(report: Report) -> bytes:
    """The report's PDF bytes."""
    buffer = BytesIO()
    footer = (
        f"{report.title} · {report.start.isoformat()} to {report.end.isoformat()} · made "
        f"{report.made_at.isoformat(timespec='minutes')} by {report.made_by} · audit chain "
        f"entry {report.head_seq}"
    )

    def furniture(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(SANS, 7)
        canvas.drawString(MARGIN, 0.45 * inch, footer)
        canvas.drawRightString(LETTER[0] - MARGIN, 0.45 * inch, f"page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=0.8 * inch,
        title=report.title,
        author=report.made_by,
        subject=f"{report.start.isoformat()} to {report.end.isoformat()}",
        keywords=chain_head_keyword(report.head_seq, report.head_hash),
        creator=f"TrustDesk {report.app_version}",
        invariant=1,
    )
    try:
        document.build(report_story(report), onFirstPage=furniture, onLaterPages=furniture)
    except LayoutError as exc:
        raise MemoError(f"the report cannot be laid out: {exc}") from None
    return buffer.getvalue()
