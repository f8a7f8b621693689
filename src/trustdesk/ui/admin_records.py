"""The Records tab: verify the audit trail, export it, back up the records — in the background.

Each runs through ``services.jobs`` (the CLI's own service calls, stoppable), one at a
time, with a progress bar and Cancel; the window stays usable meanwhile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from trustdesk.services import jobs
from trustdesk.services.records import EXPORT_FORMATS
from trustdesk.store.backup import BackupInfo
from trustdesk.store.verify import VerifyReport
from trustdesk.ui.admin_common import button, combo
from trustdesk.ui.context import UiContext
from trustdesk.ui.tasks import TaskControl, TaskPanel, Work

FORMAT_NAMES = {"csv": "CSV (spreadsheet)", "jsonl": "JSON lines"}


class RecordsTab(QWidget):
    def __init__(self, context: UiContext, *, can_back_up: bool) -> None:
        super().__init__()
        self.setObjectName("records_tab")
        self.context = context
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Verification replays the audit trail's hash chain and checks every record "
            "against the entry that wrote it. Exports and backups are new files; an existing "
            "file is never overwritten. Every one of these is recorded in the audit trail."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        box = QGroupBox("Audit trail and backups")
        row = QHBoxLayout(box)
        self.verify_button = button("&Verify audit trail", "Verify the audit trail")
        self.format = combo("Export format")
        for fmt in EXPORT_FORMATS:
            self.format.addItem(FORMAT_NAMES.get(fmt, fmt), fmt)
        self.format.setCurrentIndex(EXPORT_FORMATS.index("csv"))
        format_label = QLabel("E&xport format:")
        format_label.setBuddy(self.format)
        self.export_button = button("&Export audit trail…", "Export the audit trail to a file")
        self.backup_button: QPushButton | None = None
        row.addWidget(self.verify_button)
        row.addWidget(format_label)
        row.addWidget(self.format)
        row.addWidget(self.export_button)
        if can_back_up:
            self.backup_button = button("Bac&k up…", "Back up the records to a file")
            row.addWidget(self.backup_button)
            self.backup_button.clicked.connect(self.back_up)
        row.addStretch(1)
        layout.addWidget(box)
        self.panel = TaskPanel("records_task")
        layout.addWidget(self.panel)
        layout.addStretch(1)
        self.verify_button.clicked.connect(self.verify)
        self.export_button.clicked.connect(self.export)
        self.panel.finished.connect(lambda _outcome: self._enable(True))

    def _buttons(self) -> list[QPushButton]:
        found = [self.verify_button, self.export_button]
        return found if self.backup_button is None else [*found, self.backup_button]

    def _enable(self, enabled: bool) -> None:
        for widget in self._buttons():
            widget.setEnabled(enabled)
        self.format.setEnabled(enabled)

    def _run(self, what: str, work: Work, done: Any) -> None:
        self._enable(False)
        if self.panel.run(what, work, done) is None:
            self._enable(True)

    def _stamp(self) -> str:
        return self.context.clock.now().astimezone(self.context.zone).strftime("%Y%m%d-%H%M")

    # -- the three jobs -------------------------------------------------------------------

    def verify(self) -> None:
        services, session = self.context.services, self.context.session

        def work(control: TaskControl) -> VerifyReport:
            return jobs.verify(services, session, control)

        self._run("Verifying the audit trail", work, verify_summary)

    def export(self) -> None:
        fmt = str(self.format.currentData())
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export audit trail",
            f"trustdesk-audit-{self._stamp()}.{fmt}",
            f"{FORMAT_NAMES.get(fmt, fmt)} (*.{fmt})",
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != f".{fmt}":
            target = target.with_name(f"{target.name}.{fmt}")
        services, session = self.context.services, self.context.session

        def work(control: TaskControl) -> int:
            return jobs.export(services, session, fmt, target, control)

        def done(count: int) -> str:
            return f"✔ Exported {count:,} audit entries to {target}."

        self._run("Exporting the audit trail", work, done)

    def back_up(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Back up the records",
            f"trustdesk-backup-{self._stamp()}.db",
            "TrustDesk backups (*.db)",
        )
        if not path:
            return
        target = Path(path)
        services, session = self.context.services, self.context.session

        def work(control: TaskControl) -> BackupInfo:
            return jobs.backup(services, session, target, control)

        def done(info: BackupInfo) -> str:
            earlier = "".join(f"\n⚠ {note[0].upper()}{note[1:]}." for note in info.notes)
            return (
                f"✔ Backup written to {info.path} ({info.size:,} bytes, {info.decisions:,} "
                f"decision records, audit entry {info.head_seq}); SHA-256 {info.sha256}."
                f"{earlier}"
            )

        self._run("Backing up the records", work, done)


def verify_summary(report: VerifyReport) -> str:
    if report.ok:
        return (
            f"✔ The audit trail is intact: {report.entries:,} entries and {report.records:,} "
            f"records checked; head entry {report.head_seq}, hash {report.head_hash[:16]}…"
        )
    first = report.first
    where = "" if first is None or first.seq is None else f" at audit entry {first.seq}"
    detail = "" if first is None else f": {first.text}"
    return (
        f"✖ The audit trail is BROKEN{where}{detail}. {len(report.problems)} problem(s) found. "
        "Keep this computer as it is and tell your IT administrator and agency counsel."
    )
