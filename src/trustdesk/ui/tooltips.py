"""Tooltips that show stored or typed text exactly as written.

A tooltip guesses its format (``Qt.mightBeRichText``): a line holding a tag is read as
HTML, so a contact's ``<b>`` or ``<!--`` typed at the desk changed or hid the rest of the
line on the person's page (a hostile pass). Every tooltip that carries such text goes
through ``plain_tip``.
"""

from __future__ import annotations

from html import escape

from PySide6.QtGui import Qt


def plain_tip(text: str) -> str:
    """``text`` as a tooltip shows it literally. Text Qt would take for HTML is handed
    over escaped (spaces and line breaks kept); other text is left as it is."""
    if not Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{escape(text, quote=False)}</p>"
