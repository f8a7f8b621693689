"""The report as one JSON document, for scripts: provenance, figures with their
definitions and typed rows (counts as numbers, dates ISO), and the charts' series."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from trustdesk.memo.report_model import Cell, Report


def _value(value: Cell) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def report_document(report: Report) -> dict[str, Any]:
    return {
        "format": "trustdesk-report/1",
        "title": report.title,
        "agency": report.agency,
        "facility": report.facility,
        "timezone": report.timezone,
        "period": {"from": report.start.isoformat(), "to": report.end.isoformat()},
        "counted_by": report.by,
        "filters": dict(report.filters),
        "made_at": report.made_at.isoformat(timespec="seconds"),
        "made_by": report.made_by,
        "app_version": report.app_version,
        "audit_chain_head": {"seq": report.head_seq, "sha256": report.head_hash},
        "statement": report.statement,
        "notes": list(report.notes),
        "figures": [
            {
                "id": figure.id,
                "title": figure.title,
                "definition": figure.definition,
                "columns": list(figure.columns),
                "rows": [[_value(value) for value in row] for row in figure.rows],
            }
            for figure in report.figures
        ],
        "charts": [
            {
                "id": chart.id,
                "title": chart.title,
                "kind": chart.kind,
                "categories": list(chart.categories),
                "series": [{"name": s.name, "values": list(s.values)} for s in chart.series],
            }
            for chart in report.charts
        ],
    }


def write_json(report: Report, path: Path) -> None:
    text = json.dumps(report_document(report), ensure_ascii=False, indent=1, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
