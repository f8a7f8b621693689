"""The memo's own PDF, drawn on screen and sent to a printer page by page.

What is previewed and printed is exactly the PDF whose SHA-256 is recorded: pypdfium2
rasterises its pages; nothing is laid out a second time with Qt.
"""

from __future__ import annotations

from collections.abc import Iterator

import pypdfium2
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

POINTS_PER_INCH = 72


def page_images(data: bytes, dpi: float) -> Iterator[QImage]:
    """Each page of the PDF ``data`` as an image at ``dpi``."""
    document = pypdfium2.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            # rev_byteorder gives RGB(A) byte order, which Qt reads without swapping.
            bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True)
            kind = {
                3: QImage.Format.Format_RGB888,
                4: QImage.Format.Format_RGBA8888,
            }[bitmap.n_channels]
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, kind)
            yield image.copy()
            page.close()
    finally:
        document.close()


def pages_widget(data: bytes, dpi: float, name: str) -> QWidget:
    """The PDF's pages one under the other, each a picture named ``name`` and its number
    for screen readers (e.g. "Memo page 2")."""
    pages = QWidget()
    column = QVBoxLayout(pages)
    for number, image in enumerate(page_images(data, dpi), start=1):
        label = QLabel()
        label.setPixmap(QPixmap.fromImage(image))
        label.setAccessibleName(name.format(number=number))
        column.addWidget(label)
    return pages


def page_count(data: bytes) -> int:
    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


class PrintDialogs:
    """The printer choice, in one place so tests can answer it without a real dialog."""

    @classmethod
    def choose(cls, printer: QPrinter, parent: QWidget | None) -> bool:
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle("Print")
        return dialog.exec() == QPrintDialog.DialogCode.Accepted


def print_pdf(data: bytes, printer: QPrinter) -> int:
    """Paint every page of ``data`` on ``printer``, fitted to the page; the pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be opened")
    printed = 0
    try:
        dpi = min(printer.resolution(), 300)
        for image in page_images(data, dpi):
            if printed:
                printer.newPage()
            area = painter.viewport()
            scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(area.x(), area.y(), scaled.width(), scaled.height())
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
    return printed
