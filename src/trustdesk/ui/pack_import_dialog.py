"""The import review: who signed a rule pack, what it changes, and the administrator's go-ahead.

Shown after the pack passed its checks and before anything is written. A pack signed by
a trusted publisher imports with one click; an unsigned or untrusted one only once the
administrator ticks the override and types the reason, which the audit records.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from trustdesk.rules.pack_review import ImportReview
from trustdesk.services.rulepacks import REASON_MAX, REASON_MIN
from trustdesk.ui.length_limit import keep_within

_TRUSTED = "background: #c8e6c9; color: black; padding: 6px;"
_WARNING = "background: #ffd54f; color: black; padding: 6px;"


class ImportReviewDialog(QDialog):
    """Opened with ``open()`` (window-modal, not blocking); ``accepted`` means import."""

    def __init__(self, parent: QWidget | None, review: ImportReview) -> None:
        super().__init__(parent)
        self.setObjectName("pack_import_review")
        self.review = review
        pack = review.checked.loaded.pack
        self.setWindowTitle(f"Import rule pack {pack.id}")
        self.resize(820, 640)
        layout = QVBoxLayout(self)
        until = f"until {pack.effective_to:%d %b %Y}" if pack.effective_to else "with no end date"
        heading = QLabel(
            f"<b>{_escape(pack.title)}</b> ({pack.id})<br>In force from "
            f"{pack.effective_from:%d %b %Y} {until}; "
            f"last verified {pack.last_verified_on:%d %b %Y}"
        )
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.signer = QLabel(review.trust.describe())
        self.signer.setObjectName("pack_signer")
        self.signer.setWordWrap(True)
        self.signer.setAccessibleName("Who signed the rule pack")
        self.signer.setStyleSheet(_TRUSTED if review.trust.trusted else _WARNING)
        layout.addWidget(self.signer)
        layout.addWidget(QLabel(review.comparison()))
        self.changes = QPlainTextEdit()
        self.changes.setObjectName("pack_changes")
        self.changes.setReadOnly(True)
        self.changes.setAccessibleName("What the rule pack changes")
        self.changes.setFont(QFont("monospace"))
        self.changes.setPlainText("\n".join(review.diff.lines()) if review.diff else "")
        layout.addWidget(self.changes, 1)
        sha = QLabel(f"SHA-256 of the pack: {review.sha256}")
        sha.setObjectName("pack_sha256")
        layout.addWidget(sha)
        self.override: QCheckBox | None = None
        self.reason: QLineEdit | None = None
        if not review.trust.trusted:
            self.override = QCheckBox(
                "Import it anyway: I override the signature check (recorded with my name)"
            )
            self.override.setObjectName("pack_override")
            self.reason = QLineEdit()
            self.reason.setObjectName("pack_override_reason")
            self.reason.setAccessibleName("Why this pack may be imported")
            self.reason.setPlaceholderText(
                "Why may this pack be imported? (recorded in the audit log)"
            )
            keep_within(self.reason, REASON_MAX)
            self.reason.setEnabled(False)
            self.override.toggled.connect(self.reason.setEnabled)
            self.override.toggled.connect(self._update)
            self.reason.textChanged.connect(self._update)
            layout.addWidget(self.override)
            layout.addWidget(self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("&Import")
        self.import_button.setObjectName("pack_import_confirm")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def override_reason(self) -> str | None:
        """The reason typed with the override (None: signed by a trusted publisher)."""
        if self.override is None or self.reason is None or not self.override.isChecked():
            return None
        return self.reason.text().strip() or None

    def _update(self) -> None:
        allowed = self.review.trust.trusted or (
            self.override_reason() is not None and len(self.override_reason() or "") >= REASON_MIN
        )
        self.import_button.setEnabled(allowed)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
