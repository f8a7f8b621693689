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
  no longer follow the document;
- one of TrustDesk's own functions replaced (``CREATE OR REPLACE``: ``json_extract``
  made to miss the lock entries verification replays, ``audit_links`` to accept any
  link), given an overload, or set to run as its owner or with its own settings;
- a trigger that refuses changes to the evidence, or links the chain, dropped or
  disabled, or one TrustDesk never makes added (decision 0063).

Each finding is a problem of the record, as a changed row is. The checks read the
system catalog only: a handful of small queries.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from trustdesk.store.postgresql import schema as server_schema
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

#: TrustDesk's own functions as the server holds them (extensions' excluded).
_OWN_FUNCTIONS = (
    "SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid), l.lanname, "
    "p.provolatile, p.prosecdef, p.proconfig, p.prosrc FROM pg_catalog.pg_proc p "
    "JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
    f"WHERE p.pronamespace = {_NAMESPACE} AND NOT EXISTS ("
    "SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass "
    "AND d.objid = p.oid AND d.deptype = 'e') ORDER BY 1, 2"
)
#: The triggers on the tables of TrustDesk's schema, as the server would write them again.
_TRIGGERS = (
    "SELECT c.relname, t.tgname, t.tgenabled, pg_catalog.pg_get_triggerdef(t.oid) "
    "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
    f"WHERE c.relnamespace = {_NAMESPACE} AND NOT t.tgisinternal ORDER BY 1, 2"
)

_BEHIND = "changed behind TrustDesk's back"


class _Function(NamedTuple):
    arguments: str
    language: str
    volatility: str  # pg_proc.provolatile: 'i' immutable, 'v' volatile
    body: str


_FUNCTION = re.compile(
    r"CREATE FUNCTION (\w+)\(([^)]*)\).*?LANGUAGE (\w+)( IMMUTABLE)? AS \$\$(.*)\$\$\Z",
    re.DOTALL,
)
_TRIGGER = re.compile(r"CREATE TRIGGER (\w+) .* ON (\w+) ")


def _made() -> tuple[dict[str, _Function], dict[tuple[str, str], str]]:
    """TrustDesk's functions by name, and its triggers by (table, name) with their
    statement, read from the schema's own statements (baseline and every step)."""
    functions: dict[str, _Function] = {}
    triggers: dict[tuple[str, str], str] = {}
    steps = server_schema.STEPS.values()
    statements = [*server_schema.BASELINE, *(text for step in steps for text in step)]
    for statement in statements:
        function = _FUNCTION.match(statement)
        if function is not None:
            name, arguments, language, immutable, body = function.groups()
            functions[name] = _Function(arguments, language, "i" if immutable else "v", body)
        trigger = _TRIGGER.match(statement)
        if trigger is not None:
            triggers[(trigger.group(2), trigger.group(1))] = statement
    return functions, triggers


_TRIGGER_PARTS = re.compile(
    r"CREATE TRIGGER (\w+) (BEFORE|AFTER) ([A-Z ]+?) ON (\w+) FOR EACH (ROW|STATEMENT) "
    r"EXECUTE FUNCTION (\w+)\(\)\Z"
)


def _trigger_parts(definition: str) -> tuple[Any, ...] | None:
    """What a trigger statement says — name, timing, events (in any order), table,
    level, function — from TrustDesk's statement or the server's own writing of it
    (whose names are qualified or not by the session's search path); None for anything
    more (a WHEN condition, UPDATE OF columns, arguments)."""
    parts = _TRIGGER_PARTS.match(" ".join(definition.replace(f"{SCHEMA}.", "").split()))
    if parts is None:
        return None
    name, timing, events, table, level, function = parts.groups()
    return (name, timing, frozenset(events.split(" OR ")), table, level, function)


#: ``session_replication_role = replica`` keeps every ordinarily enabled trigger from
#: firing (the append-only walls, the chain's link, the foreign keys') while the
#: triggers themselves stay as made: set for the database or a role, every desk session
#: starts with it.
_ROLE_SETTINGS = (
    "SELECT coalesce(r.rolname, '(every role)'), s.setconfig "
    "FROM pg_catalog.pg_db_role_setting s "
    "LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole "
    "WHERE s.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database "
    "WHERE datname = pg_catalog.current_database()))"
)


def _replication_role_problems(conn: Any) -> list[str]:
    # Not this session's own value: ``store migrate`` copies with the triggers off in
    # its transaction (SET LOCAL) and verifies the copy in that same transaction.
    found: list[str] = []
    for role, settings in conn.execute(_ROLE_SETTINGS).fetchall():
        for setting in settings or ():
            if str(setting).lower().startswith("session_replication_role="):
                found.append(
                    f"the server sets {setting} for {role}: the triggers that guard the "
                    f"evidence do not fire in those sessions; {_BEHIND}"
                )
    return found


def _function_problems(conn: Any, made: dict[str, _Function]) -> list[str]:
    found: list[str] = []
    held: dict[str, list[tuple[Any, ...]]] = {}
    for row in conn.execute(_OWN_FUNCTIONS).fetchall():
        held.setdefault(row[0], []).append(row)
    for name, expected in sorted(made.items()):
        rows = held.get(name, [])
        if not rows:
            found.append(f"TrustDesk's function {name!r} is missing from the server; {_BEHIND}")
            continue
        if len(rows) > 1:
            found.append(
                f"TrustDesk's function {name!r} has {len(rows) - 1} more definition(s) "
                f"beside its own, which calls may reach instead; {_BEHIND}"
            )
        for _name, arguments, language, volatility, definer, settings, body in rows:
            if (arguments, language, volatility, body) != (
                expected.arguments,
                expected.language,
                expected.volatility,
                expected.body,
            ):
                found.append(
                    f"TrustDesk's function {name}({arguments}) is not the one TrustDesk "
                    f"made (its code or kind was replaced): what it checks or reads for "
                    f"verification can no longer be trusted; {_BEHIND}"
                )
            elif definer or settings:
                found.append(
                    f"TrustDesk's function {name}({arguments}) was set to run as its owner "
                    f"or with settings of its own; {_BEHIND}"
                )
    return found


def _trigger_problems(conn: Any, made: dict[tuple[str, str], str]) -> list[str]:
    found: list[str] = []
    held = {
        (table, name): (enabled, text)
        for table, name, enabled, text in conn.execute(_TRIGGERS).fetchall()
    }
    for (table, name), statement in sorted(made.items()):
        if (table, name) not in held:
            found.append(
                f"the trigger {name} on table {table}, which guards the evidence, is missing; "
                f"{_BEHIND}"
            )
            continue
        enabled, text = held[(table, name)]
        if enabled != "O":
            found.append(
                f"the trigger {name} on table {table}, which guards the evidence, is "
                f"disabled or fires only for replication ({enabled!r}); {_BEHIND}"
            )
        if _trigger_parts(text) != _trigger_parts(statement):
            found.append(
                f"the trigger {name} on table {table} is not the one TrustDesk made: "
                f"{text}; {_BEHIND}"
            )
    for table, name in sorted(set(held) - set(made)):
        found.append(
            f"table {table} has a trigger {name!r}, which TrustDesk never makes: it can "
            f"change or hide what is recorded; {_BEHIND}"
        )
    return found


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
    found += _replication_role_problems(conn)
    functions, triggers = _made()
    found += _function_problems(conn, functions)
    found += _trigger_problems(conn, triggers)
    columns = dict(conn.execute(_GENERATED, (list(REPORT_COLUMNS),)).fetchall())
    for name in REPORT_COLUMNS:
        if name in columns and columns[name] != "s":
            found.append(
                f"the decisions' report column {name} is no longer computed from the "
                f"decision document: reports can count what no document says; {_BEHIND}"
            )
    return found
