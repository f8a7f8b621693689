"""When release is due on an open hold, from the decision versions it rests on: one rule
for the writer (``decisions._track_hold``), ``audit verify``'s check of ``open_holds``,
the report's overdue figures, the history's detail view and the schema step that
brought older stores to it.

- the latest version honors the detainer and it asks for a hold: at the hold's expiry
  (NULL while the hold clock's start is unknown);
- it declines, or honors a detainer whose form asks for no hold (only to be told of the
  release: an I-247N; its document records ``"hold_requested": false``): at once — when
  the first of the versions since the last one that held was recorded. Nobody may be
  held on such a detainer, so a hold an earlier version opened is overdue from then on;
  a later amendment that still does not hold (a typo corrected) does not start that
  time again.

Before schema step 13 a version of the second kind that honored counted as holding (a
hold opened on an I-247A and amended to an I-247N stayed open with no release time at
all), and each amendment restarted the time from its own recording (docs/decisions/0068).
Before step 14 the run started at the earliest recording time among its versions, not at
its first version's: a correction from a desk whose clock was behind made release due
before the decline was recorded (the desk's detail view, reading the versions in order,
said otherwise).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any


def asks_no_hold(outcome: Any, decision_json: Any) -> bool:
    """True where a version honors a detainer whose form asks for no hold: its document
    is a JSON object whose ``hold_requested`` is the JSON value ``false`` (what
    ``core.record`` writes, and only then). Anything else, unreadable text included,
    is False: such a version's hold is due as an honoring version's is."""
    if outcome != "honor" or not isinstance(decision_json, str):
        return False
    try:
        document = json.loads(decision_json)
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("hold_requested", True) is False


def release_due(outcome: Any, hold_expires_at: Any, recorded_at: Any, decision_json: Any) -> Any:
    """The moment release is due on a hold resting on a decision's first version (stored
    text or datetime, as given; None while unknown). An amendment's depends on the
    versions before it too: ``release_due_of``."""
    if outcome == "honor" and not asks_no_hold(outcome, decision_json):
        return hold_expires_at
    return recorded_at


def asks_no_hold_sql(backend: str, alias: str) -> str:
    """``asks_no_hold`` of the decisions row ``alias`` as an SQL condition that is never
    NULL and never fails: on SQLite a text that is not JSON reads as not asking (a
    tampered file: ``audit verify`` reports the document itself); on the server every
    document is JSON (the report columns computed from it refuse any other)."""
    if not alias.isidentifier():
        raise ValueError(alias)
    document = f"{alias}.decision_json"
    if backend == "postgresql":
        # The type and the operator named with their schema, as audit verify names its
        # functions (decision 0060): nothing of the search path can stand in for them.
        member = f"CAST({document} AS pg_catalog.json) OPERATOR(pg_catalog.->) 'hold_requested'"
        asks = f"({member})::text = 'false'"
        return f"({alias}.outcome = 'honor' AND coalesce({asks}, false))"
    asks = f"ifnull(json_type({document}, '$.hold_requested'), '') = 'false'"
    return (
        f"({alias}.outcome = 'honor' AND CASE WHEN json_valid({document}) THEN {asks} ELSE 0 END)"
    )


def holds_sql(backend: str, alias: str) -> str:
    """The decisions row ``alias`` honors a detainer that asks for a hold: it declines
    nothing and ``asks_no_hold`` is false. A version that opened a hold of its own is such
    a version (a form asking for no hold opens none), so its document is not read; only
    an honoring version without a hold of its own (an amendment) has its document read."""
    return (
        f"({alias}.outcome = 'honor' AND (EXISTS (SELECT 1 FROM holds own_hold "
        f"WHERE own_hold.record_id = {alias}.id) OR NOT {asks_no_hold_sql(backend, alias)}))"
    )


def release_due_sql(backend: str, alias: str) -> str:
    """When release is due on a hold resting on the decisions row ``alias`` (the rule of
    the module's docstring), as an SQL expression."""
    later = holds_sql(backend, "held")
    # The first version of the run by its number, not the earliest time: each version's
    # time is its desk's clock, and a later version from a desk whose clock is behind
    # must not make release due before the version that stopped holding was recorded.
    run_start = (
        "(SELECT since.recorded_at FROM decisions since "
        f"WHERE since.decision_id = {alias}.decision_id AND since.version <= {alias}.version "
        "AND since.version > coalesce((SELECT max(held.version) FROM decisions held "
        f"WHERE held.decision_id = {alias}.decision_id AND held.version <= {alias}.version "
        f"AND {later}), 0) ORDER BY since.version LIMIT 1)"
    )
    return (
        f"CASE WHEN {holds_sql(backend, alias)} THEN {alias}.hold_expires_at ELSE {run_start} END"
    )


def backend_of(conn: Any) -> str:
    """``sqlite`` or ``postgresql``: which backend the connection ``conn`` reads."""
    inner = getattr(conn, "wrapped", conn)  # a reader that reports progress wraps it
    return "sqlite" if isinstance(inner, sqlite3.Connection) else "postgresql"


def release_due_of(conn: Any, record_id: int) -> Any:
    """``release_due_sql`` of one stored version (its row id), as stored text."""
    backend = backend_of(conn)
    row = conn.execute(
        f"SELECT {release_due_sql(backend, 'l')} FROM decisions l WHERE l.id = ?", (record_id,)
    ).fetchone()
    return None if row is None else row[0]


def rebuild_sql(backend: str) -> str:
    """The schema step that puts every open hold under this rule."""
    return (
        "UPDATE open_holds SET release_due_at = (SELECT "
        f"{release_due_sql(backend, 'l')} FROM decisions l WHERE l.id = open_holds.record_id)"
    )


def release_due_of_versions(versions: Sequence[Any]) -> Any:
    """The rule over one decision's versions in order (each with ``outcome``,
    ``hold_expires_at``, ``recorded_at``, ``decision_json``), as they are given."""
    if not versions:
        return None
    latest = versions[-1]
    if latest.outcome == "honor" and not asks_no_hold(latest.outcome, latest.decision_json):
        return latest.hold_expires_at
    start = latest
    for version in reversed(versions):
        if version.outcome == "honor" and not asks_no_hold(version.outcome, version.decision_json):
            break
        start = version
    return start.recorded_at
