"""Closing a hold from the board: the three ways a hold ends, each asked and then recorded.

The service checks and records; this module only asks the officer (``Ask.confirm``, and
for "released otherwise" the reason, through ``NoteDialog.ask``, which tests patch).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from PySide6.QtWidgets import QWidget

from trustdesk.core.characters import shown
from trustdesk.services.errors import ServiceError
from trustdesk.services.holds import MAX_NOTE, OUTCOME_WORDS
from trustdesk.services.kept_closures import KeptClosure
from trustdesk.store.case_records import HoldStatus
from trustdesk.store.errors import StoreError
from trustdesk.ui.context import UiContext
from trustdesk.ui.countdown import expiry_text
from trustdesk.ui.dialogs import Ask, TextQuestion
from trustdesk.ui.session import sentence


@dataclass(frozen=True, slots=True)
class CloseAction:
    outcome: str  # as HoldService.close takes it
    label: str  # button text, with its mnemonic
    key: str  # the one-key shortcut on the holds table
    question: str  # "{who}" and "{when}" filled in
    needs_note: bool = False


CLOSE_ACTIONS = (
    CloseAction(
        "ice_took_custody",
        "ICE took &custody (C)",
        "C",
        "Record that ICE took custody of {who} at {when}?",
    ),
    CloseAction(
        "released_at_expiry",
        "Released at &expiry (E)",
        "E",
        "Record that {who} was released when the hold expired, at {when}?",
    ),
    CloseAction(
        "released_other",
        "Released &otherwise… (O)",
        "O",
        "Record that {who} was released at {when} for this reason:\n\n{note}",
        needs_note=True,
    ),
)


class NoteDialog(TextQuestion):
    """One line of text: why the person was released otherwise."""

    title = "Released otherwise"
    name = "release_note"
    accessible_name = "Reason for the release"
    max_length = MAX_NOTE

    @classmethod
    def prompt(cls, subject: str) -> str:
        return f"Why was {subject} released? (required, one line)"


KEPT_TITLE = "Hold closure kept — NOT YET RECORDED"


def describe(hold: HoldStatus) -> str:
    return f"{shown(hold.name)} (booking {hold.booking_number})"


def close_hold(
    parent: QWidget, context: UiContext, hold: HoldStatus, action: CloseAction, zone: tzinfo
) -> bool:
    """Ask, then record through the service; True when the hold was closed."""
    who = describe(hold)
    sync = context.services.sync
    note: str | None = None
    if action.needs_note:
        note = NoteDialog.ask(parent, who)
        if note is None:
            return False
        if not note.strip():
            Ask.error(
                parent, "Reason needed", "Say why the person was released; nothing was recorded."
            )
            return False
    when = expiry_text(context.clock.now(), zone)
    question = action.question.format(who=who, when=when, note=note or "")
    title = action.label.replace("&", "").split(" (")[0]
    if not Ask.confirm(parent, title, question):
        return False
    try:
        # Recorded, or kept on this workstation while the record server is lost (0026).
        done = sync.close_hold(context.session, hold, action.outcome, note)
    except (ServiceError, StoreError) as error:
        Ask.error(parent, "The hold was not closed", sentence(error))
        return False
    if isinstance(done, KeptClosure):
        # Kept while the server answers: its record could not take the closure now.
        answered = sync.live.reachable
        Ask.info(parent, KEPT_TITLE, kept_text(done, who, zone, answered=answered))
    return True


def kept_text(kept: KeptClosure, who: str, zone: tzinfo, *, answered: bool = False) -> str:
    how = OUTCOME_WORDS.get(kept.outcome, kept.outcome)
    why, until = (
        ("The record cannot take it now (see the banner).", "the record takes it")
        if answered
        else ("The record server cannot be reached.", "the server is back")
    )
    return (
        f"{why} The closure of the hold of {who} ({how}) is kept on this workstation with "
        f"the time it happened, {expiry_text(kept.kept_at, zone)}, and recorded as soon as "
        f"{until} (marked in the audit as recorded late). Hand the person over as usual."
    )
