"""Saving a report as a file (PDF, CSV, XLSX, JSON, the state's layout): written whole
under a temporary name and published only when complete, never over an existing file,
and recorded in the audit with the file's SHA-256 and the chain head it was computed at.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

from trustdesk.memo.report_model import Report
from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import InvalidRequest
from trustdesk.services.file_kinds import REPORT_FILES, check_named_for
from trustdesk.services.reports import check_saving
from trustdesk.store.files import check_new, new_file

#: The formats ``trustdesk report --format`` and the GUI's Save offer.
FORMATS = ("pdf", "csv", "xlsx", "json", "state-csv")
#: Formats where Excel's byte-order mark may be asked for.
BOM_FORMATS = ("csv", "state-csv")


def _write(report: Report, fmt: str, path: Path, *, bom: bool) -> None:
    # Each writer is imported when used: a CSV never loads reportlab or XlsxWriter.
    if fmt == "pdf":
        from trustdesk.memo.report_pdf import render_report_pdf

        path.write_bytes(render_report_pdf(report))
    elif fmt == "csv":
        from trustdesk.exports.csv_writer import write_csv

        write_csv(report, path, bom=bom)
    elif fmt == "xlsx":
        from trustdesk.exports.xlsx_writer import write_xlsx

        write_xlsx(report, path)
    elif fmt == "json":
        from trustdesk.exports.json_writer import write_json

        write_json(report, path)
    else:
        from trustdesk.exports.state_csv import write_state_csv

        write_state_csv(report, path, bom=bom)


def save_report(
    ctx: ServiceContext,
    session: Session,
    report: Report,
    fmt: str,
    target: Path,
    *,
    bom: bool = False,
) -> str:
    """Write ``report`` as ``fmt`` to the new file ``target``; its SHA-256 (audited).

    The session's account is checked again first, as it is now (``check_saving``).
    """
    check_saving(ctx, session, report)
    if fmt not in FORMATS:
        raise InvalidRequest(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if bom and fmt not in BOM_FORMATS:
        raise InvalidRequest("--bom is for the CSV formats only (Excel's byte-order mark)")
    if fmt == "state-csv":
        _check_state_layout(ctx)
        if report.unfinished:
            raise InvalidRequest(
                f"--format state-csv reports whole periods to the state, and the period to "
                f"{report.end.isoformat()} had not ended when the report was made "
                f"({report.made_at.astimezone(ZoneInfo(report.timezone)):%Y-%m-%d %H:%M}, "
                f"{report.timezone}): its counts would look final. Make it once the period "
                "is over, or end it with --to on an earlier day; nothing was written."
            )
    target = target.expanduser().absolute()
    check_new(target)  # a name taken is said first: whatever it ends in, it is refused
    check_named_for(target, fmt, REPORT_FILES)
    with new_file(target) as temp:
        _write(report, fmt, temp, bom=bom)
        digest = hashlib.sha256(temp.read_bytes()).hexdigest()
    try:
        _audit(ctx, session, report, fmt, digest)
    except BaseException:
        # A report file nobody recorded must not exist (as a backup, store.backup).
        target.unlink(missing_ok=True)
        raise
    return digest


def _check_state_layout(ctx: ServiceContext) -> None:
    """The state layout is Connecticut's (OPM's ICE access reporting): an agency under
    another jurisdiction's law is told so rather than handed another state's columns."""
    from trustdesk.exports.state_csv import JURISDICTION
    from trustdesk.services.jurisdiction import JurisdictionService

    current = JurisdictionService(ctx).current()
    if current.code != JURISDICTION:
        raise InvalidRequest(
            f"--format state-csv is Connecticut's reporting layout; TrustDesk has none for "
            f"{current.name}, this agency's jurisdiction. Use --format csv, xlsx or json."
        )


def _audit(ctx: ServiceContext, session: Session, report: Report, fmt: str, digest: str) -> None:
    ctx.audit(
        "report.exported",
        session,
        format=fmt,
        file_sha256=digest,
        start=report.start.isoformat(),
        end=report.end.isoformat(),
        by=report.by,
        filters=dict(report.filters),
        head_seq=report.head_seq,
        head_hash=report.head_hash,
    )
