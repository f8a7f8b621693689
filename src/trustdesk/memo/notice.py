"""The one-page documents to the detained person, in one language, from the wording file.

Each document id of resources/notices/LANG.json ``documents`` has a story function here;
which documents a decision prints is the view-model's ``notice.documents`` (the pack's
``required_notices`` and the notices its action outcomes name).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, KeepInFrame, Spacer

from trustdesk.core.wall_time import in_repeated_hour
from trustdesk.memo import timefmt
from trustdesk.memo.errors import NoticeTextError
from trustdesk.memo.flowables import FRAME_WIDTH, CheckBox, FillLine, grid, para
from trustdesk.memo.page import FRAME_HEIGHT
from trustdesk.memo.styles import SANS, Styles
from trustdesk.memo.viewmodel import INTENT_DECLINE, INTENT_HOLD, INTENT_NOTIFY, MemoViewModel
from trustdesk.memo.wording import DocumentWording, Wording

#: The document printed when a notice is asked for and the pack requires none.
DEFAULT_DOCUMENT = "detainer_copy_and_intent"

_INTENT_KEYS = {
    INTENT_HOLD: "intent_hold",
    INTENT_NOTIFY: "intent_notify",
    INTENT_DECLINE: "intent_decline",
}


def notice_story(
    vm: MemoViewModel, wording: Wording, styles: Styles, document: str = DEFAULT_DOCUMENT
) -> list[Flowable]:
    """One document, shrunk if an agency's longer wording would not fit on one page."""
    try:
        build = _DOCUMENTS[document]
    except KeyError:
        raise NoticeTextError(
            f"no document {document!r} can be printed; known: {', '.join(_DOCUMENTS)}"
        ) from None
    content = build(vm, wording, wording.document(document), styles)
    return [KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT, content, mode="shrink")]


def documents_of(vm: MemoViewModel) -> tuple[str, ...]:
    """The documents a decision prints, or the default one when its pack requires none."""
    return vm.notice.documents or (DEFAULT_DOCUMENT,)


def _head(
    vm: MemoViewModel, wording: Wording, doc: DocumentWording, styles: Styles
) -> list[Flowable]:
    """Title, introduction and the person's name, booking number and dates."""
    facts = vm.notice
    story: list[Flowable] = [para(doc.text("title"), styles.notice_title)]
    if doc.review_flag:
        story.append(para(doc.review_flag, styles.notice_body, bold=True))
    story += [para(line, styles.notice_body) for line in doc.lines("intro")]
    story.append(Spacer(1, 6))
    story.append(
        grid(
            [
                [
                    para(wording.text(label), styles.notice_body, bold=True),
                    para(value, styles.notice_body),
                ]
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
    return story


def _received(vm: MemoViewModel, doc: DocumentWording, styles: Styles) -> list[Flowable]:
    story = _section(doc.text("heading_received"), doc.lines("received"), styles)
    if vm.notice.detainer_form != "other":
        story.append(
            para(doc.text("form_named").format(form=vm.notice.detainer_form), styles.notice_body)
        )
    story += _section(doc.text("heading_copy"), doc.lines("copy"), styles)
    return story


def _tail(
    vm: MemoViewModel, wording: Wording, doc: DocumentWording, styles: Styles
) -> list[Flowable]:
    """The law that requires the document (when it does), questions and who gave it."""
    story: list[Flowable] = []
    if doc.id in vm.notice.documents:
        story.append(Spacer(1, 4))
        story.append(para(doc.text("law_required"), styles.notice_body))
    story += _section(wording.text("heading_questions"), wording.lines("questions"), styles)
    story.append(para(wording.text("heading_served"), styles.notice_heading))
    story += [
        FillLine(wording.text(key) + ":", SANS, 10)
        for key in ("label_officer", "label_when", "label_signature")
    ]
    return story


def _review_pending(vm: MemoViewModel, wording: Wording, styles: Styles) -> list[Flowable]:
    """A decision a supervisor has still to review is not told as settled (the law
    unsettled, unverified data or the officer's own judgement: it may change)."""
    if not vm.notice.review_pending:
        return []
    return [para(wording.text("review_pending"), styles.notice_strong)]


def _content(
    vm: MemoViewModel, wording: Wording, doc: DocumentWording, styles: Styles
) -> list[Flowable]:
    """The detainer notice with the agency's intent and the hold's end (§ 54-192h style)."""
    facts = vm.notice
    text, lines = doc.text, doc.lines
    story = _head(vm, wording, doc, styles)
    story += _received(vm, doc, styles)
    intent = lines(_INTENT_KEYS[facts.intent])
    story.append(para(text("heading_intent"), styles.notice_heading))
    story.append(para(intent[0], styles.notice_strong))
    story += [para(line, styles.notice_body) for line in intent[1:]]
    story += _review_pending(vm, wording, styles)
    if facts.intent == INTENT_HOLD:
        story.append(Spacer(1, 4))
        story.append(para(text("hold_end_label"), styles.notice_body, bold=True))
        if facts.hold_expires_at is None:
            story.append(para(text("hold_end_unknown"), styles.notice_body))
            story.append(FillLine("", SANS, 11))
        else:
            story.append(para(_when(facts.hold_expires_at, wording), styles.notice_strong))
    story += _tail(vm, wording, doc, styles)
    return story


def _detainer_copy(
    vm: MemoViewModel, wording: Wording, doc: DocumentWording, styles: Styles
) -> list[Flowable]:
    """A copy of a hold, notification or transfer request and whether the agency complies."""
    story = _head(vm, wording, doc, styles)
    story += _received(vm, doc, styles)
    story.append(para(doc.text("heading_intent"), styles.notice_heading))
    hold = doc.lines("intent_hold" if vm.notice.intent == INTENT_HOLD else "intent_decline")
    story.append(para(hold[0], styles.notice_strong))
    story += [para(line, styles.notice_body) for line in hold[1:]]
    story += _review_pending(vm, wording, styles)
    if vm.notice.intent == INTENT_HOLD and vm.notice.hold_expires_at is not None:
        # "We will tell you the latest time we may keep you": here it is, once known.
        story.append(Spacer(1, 4))
        story.append(para(doc.text("hold_end_label"), styles.notice_body, bold=True))
        story.append(para(_when(vm.notice.hold_expires_at, wording), styles.notice_strong))
    if vm.notice.release_date_shared is not None:
        key = "release_date_may_share" if vm.notice.release_date_shared else "release_date_no_share"
        story += [para(line, styles.notice_body) for line in doc.lines(key)]
    story += _tail(vm, wording, doc, styles)
    return story


def _release_date_told(
    vm: MemoViewModel, wording: Wording, doc: DocumentWording, styles: Styles
) -> list[Flowable]:
    """Telling the person (and a lawyer or one person they name) that ICE got the date:
    when it was given, from the contact log (``notice.release_date_given_at``), else a
    line to write it on."""
    story = _head(vm, wording, doc, styles)
    story += _section(doc.text("heading_told"), doc.lines("told"), styles)
    story.append(Spacer(1, 4))
    told = vm.notice.release_date_given_at
    story += [
        para(doc.text("told_at").format(when=_when(at, wording)), styles.notice_strong)
        for at in told
    ]
    if not told:
        story.append(FillLine(doc.text("label_told_at") + ":", SANS, 10))
    story.append(FillLine(doc.text("label_release") + ":", SANS, 10))
    story += _section(doc.text("heading_copy_to"), doc.lines("copy_to"), styles)
    story.append(FillLine(doc.text("label_copy_to") + ":", SANS, 10))
    story += _tail(vm, wording, doc, styles)
    return story


def _truth_consent(
    vm: MemoViewModel, wording: Wording, doc: DocumentWording, styles: Styles
) -> list[Flowable]:
    """The consent form before an ICE interview: purpose, voluntary, the three choices."""
    story = _head(vm, wording, doc, styles)
    story += _section(doc.text("heading_purpose"), doc.lines("purpose"), styles)
    story += _section(doc.text("heading_voluntary"), doc.lines("voluntary"), styles)
    story.append(para(doc.text("heading_choice"), styles.notice_heading))
    story.append(para(doc.text("choice_instruction"), styles.notice_body))
    story.append(Spacer(1, 3))
    story.append(
        grid(
            [
                [CheckBox(12), para(doc.text(key), styles.notice_strong)]
                for key in ("choice_agree", "choice_attorney", "choice_decline")
            ],
            (0.35 * 72, FRAME_WIDTH - 0.35 * 72),
            (styles.notice_body, styles.notice_body),
        )
    )
    story.append(Spacer(1, 6))
    story += [
        FillLine(doc.text(key) + ":", SANS, 10)
        for key in ("label_person_signature", "label_person_date", "label_interpreter")
    ]
    story += _tail(vm, wording, doc, styles)
    return story


_DOCUMENTS = {
    "detainer_copy_and_intent": _content,
    "detainer_copy": _detainer_copy,
    "release_date_told": _release_date_told,
    "truth_consent": _truth_consent,
}


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
        wording.zone_name(timefmt.zone_abbreviation(value), exact=in_repeated_hour(value)),
    )
