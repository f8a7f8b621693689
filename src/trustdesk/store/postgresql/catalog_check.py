"""``audit verify`` on a server: the catalog around the evidence as TrustDesk made it.

Verification reads the evidence through the desk's own role and statements. A database
superuser who wants a change to go unseen without rewriting the chain can instead change
what those statements see, and none of it shows in the rows themselves (decision 0060):

- row-level security, whose policies can hide a forged row from verification's reads
  (they run through named cursors) while the desk's queries see it;
- a rule, or a view in a table's place, that gives other rows than the table holds;
- a table's primary key dropped, so that a row can be there twice (a person or detainer
  row copied makes its decision's joined row come twice, which hides a deleted
  decision from the row counts);
- a function (or an operator) of TrustDesk's schema or ``public`` defined beside a
  built-in one that verification calls (``convert_to``, ``array_to_json``): one with a
  better-matching argument type is chosen over the built-in, wherever the schemas stand
  in the search path;
- a report column computed from its document made a plain column, whose values then
  no longer follow the document.

Each finding is a problem of the record, as a changed row is. The checks read the
system catalog only: a handful of small queries.
"""

from __future__ import annotations

from typing import Any

from trustdesk.store.postgresql.schema import REPORT_COLUMNS, SCHEMA

#: The views TrustDesk makes in its schema; every other relation there is a table.
VIEWS = frozenset({"amendments"})
#: The functions TrustDesk makes in its schema (its triggers', and the SQLite-named
#: helpers its shared statements call).
FUNCTIONS = frozenset(
    {"refuse_change", "audit_links", "audit_notify", "json_valid", "json_extract", "trustdesk_ids"}
)

_NAMESPACE = f"(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = '{SCHEMA}')"

_NOT_TABLES = (
    "SELECT c.relname, c.relkind FROM pg_catalog.pg_class c "
    f"WHERE c.relnamespace = {_NAMESPACE} AND c.relkind IN ('v', 'm', 'f', 'p') "
    "ORDER BY c.relname"
)
_WITHOUT_KEY = (
    "SELECT c.relname FROM pg_catalog.pg_class c "
    f"WHERE c.relnamespace = {_NAMESPACE} AND c.relkind = 'r' AND NOT EXISTS ("
    "SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') "
    "ORDER BY c.relname"
)
_ROW_SECURITY = (
    "SELECT c.relname FROM pg_catalog.pg_class c "
    f"WHERE c.relnamespace = {_NAMESPACE} AND (c.relrowsecurity OR c.relforcerowsecurity "
    "OR EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid)) "
    "ORDER BY c.relname"
)
_RULES = (
    "SELECT c.relname, r.rulename FROM pg_catalog.pg_rewrite r "
    "JOIN pg_catalog.pg_class c ON c.oid = r.ev_class "
    f"WHERE c.relnamespace = {_NAMESPACE} AND r.rulename <> '_RETURN' ORDER BY 1, 2"
)
#: Functions, procedures and aggregates of the schemas on the search path (TrustDesk's and
#: ``public``) that no extension owns (pg_trgm's are made there by ``store init``).
_FUNCTIONS = (
    "SELECT n.nspname, p.proname FROM pg_catalog.pg_proc p "
    "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
    f"WHERE n.nspname IN ('{SCHEMA}', 'public') AND NOT EXISTS ("
    "SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass "
    "AND d.objid = p.oid AND d.deptype = 'e') ORDER BY 1, 2"
)
#: Operators of the same schemas that no extension owns (TrustDesk makes none).
_OPERATORS = (
    "SELECT n.nspname, o.oprname FROM pg_catalog.pg_operator o "
    "JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace "
    f"WHERE n.nspname IN ('{SCHEMA}', 'public') AND NOT EXISTS ("
    "SELECT 1 FROM pg_catalog.pg_depend d "
    "WHERE d.classid = 'pg_catalog.pg_operator'::regclass "
    "AND d.objid = o.oid AND d.deptype = 'e') ORDER BY 1, 2"
)
_GENERATED = (
    "SELECT a.attname, a.attgenerated FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    f"WHERE c.relnamespace = {_NAMESPACE} AND c.relname = 'decisions' "
    "AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = ANY(?)"
)

_BEHIND = "changed behind TrustDesk's back"


def problems(conn: Any) -> list[str]:
    """What differs in the catalog of TrustDesk's schema from what TrustDesk made."""
    found: list[str] = []
    for name, kind in conn.execute(_NOT_TABLES).fetchall():
        if not (kind == "v" and name in VIEWS):
            found.append(
                f"{name} in the server's TrustDesk schema is not the table TrustDesk made "
                f"(its kind is {kind!r}): it can give other rows than were recorded; {_BEHIND}"
            )
    for (name,) in conn.execute(_WITHOUT_KEY).fetchall():
        found.append(f"table {name} has lost its primary key: a row can be there twice; {_BEHIND}")
    for (name,) in conn.execute(_ROW_SECURITY).fetchall():
        found.append(
            f"table {name} has row-level security or a policy, which TrustDesk never sets: "
            f"it can hide rows from verification; {_BEHIND}"
        )
    for name, rule in conn.execute(_RULES).fetchall():
        found.append(f"table {name} has a rule {rule!r}, which TrustDesk never makes; {_BEHIND}")
    for schema, name in conn.execute(_FUNCTIONS).fetchall():
        if schema != SCHEMA or name not in FUNCTIONS:
            found.append(
                f"the server's schema {schema} holds a function {name!r} TrustDesk did not "
                f"make: it could stand in for a built-in one verification calls; {_BEHIND}"
            )
    for schema, name in conn.execute(_OPERATORS).fetchall():
        found.append(
            f"the server's schema {schema} holds an operator {name!r} TrustDesk did not "
            f"make: it could stand in for a built-in one verification uses; {_BEHIND}"
        )
    columns = dict(conn.execute(_GENERATED, (list(REPORT_COLUMNS),)).fetchall())
    for name in REPORT_COLUMNS:
        if name in columns and columns[name] != "s":
            found.append(
                f"the decisions' report column {name} is no longer computed from the "
                f"decision document: reports can count what no document says; {_BEHIND}"
            )
    return found
