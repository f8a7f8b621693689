"""What a memo prints beside the record, kept as it was when the record was written
(schema 15, docs/decisions/0084).

A memo printed years after a decision must show the agency header (name, facility, ORI)
and the signers' printed names and badges in force when the decision was recorded or
reviewed, not as they stand at printing. The writer of a decision version and of a
review keeps them here, one row per audit entry (keyed by its ``seq``), as canonical
JSON:

* a decision version: ``{"agency": {...} | null, "officer": {"name", "badge"}}``, the
  agency profile (its logo by SHA-256 only: a copy of the image per decision is not
  worth keeping) and the author's printed name and badge;
* a review: ``{"reviewer": {"name", "badge"}}``.

The entry carries the SHA-256 of that text (``memo_facts_sha256``), so the row is bound
to the chain like the evidence it stands beside, while the chain itself holds no names
(RELIABILITY.md: personal data in the audit only as ids). The table is append-only.
Records written before schema 15 have no row and no digest: their memo says that its
header shows the profile as of printing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from trustdesk.store.encoding import bytes_sha256_hex, canonical_json, sha256_hex
from trustdesk.store.sql import one_dict

TABLE = "memo_facts"
#: The key of the digest in the audit entry of the decision version or review.
DIGEST_KEY = "memo_facts_sha256"


@dataclass(frozen=True, slots=True)
class KeptAgency:
    name: str
    facility: str
    ori: str
    logo_sha256: str | None


@dataclass(frozen=True, slots=True)
class KeptSigner:
    name: str
    badge: str


@dataclass(frozen=True, slots=True)
class MemoFacts:
    """What an audit entry kept; a part is None when that entry did not keep it."""

    agency: KeptAgency | None = None
    officer: KeptSigner | None = None
    reviewer: KeptSigner | None = None
    #: The entry kept facts, and no agency profile was stored then.
    no_agency: bool = False


class MemoFactsBroken(ValueError):
    """The kept row is missing or differs from the digest its audit entry recorded."""


def signer_facts(conn: sqlite3.Connection, user_id: int) -> dict[str, str]:
    """The printed name (the user name until an administrator sets one) and the badge."""
    row = one_dict(conn, "SELECT username, full_name, badge FROM users WHERE id = ?", (user_id,))
    if row is None:
        raise ValueError(f"no account {user_id} to sign with")
    return {"name": row["full_name"] or row["username"], "badge": row["badge"] or ""}


def agency_facts(conn: sqlite3.Connection) -> dict[str, Any] | None:
    row = one_dict(conn, "SELECT name, facility, ori, logo FROM agency WHERE id = 1")
    if row is None:
        return None
    logo = row["logo"]
    return {
        "name": row["name"],
        "facility": row["facility"],
        "ori": row["ori"],
        "logo_sha256": None if logo is None else bytes_sha256_hex(bytes(logo)),
    }


def facts_text(facts: dict[str, Any]) -> str:
    return canonical_json(facts)


def digest(text: str) -> str:
    return sha256_hex(text)


def bind(objects: dict[str, Any], text: str) -> None:
    """Put the digest of the facts ``text`` in the objects of the entry that keeps them."""
    objects[DIGEST_KEY] = digest(text)


def keep(conn: sqlite3.Connection, seq: int, text: str) -> None:
    """The row of audit entry ``seq``: inside the transaction that appends the entry."""
    conn.execute(f"INSERT INTO {TABLE} (seq, facts) VALUES (?, ?)", (seq, text))


def kept(conn: sqlite3.Connection, seq: int, objects: dict[str, Any]) -> MemoFacts | None:
    """What audit entry ``seq`` (with ``objects``) kept; None when it kept nothing (an
    entry written before schema 15). ``MemoFactsBroken`` when the row is not the one the
    entry vouches for."""
    recorded = objects.get(DIGEST_KEY)
    row = one_dict(conn, f"SELECT facts FROM {TABLE} WHERE seq = ?", (seq,))
    if recorded is None:
        if row is not None:
            raise MemoFactsBroken(f"audit entry {seq} kept no memo facts, yet a row names it")
        return None
    if row is None:
        raise MemoFactsBroken(f"the memo facts audit entry {seq} recorded are missing")
    text = row["facts"]
    if not isinstance(text, str) or digest(text) != recorded:
        raise MemoFactsBroken(
            f"the memo facts of audit entry {seq} differ from the digest it recorded"
        )
    return parse(text)


def parse(text: str) -> MemoFacts:
    raw = json.loads(text)
    agency = raw.get("agency")
    return MemoFacts(
        agency=None
        if not isinstance(agency, dict)
        else KeptAgency(agency["name"], agency["facility"], agency["ori"], agency["logo_sha256"]),
        officer=_signer(raw.get("officer")),
        reviewer=_signer(raw.get("reviewer")),
        no_agency="agency" in raw and agency is None,
    )


def _signer(value: object) -> KeptSigner | None:
    if not isinstance(value, dict):
        return None
    return KeptSigner(str(value["name"]), str(value["badge"]))


#: The events whose entries keep memo facts (a decision version, a review).
EVENTS = ("decision.created", "decision.amended", "decision.reviewed")
_MARK = f'"{DIGEST_KEY}":"'

_KEPT_ROWS = (
    f"SELECT m.seq, m.facts, a.objects FROM {TABLE} m "
    "LEFT JOIN audit_log a ON a.seq = m.seq WHERE m.seq <= ? ORDER BY m.seq"
)
_ROWS_MISSING = (
    "SELECT a.seq FROM audit_log a "
    f"WHERE a.event IN ({', '.join('?' * len(EVENTS))}) AND a.seq <= ? "
    f"AND a.objects LIKE '%\"{DIGEST_KEY}\"%' "
    f"AND NOT EXISTS (SELECT 1 FROM {TABLE} m WHERE m.seq = a.seq) ORDER BY a.seq LIMIT 20"
)


def problems(conn: sqlite3.Connection, upto: int | None) -> list[tuple[int | None, str]]:
    """For ``audit verify``: each kept row against the digest its entry recorded, a row
    no entry vouches for, and an entry whose row is missing (up to entry ``upto``). The
    digest is read from the entry's canonical JSON as text: one pass over the rows kept
    since schema 15, no JSON parsed."""
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone():
        return [(None, f"the table {TABLE} of the memo header and signers is missing (schema 15)")]
    limit = (1 << 62) if upto is None else upto
    found: list[tuple[int | None, str]] = []
    for seq, text, objects in conn.execute(_KEPT_ROWS, (limit,)):
        # Not text (a blob written behind TrustDesk's back): the chain's check names it.
        at = objects.find(_MARK) if isinstance(objects, str) else -1
        if at < 0:
            found.append(
                (seq, f"memo facts are kept for audit entry {seq}, which vouches for none")
            )
            continue
        start = at + len(_MARK)
        if not isinstance(text, str) or digest(text) != objects[start : start + 64]:
            found.append(
                (
                    seq,
                    f"the memo facts of audit entry {seq} (the header and signers a memo "
                    "prints) differ from the digest it recorded: changed behind TrustDesk's "
                    "back",
                )
            )
    for (seq,) in conn.execute(_ROWS_MISSING, (*EVENTS, limit)):
        found.append((seq, f"the memo facts audit entry {seq} recorded are missing"))
    return found
