"""The database schema, as the ordered steps that build it (``PRAGMA user_version``).

Each step is applied once, in its own transaction, by ``migrations.migrate``. A step is
never edited after release: a change is a new step. Tables holding evidence (decisions
and what they were made from, reviews, holds, the audit log) are append-only: triggers
abort any UPDATE or DELETE. ``open_holds`` and the search index are derived, rebuilt
views of that evidence and are checked against it by ``audit verify``; so is
``audit_decisions``, the index of which entries name which decision, and the report's
members of each decision document (schema 12, ``report_members``). The agency
profile and drafts are not evidence: they change, and every settings change is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trustdesk.store.hold_due import rebuild_sql

if TYPE_CHECKING:
    import sqlite3

#: "TDSK" — marks a SQLite file as a TrustDesk database (offset 68 of the header).
APPLICATION_ID = 0x5444534B

ROLES = ("officer", "supervisor", "administrator", "auditor")
HOLD_OUTCOMES = ("ice_took_custody", "released_at_expiry", "released_other")
ANSWER_VALUES = ("yes", "no", "unknown")

APPEND_ONLY_TABLES = (
    "audit_log",
    "people",
    "detainers",
    "decisions",
    "decision_answers",
    "reviews",
    "holds",
    "hold_closures",
    "audit_decisions",
)


def _append_only(table: str) -> tuple[str, ...]:
    message = f"{table} is append-only: records are never changed or deleted"
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    )


_ROLE_LIST = ", ".join(f"'{role}'" for role in ROLES)
_OUTCOME_LIST = ", ".join(f"'{outcome}'" for outcome in HOLD_OUTCOMES)
_ANSWER_LIST = ", ".join(f"'{value}'" for value in ANSWER_VALUES)

STEP_1_ACCOUNTS_AND_AUDIT = (
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ("""
    + _ROLE_LIST
    + """)),
        password_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id),
        password_changed_at TEXT NOT NULL,
        last_logon_at TEXT,
        locked_at TEXT,
        unlocked_at TEXT
    )""",
    """CREATE TABLE login_failures (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        at TEXT NOT NULL
    )""",
    "CREATE INDEX login_failures_by_user ON login_failures(user_id, at)",
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY CHECK (seq >= 1),
        at TEXT NOT NULL,
        workstation TEXT NOT NULL,
        actor TEXT,
        actor_id INTEGER,
        event TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
        objects TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    "CREATE INDEX audit_by_event ON audit_log(event)",
    # Defence in depth: an entry can only be appended right after the head, linked to it.
    """CREATE TRIGGER audit_log_links BEFORE INSERT ON audit_log
       WHEN NEW.seq IS NOT ifnull((SELECT max(seq) FROM audit_log), 0) + 1
         OR NEW.prev_hash IS NOT ifnull(
              (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '"""
    + "0" * 64
    + """')
       BEGIN SELECT RAISE(ABORT, 'audit entries are appended at the head only'); END""",
    *_append_only("audit_log"),
)

STEP_2_DECISIONS = (
    """CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        booking_number TEXT NOT NULL,
        booking_key TEXT NOT NULL,
        name TEXT NOT NULL,
        name_folded TEXT NOT NULL,
        date_of_birth TEXT
    )""",
    """CREATE UNIQUE INDEX people_identity
       ON people(booking_number, name, ifnull(date_of_birth, ''))""",
    "CREATE INDEX people_by_booking ON people(booking_key)",
    """CREATE TABLE detainers (
        id INTEGER PRIMARY KEY,
        form TEXT NOT NULL,
        received_at TEXT,
        judicial_warrant TEXT NOT NULL CHECK (judicial_warrant IN ("""
    + _ANSWER_LIST
    + """)),
        administrative_warrant TEXT,
        issuing_office TEXT,
        subject_id TEXT
    )""",
    """CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        decision_id INTEGER NOT NULL REFERENCES decisions(id),
        version INTEGER NOT NULL CHECK (version >= 1),
        amends INTEGER UNIQUE REFERENCES decisions(id),
        reason TEXT,
        officer_id INTEGER NOT NULL REFERENCES users(id),
        recorded_at TEXT NOT NULL,
        decision_time TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('honor', 'decline')),
        needs_review INTEGER NOT NULL CHECK (needs_review IN (0, 1)),
        review_required INTEGER NOT NULL CHECK (review_required IN (0, 1)),
        releasable_at TEXT,
        hold_expires_at TEXT,
        rule_pack TEXT NOT NULL,
        rule_pack_sha256 TEXT NOT NULL,
        app_version TEXT NOT NULL,
        person_id INTEGER NOT NULL REFERENCES people(id),
        detainer_id INTEGER NOT NULL UNIQUE REFERENCES detainers(id),
        case_json TEXT NOT NULL,
        decision_json TEXT NOT NULL,
        record_sha256 TEXT NOT NULL,
        audit_seq INTEGER NOT NULL UNIQUE
            REFERENCES audit_log(seq) DEFERRABLE INITIALLY DEFERRED,
        UNIQUE (decision_id, version),
        CHECK ((version = 1) = (amends IS NULL)),
        CHECK ((version = 1) = (decision_id = id)),
        CHECK (version = 1 OR reason IS NOT NULL)
    )""",
    # Covering indexes: lists and searches never read the wide rows (kilobytes of JSON)
    # until they show the few they found.
    "CREATE INDEX decisions_by_person ON decisions(person_id, decision_id)",
    """CREATE INDEX decisions_by_time
       ON decisions(decision_time, decision_id, outcome, officer_id)""",
    """CREATE INDEX decisions_by_decision
       ON decisions(decision_id, decision_time, outcome, officer_id)""",
    """CREATE INDEX decisions_by_officer
       ON decisions(officer_id, decision_time, decision_id, outcome)""",
    """CREATE TABLE decision_answers (
        record_id INTEGER NOT NULL REFERENCES decisions(id),
        field TEXT NOT NULL,
        value TEXT NOT NULL CHECK (value IN ("""
    + _ANSWER_LIST
    + """)),
        PRIMARY KEY (record_id, field)
    ) WITHOUT ROWID""",
    """CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        decision_id INTEGER NOT NULL REFERENCES decisions(id),
        record_id INTEGER NOT NULL REFERENCES decisions(id),
        reviewer_id INTEGER NOT NULL REFERENCES users(id),
        reviewed_at TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('approved', 'amended')),
        result_record_id INTEGER UNIQUE REFERENCES decisions(id),
        reason TEXT,
        audit_seq INTEGER NOT NULL UNIQUE
            REFERENCES audit_log(seq) DEFERRABLE INITIALLY DEFERRED,
        CHECK ((verdict = 'amended') = (result_record_id IS NOT NULL)),
        CHECK (verdict = 'approved' OR reason IS NOT NULL)
    )""",
    "CREATE INDEX reviews_by_record ON reviews(record_id)",
    "CREATE INDEX reviews_by_decision ON reviews(decision_id)",
    # Amendments are decision versions after the first; the view names them for auditors.
    """CREATE VIEW amendments AS
       SELECT id AS record_id, decision_id, version, amends AS previous_record_id,
              reason, officer_id AS author_id, recorded_at
       FROM decisions WHERE version > 1""",
    *(sql for table in ("people", "detainers", "decisions") for sql in _append_only(table)),
    *_append_only("decision_answers"),
    *_append_only("reviews"),
)

#: The name search index, exactly as created (``audit verify`` compares its declaration).
FTS_TABLE = (
    "CREATE VIRTUAL TABLE people_fts USING fts5("
    "name_folded, content='people', content_rowid='id', tokenize='trigram')"
)
#: The latest versions that need a review and have none: the ``pending_reviews`` content.
PENDING_REVIEWS_QUERY = """
    SELECT d.id, d.decision_id FROM decisions d
    WHERE d.review_required = 1
      AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.amends = d.id)
      AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.record_id = d.id)
      AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.result_record_id = d.id)
"""

STEP_3_HOLDS = (
    """CREATE TABLE holds (
        id INTEGER PRIMARY KEY,
        decision_id INTEGER NOT NULL UNIQUE REFERENCES decisions(id),
        record_id INTEGER NOT NULL REFERENCES decisions(id),
        opened_at TEXT NOT NULL,
        opened_by INTEGER NOT NULL REFERENCES users(id),
        audit_seq INTEGER NOT NULL REFERENCES audit_log(seq) DEFERRABLE INITIALLY DEFERRED
    )""",
    # Every foreign key's child column is indexed: SQLite looks children up when a
    # parent row arrives while a deferred constraint is pending (each audit entry).
    "CREATE INDEX holds_by_record ON holds(record_id)",
    "CREATE INDEX holds_by_audit ON holds(audit_seq)",
    """CREATE TABLE hold_closures (
        hold_id INTEGER PRIMARY KEY REFERENCES holds(id),
        outcome TEXT NOT NULL CHECK (outcome IN ("""
    + _OUTCOME_LIST
    + """)),
        ended_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        officer_id INTEGER NOT NULL REFERENCES users(id),
        note TEXT,
        audit_seq INTEGER NOT NULL UNIQUE
            REFERENCES audit_log(seq) DEFERRABLE INITIALLY DEFERRED
    )""",
    # Derived: the holds not yet closed, with the moment release is due (NULL while the
    # hold's start is unknown). Kept small, so the desk's dashboard never scans history.
    """CREATE TABLE open_holds (
        hold_id INTEGER PRIMARY KEY REFERENCES holds(id),
        decision_id INTEGER NOT NULL UNIQUE,
        record_id INTEGER NOT NULL REFERENCES decisions(id),
        release_due_at TEXT
    )""",
    "CREATE INDEX open_holds_by_due ON open_holds(release_due_at)",
    "CREATE INDEX open_holds_by_record ON open_holds(record_id)",
    # Derived: the latest versions that need a supervisor's review and have none yet.
    """CREATE TABLE pending_reviews (
        record_id INTEGER PRIMARY KEY REFERENCES decisions(id),
        decision_id INTEGER NOT NULL UNIQUE
    )""",
    "INSERT INTO pending_reviews (record_id, decision_id) " + PENDING_REVIEWS_QUERY,
    *_append_only("holds"),
    *_append_only("hold_closures"),
)


def _step_4_search(conn: sqlite3.Connection) -> None:
    """Partial, accent-insensitive name search: an FTS5 trigram index on folded names.

    Names are folded in Python (``folding.fold``) when stored, so the index needs no
    ``remove_diacritics`` (SQLite 3.45+). Without FTS5 or its trigram tokenizer
    (SQLite < 3.34) search falls back to a scan and says so in ``meta``. The index is
    fed by ``decisions`` in Python, not by a trigger: with ``trusted_schema = OFF``
    SQLite refuses triggers that write to a virtual table.
    """
    import sqlite3

    try:
        conn.execute(FTS_TABLE)
    except sqlite3.OperationalError:
        conn.execute("INSERT INTO meta(key, value) VALUES ('search_index', 'none')")
        return
    conn.execute("INSERT INTO people_fts(people_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO meta(key, value) VALUES ('search_index', 'fts5-trigram')")


#: The image types an agency logo may have (recognised by their magic bytes).
LOGO_TYPES = ("image/png", "image/jpeg")
LOGO_MAX_BYTES = 512 * 1024
_LOGO_TYPE_LIST = ", ".join(f"'{kind}'" for kind in LOGO_TYPES)

# Settings and drafts are not evidence: they may change and drafts may be deleted, so no
# append-only triggers. Settings changes are audited by the repository instead.
STEP_5_AGENCY_OFFICERS_DRAFTS = (
    """CREATE TABLE agency (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        facility TEXT NOT NULL CHECK (length(facility) BETWEEN 1 AND 200),
        ori TEXT NOT NULL CHECK (length(ori) = 9),
        timezone TEXT NOT NULL CHECK (length(timezone) BETWEEN 1 AND 64),
        logo BLOB CHECK (logo IS NULL OR length(logo) <= """
    + str(LOGO_MAX_BYTES)
    + """),
        logo_type TEXT CHECK (logo_type IN ("""
    + _LOGO_TYPE_LIST
    + """)),
        updated_at TEXT NOT NULL,
        updated_by INTEGER REFERENCES users(id),
        CHECK ((logo IS NULL) = (logo_type IS NULL))
    )""",
    "CREATE INDEX agency_by_updater ON agency(updated_by)",
    # Printed in the memo's sign-off blocks; '' when not given.
    "ALTER TABLE users ADD COLUMN full_name TEXT NOT NULL DEFAULT '' "
    "CHECK (length(full_name) <= 100)",
    "ALTER TABLE users ADD COLUMN badge TEXT NOT NULL DEFAULT '' CHECK (length(badge) <= 20)",
    # The payload is checked as JSON by the service: with trusted_schema = OFF SQLite
    # refuses json_valid() in a CHECK constraint ("unsafe use").
    """CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        label TEXT NOT NULL CHECK (length(label) <= 200),
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX drafts_by_user ON drafts(user_id, updated_at)",
)


# Derived, and append-only like the chain it indexes: the audit entries whose objects
# name a decision (an integer ``"decision"``), so one decision's trail is read through an
# index instead of every entry of the log. A table, not an index on
# json_extract(objects, ...): with trusted_schema = OFF SQLite refuses JSON functions in
# an index expression ("unsafe use"). ``audit.append`` fills it in the entry's own
# transaction; ``audit verify`` checks it against the chain, entry by entry. ``seq`` is
# the key (one decision per entry, and the foreign key's child column is indexed).
STEP_6_DECISION_TRAIL = (
    """CREATE TABLE audit_decisions (
        seq INTEGER PRIMARY KEY REFERENCES audit_log(seq),
        decision_id INTEGER NOT NULL
    )""",
    "CREATE INDEX audit_decisions_by_decision ON audit_decisions(decision_id)",
    *_append_only("audit_decisions"),
)

#: Entries read per round while the lookup table is filled from an existing chain.
BACKFILL_BATCH = 10_000


def _step_6_decision_trail(conn: sqlite3.Connection) -> None:
    """The lookup table, filled from the existing chain in one streaming pass.

    Objects are parsed in Python by ``audit.decision_named``, the very function the
    append and the verification use, so the three always agree on what names a decision.
    """
    from trustdesk.store.audit import decision_named

    for statement in STEP_6_DECISION_TRAIL:
        conn.execute(statement)
    entries = conn.execute("SELECT seq, objects FROM audit_log ORDER BY seq")
    while batch := entries.fetchmany(BACKFILL_BATCH):
        conn.executemany(
            "INSERT INTO audit_decisions (seq, decision_id) VALUES (?, ?)",
            [
                (seq, decision)
                for seq, objects in batch
                if (decision := decision_named(objects)) is not None
            ],
        )


def _step_7_identity(conn: sqlite3.Connection) -> None:
    """The store id goes into the audit chain (``store.identity``), so that a restore can
    tell this agency's records from another's even if ``meta`` is edited by hand."""
    from trustdesk.store.identity import record_identity

    record_identity(conn)


#: The ids of issue 14's contract (core.contacts has the same tuples; a test compares).
CONTACT_KINDS = (
    "detainer_received",
    "release_info_request",
    "interview_request",
    "inquiry",
    "transfer_arrival",
    "other",
)
CONTACT_DIRECTIONS = ("from_ice", "to_ice")
CONTACT_CHANNELS = ("phone", "email", "fax", "in_person", "system", "other")
CONTACT_REVIEW_VERDICTS = ("accepted", "referred")
#: Evidence added by step 8 (append-only like APPEND_ONLY_TABLES; listed apart because
#: the server's baseline, written at step 7, does not have them).
CONTACT_TABLES = ("contacts", "contact_reviews")


def _in_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


# Every contact with ICE, as the officer recorded it, with the legality advice TrustDesk
# gave before the answer (``advice``: JSON of the pack's verdicts) and whether what was
# given was allowed. Versioned like decisions: an amendment is a new row linked to the
# one it corrects, with a reason. ``given`` is a JSON list of disclosure ids (checked by
# the service: with trusted_schema = OFF SQLite refuses JSON functions in a CHECK).
CONTACTS_TABLE = (
    """CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts(id),
        version INTEGER NOT NULL CHECK (version >= 1),
        amends INTEGER UNIQUE REFERENCES contacts(id),
        reason TEXT,
        person_id INTEGER REFERENCES people(id),
        booking_number TEXT,
        booking_key TEXT,
        decision_id INTEGER REFERENCES decisions(id),
        kind TEXT NOT NULL CHECK (kind IN ("""
    + _in_list(CONTACT_KINDS)
    + """)),
        direction TEXT NOT NULL CHECK (direction IN ("""
    + _in_list(CONTACT_DIRECTIONS)
    + """)),
        occurred_at TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ("""
    + _in_list(CONTACT_CHANNELS)
    + """)),
        ice_office TEXT NOT NULL,
        ice_officer TEXT NOT NULL,
        asked TEXT NOT NULL,
        given TEXT NOT NULL,
        note TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id),
        recorded_at TEXT NOT NULL,
        pack_id TEXT NOT NULL,
        advice TEXT NOT NULL,
        allowed INTEGER NOT NULL CHECK (allowed IN (0, 1)),
        unlawful_reason TEXT,
        review_needed INTEGER NOT NULL CHECK (review_needed IN (0, 1)),
        app_version TEXT NOT NULL,
        audit_seq INTEGER NOT NULL UNIQUE
            REFERENCES audit_log(seq) DEFERRABLE INITIALLY DEFERRED,
        UNIQUE (contact_id, version),
        CHECK ((version = 1) = (amends IS NULL)),
        CHECK ((version = 1) = (contact_id = id)),
        CHECK (version = 1 OR reason IS NOT NULL),
        CHECK (allowed = 1 OR unlawful_reason IS NOT NULL),
        CHECK (person_id IS NOT NULL OR booking_number IS NOT NULL)
    )""",
    "CREATE INDEX contacts_by_person ON contacts(person_id, occurred_at)",
    "CREATE INDEX contacts_by_booking ON contacts(booking_key, occurred_at)",
    "CREATE INDEX contacts_by_decision ON contacts(decision_id)",
    "CREATE INDEX contacts_by_time ON contacts(occurred_at, kind, allowed)",
    "CREATE INDEX contacts_by_user ON contacts(user_id, occurred_at)",
    "CREATE INDEX contacts_by_review ON contacts(review_needed, contact_id)",
    """CREATE TABLE contact_reviews (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts(id),
        record_id INTEGER NOT NULL UNIQUE REFERENCES contacts(id),
        reviewer_id INTEGER NOT NULL REFERENCES users(id),
        reviewed_at TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ("""
    + _in_list(CONTACT_REVIEW_VERDICTS)
    + """)),
        note TEXT,
        audit_seq INTEGER NOT NULL UNIQUE
            REFERENCES audit_log(seq) DEFERRABLE INITIALLY DEFERRED,
        CHECK (verdict = 'accepted' OR note IS NOT NULL)
    )""",
    "CREATE INDEX contact_reviews_by_contact ON contact_reviews(contact_id)",
    "CREATE INDEX contact_reviews_by_reviewer ON contact_reviews(reviewer_id)",
)

STEP_8_CONTACTS = (
    *CONTACTS_TABLE,
    *(sql for table in CONTACT_TABLES for sql in _append_only(table)),
)

#: Latest contact versions flagged for a supervisor and not yet reviewed: the contact
#: review queue (small, read through ``contacts_by_review``; not a derived table).
PENDING_CONTACT_REVIEWS_QUERY = """
    SELECT c.id, c.contact_id FROM contacts c
    WHERE c.review_needed = 1
      AND NOT EXISTS (SELECT 1 FROM contacts n WHERE n.amends = c.id)
      AND NOT EXISTS (SELECT 1 FROM contact_reviews r WHERE r.record_id = c.id)
"""


#: Reports counted by receipt time (docs/decisions/0033): the detainers received in a
#: period, found through this index rather than by reading every decision. It covers the
#: detainer's id (a decision names its detainer, ``decisions.detainer_id`` is unique), so
#: the lookup never reads the detainer rows themselves.
STEP_9_RECEIPT_INDEX = ("CREATE INDEX detainers_by_receipt ON detainers(received_at, id)",)

#: What a report reads of each decision document, kept beside it (docs/decisions/0044):
#: a step of the server's only (store/postgresql/schema.py STEPS[11]: columns the server
#: computes from the document). SQLite reads the same members with ``json_extract`` as
#: it goes (fast there: it parses a document once, in the row it is reading), so the
#: step changes nothing in a SQLite file; it is numbered in the shared order all the same.
STEP_11_REPORT_COLUMNS: tuple[str, ...] = ()


#: Step 10 is the server's alone (postgresql/schema.py STEPS[10]: how the server keeps the
#: decision documents and orders the answers, for ``audit verify``, decision 0045).
#: SQLite already keeps a record's documents in its row and orders the answers' key in
#: code points (BINARY), so here it changes nothing; it only keeps the one numbering.
STEP_10_SERVER_STORAGE: tuple[str, ...] = ()


def _step_12_report_members(conn: sqlite3.Connection) -> None:
    """What a report reads of each decision document, in tables of its own beside the
    decisions (store/report_members.py, docs/decisions/0048): SQLite's counterpart of the
    server's step 11, which it cannot take (with ``trusted_schema = OFF`` it refuses
    ``json_extract`` in generated columns, index expressions and triggers). Filled here
    for every stored decision; the decision writer keeps them after."""
    from trustdesk.store.report_members import backfill

    backfill(conn)


#: The open holds resting on a version that honors a detainer whose form asks for no hold
#: (an I-247N) become due at once, as after a decline (store/hold_due.py, decision 0068);
#: before, such a hold, opened by an earlier version, stayed open with no release time.
STEP_13_NO_HOLD_DUE = (rebuild_sql("sqlite"),)
#: The same rebuild under the corrected rule: the run of versions that hold nobody starts
#: at its first version's recording, not the earliest clock among them (store/hold_due.py).
STEP_14_DUE_FROM_FIRST_VERSION = STEP_13_NO_HOLD_DUE

#: Evidence added by step 15 (append-only; apart for the same reason as CONTACT_TABLES).
MEMO_HISTORY_TABLES = ("agency_history", "signer_history")

#: What a memo prints beside the record, as it was when the record was written
#: (store/memo_history.py, docs/decisions/0084): the agency header per change of the
#: profile and the printed name and badge per change of an account, each keyed by the
#: entry that made the change, whose digest (``profile_sha256``, ``details_sha256``)
#: vouches for it. Before, a memo printed years later showed them as they are at
#: printing. (IF NOT EXISTS: a file whose version was set back by hand, as the upgrade
#: tests do, keeps the rows it has.)
STEP_15_MEMO_HISTORY_TABLES = (
    """CREATE TABLE IF NOT EXISTS agency_history (
        seq INTEGER PRIMARY KEY REFERENCES audit_log(seq),
        name TEXT NOT NULL,
        facility TEXT NOT NULL,
        ori TEXT NOT NULL,
        timezone TEXT NOT NULL,
        logo_sha256 TEXT,
        logo_type TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS signer_history (
        seq INTEGER PRIMARY KEY REFERENCES audit_log(seq),
        user_id INTEGER NOT NULL REFERENCES users(id),
        full_name TEXT NOT NULL,
        badge TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS signer_history_by_user ON signer_history(user_id, seq)",
    *(
        sql.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
        for table in MEMO_HISTORY_TABLES
        for sql in _append_only(table)
    ),
)


def step_15_memo_history(conn: sqlite3.Connection) -> None:
    """The tables, and a baseline of the profile and accounts as they stand."""
    from trustdesk.store import memo_history

    for statement in STEP_15_MEMO_HISTORY_TABLES:
        conn.execute(statement)
    memo_history.baseline(conn)


Step = tuple[str, ...] | Callable[["sqlite3.Connection"], None]


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    title: str
    step: Step


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "accounts, meta and the audit chain", STEP_1_ACCOUNTS_AND_AUDIT),
    Migration(2, "people, detainers, decisions, answers, reviews", STEP_2_DECISIONS),
    Migration(3, "holds and the review queue", STEP_3_HOLDS),
    Migration(4, "name search index", _step_4_search),
    Migration(5, "agency profile, officer names and badges, drafts", STEP_5_AGENCY_OFFICERS_DRAFTS),
    Migration(6, "the audit entries of each decision (lookup table)", _step_6_decision_trail),
    Migration(7, "the store's identity in the audit chain", _step_7_identity),
    Migration(8, "contacts with ICE and their reviews", STEP_8_CONTACTS),
    Migration(9, "detainers by receipt time (reports)", STEP_9_RECEIPT_INDEX),
    Migration(10, "decision documents kept for verification (server)", STEP_10_SERVER_STORAGE),
    Migration(11, "what reports read of each decision (server only)", STEP_11_REPORT_COLUMNS),
    Migration(12, "what reports read of each decision (SQLite only)", _step_12_report_members),
    Migration(
        13, "release due at once on a hold whose detainer asks for none", STEP_13_NO_HOLD_DUE
    ),
    Migration(
        14, "release due from the first version that holds nobody", STEP_14_DUE_FROM_FIRST_VERSION
    ),
    Migration(15, "the memo header and signers as they were (their history)", step_15_memo_history),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
