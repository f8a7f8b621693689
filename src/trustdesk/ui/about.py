"""About TrustDesk: the version and build, and the rule data in use (each pack's SHA-256)
with how recently it was checked.

A warning line appears whenever a pack in use holds unverified data or was last
verified more than 12 months ago (RELIABILITY.md), so nobody mistakes it for current law.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from trustdesk.buildinfo import build_info
from trustdesk.rules.errors import RulesError
from trustdesk.rules.inventory import RulesInventory, describe
from trustdesk.ui.clock import Clock
from trustdesk.ui.context import RulesHolder


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None, rules_holder: RulesHolder, clock: Clock) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("About TrustDesk")
        layout = QVBoxLayout(self)
        build = build_info()
        self.version = QLabel(f"<b>TrustDesk {escape(build.version)}</b>")
        self.version.setAccessibleName(f"TrustDesk version {build.version}")
        layout.addWidget(self.version)
        self.build = QLabel(f"Build: {escape(build.describe())}")
        self.build.setObjectName("about_build")
        self.build.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.build.setAccessibleName(f"Build: {build.describe()}")
        layout.addWidget(self.build)
        summary = QLabel(
            "Decision support for immigration detainers under the detainer law of the "
            "agency's jurisdiction. It applies the rule pack in force on the date of "
            "each decision; agency counsel remains responsible for the law."
        )
        summary.setObjectName("about_summary")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.warning = QLabel()
        self.warning.setObjectName("about_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #ffd54f; color: black; padding: 6px;")
        layout.addWidget(self.warning)
        self.details = QLabel()
        self.details.setObjectName("about_packs")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.details.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        scroll = QScrollArea()
        scroll.setAccessibleName("Rule packs and offense catalog in use")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.details)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close the About dialog")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 520)
        try:
            rules = rules_holder.get()
            # The law named from the packs themselves (their statutes), never from code.
            statutes = dict.fromkeys(loaded.pack.statute for loaded in rules.packs)
            summary.setText(summary.text() + " Law applied: " + "; ".join(statutes) + ".")
            inventory = describe(rules)
        except RulesError as error:
            self._show_unloaded(str(error))
        else:
            self._show(inventory, clock)

    @classmethod
    def ask(cls, parent: QWidget | None, rules_holder: RulesHolder, clock: Clock) -> None:
        cls(parent, rules_holder, clock).exec()

    def _show(self, inventory: RulesInventory, clock: Clock) -> None:
        parts = ["<h3>Rule packs in use</h3>"]
        for info in inventory.packs:
            unverified = (
                "Unverified lists: " + escape("; ".join(info.unverified))
                if info.unverified
                else "All lists verified."
            )
            origin = "imported by the agency" if info.imported else "shipped with TrustDesk"
            parts.append(
                f"<p><b>{escape(info.id)}</b> — {escape(info.title)}<br>"
                f"In force: {escape(info.in_force)} ({origin})<br>"
                f"Last verified on {info.last_verified_on:%d %b %Y}: "
                f"{escape(info.verification_note)}<br>{unverified}<br>"
                f"SHA-256: <tt>{info.sha256}</tt></p>"
            )
        parts.append(
            f"<h3>Offense catalog</h3><p>{escape(inventory.catalog_title)}: last verified on "
            f"{inventory.catalog_verified_on:%d %b %Y}.</p>"
        )
        self.details.setText("".join(parts))
        self.details.setAccessibleName("Rule packs and offense catalog in use")
        self._warn(inventory.warnings(clock.now()))

    def _show_unloaded(self, reason: str) -> None:
        self.details.setText(f"<p>{escape(reason)}</p>")
        self._warn([f"The rule packs could not be loaded: {reason}"])

    def _warn(self, warnings: list[str]) -> None:
        text = "⚠ " + " ".join(warnings) if warnings else ""
        self.warning.setText(text)
        self.warning.setAccessibleName(text or "No warnings")
        self.warning.setVisible(bool(warnings))
