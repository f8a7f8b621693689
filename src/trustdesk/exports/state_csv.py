"""The figures the state asks for, one row per agency and period, as CSV.

What Connecticut publishes (docs/reports/state-figures.md): OPM's open-data set "Trust
Act ICE Access Reporting" (data.ct.gov, hjcm-p62a) holds reports from local police
departments, under Public Acts 19-20 and 19-23, of the instances in which they granted
ICE access to people in custody, per reporting period, from 2021. Its column dictionary
could not be read (no stored copy of it was found), so these columns are TrustDesk's:
the counts § 54-192h's limits make reportable — detainers received and how they were
answered, holds and transfers to ICE, and the access, information and transfers given
to ICE in logged contacts — named plainly. The file says so in its first column
header's row of notes; it must not be presented as the state's form until the column
names are checked against data.ct.gov.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from trustdesk.exports.cells import neutral_text
from trustdesk.memo.report_model import NO_HOLD_ROW, Report

#: Whose state the layout is for: another jurisdiction's agency is refused it.
JURISDICTION = "CT"

#: /2 added ``honored_no_hold_asked``: the honored detainers that asked for no hold, only
#: to be told of the release (I-247N), which /1 counted among the honored with nothing
#: to tell them apart from holds.
LAYOUT = "trustdesk-ice-access/2 (TrustDesk layout; state column names unverified)"

COLUMNS = (
    "layout",
    "agency",
    "agency_ori",
    "facility",
    "period_from",
    "period_to",
    "counted_by",
    "detainers_received",
    "detainers_honored",
    "honored_no_hold_asked",
    "detainers_declined",
    "honored_judicial_warrant",
    "honored_class_a_b_felony_conviction",
    "honored_listed_offense_conviction",
    "honored_tsdb_match",
    "honored_other_ground",
    "holds",
    "ice_took_custody_from_hold",
    "ice_contacts",
    "ice_interview_access_given",
    "release_date_or_custody_status_given",
    "transfers_to_ice_in_contacts",
    "contacts_not_allowed",
    "made_at",
    "audit_chain_head",
)

KNOWN_GROUNDS = (
    "judicial_warrant",
    "class_a_b_felony_conviction",
    "listed_offense_conviction",
    "tsdb_match",
)


def _count(report: Report, figure_id: str, label: str, column: int = 1) -> int:
    try:
        figure = report.figure(figure_id)
    except KeyError:
        return 0
    for row in figure.rows:
        if row[0] == label:
            value = row[column]
            return value if isinstance(value, int) else 0
    return 0


def state_row(report: Report) -> dict[str, str | int]:
    grounds = {
        str(row[0]): int(row[1]) if isinstance(row[1], int) else 0
        for row in report.figure("decisions_by_ground").rows
    }
    honored = grounds.get("Honored", 0)
    other = sum(
        count
        for ground, count in grounds.items()
        if ground not in (*KNOWN_GROUNDS, "Honored", NO_HOLD_ROW, "Declined")
        and not ground.startswith("(no ground")
    )
    return {
        "layout": LAYOUT,
        "agency": report.agency,
        "agency_ori": report.ori,
        "facility": report.facility,
        "period_from": report.start.isoformat(),
        "period_to": report.end.isoformat(),
        "counted_by": report.by,
        "detainers_received": _count(report, "received_by_form", "Total"),
        "detainers_honored": honored,
        "honored_no_hold_asked": grounds.get(NO_HOLD_ROW, 0),
        "detainers_declined": grounds.get("Declined", 0),
        **{f"honored_{ground}": grounds.get(ground, 0) for ground in KNOWN_GROUNDS},
        "honored_other_ground": other,
        "holds": _count(report, "holds_by_outcome", "Total"),
        "ice_took_custody_from_hold": _count(report, "holds_by_outcome", "ICE took custody"),
        "ice_contacts": _count(report, "contacts_by_kind", "Total"),
        "ice_interview_access_given": _count(
            report, "contacts_given", "Access to interview the person"
        ),
        "release_date_or_custody_status_given": _count(
            report, "contacts_given", "Release date or custody status"
        ),
        "transfers_to_ice_in_contacts": _count(
            report, "contacts_given", "Handing the person to ICE"
        ),
        "contacts_not_allowed": _count(report, "contacts_by_kind", "Total", 2),
        "made_at": report.made_at.isoformat(timespec="seconds"),
        "audit_chain_head": f"entry {report.head_seq} sha256 {report.head_hash}",
    }


def write_state_csv(report: Report, path: Path, *, bom: bool = False) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    row = state_row(report)
    writer.writerow([neutral_text(str(row[column])) for column in COLUMNS])
    path.write_bytes((("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8"))
