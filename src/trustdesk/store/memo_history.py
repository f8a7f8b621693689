"""The agency header and the signers' printed names as they were, kept per change
(schema 15, docs/decisions/0084).

A memo printed years after a decision must show the agency header (name, facility, ORI,
logo) and the signers' printed names and badges in force when the decision was recorded
or reviewed, not as they stand at printing. They change rarely; decisions are many. So
what is kept is their history, one row per change, not a copy per decision:

* ``agency_history``: one row per write of the agency profile (set-up, ``agency set``,
  Agency settings), keyed by the ``seq`` of its ``settings.changed`` entry. That entry
  already carries ``profile_sha256`` (store/agency.py), the digest of exactly what the
  row holds (the logo by its SHA-256 only: the image is not worth a copy per change).
* ``signer_history``: one row per account created and per printed name or badge change,
  keyed by its ``user.created`` or ``user.details_changed`` entry, which carries
  ``details_sha256`` (store/users.py).

So the rows are bound to the chain by digests it already held, and the chain holds no
names (RELIABILITY.md). Step 15 keeps a baseline for what existed then: the profile at
its last ``settings.changed`` entry and each account's name and badge at its last entry
carrying ``details_sha256``; both are what those entries vouch for.

The memo of a decision whose entry is ``S`` prints the latest rows before ``S``. Where
an entry that changed the profile (or the signer's details) came before ``S`` and no row
is kept for it or later, the record does not hold what was in force: the memo prints
today's values and says so. ``audit verify`` hashes the rows (few: one per change), not
the decisions.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from trustdesk.store.encoding import bytes_sha256_hex, canonical_json, sha256_hex

AGENCY_TABLE = "agency_history"
SIGNER_TABLE = "signer_history"
#: The entries that change the agency profile, and the objects naming it.
AGENCY_EVENT = "settings.changed"
_AGENCY_MARK = '%"setting":"agency"%'
#: The entries that set an account's printed name and badge.
SIGNER_EVENTS = ("user.created", "user.details_changed")
#: Every entry that states an account's details digest (a baseline may be any of them).
_DETAILS_MARK = '%"details_sha256"%'
_SIGNER_EVENT_LIST = ", ".join(f"'{event}'" for event in SIGNER_EVENTS)
#: What a change's entry states since its row is kept beside it: every entry stating it
#: has its row, the oldest included (without it, the oldest rows deleted together made
#: the history seem to start later). Step 15's baseline rows are kept for entries made
#: before, which do not state it.
KEPT_KEY = "memo_history"


def kept_mark() -> dict[str, bool]:
    """What the entry of a change whose row is kept beside it states (``KEPT_KEY``)."""
    return {KEPT_KEY: True}


@dataclass(frozen=True, slots=True)
class KeptAgency:
    name: str
    facility: str
    ori: str
    logo_sha256: str | None


@dataclass(frozen=True, slots=True)
class KeptSigner:
    #: The full name ('' until an administrator sets one: the user name is printed).
    name: str
    badge: str


@dataclass(frozen=True, slots=True)
class AsOf:
    """What was in force just before an audit entry, where the history reaches back."""

    #: None: no profile was stored then (``no_agency``) or the history does not say.
    agency: KeptAgency | None
    #: No profile had been stored before the entry.
    no_agency: bool
    #: By account id; an id is absent when the history does not reach back that far.
    signers: dict[int, KeptSigner]


class MemoFactsBroken(ValueError):
    """A kept row is missing or differs from the digest its audit entry recorded."""


def _agency_digest(row: dict[str, Any]) -> str:
    """``profile_sha256`` (store/agency.py) of a kept row."""
    values = {
        "name": row["name"],
        "facility": row["facility"],
        "ori": row["ori"],
        "timezone": row["timezone"],
        "logo": row["logo_sha256"],
        "logo_type": row["logo_type"],
    }
    return sha256_hex(canonical_json(values))


def _signer_digest(full_name: str, badge: str) -> str:
    """``details_sha256`` (store/users.py) of a kept row."""
    return sha256_hex(canonical_json([full_name, badge]))


def keep_agency(conn: sqlite3.Connection, seq: int) -> None:
    """The profile as just written by audit entry ``seq``, inside its transaction."""
    row = conn.execute(
        "SELECT name, facility, ori, timezone, logo, logo_type FROM agency WHERE id = 1"
    ).fetchone()
    if row is None:
        return
    name, facility, ori, timezone, logo, logo_type = row
    logo_sha256 = None if logo is None else bytes_sha256_hex(bytes(logo))
    conn.execute(
        f"INSERT INTO {AGENCY_TABLE} (seq, name, facility, ori, timezone, logo_sha256, "
        "logo_type) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, name, facility, ori, timezone, logo_sha256, logo_type),
    )


def keep_signer(conn: sqlite3.Connection, seq: int, user_id: int) -> None:
    """The account's printed name and badge as just written by audit entry ``seq``."""
    conn.execute(
        f"INSERT INTO {SIGNER_TABLE} (seq, user_id, full_name, badge) "
        "SELECT ?, id, full_name, badge FROM users WHERE id = ?",
        (seq, user_id),
    )


def _user_mark(user_id: int) -> str:
    # Canonical JSON, keys sorted: "user" is always followed by "username".
    return f'%"user":{int(user_id)},%'


#: Step 15's baseline, the same text on both backends: each account's printed name and
#: badge at its last entry stating their digest (any account event since schema 5).
BASELINE_SIGNERS = (
    f"INSERT INTO {SIGNER_TABLE} (seq, user_id, full_name, badge) "
    "SELECT s.seq, s.id, s.full_name, s.badge FROM ("
    "SELECT u.id, u.full_name, u.badge, (SELECT max(a.seq) FROM audit_log a "
    "WHERE a.event LIKE 'user.%' AND a.objects LIKE '%\"user\":' || u.id || ',%' "
    f"AND a.objects LIKE '{_DETAILS_MARK}') AS seq FROM users u) s "
    # A file whose version was set back by hand (the upgrade tests) keeps its rows.
    "WHERE s.seq IS NOT NULL ON CONFLICT DO NOTHING"
)
#: The last entry that wrote the agency profile: the baseline's key.
#: (The server's baseline of the profile, with the logo's SHA-256 made in SQL.)
BASELINE_AGENCY_SERVER = (
    f"INSERT INTO {AGENCY_TABLE} (seq, name, facility, ori, timezone, logo_sha256, logo_type) "
    "SELECT l.seq, g.name, g.facility, g.ori, g.timezone, "
    "CASE WHEN g.logo IS NULL THEN NULL ELSE encode(sha256(g.logo), 'hex') END, g.logo_type "
    "FROM agency g, (SELECT max(seq) AS seq FROM audit_log WHERE event = 'settings.changed' "
    f"AND objects LIKE '{_AGENCY_MARK}') l WHERE g.id = 1 AND l.seq IS NOT NULL "
    "ON CONFLICT DO NOTHING"
)
LAST_AGENCY_ENTRY = (
    f"SELECT max(seq) FROM audit_log WHERE event = '{AGENCY_EVENT}' "
    f"AND objects LIKE '{_AGENCY_MARK}'"
)


def baseline(conn: sqlite3.Connection) -> None:
    """Step 15 on SQLite: the tables' baseline rows (the server's is SQL, its schema)."""
    seq = conn.execute(LAST_AGENCY_ENTRY).fetchone()[0]
    kept = conn.execute(f"SELECT 1 FROM {AGENCY_TABLE} WHERE seq = ?", (seq,)).fetchone()
    if seq is not None and kept is None:
        keep_agency(conn, int(seq))
    conn.execute(BASELINE_SIGNERS)


def _entry(conn: sqlite3.Connection, seq: int) -> tuple[str, dict[str, Any]] | None:
    row = conn.execute("SELECT event, objects FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        return None
    return str(row[0]), _objects(row[1])


def _objects(text: object) -> dict[str, Any]:
    try:
        value = json.loads(text)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}


_AGENCY_COLUMNS = "seq, name, facility, ori, timezone, logo_sha256, logo_type"


def _agency_row(
    conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]
) -> dict[str, Any] | None:
    row = conn.execute(sql, params).fetchone()
    return None if row is None else dict(zip(_AGENCY_COLUMNS.split(", "), row, strict=True))


def _agency_problem(row: dict[str, Any], entry: tuple[str, dict[str, Any]] | None) -> str | None:
    seq = row["seq"]
    if entry is None or entry[0] != AGENCY_EVENT or entry[1].get("setting") != "agency":
        return f"an agency profile is kept for audit entry {seq}, which vouches for none"
    if entry[1].get("profile_sha256") != _agency_digest(row):
        return (
            f"the agency profile kept for audit entry {seq} (the header a memo prints) "
            "differs from the digest it recorded: changed behind TrustDesk's back"
        )
    return None


def _signer_problem(
    seq: int,
    user_id: object,
    full_name: object,
    badge: object,
    entry: tuple[str, dict[str, Any]] | None,
) -> str | None:
    if entry is None or not entry[0].startswith("user.") or entry[1].get("user") != user_id:
        return f"a printed name and badge are kept for audit entry {seq}, which vouches for none"
    if (
        not isinstance(full_name, str)
        or not isinstance(badge, str)
        or entry[1].get("details_sha256") != _signer_digest(full_name, badge)
    ):
        return (
            f"the printed name and badge kept for audit entry {seq} (a signer a memo "
            "prints) differ from the digest it recorded: changed behind TrustDesk's back"
        )
    return None


def as_of(conn: sqlite3.Connection, seq: int, user_ids: tuple[int, ...]) -> AsOf:
    """The agency profile and the accounts' printed names and badges in force just before
    audit entry ``seq``, as far as the history reaches back. ``MemoFactsBroken`` when a
    row it would print is not the one its entry vouches for, or is missing."""
    last = conn.execute(
        "SELECT max(seq) FROM audit_log WHERE event = ? AND seq < ? AND objects LIKE ?",
        (AGENCY_EVENT, seq, _AGENCY_MARK),
    ).fetchone()[0]
    row = _agency_row(
        conn,
        f"SELECT {_AGENCY_COLUMNS} FROM {AGENCY_TABLE} WHERE seq < ? ORDER BY seq DESC LIMIT 1",
        (seq,),
    )
    agency = None
    if row is not None:
        problem = _agency_problem(row, _entry(conn, row["seq"]))
        if problem is not None:
            raise MemoFactsBroken(problem)
    if last is not None and (row is None or row["seq"] < last):
        # Step 15 kept a row at the last change before it, and every change since has
        # one (and says so): no row at all, or none for a change after the first or for
        # one that says it has one, is a row removed.
        first = conn.execute(f"SELECT min(seq) FROM {AGENCY_TABLE}").fetchone()[0]
        baseline_at = _baseline_span(_agency_changes(conn))
        if (
            first is None
            or first < last
            or _says_kept(conn, last)
            or (baseline_at is not None and baseline_at[0] == last)
        ):
            raise MemoFactsBroken(
                f"the agency profile audit entry {last} recorded is missing from its history"
            )
    elif row is not None:
        agency = KeptAgency(row["name"], row["facility"], row["ori"], row["logo_sha256"])
    signers: dict[int, KeptSigner] = {}
    for user_id in user_ids:
        kept = _signer_as_of(conn, seq, user_id)
        if kept is not None:
            signers[user_id] = kept
    return AsOf(agency, last is None, signers)


def _signer_as_of(conn: sqlite3.Connection, seq: int, user_id: int) -> KeptSigner | None:
    changed = conn.execute(
        f"SELECT max(seq) FROM audit_log WHERE event IN ({', '.join('?' * len(SIGNER_EVENTS))}) "
        "AND seq < ? AND objects LIKE ? AND objects LIKE ?",
        (*SIGNER_EVENTS, seq, _user_mark(user_id), _DETAILS_MARK),
    ).fetchone()[0]
    row = conn.execute(
        f"SELECT seq, full_name, badge FROM {SIGNER_TABLE} WHERE user_id = ? AND seq < ? "
        "ORDER BY seq DESC LIMIT 1",
        (user_id, seq),
    ).fetchone()
    if row is not None:
        problem = _signer_problem(row[0], user_id, row[1], row[2], _entry(conn, row[0]))
        if problem is not None:
            raise MemoFactsBroken(problem)
    if changed is not None and (row is None or row[0] < changed):
        first = conn.execute(
            f"SELECT min(seq) FROM {SIGNER_TABLE} WHERE user_id = ?", (user_id,)
        ).fetchone()[0]
        span = _baseline_span(_signer_changes(conn, user_id).get(user_id, []))
        if (
            first is None
            or first < changed
            or _says_kept(conn, changed)
            or (
                span is not None
                and span[0] == changed
                and not _signer_row_within(conn, user_id, span)
            )
        ):
            raise MemoFactsBroken(
                f"the printed name and badge audit entry {changed} recorded are missing "
                "from their history"
            )
        return None
    return None if row is None else KeptSigner(str(row[1]), str(row[2]))


def _agency_changes(conn: sqlite3.Connection) -> list[tuple[int, bool]]:
    """Every entry that wrote the agency profile, in order, and whether it states that
    its row is kept."""
    return [
        (int(seq), _objects(objects).get(KEPT_KEY) is True)
        for (seq, objects) in conn.execute(
            "SELECT seq, objects FROM audit_log WHERE event = ? AND objects LIKE ? ORDER BY seq",
            (AGENCY_EVENT, _AGENCY_MARK),
        ).fetchall()
    ]


def _signer_changes(
    conn: sqlite3.Connection, user_id: int | None = None
) -> dict[int, list[tuple[int, bool]]]:
    """Each account's entries that set its printed name and badge, in order, and whether
    each states that its row is kept (one account's, given ``user_id``)."""
    sql = (
        f"SELECT seq, objects FROM audit_log WHERE event IN ({_SIGNER_EVENT_LIST}) "
        "AND objects LIKE ?"
    )
    params: tuple[Any, ...] = (_DETAILS_MARK,)
    if user_id is not None:
        sql += " AND objects LIKE ?"
        params += (_user_mark(user_id),)
    changes: dict[int, list[tuple[int, bool]]] = {}
    for seq, objects in conn.execute(sql + " ORDER BY seq", params).fetchall():
        value = _objects(objects)
        user = value.get("user")
        if type(user) is int and (user_id is None or user == user_id):
            changes.setdefault(user, []).append((int(seq), value.get(KEPT_KEY) is True))
    return changes


def _baseline_span(changes: list[tuple[int, bool]]) -> tuple[int, int | None] | None:
    """Where step 15's baseline row must be: from the last change that does not state its
    row is kept to the next change (``None``: none since). Step 15 kept a row for the
    last change before it (the agency's at that entry; an account's at its last entry
    stating the digest, which may be a later event of another kind), and every change
    since has one, so the last such change always has a row within this span. Without
    this rule the baseline row alone deleted was not found: the history seemed to begin
    at the next change."""
    unmarked = [index for index, (_seq, says_kept) in enumerate(changes) if not says_kept]
    if not unmarked:
        return None
    last = unmarked[-1]
    after = changes[last + 1][0] if last + 1 < len(changes) else None
    return changes[last][0], after


def _signer_row_within(
    conn: sqlite3.Connection, user_id: int, span: tuple[int, int | None]
) -> bool:
    start, end = span
    row = conn.execute(
        f"SELECT 1 FROM {SIGNER_TABLE} WHERE user_id = ? AND seq >= ? AND seq < ? LIMIT 1",
        (user_id, start, (1 << 62) if end is None else end),
    ).fetchone()
    return row is not None


def _says_kept(conn: sqlite3.Connection, seq: int) -> bool:
    """Whether audit entry ``seq`` states that its row is kept (``KEPT_KEY``)."""
    entry = _entry(conn, seq)
    return entry is not None and entry[1].get(KEPT_KEY) is True


def _table_exists(conn: sqlite3.Connection, table: str) -> bool:
    return bool(
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    )


def problems(conn: sqlite3.Connection, upto: int | None) -> list[tuple[int | None, str]]:
    """For ``audit verify``: each kept row against the digest its entry recorded, a row
    no entry vouches for, and an entry whose row is missing (up to entry ``upto``). Reads
    the rows (one per change) and the entries that change the profile or an account's
    details (an indexed range per event): nothing per decision."""
    found: list[tuple[int | None, str]] = []
    for table in (AGENCY_TABLE, SIGNER_TABLE):
        if not _table_exists(conn, table):
            found.append(
                (None, f"the table {table} of the memo header and signers is missing (schema 15)")
            )
    if found:
        return found
    limit = (1 << 62) if upto is None else upto
    agency_rows = set()
    for values in conn.execute(
        f"SELECT {_AGENCY_COLUMNS} FROM {AGENCY_TABLE} WHERE seq <= ? ORDER BY seq", (limit,)
    ).fetchall():
        row = dict(zip(_AGENCY_COLUMNS.split(", "), values, strict=True))
        agency_rows.add(row["seq"])
        problem = _agency_problem(row, _entry(conn, row["seq"]))
        if problem is not None:
            found.append((row["seq"], problem))
    every_change = _agency_changes(conn)
    changes = [change for change in every_change if change[0] <= limit]
    # Before the first row: written before the history was kept, unless the entry says
    # its row is kept; but step 15's baseline is the last of them, and has its row. With
    # no row at all, the last change must have one.
    baseline = _baseline_span(every_change)
    first = min(agency_rows, default=changes[-1][0] if changes else None)
    for seq, says_kept in changes:
        required = says_kept or (first is not None and seq >= first)
        if (required or (baseline is not None and seq == baseline[0])) and seq not in agency_rows:
            found.append(
                (seq, f"the agency profile audit entry {seq} recorded is missing from its history")
            )
    signer_rows: dict[int, set[int]] = {}
    every_row: dict[int, set[int]] = {}
    for seq, user_id, full_name, badge in conn.execute(
        f"SELECT seq, user_id, full_name, badge FROM {SIGNER_TABLE} ORDER BY seq"
    ).fetchall():
        every_row.setdefault(user_id, set()).add(seq)
        if seq > limit:
            continue
        signer_rows.setdefault(user_id, set()).add(seq)
        problem = _signer_problem(seq, user_id, full_name, badge, _entry(conn, seq))
        if problem is not None:
            found.append((seq, problem))
    for user, every_change in _signer_changes(conn).items():
        changed = [change for change in every_change if change[0] <= limit]
        kept = signer_rows.get(user, set())
        since = min(kept, default=changed[-1][0] if changed else 0)
        missing = {
            seq for seq, says_kept in changed if (says_kept or seq >= since) and seq not in kept
        }
        baseline = _baseline_span(every_change)
        if baseline is not None and baseline[0] <= limit:
            start, end = baseline
            if not any(
                start <= seq and (end is None or seq < end) for seq in every_row.get(user, ())
            ):
                missing.add(start)
        found.extend(
            (
                seq,
                f"the printed name and badge audit entry {seq} recorded are missing "
                "from their history",
            )
            for seq in sorted(missing)
        )
    return found
