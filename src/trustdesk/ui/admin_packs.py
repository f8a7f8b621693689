"""The Rule packs tab: the versions of the law in use, importing an agency's pack, and
recording counsel's sign-off of pack items (``ui.admin_signoff``).

Importing and signing off run in the background (a pack's own test cases take a moment):
the services check the pack as the bundled packs are checked, install it, record it and
put it in force.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from trustdesk.rules.inventory import describe
from trustdesk.rules.pack_review import ImportReview
from trustdesk.rules.revision import Attestation
from trustdesk.services.rulepacks import ImportedPack
from trustdesk.services.signoff import SignedOff
from trustdesk.ui.admin_common import button, read_only_table
from trustdesk.ui.admin_kept_changes import KeptChangesBox
from trustdesk.ui.admin_publishers import PublishersBox
from trustdesk.ui.admin_signoff import SignoffForm
from trustdesk.ui.context import UiContext
from trustdesk.ui.pack_import_dialog import ImportReviewDialog
from trustdesk.ui.tasks import TaskControl, TaskPanel
from trustdesk.ui.tooltips import plain_tip

COLUMNS = ("Pack", "Title", "In force", "Last verified", "Unverified lists", "Source")


class PacksTab(QWidget):
    rules_changed = Signal()

    def __init__(self, context: UiContext, *, editable: bool) -> None:
        super().__init__()
        self.setObjectName("packs_tab")
        self.context = context
        layout = QVBoxLayout(self)
        self.table = read_only_table("packs_table", "Rule packs in use", COLUMNS)
        layout.addWidget(self.table, 1)
        self.catalog = QLabel()
        self.catalog.setObjectName("catalog_label")
        self.catalog.setAccessibleName("Offense catalog")
        layout.addWidget(self.catalog)
        self.warnings = QLabel()
        self.warnings.setObjectName("packs_warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Warnings about the rule data")
        self.warnings.setStyleSheet("background: #ffd54f; color: black; padding: 4px;")
        layout.addWidget(self.warnings)
        self.publishers = PublishersBox(context, editable=editable)
        layout.addWidget(self.publishers)
        self.panel = TaskPanel("packs_task")
        self.import_button: QPushButton | None = None
        self.review_dialog: ImportReviewDialog | None = None
        if editable:
            self.import_button = button(
                "&Import rule pack…",
                "Import a rule pack file",
                "Checked as the shipped packs are, its own test cases included; then you see "
                "who signed it and what it changes before importing. A pack with the id of "
                "one in use replaces it; the replaced version is kept.",
            )
            layout.addWidget(self.import_button, alignment=Qt.AlignmentFlag.AlignLeft)
            self.import_button.clicked.connect(self.choose_and_import)
            self.panel.finished.connect(self._import_finished)
        layout.addWidget(self.panel)
        self.signoff: SignoffForm | None = None
        self.kept_changes: KeptChangesBox | None = None
        if editable:
            self.signoff = SignoffForm()
            self.signoff.signoff_requested.connect(self.start_signoff)
            layout.addWidget(self.signoff)
            self.kept_changes = KeptChangesBox(context)
            self.kept_changes.kept.connect(lambda _pack: self.rules_changed.emit())
            layout.addWidget(self.kept_changes)
        self.refresh()

    def refresh(self) -> None:
        inventory = describe(self.context.rules)
        self.table.setRowCount(len(inventory.packs))
        for row, info in enumerate(inventory.packs):
            values = (
                info.id,
                info.title,
                info.in_force,
                f"{info.last_verified_on:%d %b %Y}",
                "; ".join(info.unverified) or "none",
                "imported by the agency" if info.imported else "shipped with TrustDesk",
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column == 1 and info.verification_note:
                    item.setToolTip(plain_tip(info.verification_note))
                self.table.setItem(row, column, item)
        self.catalog.setText(
            f"{inventory.catalog_title}: last verified on {inventory.catalog_verified_on:%d %b %Y}."
        )
        # Files of the data folder's rules/ that are not applied (put there by hand,
        # changed, or damaged): named with the fix, above the other warnings.
        found = [
            *self.context.rules.skipped,
            *self.context.rules.converted,
            *inventory.warnings(self.context.clock.now()),
        ]
        self.warnings.setText("⚠ " + " ".join(found) if found else "")
        self.warnings.setVisible(bool(found))
        if self.signoff is not None:
            self.signoff.load(self.context.rules, self.context.clock.now().date())
        if self.kept_changes is not None:
            self.kept_changes.load()

    def choose_and_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Import rule pack",
            "",
            "Rule packs, signed or not (*.json *.tdpack);;All files (*)",
        )
        if not path:
            return
        self.start_review(Path(path))

    def start_review(self, path: Path) -> None:
        """Check the file in the background, then show who signed it and what it changes."""
        service = self.context.services.rulepacks
        session = self.context.session

        def work(control: TaskControl) -> ImportReview:
            return service.review(session, path)

        if self.import_button is not None:
            self.import_button.setEnabled(False)
        self.panel.run("Checking the rule pack", work, lambda review: self._reviewed(path, review))

    def _reviewed(self, path: Path, review: ImportReview) -> str:
        dialog = ImportReviewDialog(self, review)
        dialog.accepted.connect(
            lambda: self.start_import(path, dialog.override_reason(), review.sha256)
        )
        self.review_dialog = dialog
        dialog.open()  # window-modal; the import starts when the administrator accepts
        return (
            f"Rule pack {review.checked.loaded.pack.id} passed its checks: read who signed it "
            "and what it changes, then import it or cancel. Nothing is changed yet."
        )

    def start_import(
        self, path: Path, override: str | None = None, expect_sha256: str | None = None
    ) -> None:
        service = self.context.services.rulepacks
        session, holder = self.context.session, self.context.rules_holder

        def work(control: TaskControl) -> ImportedPack:
            return service.import_pack(
                session, path, holder, control, override=override, expect_sha256=expect_sha256
            )

        if self.import_button is not None:
            self.import_button.setEnabled(False)
        self.panel.run("Importing the rule pack", work, self._imported)

    def _import_finished(self, _outcome: str) -> None:
        if self.import_button is not None:
            self.import_button.setEnabled(True)
        if self.signoff is not None:
            self.signoff.button.setEnabled(True)

    def start_signoff(self, pack_id: str, attestation: Attestation) -> None:
        service = self.context.services.signoff
        session, holder = self.context.session, self.context.rules_holder
        rules = self.context.rules

        def work(_control: TaskControl) -> SignedOff:
            return service.sign_off(session, rules, pack_id, attestation, holder)

        if self.signoff is not None:
            self.signoff.button.setEnabled(False)
        self.panel.run("Recording counsel's sign-off", work, self._signed_off)

    def _signed_off(self, result: SignedOff) -> str:
        if self.signoff is not None:
            self.signoff.clear()
        self.refresh()
        self.rules_changed.emit()
        return (
            f"✔ Counsel's sign-off of {len(result.items)} item(s) of {result.pack_id} is "
            f"recorded; revision {result.sha256[:12]}… is in force for new decisions."
        )

    def _imported(self, result: ImportedPack) -> str:
        self.refresh()
        self.rules_changed.emit()
        replaced = f"; it replaces {result.replaced}" if result.replaced else ""
        return f"✔ Rule pack {result.pack_id} ({result.title}) is now in force{replaced}."
