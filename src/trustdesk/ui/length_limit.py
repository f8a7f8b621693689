"""A text field's length limit that never cuts what was typed or pasted without a word.

``QLineEdit.setMaxLength`` keeps the first characters of a paste that does not fit and
drops the rest in silence: a 10,000-character name was kept as its first 200 and saved
so, and a 1,500-character password as its first 1,024 (a hostile pass). Passwords are
never cut (RELIABILITY.md), and a record must hold what the officer meant or nothing.
``keep_within`` keeps the limit but, when an insertion does not fit, puts the field back
as it was before it and says so beside the field: nothing is taken in part.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QLineEdit, QToolTip


def too_long(limit: int) -> str:
    """What the field says when an insertion did not fit."""
    return (
        f"At most {limit} characters fit here. What you typed or pasted would not fit, so "
        "none of it was taken: the field is as it was. Shorten it, then type or paste it "
        "again."
    )


def keep_within(edit: QLineEdit, limit: int) -> None:
    """``edit`` takes at most ``limit`` characters, and an insertion that would go past
    them is refused whole, with ``too_long`` shown at the field (also as its status tip,
    for a screen reader), instead of being cut."""
    edit.setMaxLength(limit)
    before = [edit.text()]

    def changed(text: str) -> None:
        before[0] = text

    def put_back(previous: str) -> None:
        if edit.text() != previous:
            edit.setText(previous)  # told to the field's listeners, as any change is
        message = too_long(limit)
        edit.setStatusTip(message)
        QToolTip.showText(edit.mapToGlobal(QPoint(0, edit.height())), message, edit)

    def rejected() -> None:
        # Sent in the middle of the insertion: the part that fits is in the text already,
        # but textChanged has not told it yet, so ``before`` is still the text before it.
        previous = before[0]
        QTimer.singleShot(0, lambda: put_back(previous))

    edit.inputRejected.connect(rejected)
    edit.textChanged.connect(changed)
