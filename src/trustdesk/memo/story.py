"""The memo's story: the decision, the facts, the law and the hold, in reading order."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Spacer

from trustdesk.memo import signoff
from trustdesk.memo.blocks import Columns
from trustdesk.memo.flowables import (
    FRAME_WIDTH,
    FillLine,
    grid,
    key_values,
    lines,
    para,
    section,
)
from trustdesk.memo.grid import Padding
from trustdesk.memo.styles import MONO, NAME_CODE_POINTS_NOTE, SANS, Styles, printable
from trustdesk.memo.text import Text
from trustdesk.memo.viewmodel import (
    HOLD_NEVER,
    HOLD_NONE,
    HOLD_NOTIFICATION_ONLY,
    HOLD_RUNNING,
    NOT_YET_RECORDED,
    HoldBlock,
    MemoViewModel,
)

#: The memo's first line when the view-model carries none (every built one does).
DOCUMENT_TITLE = "Immigration detainer decision"
OUTCOME_WORDS = {
    "allowed": "Allowed",
    "not_allowed": "NOT allowed",
    "allowed_with_conditions": "Allowed with conditions",
    "unknown": "Unknown — not settled",
}


def not_recorded_box(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    """The mark at the top of a memo whose decision the record does not hold yet."""
    if not vm.not_recorded:
        return []
    return [para(NOT_YET_RECORDED, styles.headline), para(vm.not_recorded, styles.subline)]


def replaced_box(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    """The mark at the top of a memo of a version a later version replaces."""
    if not vm.replaced_mark:
        return []
    return [para(vm.replaced_mark, styles.headline), para(vm.replaced, styles.subline)]


def memo_story(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        *not_recorded_box(vm, styles),
        *replaced_box(vm, styles),
        para(vm.document_title or DOCUMENT_TITLE, styles.title),
        para(
            f"Decision {vm.verification.decision_id}, version {vm.verification.version}. "
            f"Decided {vm.decision.decided_at}.",
            styles.body,
        ),
        *([para(vm.amendment, styles.body)] if vm.amendment else []),
        *([para(vm.agency.note, styles.body)] if vm.agency.note else []),
        Spacer(1, 4),
        _decision_box(vm, styles),
    ]
    person = key_values(
        [
            ("Name", vm.person.name),
            ("Date of birth", vm.person.date_of_birth),
            ("Booking number", vm.person.booking_number),
        ],
        styles.label,
        styles.cell,
    )
    written_out = "<U+" in printable(vm.person.name, styles.cell.fontName)
    story += section(
        "Person",
        styles.heading,
        [person, *([para(NAME_CODE_POINTS_NOTE, styles.small)] if written_out else [])],
    )
    detainer = vm.detainer
    details = key_values(
        [
            ("Form", f"{detainer.form} — {detainer.form_description}"),
            ("Received", detainer.received_at),
            ("Issuing office", detainer.issuing_office),
            ("Subject ID / A-number", detainer.subject_id),
            ("Judicial warrant", detainer.judicial_warrant),
            ("Administrative warrant", detainer.administrative_warrant),
        ],
        styles.label,
        styles.cell,
    )
    story += section("Detainer", styles.heading, [details])
    story += _rule_pack(vm, styles)
    story += _hold(vm.hold, styles)
    story += outcomes_table(vm, styles)
    story += _criteria(vm, styles)
    story += _outcome_changes(vm, styles)
    story += _offenses(vm, styles)
    story += contacts_history(vm, styles)
    story += _review(vm, styles)
    story += signoff.actions(vm, styles)
    story += signoff.sign_offs(vm, styles)
    story += signoff.verification(vm, styles)
    return story


def _decision_box(vm: MemoViewModel, styles: Styles) -> Columns:
    decision = vm.decision
    if decision.grounds:
        grounds = "Grounds met: " + "; ".join(decision.grounds) + "."
    else:
        grounds = decision.no_grounds or "No ground is met: the person may not be held."
    cells: list[Any] = [
        para(decision.headline, styles.headline),
        Spacer(1, 3),
        para(grounds, styles.subline),
        para(f"Under {vm.rule_pack.title} (rule pack {vm.rule_pack.id}).", styles.subline),
        Spacer(1, 3),
        para(decision.review_status, styles.subline, bold=decision.needs_review),
    ]
    return Columns(
        [cells],
        [FRAME_WIDTH],
        padding=Padding(left=6, right=6, top=7, bottom=8),
        align=["top"],
        border=2.2,
    )


def _rule_pack(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    pack = vm.rule_pack
    if pack.uses_unverified_data:
        data_used: Any = Text(
            "<b>UNVERIFIED DATA USED by this decision:</b><br/>"
            + "<br/>".join(escape(note) for note in pack.unverified_notes),
            styles.cell,
        )
    else:
        data_used = "All data this decision used is marked verified in the rule pack."
    # The notes of unverified lists are already printed under "Data used" when used.
    lists = [
        f"{item.title}: {'verified' if item.verified else 'UNVERIFIED'}"
        + (
            f" ({item.note})"
            if item.note and not item.verified and not pack.uses_unverified_data
            else ""
        )
        for item in pack.lists
    ]
    rows: list[tuple[str, Any]] = [
        ("Law applied", f"{pack.title} — {pack.statute}"),
        ("In force", pack.effective),
        ("Citations", lines(pack.citations, styles.cell)),
        ("Last verified", pack.last_verified_on),
        ("Data used", data_used),
    ]
    if pack.verified_by:
        # Who checked each item the decision rests on, as the pack records it.
        rows.append(("Verified by", lines(pack.verified_by, styles.cell)))
    if lists:
        rows.append(("Statute lists", lines(lists, styles.cell)))
    rows.append(
        (
            "Rule pack",
            Text(
                f"{escape(pack.id)}<br/><font face='{MONO}' size='7'>{pack.sha256}</font>",
                styles.cell,
            ),
        )
    )
    return section(
        "Rule pack (version of the law)",
        styles.heading,
        [key_values(rows, styles.label, styles.cell)],
    )


def _hold(hold: HoldBlock, styles: Styles) -> list[Flowable]:
    title = "Hold clock"
    rule = para(f"{hold.rule} ({hold.citation})", styles.cell)
    if hold.kind == HOLD_NONE:
        return section(
            title,
            styles.heading,
            [
                para(
                    "No hold: the detainer is declined, so the person may not be held on it.",
                    styles.body,
                )
            ],
        )
    if hold.kind == HOLD_NEVER:
        # No clock may look as if it ran: the law in force allows no hold at all.
        return section(
            title,
            styles.heading,
            [
                para(
                    "No hold: the law in force never allows holding a person on a detainer, "
                    "so no hold clock applies.",
                    styles.body,
                ),
                rule,
            ],
        )
    if hold.kind == HOLD_NOTIFICATION_ONLY:
        return section(
            title,
            styles.heading,
            [
                para(
                    "The detainer form asks only for notification before release, not a "
                    "hold: no hold clock applies.",
                    styles.body,
                )
            ],
        )
    if hold.kind == HOLD_RUNNING:
        skipped = ", ".join(hold.excluded_reasons) or "none"
        rows: list[tuple[str, Any]] = [
            ("Clock starts", hold.starts_text),
            ("HOLD EXPIRES", para(hold.expires_text, styles.label)),
            ("Counted", f"{hold.hours} real hours ({hold.zone}); days not counted: {skipped}"),
        ]
        if hold.excluded_days:
            rows.append(("Days skipped", lines(hold.excluded_days, styles.cell)))
        rows.append(("Rule", rule))
        return section(title, styles.heading, [key_values(rows, styles.label, styles.cell)])
    return section(
        title,
        styles.heading,
        [
            para(
                "The start is not yet known: the hold starts when the person would otherwise "
                "be released. Fill in both lines when it is known.",
                styles.body,
            ),
            rule,
            FillLine("Clock starts (day, date, time, zone):", SANS, 9),
            FillLine("Hold expires (day, date, time, zone):", SANS, 9),
            FillLine("Computed by (name, badge):", SANS, 9),
        ],
    )


def outcomes_table(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    """Every action the law decides and its outcome; nothing for a record without them."""
    if not vm.outcomes:
        return []
    rows: list[list[Any]] = [["Action", "Outcome", "Grounds, conditions, notices and citations"]]
    for row in vm.outcomes:
        text = [escape(row.text)]
        if row.grounds:
            text.append("<b>Grounds:</b> " + escape("; ".join(row.grounds)))
        text += [f"<b>Condition:</b> {escape(item)}" for item in row.conditions]
        if row.notices:
            text.append("<b>The person must get:</b> " + escape("; ".join(row.notices)))
        if row.unverified:
            # The pack's wording of this action's advice that counsel has not checked yet.
            text.append("<b>Not yet verified by counsel:</b> " + escape(", ".join(row.unverified)))
        text.append(f"<font size='7'>{escape('; '.join(row.citations))}</font>")
        rows.append(
            [
                Text(escape(row.label), styles.cell),
                Text(f"<b>{escape(row.outcome_text)}</b>", styles.cell),
                Text("<br/>".join(text), styles.cell),
            ]
        )
    table = grid(
        rows,
        (1.5 * 72, 1.2 * 72, FRAME_WIDTH - 2.7 * 72),
        (styles.cell, styles.cell, styles.cell),
        header=styles.cell_bold,
    )
    return section("What the law allows — each action", styles.heading, [table])


def _criteria(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    rows: list[list[Any]] = [["Status", "Criterion, reason, facts and citation"]]
    for row in vm.criteria:
        text = [f"<b>{escape(row.title)}</b>", escape(row.reason)]
        text += [f"• {escape(fact)}" for fact in row.facts]
        text += [f"<b>{escape(note)}</b>" for note in row.notes]
        text.append(f"<font size='7'>{escape(row.citation)} [{escape(row.id)}]</font>")
        rows.append([row.status, Text("<br/>".join(text), styles.cell)])
    table = grid(
        rows,
        (0.8 * 72, FRAME_WIDTH - 0.8 * 72),
        (styles.cell_bold, styles.cell),
        header=styles.cell_bold,
    )
    title = f"Criteria ({len(vm.criteria)}; at least one must be met for a hold)"
    return section(title, styles.heading, [table])


def _outcome_changes(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    """The single facts that would turn the decision around, as the engine words them."""
    if not vm.outcome_changes:
        return []
    block: list[Flowable] = []
    for change in vm.outcome_changes:
        block.append(para(change.heading, styles.label))
        block.append(lines(change.lines, styles.body, bullet="• "))
    return section("What would change the outcome", styles.heading, block)


def _offenses(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    title = "Convictions and pending charges"
    if not vm.offenses:
        none = para("No convictions or pending charges were entered.", styles.body)
        return section(title, styles.heading, [none])
    names = ["Record", "Section", "Title", "Level", "Class", "Jurisdiction", "Date", "Notes"]
    rows: list[list[Any]] = [names]
    for item in vm.offenses:
        rows.append(
            [
                para(f"{item.kind} {item.number}", styles.cell),
                para(item.section, styles.cell),
                para(item.title, styles.cell),
                item.level,
                item.klass,
                para(item.jurisdiction, styles.cell),
                item.date,
                para(item.notes, styles.cell),
            ]
        )
    widths = [0.82, 0.75, 1.68, 0.82, 0.75, 0.8, 0.72, 0.76]
    table = grid(
        rows, [w * 72 for w in widths], [styles.cell] * len(widths), header=styles.cell_bold
    )
    return section(title, styles.heading, [table])


def contacts_history(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    """History: every contact with ICE about the person, oldest first, those that gave
    something the law did not allow marked (as of the chain head printed on the memo)."""
    if vm.contacts is None:
        return []
    title = "History: contacts with ICE"
    if not vm.contacts:
        none = para("No contact with ICE is recorded for this person.", styles.body)
        return section(title, styles.heading, [none])
    rows: list[list[Any]] = [["When", "Contact", "ICE", "Asked", "Given", "Recorded by"]]
    for item in vm.contacts:
        given = item.given if item.allowed else f"{item.given} — NOT ALLOWED. {item.flag}"
        if item.amended:
            given += f" (amended, {item.amended})"
        rows.append(
            [
                para(item.when, styles.cell),
                para(item.kind, styles.cell),
                para(item.ice, styles.cell),
                para(item.asked, styles.cell),
                para(given, styles.cell),
                para(item.recorded_by, styles.cell),
            ]
        )
    widths = [0.95, 1.15, 1.2, 1.2, 1.85, 0.75]
    table = grid(
        rows, [w * 72 for w in widths], [styles.cell] * len(widths), header=styles.cell_bold
    )
    return section(title, styles.heading, [table])


def _review(vm: MemoViewModel, styles: Styles) -> list[Flowable]:
    decision = vm.decision
    block: list[Flowable] = [para(decision.review_status, styles.label)]
    if decision.review_note:
        block.append(para(decision.review_note, styles.body, markup="<b>Supervisor's note:</b> "))
    if decision.review_reasons:
        block.append(lines(decision.review_reasons, styles.body, bullet="• "))
    if decision.warnings:
        block.append(
            Text(
                "<br/>".join(f"<b>Warning:</b> {escape(text)}" for text in decision.warnings),
                styles.body,
            )
        )
    else:
        block.append(para("No warnings.", styles.body))
    return section("Supervisor review and warnings", styles.heading, block)
