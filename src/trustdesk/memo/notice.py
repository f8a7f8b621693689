"""The one-page notice to the detained person, in one language, from the wording file."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, KeepInFrame, Spacer

from trustdesk.memo import timefmt
from trustdesk.memo.flowables import FRAME_WIDTH, FillLine, grid, para
from trustdesk.memo.page import FRAME_HEIGHT
from trustdesk.memo.styles import SANS, Styles
from trustdesk.memo.viewmodel import INTENT_DECLINE, INTENT_HOLD, INTENT_NOTIFY, MemoViewModel
from trustdesk.memo.wording import Wording

_INTENT_KEYS = {
    INTENT_HOLD: "intent_hold",
    INTENT_NOTIFY: "intent_notify",
    INTENT_DECLINE: "intent_decline",
}


def notice_story(vm: MemoViewModel, wording: Wording, styles: Styles) -> list[Flowable]:
    """The notice, shrunk if an agency's longer wording would not fit on one page."""
    return [KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT, _content(vm, wording, styles), mode="shrink")]


def _content(vm: MemoViewModel, wording: Wording, styles: Styles) -> list[Flowable]:
    facts = vm.notice
    text, lines = wording.text, wording.lines
    story: list[Flowable] = [para(text("title"), styles.notice_title)]
    story += [para(line, styles.notice_body) for line in lines("intro")]
    story.append(Spacer(1, 6))
    story.append(
        grid(
            [
                [para(text(label), styles.notice_body, bold=True), para(value, styles.notice_body)]
                for label, value in (
                    ("label_name", vm.person.name),
                    ("label_booking", vm.person.booking_number),
                    ("label_received", _day(facts.received_on, wording)),
                    ("label_date", _day(facts.decided_on, wording)),
                )
            ],
            (2.6 * 72, FRAME_WIDTH - 2.6 * 72),
            (styles.notice_body, styles.notice_body),
        )
    )
    story += _section(text("heading_received"), lines("received"), styles)
    if facts.detainer_form != "other":
        story.append(para(text("form_named").format(form=facts.detainer_form), styles.notice_body))
    story += _section(text("heading_copy"), lines("copy"), styles)
    intent = lines(_INTENT_KEYS[facts.intent])
    story.append(para(text("heading_intent"), styles.notice_heading))
    story.append(para(intent[0], styles.notice_strong))
    story += [para(line, styles.notice_body) for line in intent[1:]]
    if facts.intent == INTENT_HOLD:
        story.append(Spacer(1, 4))
        story.append(para(text("hold_end_label"), styles.notice_body, bold=True))
        if facts.hold_expires_at is None:
            story.append(para(text("hold_end_unknown"), styles.notice_body))
            story.append(FillLine("", SANS, 11))
        else:
            story.append(para(_when(facts.hold_expires_at, wording), styles.notice_strong))
    if facts.required:
        story.append(Spacer(1, 4))
        story.append(para(text("law_required"), styles.notice_body))
    story += _section(text("heading_questions"), lines("questions"), styles)
    story.append(para(text("heading_served"), styles.notice_heading))
    story += [
        FillLine(text(key) + ":", SANS, 10)
        for key in ("label_officer", "label_when", "label_signature")
    ]
    return story


def _section(title: str, body: tuple[str, ...], styles: Styles) -> list[Any]:
    return [
        para(title, styles.notice_heading),
        *(para(line, styles.notice_body) for line in body),
    ]


def _day(value: Any, wording: Wording) -> str:
    if value is None:
        return wording.text("not_recorded")
    return timefmt.localized_day(
        value, wording.text("date_format"), wording.lines("weekdays"), wording.lines("months")
    )


def _when(value: Any, wording: Wording) -> str:
    return timefmt.localized_when(
        value,
        wording.text("datetime_format"),
        wording.lines("weekdays"),
        wording.lines("months"),
        wording.lines("ampm"),
        wording.zone_name(timefmt.zone_abbreviation(value)),
    )
