"""The Reports page: the CLI's filters (period, counted by, facility, desk, officer), the
figures as tables, the charts as drawn once by the memo layer (SVG shown with QtSvg), and
Save as PDF / CSV / Excel.

Supervisors, administrators and auditors report on every decision; officers on their own
(the service enforces it; the page fixes the officer field to them). Counting and saving
run off the GUI thread (ui/tasks.py): a year over a large record takes seconds.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from trustdesk.memo.report_model import Cell, ChartSpec, Figure, Report
from trustdesk.rules.caseio import FIRST_YEAR, LAST_YEAR
from trustdesk.services.jobcontrol import JobCancelled
from trustdesk.services.permissions import OFFICER
from trustdesk.services.report_files import save_report
from trustdesk.services.reports import ReportRequest, build_report
from trustdesk.ui.context import UiContext
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.tasks import TaskControl, TaskPanel

if TYPE_CHECKING:
    from trustdesk.ui.workspace import Workspace

#: No mnemonic: every letter of "Reports" is taken on some page; Ctrl+Shift+R opens it.
TAB_TEXT = "Reports"
#: Save buttons: (format, button text, dialog filter, file suffix).
SAVE_FORMATS = (
    ("pdf", "Save as &PDF…", "PDF (*.pdf)", ".pdf"),
    ("csv", "Save as CS&V…", "CSV (*.csv)", ".csv"),
    ("xlsx", "Save as E&xcel…", "Excel workbook (*.xlsx)", ".xlsx"),
)
#: The charts are drawn in points; shown a little larger on screen.
CHART_SCALE = 1.6


def stop_if_cancelled(control: TaskControl, why: str) -> None:
    if control.cancelled():
        raise JobCancelled(why)


def cell_text(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def figure_table(figure: Figure, name: str) -> QTableWidget:
    """A read-only table of ``figure``, tall enough for every row (the page scrolls)."""
    table = QTableWidget(len(figure.rows), len(figure.columns))
    table.setObjectName(name)
    table.setAccessibleName(figure.title)
    table.setHorizontalHeaderLabels(list(figure.columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    for row, values in enumerate(figure.rows):
        for column, value in enumerate(values):
            item = QTableWidgetItem(cell_text(value))
            if figure.is_numeric(column):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)
    table.resizeColumnsToContents()
    height = table.horizontalHeader().height() + 4
    height += sum(table.rowHeight(row) for row in range(table.rowCount()))
    table.setFixedHeight(min(height, 420))
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return table


_CLIP_PATH = re.compile(rb"<clipPath\b.*?</clipPath>", re.DOTALL)
_CLIP_STYLE = re.compile(rb"clip-path:\s*url\(#[^)]*\);?")


def for_qt_svg(data: bytes) -> bytes:
    """reportlab's SVG, as QtSvg can draw it.

    QtSvg implements SVG Tiny 1.2, which has no ``clipPath``: it draws the clip's
    rectangle as an ordinary shape, filled black by default, over the whole chart.
    reportlab clips each drawing to its own bounds, so dropping the clip changes nothing.
    """
    return _CLIP_STYLE.sub(b"", _CLIP_PATH.sub(b"", data))


def chart_widget(spec: ChartSpec) -> QSvgWidget:
    """The chart as the PDF draws it (memo/report_charts.py), from its SVG bytes."""
    from trustdesk.memo.report_charts import chart_svg

    widget = QSvgWidget()
    widget.setObjectName(f"chart_{spec.id}")
    widget.setAccessibleName(f"Chart: {spec.title} (its numbers are in the table beside it)")
    # On paper, as in the PDF: black ink on white, whatever the desktop's colours.
    widget.setStyleSheet("background: white;")
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    widget.load(for_qt_svg(chart_svg(spec)))
    size = widget.renderer().defaultSize()
    widget.setFixedSize(int(size.width() * CHART_SCALE), int(size.height() * CHART_SCALE))
    return widget


class ReportsPage(QWidget):
    def __init__(self, context: UiContext) -> None:
        super().__init__()
        self.setObjectName("reports_page")
        self.context = context
        self.report: Report | None = None
        self._saving: tuple[str, Path] | None = None
        today = context.clock.now().astimezone(context.zone).date()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.start = self._date_edit(
            "report_from", "First day of the period", date(today.year, today.month, 1)
        )
        self.end = self._date_edit("report_to", "Last day of the period (included)", today)
        self.by = QComboBox()
        self.by.setObjectName("report_by")
        self.by.setAccessibleName("Count detainers by")
        self.by.addItem("when the decision was made", "decided")
        self.by.addItem("when the detainer was received", "received")
        self.facility = self._line("report_facility", "Facility (blank: the store's own)")
        self.desk = self._line("report_desk", "Desk (workstation name; blank: all)")
        self.officer = self._line("report_officer", "Officer's user name (blank: all)")
        if context.role == OFFICER:
            self.officer.setText(context.session.username)
            self.officer.setReadOnly(True)
            self.officer.setToolTip("Officers report on their own decisions")
        for text, widget in (
            ("Fro&m:", self.start),
            ("T&o:", self.end),
            ("Count b&y:", self.by),
            ("Fa&cility:", self.facility),
            ("D&esk:", self.desk),
            ("Off&icer:", self.officer),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.make_button = QPushButton("Ma&ke report")
        self.make_button.setObjectName("make_report")
        row.addWidget(self.make_button)
        self.save_buttons: dict[str, QPushButton] = {}
        for fmt, text, _filter, _suffix in SAVE_FORMATS:
            button = QPushButton(text)
            button.setObjectName(f"save_{fmt}")
            button.setAccessibleName(text.replace("&", "").rstrip("…"))
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, fmt=fmt: self.save(fmt))
            self.save_buttons[fmt] = button
            row.addWidget(button)
        self.bom = QCheckBox("CSV with the &UTF-8 mark Excel needs")
        self.bom.setObjectName("report_bom")
        row.addWidget(self.bom)
        row.addStretch(1)
        layout.addLayout(row)
        self.panel = TaskPanel("report_task")
        layout.addWidget(self.panel)
        self.figures_area = QScrollArea()
        self.figures_area.setObjectName("report_figures")
        self.figures_area.setAccessibleName("The report's figures and charts")
        self.figures_area.setWidgetResizable(True)
        self.figures_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrows and PgDn scroll
        layout.addWidget(self.figures_area, 1)
        self.make_button.clicked.connect(self.make)
        self.panel.finished.connect(self._task_ended)
        self.line_edits = (self.facility, self.desk, self.officer)
        for edit in self.line_edits:
            edit.returnPressed.connect(self.make)

    def _date_edit(self, name: str, accessible: str, value: date) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day))
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        # The years a report may cover (services/reports.check_request), also in the popup.
        edit.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
        return edit

    def _line(self, name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        keep_within(edit, 100)
        return edit

    # -- making ---------------------------------------------------------------------------

    def request(self) -> ReportRequest:
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        return ReportRequest(
            self.context.session,
            self.start.date().toPython(),  # type: ignore[arg-type]
            self.end.date().toPython(),  # type: ignore[arg-type]
            by=str(self.by.currentData()),
            facility=text(self.facility),
            desk=text(self.desk),
            officer=text(self.officer),
        )

    def make(self) -> None:
        request = self.request()
        ctx = self.context.services.ctx

        def work(control: TaskControl) -> Report:
            # The counting is one read snapshot that cannot be paused midway; Cancel is
            # honoured before it starts and before the result is shown.
            stop_if_cancelled(control, "stopped before counting; nothing was recorded")
            report = build_report(ctx, request)
            stop_if_cancelled(control, "stopped; the counting is recorded, nothing is shown")
            return report

        self.panel.run("Counting the report's figures", work, self._made)

    def _made(self, report: Any) -> str:
        assert isinstance(report, Report)
        self.report = report
        self._show(report)
        for button in self.save_buttons.values():
            button.setEnabled(True)
        return (
            f"Report for {report.start.isoformat()} to {report.end.isoformat()} made "
            f"(audit chain head entry {report.head_seq}). {report.statement}".strip()
        )

    def _task_ended(self, _outcome: str) -> None:
        # The Cancel button that held the focus is gone: give it to the figures (to read
        # them with the keyboard) or back to the button that started the work.
        if self.report is not None:
            self.figures_area.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.make_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show(self, report: Report) -> None:
        content = QWidget()
        content.setObjectName("report_content")
        column = QVBoxLayout(content)
        facts = QFormLayout()
        for name, value in report.provenance():
            label = QLabel(value)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            facts.addRow(f"{name}:", label)
        column.addLayout(facts)
        if report.statement:
            statement = QLabel(report.statement)
            statement.setObjectName("report_statement")
            statement.setStyleSheet("font-weight: bold;")
            column.addWidget(statement)
        for spec in report.charts:
            column.addWidget(self._heading(spec.title))
            pair = QHBoxLayout()
            pair.addWidget(chart_widget(spec), 0, Qt.AlignmentFlag.AlignTop)
            pair.addWidget(
                figure_table(spec.table, f"chart_table_{spec.id}"), 1, Qt.AlignmentFlag.AlignTop
            )
            column.addLayout(pair)
        for number, figure in enumerate(report.figures, start=1):
            column.addWidget(self._heading(f"{number}. {figure.title}"))
            column.addWidget(figure_table(figure, f"figure_{figure.id}"))
            note = QLabel(f"Definition: {figure.definition}")
            note.setWordWrap(True)
            note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            column.addWidget(note)
        column.addStretch(1)
        self.figures_area.setWidget(content)

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet("font-weight: bold; font-size: 12pt; margin-top: 10px;")
        return label

    # -- saving ---------------------------------------------------------------------------

    def save(self, fmt: str) -> None:
        report = self.report
        if report is None or self.panel.busy:
            return
        _fmt, text, file_filter, suffix = next(item for item in SAVE_FORMATS if item[0] == fmt)
        suggested = f"report-{report.start.isoformat()}-{report.end.isoformat()}{suffix}"
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            text.replace("&", "").rstrip("…"),
            suggested,
            file_filter,
            options=QFileDialog.Option.DontConfirmOverwrite,  # never overwritten: said below
        )
        if not chosen:
            return
        target = Path(chosen)
        if not target.suffix:
            target = target.with_suffix(suffix)
        ctx, session = self.context.services.ctx, self.context.session
        bom = fmt == "csv" and self.bom.isChecked()

        def work(control: TaskControl) -> str:
            stop_if_cancelled(control, "stopped before saving; no file was written")
            return save_report(ctx, session, report, fmt, target, bom=bom)

        self.panel.run(
            f"Saving the report as {fmt.upper()}",
            work,
            lambda digest: f"Saved as {target}; SHA-256 {digest} recorded in the audit.",
        )


def add_reports_tab(workspace: Workspace) -> ReportsPage:
    """The Reports page as a tab of the workspace (every role may open it; the service
    decides what each may count)."""
    page = ReportsPage(workspace.context)
    workspace.tabs.addTab(page, TAB_TEXT)
    return page


def show_reports(workspace: Workspace) -> None:
    """Bring the Reports tab forward, the period's first day ready to type."""
    tabs = workspace.tabs
    for index in range(tabs.count()):
        page = tabs.widget(index)
        if isinstance(page, ReportsPage):
            tabs.setCurrentWidget(page)
            page.start.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
