"""Hold closures made while the record server was unreachable, kept on this workstation.

When ICE arrives at the desk, the person is handed over whether or not the server
answers; the closure is written down here (one JSON file per closure in
``outbox/closures/`` of the local data folder, written as durably as a kept decision)
and recorded by ``services.sync`` once the server is back, with the time the hold really
ended and an audit entry saying it was recorded late. Nothing here talks to the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from trustdesk.services.kept_checks import self_signed
from trustdesk.services.kept_signing import KeptSigner, signed_text
from trustdesk.services.outbox import (
    FOLDER,
    KeptFiles,
    kept_digest,
    kept_fields,
    kept_json,
    kept_signed_fields,
    new_id,
    read_kept,
    record_id,
    seen_fields,
)

SUBFOLDER = "closures"


@dataclass(frozen=True, slots=True)
class KeptClosure:
    """A hold closed at the desk while the record could not be reached."""

    id: str
    kept_at: datetime
    officer_id: int
    officer: str
    workstation: str
    hold_id: int
    booking_number: str
    outcome: str
    note: str | None = None
    #: Set just before a save is tried (and when a save's answer was lost): the next
    #: attempt first looks whether the hold was closed by that save.
    attempted: bool = False
    #: Why the record refused it when the server was back (kept to be listed, recorded
    #: again or discarded with a reason: ``services.refused_closures``), and when.
    refused: str | None = None
    refused_at: datetime | None = None
    #: The officer's signature over ``signed_text`` and its public key (decision 0062).
    signature: str = ""
    signing_key: str = ""
    #: The record's last entry the desk had seen when it kept the closure (decision 0064).
    seen_seq: int | None = None
    seen_hash: str = ""
    #: Who refused it and their signature (decision 0064, as a kept decision's).
    refused_by: int | None = None
    refusal_key: str = ""
    refusal_signature: str = ""

    @property
    def short_id(self) -> str:
        return self.id[:8]

    def signed_text(self) -> bytes:
        """What the officer signs: every field fixed when the closure was kept."""
        return signed_text(
            "closure",
            {
                **kept_signed_fields(self),
                "hold_id": self.hold_id,
                "booking_number": self.booking_number,
                "outcome": self.outcome,
                "note": self.note,
            },
        )


def _to_json(item: KeptClosure) -> str:
    return kept_json(
        item,
        {
            "hold_id": item.hold_id,
            "booking_number": item.booking_number,
            "outcome": item.outcome,
            "note": item.note,
            "refused": item.refused,
        },
    )


def _from_json(text: str) -> KeptClosure:
    value = read_kept(text)
    return KeptClosure(
        **kept_fields(value),
        hold_id=record_id(value["hold_id"]),
        booking_number=str(value.get("booking_number", "")),
        outcome=str(value["outcome"]),
        note=None if value.get("note") is None else str(value["note"]),
        refused=None if value.get("refused") is None else str(value["refused"]),
    )


class ClosureOutbox(KeptFiles[KeptClosure]):
    """The kept hold closures of one local data folder."""

    what = "hold closure"

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir / FOLDER / SUBFOLDER, _to_json, _from_json)

    def keep(
        self,
        *,
        kept_at: datetime,
        officer_id: int,
        officer: str,
        workstation: str,
        hold_id: int,
        booking_number: str,
        outcome: str,
        note: str | None,
        attempted: bool,
        signer: KeptSigner,
        seen: tuple[int, str] | None = None,
    ) -> KeptClosure:
        """Keep a new closure, signed by its officer's ``signer``; ``seen`` is the
        record's last entry the desk had seen (position, hash), if any."""
        item = KeptClosure(
            new_id(),
            kept_at,
            officer_id,
            officer,
            workstation,
            hold_id,
            booking_number,
            outcome,
            note,
            attempted,
            **seen_fields(seen),
        )
        return self.add(item, signer)

    def pending(self) -> list[KeptClosure]:
        """The kept closures still to be recorded (not refused), oldest first."""
        return [item for item in self.all() if item.refused is None]

    def refused(self) -> list[KeptClosure]:
        """The kept closures the record refused, oldest first."""
        return [item for item in self.all() if item.refused is not None]

    def hold_ids(self, kept_here: Mapping[str, str]) -> set[int]:
        """Holds this desk closed and still has to record: hidden from its board. Only a
        closure in ``kept_here`` (kept by the running app: id and digest of what was
        signed, decision 0064), as its file stands, hides its hold: not one planted,
        edited, put back, or whose refusal was taken out of its file. A refused one's
        hold is on the board again, to be closed anew."""
        return {
            item.hold_id
            for item in self.pending()
            if kept_here.get(item.id) == kept_digest(item) and self_signed(item)
        }
