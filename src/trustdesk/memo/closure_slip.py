"""A one-page slip for the paper file of a hold closure that was kept on a workstation
while the record server was lost and then refused by the record: what happened (the
hold, the booking, how and when it ended, who closed it at which desk) and why it is not
in the record. Every line says NOT YET RECORDED; it carries no record hash, because
there is no record. Plain values in, PDF bytes out: nothing here reads the store.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from trustdesk.memo.styles import INK, RULE_WIDTH, stylesheet

TITLE = "HOLD CLOSURE — NOT YET RECORDED"


def closure_slip(rows: Sequence[tuple[str, str]], footer: str) -> bytes:
    """The slip: ``rows`` of (label, value), then ``footer`` (who printed it, when)."""
    styles = stylesheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.8 * inch,
        bottomMargin=0.8 * inch,
        title=TITLE,
        author="TrustDesk",
    )
    table = Table(
        [
            [Paragraph(escape(label), styles.label), Paragraph(escape(value), styles.body)]
            for label, value in rows
        ],
        colWidths=[1.9 * inch, 5.0 * inch],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), RULE_WIDTH, INK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [
        Paragraph(TITLE, styles.title),
        Paragraph(
            "This hold closure was made at the desk while the record server could not be "
            "reached, and the record refused it when the server was back. It is NOT YET "
            "RECORDED: keep this slip in the paper file until the closure is recorded again "
            "or set aside with a reason.",
            styles.body,
        ),
        Spacer(1, 8),
        table,
        Spacer(1, 8),
        Paragraph(escape(footer), styles.small),
    ]
    document.build(story)
    return buffer.getvalue()
