"""Unlocks tried at a locked desk while the record server was lost, kept on this
workstation until the record has them.

The password is then checked on the desk (``AccountService.proves_offline``); what was
tried — right or wrong, when, by whose session — belongs in the record all the same.
Each try is one JSON file in ``outbox/unlocks/`` of the local data folder, written as
durably as a kept decision and signed with the session's key (the officer's, learnt
from their sign-in), so that closing the app, or a power cut, before the server is back
loses none; ``services.sync`` records them once it answers, each once (decision 0065).
Nothing here talks to the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from trustdesk.services.kept_signing import KeptSigner, signed_text
from trustdesk.services.outbox import (
    FOLDER,
    KeptFiles,
    kept_fields,
    kept_json,
    kept_signed_fields,
    new_id,
    read_kept,
    record_id,
    seen_fields,
)

SUBFOLDER = "unlocks"
#: What an unlock tried offline can have been.
OUTCOMES = ("success", "failure")


@dataclass(frozen=True, slots=True)
class KeptUnlock:
    """One unlock tried at this desk while the record could not be reached: ``kept_at``
    is when, ``officer`` whose locked session it was, ``outcome`` whether the password
    was the one the session signed in with."""

    id: str
    kept_at: datetime
    officer_id: int
    officer: str
    workstation: str
    outcome: str
    #: The try's number among those this app kept (signed): tries made within one tick of
    #: the clock are recorded in the order they were made.
    number: int = 0
    attempted: bool = False
    #: A kept item's refusal fields: the record never refuses an unlock's report, so
    #: they stay empty (``Kept`` has them).
    refused: str | None = None
    refused_at: datetime | None = None
    signature: str = ""
    signing_key: str = ""
    seen_seq: int | None = None
    seen_hash: str = ""
    refused_by: int | None = None
    refusal_key: str = ""
    refusal_signature: str = ""

    def signed_text(self) -> bytes:
        """What the session's key signs: every field fixed when the try was kept."""
        return signed_text(
            "unlock", {**kept_signed_fields(self), "outcome": self.outcome, "number": self.number}
        )


def _to_json(item: KeptUnlock) -> str:
    return kept_json(item, {"outcome": item.outcome, "number": item.number})


def _from_json(text: str) -> KeptUnlock:
    value = read_kept(text)
    outcome = str(value["outcome"])
    if outcome not in OUTCOMES:
        raise ValueError(f"{outcome!r} is not what an unlock tried can be")
    fields = kept_fields(value)
    # Never refused: a file that says so was not written by TrustDesk.
    if fields.pop("refused_at") is not None or fields.pop("refused_by") is not None:
        raise ValueError("an unlock's report is never refused")
    return KeptUnlock(**fields, outcome=outcome, number=record_id(value.get("number", 0)))


class UnlockOutbox(KeptFiles[KeptUnlock]):
    """The unlocks tried offline and kept in one local data folder."""

    what = "unlock tried while the server is lost"

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir / FOLDER / SUBFOLDER, _to_json, _from_json)
        self._count = 0

    def order(self, item: KeptUnlock) -> tuple[Any, ...]:
        return (item.kept_at, item.number, item.id)

    def keep(
        self,
        *,
        kept_at: datetime,
        officer_id: int,
        officer: str,
        workstation: str,
        outcome: str,
        signer: KeptSigner,
        seen: tuple[int, str] | None,
    ) -> KeptUnlock:
        """Keep one try, signed with the session's ``signer``; ``seen`` is the record's
        last entry the desk had seen (position, hash), if any."""
        item = KeptUnlock(
            new_id(),
            kept_at,
            officer_id,
            officer,
            workstation,
            outcome,
            self._count + 1,
            **seen_fields(seen),
        )
        kept = self.add(item, signer)
        self._count += 1
        return kept
