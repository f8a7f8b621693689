"""Plain message dialogs. Tests patch ``Ask`` methods, never ``exec()``."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger("trustdesk.ui")


class Ask:
    """Every modal question the app asks, in one place so tests can answer them."""

    @classmethod
    def error(cls, parent: QWidget | None, title: str, text: str) -> None:
        log.info("error dialog shown: %s", title)
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok)
        box.setParent(parent, box.windowFlags())
        box.exec()

    @classmethod
    def info(cls, parent: QWidget | None, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok)
        box.setParent(parent, box.windowFlags())
        box.exec()

    @classmethod
    def confirm(cls, parent: QWidget | None, title: str, text: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        box.setParent(parent, box.windowFlags())
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes
