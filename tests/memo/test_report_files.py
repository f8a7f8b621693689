"""The report's files read back: CSV with the csv module, XLSX with openpyxl (types,
frozen header, widths, formula-like text neutralised), JSON, the state layout, the PDF
with pypdf (text, definitions, charts, chain head) and the charts' SVG."""

from __future__ import annotations

import csv
import io
import json
import sys
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from memokit import pdf_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

import itertools

from reportkit import NOW, PERIOD, REASONS, make_record

from trustdesk.exports.cells import cell_text
from trustdesk.exports.state_csv import COLUMNS, LAYOUT
from trustdesk.memo.report_charts import PALETTE, chart_drawing, chart_svg
from trustdesk.memo.report_model import NO_HOLD_ROW, ChartSpec, Figure, Report, Series
from trustdesk.memo.verification import chain_heads_in
from trustdesk.services.report_files import save_report
from trustdesk.services.reports import ReportRequest, build_report
from trustdesk.store.errors import FileExists

FORMULA = REASONS[1]  # '=HYPERLINK("http://x")', typed as an amendment's reason


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, rules: Any) -> tuple[Any, Report]:
    from storekit import Clock, open_desk

    folder = tmp_path_factory.mktemp("report")
    desk = open_desk(folder / "data", rules, Clock(NOW))
    users = {u.username: u.id for u in desk.store.users.all()}
    make_record(desk.store, users)
    session = desk.session("supervisor")
    report = build_report(desk.services.ctx, ReportRequest(session, *PERIOD, by="received"))
    yield desk, report
    desk.services.close()


def save(made: tuple[Any, Report], tmp_path: Path, fmt: str, **options: Any) -> Path:
    desk, report = made
    target = tmp_path / f"report.{fmt}"
    digest = save_report(
        desk.services.ctx, desk.session("supervisor"), report, fmt, target, **options
    )
    entry = desk.store.audit.of_events("report.exported")[-1]
    objects = json.loads(entry.objects)
    assert objects["file_sha256"] == digest
    assert objects["format"] == fmt
    assert objects["head_seq"] == report.head_seq
    return target


def test_csv_reads_back_with_every_figure_and_its_provenance(made: Any, tmp_path: Path) -> None:
    _desk, report = made
    raw = save(made, tmp_path, "csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    as_dict = {row[0]: row[1] for row in rows if len(row) == 2}
    assert as_dict["Period"].startswith("2026-01-01 to 2026-04-30")
    assert as_dict["Audit chain head"] == f"entry {report.head_seq} sha256 {report.head_hash}"
    assert as_dict["Made by"] == "supervisor"
    for figure in report.figures:
        start = rows.index([figure.title])
        assert rows[start + 1] == list(figure.columns)
        body = rows[start + 2 : start + 2 + len(figure.rows)]
        expected = [
            [cell_text(v, figure.columns[i]) for i, v in enumerate(row)] for row in figure.rows
        ]
        # The one neutralised cell: the reason typed as a formula.
        expected = [["'" + c if c.startswith("=") else c for c in row] for row in expected]
        assert body == expected, figure.id
        assert rows[start + 2 + len(figure.rows)] == ["Definition", figure.definition]
    reasons = [row[0] for row in rows[rows.index(["Amendments and their reasons"]) + 2 :][:4]]
    assert "'" + FORMULA in reasons


def test_csv_with_the_byte_order_mark_excel_needs(made: Any, tmp_path: Path) -> None:
    raw = save(made, tmp_path, "csv", bom=True).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Report", "TRUST Act detainer report"]


def test_xlsx_has_typed_cells_a_frozen_header_widths_and_no_formulas(
    made: Any, tmp_path: Path
) -> None:
    _desk, report = made
    book = openpyxl.load_workbook(save(made, tmp_path, "xlsx"))
    assert book.sheetnames[0] == "Report"
    assert len(book.sheetnames) == 1 + len(report.figures)
    front = book["Report"]
    values = {front.cell(r, 1).value: front.cell(r, 2) for r in range(2, front.max_row + 1)}
    assert values["Period from"].is_date and values["Period from"].value == datetime(2026, 1, 1)
    assert values["Made at (UTC)"].is_date
    assert values["Made at (UTC)"].value == NOW.replace(tzinfo=None)
    assert values["Audit chain head: entry"].value == report.head_seq
    assert values["Audit chain head: entry"].data_type == "n"
    for sheet, figure in zip(book.worksheets[1:], report.figures, strict=True):
        assert sheet.freeze_panes == "A2", figure.id
        assert [c.value for c in sheet[1]][: len(figure.columns)] == list(figure.columns)
        assert sheet.column_dimensions["A"].width >= len(figure.columns[0])
        for r, row in enumerate(figure.rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(r, c)
                assert cell.data_type != "f", (figure.id, cell.value)
                if isinstance(value, int):
                    assert cell.data_type == "n" and cell.value == value
                elif isinstance(value, date):
                    assert cell.is_date and cell.value.date() == value
                elif value is not None:
                    assert cell.value == value
    amendments = book[report.figure("amendments").title[:31]]
    cells = [amendments.cell(r, 1) for r in range(2, amendments.max_row + 1)]
    formula = next(cell for cell in cells if cell.value == FORMULA)
    assert formula.data_type == "s"  # text exactly as typed, never a formula
    assert formula.quotePrefix  # and marked as typed text: Excel will not evaluate it
    month = book[report.figure("by_month").title]
    assert month.cell(2, 1).number_format == "yyyy-mm"


def test_json_carries_the_figures_typed(made: Any, tmp_path: Path) -> None:
    _desk, report = made
    document = json.loads(save(made, tmp_path, "json").read_text(encoding="utf-8"))
    assert document["audit_chain_head"] == {"seq": report.head_seq, "sha256": report.head_hash}
    assert document["period"] == {"from": "2026-01-01", "to": "2026-04-30"}
    assert document["counted_by"] == "received"
    figure = next(f for f in document["figures"] if f["id"] == "received_by_form")
    assert figure["rows"] == [list(row) for row in report.figure("received_by_form").rows]
    assert {c["id"] for c in document["charts"]} == {
        "trend",
        "grounds",
        "hold_outcomes",
        "custody_time",
    }


def test_the_state_layout_says_it_is_not_the_states_form(made: Any, tmp_path: Path) -> None:
    _desk, report = made
    rows = list(csv.DictReader(io.StringIO(save(made, tmp_path, "state-csv").read_text())))
    assert len(rows) == 1 and tuple(rows[0]) == COLUMNS
    row = rows[0]
    assert row["layout"] == LAYOUT and "unverified" in row["layout"]
    grounds = {r[0]: r[1] for r in report.figure("decisions_by_ground").rows}
    assert int(row["detainers_honored"]) == grounds["Honored"]
    # The honored I-247Ns (told of the release, nobody held) apart, as the figure has them.
    assert int(row["honored_no_hold_asked"]) == grounds[NO_HOLD_ROW] > 0
    assert int(row["detainers_declined"]) == grounds["Declined"]
    assert int(row["honored_tsdb_match"]) == grounds.get("tsdb_match", 0)
    total = next(r for r in report.figure("received_by_form").rows if r[0] == "Total")
    assert int(row["detainers_received"]) == total[1]
    assert (row["period_from"], row["period_to"]) == ("2026-01-01", "2026-04-30")


def test_pdf_reads_back_with_figures_definitions_charts_and_chain_head(
    made: Any, tmp_path: Path
) -> None:
    _desk, report = made
    data = save(made, tmp_path, "pdf").read_bytes()
    text = pdf_text(data)
    for figure in report.figures:
        assert figure.title in text, figure.id
        assert " ".join(figure.definition.split()[:8]) in text, figure.id
    for chart in report.charts:
        assert chart.title in text, chart.id
    # Direct labels on the trend lines, and each chart's numbers beside it.
    for label in ("Received", "Honored", "Declined"):
        assert label in text
    assert f"entry {report.head_seq}" in text
    assert chain_heads_in(data) == [(report.head_seq, report.head_hash)]
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == report.title
    # The charts are vector drawings: no raster image anywhere in the file.
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        assert all(xobjects[name].get("/Subtype") != "/Image" for name in xobjects)
    first = reader.pages[0].get_contents()
    assert (
        first is not None and first.get_data().count(b" l\n") + first.get_data().count(b" l ") > 20
    )


def test_a_report_file_is_never_written_over(made: Any, tmp_path: Path) -> None:
    desk, report = made
    target = tmp_path / "taken.pdf"
    target.write_bytes(b"mine")
    with pytest.raises(FileExists, match="never overwrites"):
        save_report(desk.services.ctx, desk.session("supervisor"), report, "pdf", target)
    assert target.read_bytes() == b"mine"


def _spec(kind: str, series: int = 3) -> ChartSpec:
    categories = ("2026-01", "2026-02", "2026-03")
    values = [
        Series(f"Series {n}", tuple(float(n * 3 + i) for i in range(3))) for n in range(series)
    ]
    table = Figure("t", "T", "d", ("Month", "Value"), tuple((c, 1) for c in categories))
    return ChartSpec("t", f"A {kind} chart", kind, categories, tuple(values), table)


@pytest.mark.parametrize("kind", ["line", "bar", "stacked_bar", "histogram"])
def test_chart_svg_is_svg_with_titles_direct_labels_and_numbers(kind: str) -> None:
    spec = _spec(kind, 1 if kind in ("bar", "histogram") else 3)
    root = ET.fromstring(chart_svg(spec))
    assert root.tag.endswith("svg")
    texts = [el.text for el in root.iter() if el.tag.endswith("text")]
    assert f"A {kind} chart" in texts
    if kind in ("line", "stacked_bar"):
        assert {"Series 0", "Series 1", "Series 2"} <= set(texts)  # named on the chart
    if kind in ("bar", "histogram"):
        assert {"0", "1", "2"} <= set(texts)  # every bar carries its number
    assert chart_svg(spec) == chart_svg(spec)  # drawn the same each time
    # SVG Tiny 1.2 (QtSvg): no clip paths, which it would paint as black rectangles.
    assert b"clipPath" not in chart_svg(spec) and b"clip-path" not in chart_svg(spec)


def test_stacked_series_differ_by_hatching_not_only_by_hue() -> None:
    drawing = chart_drawing(_spec("stacked_bar"))
    lines = [shape for shape in drawing.getContents()[2].contents if type(shape).__name__ == "Line"]
    # Series 1 and 2 are hatched (/ and -): many more thin lines than the grid alone.
    assert len(lines) > 40


def test_palette_differs_in_lightness_for_greyscale_prints() -> None:
    def lightness(color: Any) -> float:
        return 0.2126 * color.red + 0.7152 * color.green + 0.0722 * color.blue

    levels = sorted(lightness(color) for color in PALETTE[:4])
    assert all(b - a > 0.08 for a, b in itertools.pairwise(levels))


def test_an_empty_chart_says_so() -> None:
    spec = ChartSpec(
        "e", "Empty", "bar", ("a",), (Series("s", (0.0,)),), Figure("e", "E", "d", ("K", "V"), ())
    )
    texts = [el.text for el in ET.fromstring(chart_svg(spec)).iter() if el.tag.endswith("text")]
    assert "Nothing to show in this period" in texts


def test_a_report_of_many_months_is_laid_out_with_every_months_numbers(
    made: Any, tmp_path: Path
) -> None:
    """Ten years and more of months: the trend's numbers table is too tall to sit beside
    its chart on one page, so it follows the chart and runs over pages."""
    from dataclasses import replace

    from trustdesk.memo.report_pdf import render_report_pdf

    _desk, report = made
    months = tuple(f"{2014 + n // 12}-{n % 12 + 1:02d}" for n in range(130))
    trend = next(chart for chart in report.charts if chart.kind == "line")
    long_trend = replace(
        trend,
        categories=months,
        series=tuple(
            replace(series, values=tuple(float((n * 7 + i) % 40) for i in range(130)))
            for n, series in enumerate(trend.series)
        ),
        table=replace(
            trend.table,
            rows=tuple((month, n % 40, n % 30, n % 10) for n, month in enumerate(months)),
        ),
    )
    charts = tuple(long_trend if chart is trend else chart for chart in report.charts)
    data = render_report_pdf(replace(report, charts=charts))
    text = pdf_text(data)
    assert trend.title in text
    assert "2014-01" in text and "2024-10" in text  # the first month and the 130th
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) > 2


def test_csv_numbers_read_back_as_the_numbers_they_are(made: Any, tmp_path: Path) -> None:
    """Hostile pass: a review recorded at a desk whose clock was behind the version's
    desk has a negative time to review (-15 minutes, -0.25 hours). The CSV wrote the hours
    as ``'-0.25``: the apostrophe meant for formulas made the number text, which Excel
    shows as text and a script's ``float()`` refuses; and 12345.67 hours (``:g``, six
    digits) as ``12345.7``. Numbers are now written as they are, text still neutralised."""
    from dataclasses import replace

    from trustdesk.services.report_figures import duration, hours

    desk, report = made
    rows = (
        ("Median time to review", duration(-15), hours(-15)),
        ("90th percentile time to review", duration(740_734), hours(740_734)),
    )
    assert rows[0][1:] == ("-15 min", -0.25) and rows[1][2] == 12345.57
    reviews = replace(report.figure("reviews"), rows=rows)
    changed = replace(
        report,
        figures=tuple(reviews if f.id == "reviews" else f for f in report.figures),
    )
    target = tmp_path / "numbers.csv"
    save_report(desk.services.ctx, desk.session("supervisor"), changed, "csv", target)
    read = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    start = read.index([reviews.title])
    assert read[start + 2 : start + 4] == [
        ["Median time to review", "'-15 min", "-0.25"],  # the text is still neutralised
        ["90th percentile time to review", "514 d 9 h 34 min", "12345.57"],
    ]
    assert [float(row[2]) for row in read[start + 2 : start + 4]] == [-0.25, 12345.57]


def test_a_workbook_is_not_saved_under_a_pdf_name(made: Any, tmp_path: Path) -> None:
    """The Reports page's Save as Excel, with ``report.pdf`` picked in its dialog: the
    workbook went into ``report.pdf`` (a PDF reader refuses it), recorded as saved. The
    service refuses the name, writing and recording nothing (decision 0089)."""
    from trustdesk.services.errors import InvalidRequest

    desk, report = made
    exported = len(desk.store.audit.of_events("report.exported"))
    target = tmp_path / "report.pdf"
    with pytest.raises(InvalidRequest, match=r"^report\.pdf ends in \.pdf, the ending of a PDF"):
        save_report(desk.services.ctx, desk.session("supervisor"), report, "xlsx", target)
    assert list(tmp_path.iterdir()) == []
    assert len(desk.store.audit.of_events("report.exported")) == exported
    saved = tmp_path / "report.xlsx"
    save_report(desk.services.ctx, desk.session("supervisor"), report, "xlsx", saved)
    assert openpyxl.load_workbook(saved).sheetnames[0] == "Report"


def test_a_report_from_the_first_day_reports_take_has_that_day_in_the_workbook(
    made: Any, tmp_path: Path
) -> None:
    """Hostile pass: a report from 1900-01-01 (the first year a report takes) saved as
    XLSX wrote "Period from" and the first month as Excel's day 0, which Excel shows as
    1900-01-00 and openpyxl reads as the time 00:00: XlsxWriter takes a datetime on
    1900-01-01 for a time of day alone. Dates are written as dates now."""
    desk, _report = made
    session = desk.session("supervisor")
    early = build_report(
        desk.services.ctx, ReportRequest(session, date(1900, 1, 1), date(1900, 12, 31))
    )
    target = tmp_path / "early.xlsx"
    save_report(desk.services.ctx, session, early, "xlsx", target)
    book = openpyxl.load_workbook(target)
    front = book["Report"]
    values = {front.cell(r, 1).value: front.cell(r, 2) for r in range(2, front.max_row + 1)}
    for name, day in (("Period from", datetime(1900, 1, 1)), ("Period to", datetime(1900, 12, 31))):
        assert values[name].is_date and values[name].value == day, name
    months = book[early.figure("by_month").title]
    firsts = [months.cell(r, 1).value for r in range(2, 14)]
    assert firsts == [datetime(1900, m, 1) for m in range(1, 13)]
