"""Review drafts: work in progress saved so a crash loses nothing, private to its owner."""

from __future__ import annotations

import builtins
import json
import math
from typing import Any

from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import InvalidRequest
from trustdesk.services.fields import clean_text
from trustdesk.services.permissions import Operation
from trustdesk.services.review_draft import ReviewDraft, read_review_draft
from trustdesk.store.case_records import DraftInfo

LABEL_MAX = 200
PAYLOAD_MAX_BYTES = 1024 * 1024
_MAX_DEPTH = 64


def _check_value(value: object, where: str, depth: int) -> None:
    """Refuse what JSON would silently change (non-text keys) or cannot hold at all."""
    if depth > _MAX_DEPTH:
        raise InvalidRequest(f"the draft is nested more than {_MAX_DEPTH} levels deep at {where}")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidRequest(
                    f"the draft has a key {key!r} at {where or '/'} that is not text; use text keys"
                )
            _check_value(item, f"{where}/{key}", depth + 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_value(item, f"{where}/{index}", depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        raise InvalidRequest(f"the draft holds {value} at {where}, which JSON cannot store")
    elif not isinstance(value, str | int | float | bool) and value is not None:
        raise InvalidRequest(
            f"the draft holds a {type(value).__name__} at {where or '/'}, which is not JSON; "
            "store dates and times as ISO text"
        )


def encode_payload(payload: object) -> str:
    """The payload as stored JSON text, or InvalidRequest saying what cannot be saved."""
    if not isinstance(payload, dict):
        raise InvalidRequest("a draft must be a JSON object (a dict of named values)")
    _check_value(payload, "", 0)
    text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    size = len(text.encode("utf-8"))
    if size > PAYLOAD_MAX_BYTES:
        raise InvalidRequest(
            f"the draft is {size / 1048576:.1f} MiB; a draft may hold at most 1 MiB "
            "(attach documents to the record, not the draft)"
        )
    return text


class DraftService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def save(
        self, session: Session, draft_id: int | None, label: str, payload: dict[str, Any]
    ) -> int:
        """Save a new draft (``draft_id`` None) or replace one of yours; the draft's id."""
        user = self.ctx.authorize(session, Operation.DRAFT_USE, {"draft": draft_id})
        text = clean_text(label, "the draft's label", max_length=LABEL_MAX, required=False)
        return self.store.drafts.save(
            user.id,
            draft_id,
            text,
            encode_payload(payload),
            actor=self.ctx.actor(session),
            at=self.ctx.now(),
        )

    def list(self, session: Session) -> builtins.list[DraftInfo]:
        """Your drafts, the most recently saved first (nobody sees another's drafts)."""
        user = self.ctx.authorize(session, Operation.DRAFT_USE)
        return self.store.drafts.of_user(user.id)

    def load(self, session: Session, draft_id: int) -> dict[str, Any]:
        user = self.ctx.authorize(session, Operation.DRAFT_USE, {"draft": draft_id})
        text = self.store.drafts.payload(user.id, draft_id)
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise InvalidRequest(f"draft {draft_id} is damaged and cannot be opened; discard it")
        return value

    def load_review(self, session: Session, draft_id: int) -> ReviewDraft:
        """A review wizard's draft, every value checked before a page shows it."""
        return read_review_draft(draft_id, self.load(session, draft_id))

    def discard(self, session: Session, draft_id: int) -> None:
        """Delete one of your drafts for good (audited as ``draft.discarded``)."""
        user = self.ctx.authorize(session, Operation.DRAFT_USE, {"draft": draft_id})
        self.store.drafts.discard(
            user.id, draft_id, actor=self.ctx.actor(session), at=self.ctx.now()
        )
