"""Colours that stay readable in light and dark system palettes.

Colour is never the only signal (every status also has a word or a symbol); these only
keep the coloured words legible whatever the palette.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

_LIGHT_ERROR = QColor("#b00020")
_DARK_ERROR = QColor("#ff8a80")


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def error_colour(palette: QPalette | None = None) -> QColor:
    palette = palette or QGuiApplication.palette()
    return _DARK_ERROR if is_dark(palette) else _LIGHT_ERROR


def error_style() -> str:
    """Style sheet for an inline error message under a field."""
    return f"color: {error_colour().name()}; font-weight: bold;"


def dark_palette() -> QPalette:
    """A dark palette like the ones desktop systems apply (for tests and screenshots)."""
    palette = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 30), QColor(230, 230, 230)
    for role, colour in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.ToolTipBase, base),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Highlight, QColor(42, 130, 218)),
        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
        (QPalette.ColorRole.PlaceholderText, QColor(160, 160, 160)),
    ):
        palette.setColor(role, colour)
    return palette
