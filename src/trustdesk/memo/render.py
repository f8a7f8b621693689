"""Rendering a view-model to PDF bytes: the memo (with notices if asked) or one notice."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from reportlab.platypus import NextPageTemplate, PageBreak
from reportlab.platypus.doctemplate import LayoutError

from trustdesk.memo.errors import MemoError
from trustdesk.memo.notice import documents_of, notice_story
from trustdesk.memo.page import DocumentInfo, Part, build, make_document
from trustdesk.memo.story import memo_story
from trustdesk.memo.styles import stylesheet
from trustdesk.memo.verification import chain_head_keyword
from trustdesk.memo.viewmodel import NOT_YET_RECORDED, MemoViewModel
from trustdesk.memo.wording import Wording, load_wording

MEMO_PAGE_LABEL = "Page {page} of {pages}"


def render_memo(vm: MemoViewModel, *, notice_languages: Iterable[str] = ()) -> bytes:
    """The decision memo, followed, for each language in ``notice_languages``, by one page
    per document the decision prints (``notice.documents``, in order)."""
    wordings = [load_wording(language) for language in dict.fromkeys(notice_languages)]
    styles = stylesheet()
    code = vm.verification.short_code
    footer = (
        f"Decision {vm.verification.decision_id}, version {vm.verification.version} · "
        f"code {code} · TrustDesk decision support, not legal advice"
    )
    if vm.replaced_mark:  # on every page, so no loose page passes for the one in force
        footer = f"{vm.replaced_mark} · {footer}"
    if vm.not_recorded:  # on every page, so no loose page passes for a recorded decision
        footer = f"{NOT_YET_RECORDED} · {footer}"
    parts = [Part("memo", footer, MEMO_PAGE_LABEL)]
    parts += [_notice_part(vm, wording) for wording in wordings]
    story = memo_story(vm, styles)
    for part, wording in zip(parts[1:], wordings, strict=True):
        for number, document in enumerate(documents_of(vm)):
            if number == 0:
                story.append(NextPageTemplate(part.template_id))
            story.append(PageBreak())
            story += notice_story(vm, wording, styles, document)
    info = DocumentInfo(vm.title, vm.agency.name, vm.subject, vm.created_at, "en-US", _keywords(vm))
    return _render(vm, info, parts, story)


def render_notice(
    vm: MemoViewModel, language: str, documents: Iterable[str] | None = None
) -> bytes:
    """The documents to the person in ``language`` on their own, one page each:
    ``documents`` (ids), or those the decision prints (``notice.documents``)."""
    wording = load_wording(language)
    chosen = tuple(documents) if documents is not None else documents_of(vm)
    if not chosen:
        raise MemoError("no document was chosen to print")
    styles = stylesheet()
    story: list[Any] = []
    for number, document in enumerate(chosen):
        if number:
            story.append(PageBreak())
        story += notice_story(vm, wording, styles, document)
    info = DocumentInfo(
        wording.document(chosen[0]).text("title"),
        vm.agency.name,
        vm.subject,
        vm.created_at,
        wording.language,
        _keywords(vm),
    )
    return _render(vm, info, [_notice_part(vm, wording)], story)


def _keywords(vm: MemoViewModel) -> str:
    """The PDF's Keywords: the audit chain head it anchors, read by audit verify --anchors."""
    head = vm.verification.chain_head
    return "" if head is None else chain_head_keyword(*head)


def _notice_part(vm: MemoViewModel, wording: Wording) -> Part:
    check = vm.verification
    footer = wording.text("footer").format(
        decision_id=check.decision_id, version=check.version, code=check.short_code
    )
    return Part(f"notice-{wording.language}", footer, wording.text("page"))


def _render(vm: MemoViewModel, info: DocumentInfo, parts: list[Part], story: list[Any]) -> bytes:
    buffer = BytesIO()
    document = make_document(buffer, info, vm.agency, parts)
    try:
        build(document, story, vm.created_at)
    except LayoutError as exc:
        raise MemoError(f"the document cannot be laid out: {exc}") from None
    return buffer.getvalue()
