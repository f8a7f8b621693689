"""Reports: who may ask for which, the period in the agency's calendar, and the report
assembled from the counts the store makes (store/reports.py) and the figure
definitions (services/report_figures.py). Making a report is audited.

Supervisors, administrators and auditors may report on every decision; an officer only
on their own (the officer filter is set to them, and naming anyone else is refused).
A report holds counts only, never a name, date of birth or booking number.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from trustdesk import __version__
from trustdesk.memo.report_model import NO_HOLD_ROW, ChartSpec, Figure, Report, Series
from trustdesk.rules.caseio import FIRST_YEAR, LAST_YEAR
from trustdesk.services import report_figures as figures
from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import AuthenticationFailed, InvalidRequest, PermissionDenied
from trustdesk.services.permissions import (
    ADMINISTRATOR,
    AUDITOR,
    OFFICER,
    SUPERVISOR,
    Operation,
    allowed,
)
from trustdesk.store.errors import NotFound
from trustdesk.store.records import DEFAULT_TIMEZONE, User
from trustdesk.store.reports import BY_CHOICES, ReportData, ReportQuery, ReportRepository

#: Roles that report on every decision; officers report on their own.
ALL_DECISIONS = frozenset({SUPERVISOR, ADMINISTRATOR, AUDITOR})
#: The longest period one report may cover (months are counted one by one).
MAX_YEARS = 30
TITLE = "TRUST Act detainer report"


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """Who asks (``session``), and what to count: the period (calendar days in the
    agency's time zone, both included) and the filters."""

    session: Session
    start: date
    end: date
    by: str = "decided"  # "received" | "decided"
    facility: str | None = None
    desk: str | None = None
    officer: str | None = None  # user name


def report_user(
    ctx: ServiceContext, session: Session, request: ReportRequest, *, saving: bool = False
) -> User:
    """The session's current user, if they may make this report (refusals are audited).

    ``saving``: the report was made earlier and is now to be written to a file. The
    account is checked again as it stands now: a report stays on the Reports page after
    its maker was disabled or demoted, and saving it must not outlive their right (a
    hostile pass). An officer then saves only a report of their own decisions.
    """
    try:
        user, altered = ctx.store.users.checked(session.user_id)
    except NotFound:
        raise AuthenticationFailed("your account no longer exists; log on again") from None
    if altered:
        ctx.refuse_altered(user, altered, session)
    refusal = None
    if not user.active or user.locked_at is not None:
        refusal = "account disabled" if not user.active else "account locked"
    elif user.role == OFFICER and (
        request.officer not in (None, user.username) or (saving and request.officer is None)
    ):
        refusal = "officers report on their own decisions only"
    elif user.role not in ALL_DECISIONS and user.role != OFFICER:
        refusal = f"role {user.role} makes no reports"
    if refusal is None:
        return user
    operation = "report.export" if saving else "report.make"
    ctx.audit("permission.denied", session, "denied", operation=operation, reason=refusal)
    if saving:
        raise (AuthenticationFailed if refusal.startswith("account") else PermissionDenied)(
            f"the report was not saved: account {user.username!r} is {refusal[8:]}; ask an "
            "administrator"
            if refusal.startswith("account")
            else f"the report was not saved: {user.username} ({user.role}) may save reports "
            "on their own decisions only, and this one counts "
            + (f"{request.officer}'s" if request.officer else "everyone's")
            + "; make a report of your own decisions instead"
        )
    if refusal.startswith("account"):
        raise AuthenticationFailed(f"account {user.username!r} is {refusal[8:]}")
    raise PermissionDenied(
        f"{user.username} ({user.role}) may report on their own decisions only "
        "(leave out --officer); supervisors, administrators and auditors report on all"
        if user.role == OFFICER
        else f"{user.username} ({user.role}) may not make reports"
    )


def check_saving(ctx: ServiceContext, session: Session, report: Report) -> User:
    """The session's current user, if they may still have ``report`` written to a file."""
    officer = dict(report.filters).get("Officer")
    request = ReportRequest(session, report.start, report.end, report.by, officer=officer)
    return report_user(ctx, session, request, saving=True)


def month_starts(start: date, end: date) -> list[date]:
    """The first day of every calendar month after the first, up to ``end``."""
    found: list[date] = []
    year, month = start.year, start.month
    while True:
        month += 1
        if month == 13:
            year, month = year + 1, 1
        first = date(year, month, 1)
        if first > end:
            return found
        found.append(first)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def check_request(request: ReportRequest) -> None:
    if request.by not in BY_CHOICES:
        raise InvalidRequest(f"--by must be one of {', '.join(BY_CHOICES)}, not {request.by!r}")
    for flag, day in (("--from", request.start), ("--to", request.end)):
        # The years a case may carry, as the command line's days: the day after
        # 9999-12-31 (the period's end) does not exist, and counting stopped with an
        # unexpected error.
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise InvalidRequest(
                f"{flag} is in the year {day.year}; give a date in the years {FIRST_YEAR} "
                f"to {LAST_YEAR}"
            )
    if request.end < request.start:
        raise InvalidRequest(
            f"the period ends ({request.end.isoformat()}) before it starts "
            f"({request.start.isoformat()}): swap --from and --to"
        )
    if request.end - request.start > timedelta(days=366 * MAX_YEARS):
        raise InvalidRequest(f"a report covers at most {MAX_YEARS} years; shorten the period")


def check_desk(desks: tuple[str, ...], desk: str, *, name_them: bool = True) -> None:
    """Refuse a desk that recorded no decision: its report would be empty, and silently so.

    ``name_them``: say which desks are on record. Only for those who report on every
    decision: an officer reports on their own, and a mistyped name told them every desk
    of the agency (a hostile pass).
    """
    if desk in desks:
        return
    if not name_them:
        raise InvalidRequest(
            f"--desk {desk!r}: no decision was recorded at a desk of that name; check the "
            "name (a decision's history says at which desk it was recorded), or leave out "
            "--desk for all your decisions"
        )
    known = ", ".join(repr(name) for name in desks) if desks else "none yet"
    raise InvalidRequest(
        f"--desk {desk!r}: no decision was recorded at a desk of that name (desks on record: "
        f"{known}); use one of those names exactly, or leave out --desk for all desks"
    )


def _filters(request: ReportRequest, facility: str) -> tuple[tuple[str, str], ...]:
    found = []
    if request.facility:
        found.append(("Facility", facility))
    if request.desk:
        found.append(("Desk", request.desk))
    if request.officer:
        found.append(("Officer", request.officer))
    return tuple(found)


def build_report(ctx: ServiceContext, request: ReportRequest) -> Report:
    """Count the figures of ``request`` for its session, and record that it was made."""
    session = request.session
    check_request(request)
    if request.officer is not None:
        request = replace(request, officer=request.officer.strip().lower())
    user = report_user(ctx, session, request)
    if user.role == OFFICER:
        request = replace(request, officer=user.username)
    profile = ctx.store.agency.get()
    facility = profile.facility if profile is not None else ""
    if request.facility is not None and request.facility.strip().casefold() != facility.casefold():
        raise InvalidRequest(
            f"--facility {request.facility!r}: these records are those of "
            + (f"facility {facility!r}" if facility else "a facility not yet set up")
            + "; one TrustDesk store holds one facility, so leave out --facility or use "
            "that facility's store"
        )
    if request.officer is not None:
        try:
            ctx.store.users.get(request.officer)
        except NotFound:
            raise InvalidRequest(f"--officer {request.officer!r}: there is no such user") from None
    if request.desk is not None:
        desks = ReportRepository(ctx.store.db).desks()
        check_desk(desks, request.desk, name_them=user.role in ALL_DECISIONS)
    zone = ZoneInfo(profile.timezone if profile is not None else DEFAULT_TIMEZONE)
    now = ctx.now()
    starts = month_starts(request.start, request.end)
    query = ReportQuery(
        start=local_midnight(request.start, zone),
        end=local_midnight(request.end + timedelta(days=1), zone),
        by=request.by,
        month_starts=tuple(local_midnight(day, zone) for day in starts),
        officer=request.officer,
        desk=request.desk,
        now=now,
    )
    data = ReportRepository(ctx.store.db).data(query)
    if not allowed(user.role, Operation.DECISION_VIEW):
        data = reasons_withheld(data)
    months = [request.start.replace(day=1), *starts]
    report = assemble(
        data,
        months,
        request,
        agency=profile.name if profile is not None else "",
        ori=profile.ori if profile is not None else "",
        facility=facility,
        timezone=zone.key,
        made_at=now,
        made_by=user.username,
        law=period_law(ctx, request, data),
    )
    ctx.audit(
        "report.made",
        session,
        start=request.start.isoformat(),
        end=request.end.isoformat(),
        by=request.by,
        filters=dict(report.filters),
        head_seq=data.head_seq,
        head_hash=data.head_hash,
        decisions=figures.total_decisions(data),
    )
    return report


#: Where an amendment's reason would be, for a role that does not read case files.
REASONS_WITHHELD = "(reasons not shown: this role does not read case files)"


def reasons_withheld(data: ReportData) -> ReportData:
    """``data`` with the amendments counted but their reasons left out. A reason is text
    typed into a case file ("date of birth was the brother's"): it may name the person,
    and an administrator, who makes reports but does not read case files, would read it
    in the "Amendments and their reasons" table (a hostile pass)."""
    total = sum(count for _reason, count in data.amendments)
    return replace(data, amendments=((REASONS_WITHHELD, total),) if total else ())


def period_law(ctx: ServiceContext, request: ReportRequest, data: ReportData) -> str:
    """How the footnotes name the law of the period (from the packs, not from code): the
    statutes of the packs the counted decisions were decided with, whatever the agency's
    jurisdiction is now (it may have changed since: new decisions only); with none
    counted, those of the agency's jurisdiction in force during the period."""
    from trustdesk.services.jurisdiction import JurisdictionService
    from trustdesk.services.report_laws import law_phrase, laws_in_period, shipped_laws

    used = {row[1] for row in data.outcomes} | {pack for pack, _ in data.no_hold_asked}
    decided_with = tuple(law for law in shipped_laws(None) if law.pack_id in used)
    if decided_with:
        return law_phrase(decided_with)
    code = JurisdictionService(ctx).current().code
    laws = laws_in_period(shipped_laws(code), request.start, request.end)
    return law_phrase(laws) if laws else ""


def assemble(
    data: ReportData,
    months: list[date],
    request: ReportRequest,
    *,
    agency: str,
    ori: str,
    facility: str,
    timezone: str,
    made_at: datetime,
    made_by: str,
    law: str = "",
) -> Report:
    """The report's figures and charts, from the store's counts (pure)."""
    counted = request.by
    by_month, trend = figures.monthly(data, months, counted)
    grounds = figures.decisions_by_ground(data)
    holds = figures.holds_by_outcome(data)
    custody = figures.custody_time(data)
    found: list[Figure] = [
        figures.received_by_form(data, counted),
        figures.received_by_warrant(data, counted),
        grounds,
        figures.decisions_by_pack(data, law),
        *([figures.action_outcomes(data)] if figures.decides_other_actions(data) else []),
        figures.reviews(data),
        holds,
        figures.overdue_holds(data),
        custody,
        figures.amendments(data),
        figures.unverified(data),
    ]
    notes = []
    if data.contacts is not None:
        found += [
            figures.contacts_by_kind(data.contacts),
            figures.contacts_given(data.contacts),
        ]
        against = figures.contacts_against_later(data.contacts)
        if against:
            notes.append(
                f"{against} contact{'s' if against != 1 else ''} counted as allowed gave "
                "what a later decision about the person, also in force at the time, did "
                "not allow: allowed by the decision the contact was recorded under, with "
                "the officer's reason, and sent to a supervisor's review."
            )
    elif data.contacts_logged:
        notes.append("Contacts with ICE are left out: they cannot be placed at a desk.")
    else:
        notes.append("This record keeps no log of contacts with ICE yet.")
    if data.receipt_unknown:
        notes.append(
            f"{data.receipt_unknown} detainers had no receipt time recorded; they are "
            "placed in the period by their decision time."
        )
    found += [
        by_month,
        figures.breakdown(
            "by_desk",
            "Decisions by desk",
            "Each decision under the desk (workstation) that recorded its first version.",
            data.by_desk,
        ),
        figures.breakdown(
            "by_officer",
            "Decisions by officer",
            "Each decision under the officer who recorded its first version (user name).",
            data.by_officer,
        ),
    ]
    zone = ZoneInfo(timezone)
    unfinished = made_at < local_midnight(request.end + timedelta(days=1), zone)
    made = made_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if made_at < local_midnight(request.start, zone):
        notes.insert(
            0,
            f"This period had not begun when the report was made ({made}, {timezone}): "
            "nothing in it could be counted yet.",
        )
    elif unfinished:
        notes.insert(
            0,
            f"This period had not ended when the report was made ({made}, {timezone}): "
            "its figures run only to that time.",
        )
    total = figures.total_decisions(data)
    statement = ""
    if total == 0:
        statement = (
            "No detainers were received in this period."
            if counted == "received"
            else "No detainers were decided in this period."
        )
    return Report(
        title=TITLE,
        agency=agency,
        ori=ori,
        facility=facility,
        timezone=timezone,
        start=request.start,
        end=request.end,
        by=counted,
        filters=_filters(request, facility),
        made_at=made_at,
        made_by=made_by,
        app_version=__version__,
        head_seq=data.head_seq,
        head_hash=data.head_hash,
        figures=tuple(found),
        charts=(
            trend,
            _bar_chart("grounds", grounds, "Decisions by ground"),
            _bar_chart("hold_outcomes", holds, "Holds by outcome", "holds"),
            _histogram(custody),
        ),
        statement=statement,
        notes=tuple(notes),
        unfinished=unfinished,
    )


def _bar_chart(chart_id: str, figure: Figure, title: str, unit: str = "decisions") -> ChartSpec:
    rows = [
        row for row in figure.rows if row[0] not in ("Total", "Honored", NO_HOLD_ROW, "Declined")
    ]
    table = Figure(chart_id, title, figure.definition, figure.columns, tuple(rows), figure.numeric)
    return ChartSpec(
        chart_id,
        title,
        "bar",
        tuple(str(row[0]) for row in rows),
        (Series(figure.columns[1], tuple(float(row[1] or 0) for row in rows)),),  # type: ignore[arg-type]
        table,
        unit,
    )


def _histogram(figure: Figure) -> ChartSpec:
    rows = [row for row in figure.rows if row[0] != "Median"]
    table = Figure(
        "custody_time", figure.title, figure.definition, figure.columns, tuple(rows), figure.numeric
    )
    return ChartSpec(
        "custody_time",
        figure.title,
        "histogram",
        tuple(str(row[0]) for row in rows),
        (Series("Holds", tuple(float(row[1] or 0) for row in rows)),),  # type: ignore[arg-type]
        table,
        "holds",
    )
