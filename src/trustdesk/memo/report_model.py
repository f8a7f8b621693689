"""The report as a plain view-model: what the PDF, the spreadsheets and the GUI show.

Standard library only, like the memo's own view-model (viewmodel.py): services/reports.py
fills it from the store's counts; the memo layer draws it (report_pdf.py, charts in
report_charts.py); exports/ writes it as CSV, XLSX and JSON; the GUI's Reports page shows
the same figures and the same charts (as SVG bytes from report_charts.chart_svg).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: What a table cell may hold: text, a count, a number of hours, a date.
Cell = str | int | float | date | None

CHART_KINDS = ("line", "bar", "stacked_bar", "histogram")

#: The row of the "decisions by ground" figure counting the honored decisions whose
#: detainer asked for no hold, only to be told of the release (I-247N): a part of
#: "Honored". The state layout (exports/state_csv.py) reads it by this label.
NO_HOLD_ROW = "Honored, no hold asked (notification only)"


@dataclass(frozen=True, slots=True)
class Figure:
    """One table of the report: its rows, and the definition printed as its footnote."""

    id: str
    title: str
    definition: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    #: Which columns hold numbers (right-aligned; typed as numbers in spreadsheets).
    numeric: tuple[bool, ...] = ()

    def is_numeric(self, index: int) -> bool:
        return index < len(self.numeric) and self.numeric[index]


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """A chart: categories along one axis, one or more series of values; ``table`` is the
    same numbers as a table, printed beside the chart."""

    id: str
    title: str
    kind: str  # one of CHART_KINDS
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    table: Figure
    value_label: str = "decisions"

    def __post_init__(self) -> None:
        if self.kind not in CHART_KINDS:
            raise ValueError(f"chart kind must be one of {CHART_KINDS}")
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"series {series.name!r} does not match the categories")


@dataclass(frozen=True, slots=True)
class Report:
    """A computed report, with everything that says what it is and where it came from."""

    title: str
    agency: str
    facility: str
    timezone: str
    start: date
    end: date
    by: str
    #: (filter, value) as a person reads them, e.g. ("Officer", "officer2").
    filters: tuple[tuple[str, str], ...]
    made_at: datetime
    made_by: str
    app_version: str
    head_seq: int
    head_hash: str
    figures: tuple[Figure, ...]
    charts: tuple[ChartSpec, ...]
    #: "No detainers were received in this period." when nothing was counted, else "".
    statement: str = ""
    ori: str = ""
    notes: tuple[str, ...] = field(default=())
    #: The period had not ended when the report was made (its figures stop at made_at).
    unfinished: bool = False

    def figure(self, figure_id: str) -> Figure:
        for figure in self.figures:
            if figure.id == figure_id:
                return figure
        raise KeyError(figure_id)

    def chart(self, chart_id: str) -> ChartSpec:
        for chart in self.charts:
            if chart.id == chart_id:
                return chart
        raise KeyError(chart_id)

    def provenance(self) -> tuple[tuple[str, str], ...]:
        """The lines every report and export carries: period, filters, who, when, chain."""
        filters = "; ".join(f"{name}: {value}" for name, value in self.filters) or "none"
        by = "detainer received" if self.by == "received" else "decision made"
        return (
            ("Report", self.title),
            ("Agency", self.agency),
            ("Facility", self.facility),
            ("Period", f"{self.start.isoformat()} to {self.end.isoformat()} ({self.timezone})"),
            ("Counted by", by),
            ("Filters", filters),
            ("Made at", self.made_at.isoformat(timespec="seconds")),
            ("Made by", self.made_by),
            ("TrustDesk version", self.app_version),
            ("Audit chain head", f"entry {self.head_seq} sha256 {self.head_hash}"),
        )
