"""When release is due on an open hold, from the decision version it rests on: one rule
for the writer (``decisions._open_hold``), ``audit verify``'s check of ``open_holds``,
the report's overdue figures and the schema step that brought older stores to it.

- a version that honors the detainer: at the hold's expiry (NULL while the hold clock's
  start is unknown);
- a version that declines it, or honors a detainer whose form asks for no hold (only to
  be told of the release: an I-247N; its document records ``"hold_requested": false``):
  at once, when the version was recorded. Nobody may be held on such a detainer, so a
  hold an earlier version opened is overdue from then on, as after a decline.

Before schema step 13 the second kind counted as honoring: a hold opened on an I-247A and
amended to an I-247N stayed open with no release time at all (docs/decisions/0068).
"""

from __future__ import annotations

import json
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
    """The moment release is due on a hold resting on this version (stored text or
    datetime, as given; None while unknown)."""
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


def release_due_sql(backend: str, alias: str) -> str:
    """``release_due`` of the decisions row ``alias`` as an SQL expression."""
    return (
        f"CASE WHEN {alias}.outcome = 'honor' AND NOT {asks_no_hold_sql(backend, alias)} "
        f"THEN {alias}.hold_expires_at ELSE {alias}.recorded_at END"
    )


def rebuild_sql(backend: str) -> str:
    """The schema step that puts every open hold resting on a version that asks for no
    hold under this rule (before it, such a hold had the expiry's NULL)."""
    return (
        "UPDATE open_holds SET release_due_at = (SELECT d.recorded_at FROM decisions d "
        "WHERE d.id = open_holds.record_id) WHERE EXISTS (SELECT 1 FROM decisions d "
        f"WHERE d.id = open_holds.record_id AND {asks_no_hold_sql(backend, 'd')})"
    )
