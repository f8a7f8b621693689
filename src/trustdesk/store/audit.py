"""The audit log: an append-only hash chain over canonical JSON of each entry.

``hash = SHA-256(prev_hash + canonical_json(entry))`` where the entry holds seq, at,
workstation, actor, actor_id, event, outcome and objects (itself canonical JSON text).
The first entry's ``prev_hash`` is 64 zeros. Replaying the chain finds the first entry
whose content, link or position was changed. Personal data never enters the audit:
objects are ids and digests.

An entry whose objects name a decision (an integer ``"decision"``) is also filed, in the
same transaction, in ``audit_decisions`` (seq → decision), so a decision's trail is read
through an index; ``audit verify`` checks that table against the chain.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustdesk.store.encoding import GENESIS_HASH, canonical_json, sha256_hex, utc_text
from trustdesk.store.errors import AuditWriteFailed
from trustdesk.store.records import Actor, AuditEntry, AuditEvent

if TYPE_CHECKING:
    from trustdesk.store.backend import Database

_quote = json.encoder.encode_basestring_ascii  # what canonical_json uses for strings

COLUMNS = (
    "seq",
    "at",
    "workstation",
    "actor",
    "actor_id",
    "event",
    "outcome",
    "objects",
    "prev_hash",
    "hash",
)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM audit_log"


def entry_hash(
    prev_hash: str,
    seq: int,
    at: str,
    workstation: str,
    actor: str | None,
    actor_id: int | None,
    event: str,
    outcome: str,
    objects: str,
) -> str:
    # Exactly canonical_json() of the eight fields (keys in sorted order), written out
    # by hand because verification does it for every entry of the chain.
    body = (
        f'{{"actor":{_value(actor)},"actor_id":{_value(actor_id)},"at":{_value(at)},'
        f'"event":{_value(event)},"objects":{_value(objects)},"outcome":{_value(outcome)},'
        f'"seq":{_value(seq)},"workstation":{_value(workstation)}}}'
    )
    return sha256_hex(prev_hash + body)


def _value(value: object) -> str:
    if isinstance(value, str):
        return _quote(value)
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    return canonical_json(value)  # anything an attacker may have put there


_SQLITE_INTEGERS = range(-(2**63), 2**63)


def decision_named(objects: object) -> int | None:
    """The decision an entry's objects name (an integer ``"decision"``), else None.

    The one definition used to fill ``audit_decisions`` (append and migration) and to
    check it (verification), so they cannot disagree. ``objects`` is the stored text, or
    whatever a tampered file holds instead. JSON can spell the key only with the plain
    letters or with a backslash escape, so texts with neither are skipped unparsed.
    """
    if not isinstance(objects, str) or ("decision" not in objects and "\\" not in objects):
        return None
    try:
        value = json.loads(objects)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    decision = value.get("decision")
    # type() is int: a JSON true/false (bool) or a number with a fraction names nothing.
    if type(decision) is int and decision in _SQLITE_INTEGERS:
        return decision
    return None


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """The last entry's seq and hash; (0, GENESIS_HASH) for an empty log."""
    row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (0, GENESIS_HASH) if row is None else (row[0], row[1])


def append(
    conn: sqlite3.Connection,
    event: AuditEvent,
    actor: Actor,
    at: datetime,
    *,
    after: tuple[int, str] | None = None,
) -> AuditEntry:
    """Append one entry; must run inside the caller's write transaction.

    ``after`` is the head the caller already read in this writer's turn (saves the
    reading again); the database's own check still refuses an entry not at the head.
    """
    if not conn.in_transaction:
        raise RuntimeError("audit.append outside a transaction")
    last_seq, prev_hash = head(conn) if after is None else after
    seq = last_seq + 1
    at_text = utc_text(at)
    objects = canonical_json(dict(event.objects))
    digest = entry_hash(
        prev_hash,
        seq,
        at_text,
        actor.workstation,
        actor.username,
        actor.user_id,
        event.event,
        event.outcome,
        objects,
    )
    entry = AuditEntry(
        seq,
        at_text,
        actor.workstation,
        actor.username,
        actor.user_id,
        event.event,
        event.outcome,
        objects,
        prev_hash,
        digest,
    )
    try:
        _insert(conn, entry)
        decision = decision_named(objects)
        if decision is not None:
            conn.execute(
                "INSERT INTO audit_decisions (seq, decision_id) VALUES (?, ?)", (seq, decision)
            )
    except sqlite3.IntegrityError as exc:
        raise AuditWriteFailed(
            f"the audit entry could not be written ({exc}); nothing was recorded"
        ) from None
    return entry


def _insert(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    conn.execute(
        f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        (
            entry.seq,
            entry.at,
            entry.workstation,
            entry.actor,
            entry.actor_id,
            entry.event,
            entry.outcome,
            entry.objects,
            entry.prev_hash,
            entry.hash,
        ),
    )


def entries(
    conn: sqlite3.Connection, *, after: int = 0, upto: int | None = None
) -> Iterator[AuditEntry]:
    """Entries in chain order, streamed (the log may hold millions)."""
    sql = _SELECT + " WHERE seq > ?" + (" AND seq <= ?" if upto is not None else "")
    params: tuple[int, ...] = (after,) if upto is None else (after, upto)
    for row in conn.execute(sql + " ORDER BY seq", params):
        yield AuditEntry(*row)


#: The events that deal with work kept offline, by the kind of work, and the keys of
#: their objects naming it: (the id, the digest of what its officer signed).
OFFLINE_EVENTS = {
    "decision.created": "decision",
    "kept_decision.discarded": "decision",
    "hold.closed": "closure",
    "kept_closure.discarded": "closure",
    "unlock": "unlock",
}
OFFLINE_KEYS = {
    "decision": (
        ("offline_draft", "offline_digest"),
        ("replaces_offline_draft", "replaces_offline_digest"),
    ),
    "closure": (("offline_closure", "offline_digest"),),
    "unlock": (("offline_unlock", "offline_digest"),),
}
_OFFLINE_IDS = (
    "SELECT event, objects FROM audit_log WHERE seq >= ? AND seq <= ? "
    f"AND event IN ({', '.join('?' * len(OFFLINE_EVENTS))}) AND objects LIKE '%offline_%'"
)

_LAST_BY = (
    _SELECT + " WHERE event = ? AND actor_id = ? AND outcome = 'success' ORDER BY seq DESC LIMIT 1"
)


def entries_for(conn: sqlite3.Connection, event: str) -> Iterator[AuditEntry]:
    for row in conn.execute(_SELECT + " WHERE event = ? ORDER BY seq", (event,)):
        yield AuditEntry(*row)


# The lookup table first (CROSS JOIN fixes the order), through its decision_id index,
# whose entries end with the seq (the rowid): already in chain order, no sort. Not
# INDEXED BY: a file whose index was dropped must still show its trail, only slower.
_OF_DECISION = (
    f"SELECT {', '.join('a.' + column for column in COLUMNS)} "
    "FROM audit_decisions d CROSS JOIN audit_log a ON a.seq = d.seq "
    "WHERE d.decision_id = ? ORDER BY d.seq"
)


def entries_of_decision(conn: sqlite3.Connection, decision_id: int) -> list[AuditEntry]:
    """The entries naming ``decision_id``, in chain order (through ``audit_decisions``)."""
    return [AuditEntry(*row) for row in conn.execute(_OF_DECISION, (decision_id,))]


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    problem: str


def replay(
    rows: Iterator[AuditEntry], *, start_hash: str = GENESIS_HASH, start_seq: int = 0
) -> tuple[int, str, ChainBreak | None]:
    """Recompute the chain: (entries checked, last hash, first break or None)."""
    prev_hash, expected_seq, count = start_hash, start_seq + 1, 0
    for entry in rows:
        count += 1
        problem = link_problem(entry, expected_seq, prev_hash)
        if problem is not None:
            return count, prev_hash, ChainBreak(entry.seq, problem)
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    return count, prev_hash, None


def link_problem(entry: tuple[Any, ...], expected_seq: int, prev_hash: str) -> str | None:
    """What is wrong with ``entry`` (the COLUMNS, in order) as the chain's next entry."""
    seq, at, workstation, actor, actor_id, event, outcome, objects, prev, digest = entry[:10]
    if seq != expected_seq:
        return f"is out of place: expected entry {expected_seq} here (missing or moved)"
    if prev != prev_hash:
        return "does not link to the entry before it (prev_hash differs)"
    if entry_hash(prev, seq, at, workstation, actor, actor_id, event, outcome, objects) != digest:
        return "was altered: its content does not match its hash"
    return None


class AuditRepository:
    """Recording events that stand alone (log-ons, views, denials) and reading the log."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, event: AuditEvent, actor: Actor, at: datetime) -> AuditEntry:
        with self._db.transaction() as conn:
            return append(conn, event, actor, at)

    def head(self) -> tuple[int, str]:
        with self._db.reading() as conn:
            return head(conn)

    def entry(self, seq: int) -> AuditEntry | None:
        with self._db.reading() as conn:
            return next(entries(conn, after=seq - 1, upto=seq), None)

    def of_events(self, *events: str) -> list[AuditEntry]:
        """Every entry of the named events, in chain order."""
        with self._db.reading() as conn:
            return sorted(
                (entry for event in events for entry in entries_for(conn, event)),
                key=lambda entry: entry.seq,
            )

    def last_by(self, event: str, actor_id: int) -> AuditEntry | None:
        """The newest successful ``event`` entry made by the account ``actor_id`` (an
        indexed range of one event: ``audit_by_event``)."""
        with self._db.reading() as conn:
            row = conn.execute(_LAST_BY, (event, actor_id)).fetchone()
        return None if row is None else AuditEntry(*row)

    def first_made_since(self, since: datetime) -> int:
        """The position of the first entry made at or after ``since``, found by halving
        the chain by the entries' times (entries are appended in time order, up to the
        desks' clock differences, which callers leave room for); one past the head when
        there is none. A guess only: an entry misdated by a desk's clock can mislead it."""
        since_text = utc_text(since)
        with self._db.reading() as conn:
            low, high = 1, head(conn)[0] + 1
            while low < high:
                middle = (low + high) // 2
                row = conn.execute("SELECT at FROM audit_log WHERE seq = ?", (middle,)).fetchone()
                if row is not None and str(row[0]) < since_text:
                    low = middle + 1
                else:
                    high = middle
        return low

    def offline_ids_from(self, low: int, upto: int) -> dict[str, set[tuple[str, str]]]:
        """Work kept offline that the record has dealt with — recorded late, decided
        again, or discarded — as (id, digest of what its officer signed) by kind
        ("decision", "closure", "unlock"), from the entries at positions ``low`` to ``upto``. An
        entry naming an id without the digest (made before decision 0062) deals with
        nothing. The events include every decision's: from position 1 of a record of
        1,000,000 decisions this reads them all (about a second on a server)."""
        found: dict[str, set[tuple[str, str]]] = {kind: set() for kind in OFFLINE_KEYS}
        with self._db.reading() as conn:
            for event, objects in conn.execute(_OFFLINE_IDS, (low, upto, *OFFLINE_EVENTS)):
                try:
                    value = json.loads(objects)
                except (TypeError, ValueError):
                    continue
                if not isinstance(value, dict):
                    continue
                kind = OFFLINE_EVENTS[event]
                for id_key, digest_key in OFFLINE_KEYS[kind]:
                    item, digest = value.get(id_key), value.get(digest_key)
                    if isinstance(item, str) and isinstance(digest, str) and digest:
                        found[kind].add((item, digest))
        return found

    def of_decision(self, decision_id: int) -> list[AuditEntry]:
        """Every entry naming the decision (its versions, viewings, reviews, hold closure,
        memos, refusals), in chain order; read through an index, however long the log."""
        with self._db.reading() as conn:
            return entries_of_decision(conn, decision_id)

    def latest(self, count: int) -> list[AuditEntry]:
        with self._db.reading() as conn:
            last = head(conn)[0]
            return list(entries(conn, after=max(0, last - count)))

    def stream(self, upto: int) -> Iterator[AuditEntry]:
        """Entries 1..``upto`` from a separate snapshot, so a long export blocks no one."""
        reader = self._db.open_reader()
        try:
            with self._db.translating():
                yield from entries(reader, upto=upto)
        finally:
            reader.close()
