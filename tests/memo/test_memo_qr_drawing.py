"""The QR code on the page is the matrix: rasterised, every module reads back as drawn."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from reportlab.pdfgen.canvas import Canvas

from trustdesk.memo.flowables import QrCode
from trustdesk.memo.qr import qr_matrix
from trustdesk.memo.verification import qr_payload

SHA = "a9e1791054d978e80f7a162de1e9ca48f0c4a2bd13481bd5f3e14cc230ed4770"


def test_every_module_of_the_drawn_code_matches_the_matrix() -> None:
    payload = qr_payload("1042", 3, 57, SHA)
    size, x, y = 180.0, 40.0, 500.0
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 720))
    code = QrCode(payload, size)
    code.wrapOn(canvas, size, size)
    code.drawOn(canvas, x, y)
    canvas.save()
    scale = 4  # pixels per point
    page = pdfium.PdfDocument(buffer.getvalue())[0]
    image = page.render(scale=scale).to_pil().convert("L")
    matrix = qr_matrix(payload)
    count = len(matrix) + 2 * QrCode.QUIET_ZONE
    cell = size / count
    top = 720 - (y + size)  # the page's top edge to the code's, in points
    for row in range(count):
        for col in range(count):
            inside = (
                min(row, col) >= QrCode.QUIET_ZONE and max(row, col) < count - QrCode.QUIET_ZONE
            )
            dark = inside and matrix[row - QrCode.QUIET_ZONE][col - QrCode.QUIET_ZONE]
            centre = (
                int((x + (col + 0.5) * cell) * scale),
                int((top + (row + 0.5) * cell) * scale),
            )
            assert (image.getpixel(centre) < 128) == dark, (row, col)
