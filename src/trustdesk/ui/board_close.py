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
from trustdesk.services.holds import MAX_NOTE
from trustdesk.services.sync import RecordUnreachable
from trustdesk.store.case_records import HoldStatus
from trustdesk.store.errors import ServerUnavailable, StoreError
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


OFFLINE_TITLE = "Not recorded: the record server cannot be reached"
#: What to do with a closure the lost server refused: the hold stays on the board.
KEEP_CLOSE = (
    "The hold stays on the board as it was: write down when the person left custody and "
    "how, for the note."
)


def describe(hold: HoldStatus) -> str:
    return f"{shown(hold.name)} (booking {hold.booking_number})"


def close_hold(
    parent: QWidget, context: UiContext, hold: HoldStatus, action: CloseAction, zone: tzinfo
) -> bool:
    """Ask, then record through the service; True when the hold was closed."""
    who = describe(hold)
    sync = context.services.sync
    try:  # refused at once while the record server is lost (0026), before any question
        sync.require_record("hold closure", KEEP_CLOSE)
    except RecordUnreachable as error:
        Ask.error(parent, OFFLINE_TITLE, str(error))
        return False
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
        context.services.holds.close(context.session, hold.hold_id, action.outcome, note=note)
    except ServerUnavailable:
        typed = f" Your note, to type again: “{note}”." if note else ""
        Ask.error(parent, OFFLINE_TITLE, str(sync.unreachable("hold closure", KEEP_CLOSE)) + typed)
        return False
    except (ServiceError, StoreError) as error:
        Ask.error(parent, "The hold was not closed", sentence(error))
        return False
    return True
