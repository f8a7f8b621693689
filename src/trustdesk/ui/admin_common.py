"""Small pieces the administration tabs share: inline messages, local times, buttons."""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from trustdesk.core.wall_time import local_text
from trustdesk.ui.tooltips import plain_tip

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PySide6.QtWidgets import QComboBox, QTableWidget


def choose_logo(parent: QWidget) -> bytes | str | None:
    """A logo file the user picks: its bytes, what went wrong in words, or None if cancelled.

    One byte more than allowed is read, so the services can say the file is too large.
    """
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    from trustdesk.services.errors import InvalidRequest
    from trustdesk.services.logo import read_logo_file

    path, _ = QFileDialog.getOpenFileName(parent, "Agency logo", "", "Images (*.png *.jpg *.jpeg)")
    if not path:
        return None
    try:
        return read_logo_file(Path(path))
    except InvalidRequest as error:
        from trustdesk.ui.session import sentence

        return sentence(error)


def error_label(name: str) -> QLabel:
    """An inline error, hidden until there is something to say (words, not colour alone)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAccessibleName("Error message")
    label.setStyleSheet("color: white; background: #b00020; padding: 4px;")
    label.hide()
    return label


def warning_label(name: str) -> QLabel:
    """A plain standing warning (not an error): dark text on amber, hidden when empty."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAccessibleName("Warning")
    label.setStyleSheet("color: black; background: #ffd54f; padding: 4px;")
    label.hide()
    return label


def lock_field(widget: QWidget, why: str) -> None:
    """Disable a field whose value IT set for the machine, saying so (``why``) on hover and
    to screen readers."""
    widget.setEnabled(False)
    widget.setToolTip(plain_tip(why))
    widget.setAccessibleDescription(why)


def show_message(label: QLabel, text: str, *, prefix: str = "⚠ ") -> None:
    label.setText(prefix + text if text else "")
    label.setAccessibleDescription(text)
    label.setVisible(bool(text))


def local_time(value: datetime | None, zone: tzinfo, *, never: str = "never") -> str:
    """An instant in the agency's zone, with its name (EST or EDT: the repeated autumn hour
    reads apart), in English whatever the desk's locale."""
    return never if value is None else local_text(value, zone)


def button(text: str, accessible: str, tip: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(plain_tip(tip))
        widget.setAccessibleDescription(tip)
    return widget


def combo(accessible: str, items: tuple[str, ...] = (), *, editable: bool = False) -> QComboBox:
    """A drop-down named for screen readers, its pop-up list too."""
    # Imported here: the sign-in page uses this module, and PySide6 builds a class on
    # its first import from the module.
    from PySide6.QtWidgets import QComboBox

    widget = QComboBox()
    widget.setEditable(editable)
    widget.addItems(items)
    widget.setAccessibleName(accessible)
    widget.view().setAccessibleName(f"{accessible}: choices")
    return widget


def read_only_table(name: str, accessible: str, columns: tuple[str, ...]) -> QTableWidget:
    """A table of whole rows to read, not edit: columns sized to their text, the last
    one stretched."""
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table
