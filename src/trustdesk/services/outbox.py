"""Decisions made while the record server was unreachable, kept on this workstation.

One JSON file per decision in ``outbox/`` of the local data folder, written to a
temporary name, fsynced, renamed into place and the folder fsynced: once ``put`` returns,
a power cut does not lose it. A file is removed only after its decision was recorded.
Nothing here talks to the record; ``services.sync`` decides what to keep and when to save.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

from trustdesk.durable import fsync_dir
from trustdesk.services.errors import ServiceError
from trustdesk.services.kept_signing import KeptSigner, signed_text
from trustdesk.store.encoding import parse_utc, utc_text

FOLDER = "outbox"
SUFFIX = ".json"
#: The folder, beside a kind's kept files, holding those that will never be recorded
#: (``KeptFiles.set_aside``): kept for whoever looks into them, no longer read.
SET_ASIDE = "not-recorded"


class OutboxError(ServiceError):
    """A kept decision could not be written or read on this workstation."""


@dataclass(frozen=True, slots=True)
class PendingDecision:
    """A decision walked and shown while the record could not be reached."""

    id: str
    kept_at: datetime
    officer_id: int
    officer: str
    workstation: str
    raw_case: dict[str, Any]
    #: The rule pack the officer was shown the decision under: recorded only under it.
    rule_pack_sha256: str = ""
    #: The review's draft in the record (if the autosave reached it), dropped once recorded.
    draft_id: int | None = None
    #: Set just before a save is tried: if the connection is lost during the commit, the
    #: next attempt first looks whether that save went through (nothing recorded twice).
    attempted: bool = False
    #: Why the record refused it when the server was back (empty: not refused so far).
    refused: str = ""
    refused_at: datetime | None = None
    #: The officer's signature over ``signed_text`` and the public key it was made with
    #: (decision 0062); empty in a file an earlier TrustDesk kept.
    signature: str = ""
    signing_key: str = ""
    #: The record's last entry this desk had seen when the decision was kept (position
    #: and hash; signed): whatever the record did with it comes after (decision 0064).
    #: None in a file kept before that, or by a desk that had not seen the record.
    seen_seq: int | None = None
    seen_hash: str = ""
    #: Who refused it (the officer signed in at the desk whose flush the record refused)
    #: and their signature over ``refusal_text`` (decision 0064): a refusal that does not
    #: verify does not stand, and the item is tried again.
    refused_by: int | None = None
    refusal_key: str = ""
    refusal_signature: str = ""

    @property
    def short_id(self) -> str:
        return self.id[:8]

    def signed_text(self) -> bytes:
        """What the officer signs: every field fixed when the decision was kept."""
        return signed_text(
            "decision",
            {
                **kept_signed_fields(self),
                "case": self.raw_case,
                "draft_id": self.draft_id,
                "rule_pack_sha256": self.rule_pack_sha256,
            },
        )


def new_id() -> str:
    return uuid.uuid4().hex


class Kept(Protocol):
    """What every kept item (a decision, a hold closure) has: who kept it, where and
    when, and how far its save got."""

    @property
    def id(self) -> str: ...
    @property
    def kept_at(self) -> datetime: ...
    @property
    def officer_id(self) -> int: ...
    @property
    def officer(self) -> str: ...
    @property
    def workstation(self) -> str: ...
    @property
    def attempted(self) -> bool: ...
    @property
    def refused_at(self) -> datetime | None: ...
    @property
    def signature(self) -> str: ...
    @property
    def signing_key(self) -> str: ...
    @property
    def seen_seq(self) -> int | None: ...
    @property
    def seen_hash(self) -> str: ...
    @property
    def refused(self) -> str | None: ...
    @property
    def refused_by(self) -> int | None: ...
    @property
    def refusal_key(self) -> str: ...
    @property
    def refusal_signature(self) -> str: ...
    def signed_text(self) -> bytes: ...


Signable = TypeVar("Signable", bound=Kept)
K = TypeVar("K", bound=Kept)


def signed(item: Signable, signer: KeptSigner) -> Signable:
    """``item`` with its officer's signature (a frozen dataclass's copy)."""
    copy: Any = replace(  # every kept item is a frozen dataclass
        cast(Any, item), signature=signer.sign(item.signed_text()), signing_key=signer.public_hex
    )
    return cast(Signable, copy)


def kept_digest(item: Kept) -> str:
    """The SHA-256 of what the officer signed: what binds an entry that deals with a kept
    item (records, replaces or discards it) to that item as kept, not to its id alone
    (decision 0062). Empty for an item whose values no signed text can hold."""
    import hashlib

    try:
        return hashlib.sha256(item.signed_text()).hexdigest()
    except (TypeError, ValueError, RecursionError):
        return ""


def refusal_text(item: Kept, reason: str, at: datetime, by: int) -> bytes:
    """What the officer at the refusing desk signs of a refusal: the item as its officer
    signed it (its digest), the reason, when, and who (decision 0064)."""
    return signed_text(
        "refusal",
        {"item": kept_digest(item), "reason": reason, "refused_at": utc_text(at), "refused_by": by},
    )


def refusal(
    item: Kept, reason: str, at: datetime, refuser: tuple[int, KeptSigner] | None
) -> dict[str, Any]:
    """The fields a refusal sets on ``item``, signed by ``refuser`` (the desk's signed-in
    officer, id and key) when there is one; unsigned, it will not stand."""
    if refuser is None:
        return {"refused_at": at, "refused_by": None, "refusal_key": "", "refusal_signature": ""}
    by, signer = refuser
    return {
        "refused_at": at,
        "refused_by": by,
        "refusal_key": signer.public_hex,
        "refusal_signature": signer.sign(refusal_text(item, reason, at, by)),
    }


def seen_fields(seen: tuple[int, str] | None) -> dict[str, Any]:
    """A new kept item's ``seen_seq`` and ``seen_hash``: the record's last entry the desk
    had seen (position, hash), if any (decision 0064)."""
    return {
        "seen_seq": None if seen is None else seen[0],
        "seen_hash": "" if seen is None else seen[1],
    }


def kept_signed_fields(item: Kept) -> dict[str, Any]:
    """The signed fields every kept item has (see ``services.kept_signing``). The chain
    position the desk had seen is signed when the item has one (an item kept before
    decision 0064 has none, and its signature stays good)."""
    fields: dict[str, Any] = {
        "id": item.id,
        "kept_at": utc_text(item.kept_at),
        "officer_id": item.officer_id,
        "officer": item.officer,
        "workstation": item.workstation,
    }
    if item.seen_seq is not None:
        fields["seen"] = {"seq": item.seen_seq, "hash": item.seen_hash}
    return fields


def kept_json(item: Kept, own: dict[str, Any]) -> str:
    """A kept item's file text: the fields every kept item has, and its ``own``."""
    return json.dumps(
        {
            "id": item.id,
            "kept_at": utc_text(item.kept_at),
            "officer_id": item.officer_id,
            "officer": item.officer,
            "workstation": item.workstation,
            "attempted": item.attempted,
            "refused_at": None if item.refused_at is None else utc_text(item.refused_at),
            "signature": item.signature,
            "signing_key": item.signing_key,
            "seen_seq": item.seen_seq,
            "seen_hash": item.seen_hash,
            "refused_by": item.refused_by,
            "refusal_key": item.refusal_key,
            "refusal_signature": item.refusal_signature,
            **own,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def read_kept(text: str) -> dict[str, Any]:
    """A kept item's file read as JSON: an object, no NaN or infinite number (which no
    TrustDesk writes), no text that cannot be written back as UTF-8 (a lone surrogate
    escaped in the file); ValueError otherwise."""
    value = json.loads(text, parse_constant=_no_constant)
    if not isinstance(value, dict):
        raise ValueError("a kept item is a JSON object")
    _shallow(value)
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError: ValueError
    return value


#: How deep a kept item's values may nest (a case nests a few levels): deeper, the file is
#: not one TrustDesk wrote, and writing it again from a deeper stack could exhaust it.
MAX_DEPTH = 32


def _shallow(value: Any) -> None:
    """ValueError if ``value`` nests deeper than ``MAX_DEPTH`` (checked without recursion)."""
    level: list[tuple[Any, int]] = [(value, 1)]
    while level:
        item, depth = level.pop()
        if depth > MAX_DEPTH:
            raise ValueError("a kept item nests too deep")
        if isinstance(item, dict):
            level.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            level.extend((child, depth + 1) for child in item)


#: A kept item's id, as ``new_id`` makes it.
KEPT_ID = re.compile(r"[0-9a-f]{32}")


def readable(item: K) -> K:
    """``item`` read from its file, if its id is one ``new_id`` makes; ValueError
    otherwise, and the file is skipped as damaged."""
    if not KEPT_ID.fullmatch(item.id):
        raise ValueError("not a kept item's id")
    return item


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a kept item holds")


def record_id(value: Any) -> int:
    """An id as the record can hold it (a 64-bit integer); ValueError otherwise."""
    number = int(value)
    if not -(2**63) <= number < 2**63:
        raise ValueError(f"{number} is out of the record's range")
    return number


def kept_fields(value: dict[str, Any]) -> dict[str, Any]:
    """The fields every kept item has, read back from its file's ``value``."""
    return {
        "id": str(value["id"]),
        "kept_at": parse_utc(value["kept_at"]),
        "officer_id": record_id(value["officer_id"]),
        "officer": str(value["officer"]),
        "workstation": str(value["workstation"]),
        "attempted": bool(value.get("attempted", False)),
        "refused_at": None if not value.get("refused_at") else parse_utc(value["refused_at"]),
        "signature": str(value.get("signature") or ""),
        "signing_key": str(value.get("signing_key") or ""),
        "seen_seq": None if value.get("seen_seq") is None else record_id(value["seen_seq"]),
        "seen_hash": str(value.get("seen_hash") or ""),
        "refused_by": None if value.get("refused_by") is None else record_id(value["refused_by"]),
        "refusal_key": str(value.get("refusal_key") or ""),
        "refusal_signature": str(value.get("refusal_signature") or ""),
    }


def _to_json(item: PendingDecision) -> str:
    return kept_json(
        item,
        {
            "case": item.raw_case,
            "draft_id": item.draft_id,
            "rule_pack_sha256": item.rule_pack_sha256,
            "refused": item.refused,
        },
    )


def _from_json(text: str) -> PendingDecision:
    value = read_kept(text)
    return PendingDecision(
        **kept_fields(value),
        raw_case=dict(value["case"]),
        draft_id=None if value.get("draft_id") is None else record_id(value["draft_id"]),
        rule_pack_sha256=str(value.get("rule_pack_sha256", "")),
        refused=str(value.get("refused") or ""),
    )


def write_durably(folder: Path, name: str, text: str, what: str) -> None:
    """``folder/name.json`` written whole or not at all, surviving a power cut once this
    returns (temporary name, fsync, rename, fsync of the folder), readable by the owner
    only; ``what`` ("decision", "hold closure") names it in the refusal."""
    final = folder / f"{name}{SUFFIX}"
    temporary = folder / f".{name}.tmp"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, text.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, final)
        fsync_dir(folder)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutboxError(
            f"the {what} could not be kept on this workstation ({folder}: "
            f"{exc.strerror or exc}); write it down and record it later"
        ) from None


class KeptFiles(Generic[K]):
    """One kind of kept item in its folder: one file per item, named by its id, written
    durably (``write_durably``); each kind says how its items are written and read."""

    #: What the item is called in a refusal to keep it ("decision", "hold closure").
    what = "item"

    def __init__(
        self, folder: Path, to_json: Callable[[K], str], from_json: Callable[[str], K]
    ) -> None:
        self.folder = folder
        self.to_json = to_json
        self.from_json = from_json

    def add(self, item: K, signer: KeptSigner) -> K:
        """Keep a new ``item``, signed by its officer's ``signer``."""
        item = signed(item, signer)
        self.put(item)
        return item

    def put(self, item: K) -> None:
        """Write (or rewrite) ``item`` durably."""
        write_durably(self.folder, item.id, self.to_json(item), self.what)

    def mark_attempted(self, item: K) -> K:
        marked: Any = replace(cast(Any, item), attempted=True)  # a frozen dataclass
        self.put(marked)
        return cast(K, marked)

    def mark_refused(
        self, item: K, reason: str, at: datetime, refuser: tuple[int, KeptSigner] | None
    ) -> K:
        """``item`` listed as refused by the record, with why and when, signed by
        ``refuser`` (``refusal``)."""
        fields = refusal(item, reason, at, refuser)
        marked: Any = replace(cast(Any, item), refused=reason, **fields)
        self.put(marked)
        return cast(K, marked)

    def get(self, item_id: str) -> K | None:
        return next((item for item in self.all() if item.id == item_id), None)

    def all(self) -> list[K]:
        """Every kept item of this kind, oldest first; a damaged file, or one not named
        by its id, is left alone and skipped."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.glob(f"*{SUFFIX}"):
            try:
                item = readable(self.from_json(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError, RecursionError):
                continue
            if path.stem == item.id:  # as put wrote it; removing it removes that file
                found.append(item)
        return sorted(found, key=self.order)

    def order(self, item: K) -> tuple[Any, ...]:
        """Where ``item`` comes among its kind: by when it was kept."""
        return (item.kept_at, item.id)

    def path(self, item: K) -> Path:
        """The file ``item`` is kept in."""
        return self.folder / f"{item.id}{SUFFIX}"

    def remove(self, item: K) -> None:
        self.path(item).unlink(missing_ok=True)
        fsync_dir(self.folder)

    def set_aside(self, item: K) -> Path:
        """Move ``item``'s file into ``SET_ASIDE`` beside it, where it is no longer read;
        its new path. A file of the same name set aside before is kept too (the new one
        takes a numbered name)."""
        target = self.folder / SET_ASIDE
        target.mkdir(mode=0o700, exist_ok=True)
        moved = target / self.path(item).name
        number = 1
        while moved.exists():
            number += 1
            moved = target / f"{item.id}-{number}{SUFFIX}"
        os.replace(self.path(item), moved)
        fsync_dir(target)
        fsync_dir(self.folder)
        return moved


class Outbox(KeptFiles[PendingDecision]):
    """The kept decisions of one local data folder."""

    what = "decision"

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir / FOLDER, _to_json, _from_json)
