"""``trustdesk store init``: the schema, roles and grants on a PostgreSQL database.

Run by a superuser or the database's owner (with the right to create roles). Safe to run
again: on a database that already holds this store it only re-applies the grants (and
creates a desk login role when asked). A database that holds anything else is refused,
with nothing changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from trustdesk.store.errors import StoreError
from trustdesk.store.postgresql.connection import describe, open_connection, unavailable
from trustdesk.store.postgresql.schema import (
    BASELINE,
    BASELINE_VERSION,
    CHAIN_LOCK_KEY,
    DESK_ROLE,
    GRANTS,
    OWNER_ROLE,
    SCHEMA,
    STEPS,
)
from trustdesk.store.schema import MIGRATIONS, SCHEMA_VERSION


class SetupRefused(StoreError):
    """The database cannot be set up for TrustDesk (holds something else, no rights)."""


@dataclass(frozen=True, slots=True)
class InitResult:
    created: bool  # False: the schema was there already (grants re-applied)
    version: int
    search_index: str
    desk_login: str | None


def init_store(
    url: str, *, grant_desk: str | Sequence[str] | None = None, identity: bool = True
) -> InitResult:
    """Set up the store on the database of ``url``; see the module docstring.

    ``grant_desk``: the login role (or roles) made desks, in the same transaction: all
    of them, or with the store's set-up, none.

    ``identity`` also gives a new store its identity and first audit entry; a template
    database (tests) leaves that to the first desk that opens each copy.
    """
    conn = open_connection(url)
    try:
        with conn.transaction():
            result = _init(conn, url, grant_desk)
    except psycopg.errors.InsufficientPrivilege as exc:
        raise SetupRefused(
            f"cannot set up {describe(url)}: {exc.diag.message_primary}. Connect as a "
            "superuser or as the database's owner with the right to create roles."
        ) from None
    except psycopg.OperationalError as exc:
        raise unavailable(url, exc) from None
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SetupRefused(f"cannot set up {describe(url)}: {first}; nothing was changed") from None
    finally:
        conn.close()
    if identity and result.created:
        from trustdesk.store.postgresql.database import PgDatabase

        PgDatabase.open(url).close()  # the first open gives the store its identity
    return result


def _init(
    conn: psycopg.Connection[Any], url: str, grant_desk: str | Sequence[str] | None
) -> InitResult:
    # One init at a time per cluster (two administrators at once would race on roles).
    conn.execute("SELECT pg_advisory_xact_lock(%s, 1)", (CHAIN_LOCK_KEY,))
    existing = _foreign_objects(conn)
    if existing:
        raise SetupRefused(
            f"{describe(url)} already holds {', '.join(existing[:5])}"
            f"{' …' if len(existing) > 5 else ''}, which are not TrustDesk's; nothing was "
            "changed. Give TrustDesk an empty database of its own (CREATE DATABASE …)."
        )
    for role in (OWNER_ROLE, DESK_ROLE):
        if not _role_exists(conn, role):
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = superuser.fetchone()
    if not (row and row[0]):
        conn.execute(sql.SQL("GRANT {} TO current_user").format(sql.Identifier(OWNER_ROLE)))
    version = _version(conn)
    created = version is None
    if created:
        conn.execute(
            sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}").format(
                sql.Identifier(SCHEMA), sql.Identifier(OWNER_ROLE)
            )
        )
        search_index = _trigram_extension(conn)
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(OWNER_ROLE)))
        conn.execute(f"SET LOCAL search_path TO {SCHEMA}, public")
        for statement in BASELINE:
            conn.execute(statement.encode())
        if search_index == "pg_trgm":
            conn.execute(
                b"CREATE INDEX people_by_name ON people USING gin (name_folded gin_trgm_ops)"
            )
        conn.execute("INSERT INTO meta (key, value) VALUES ('search_index', %s)", (search_index,))
        version = BASELINE_VERSION
    else:
        assert version is not None
        if version > SCHEMA_VERSION:
            raise SetupRefused(
                f"{describe(url)} was set up by a newer TrustDesk (schema {version}; this "
                f"one knows up to {SCHEMA_VERSION}); nothing was changed."
            )
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(OWNER_ROLE)))
        conn.execute(f"SET LOCAL search_path TO {SCHEMA}, public")
        found = conn.execute("SELECT value FROM meta WHERE key = 'search_index'").fetchone()
        search_index = str(found[0]) if found else "none"
    version = _upgrade(conn, url, version)
    for statement in GRANTS:
        conn.execute(statement.encode())
    conn.execute("RESET ROLE")
    roles = [grant_desk] if isinstance(grant_desk, str) else list(grant_desk or ())
    for role in roles:
        _desk_login(conn, role)
    return InitResult(created, version, search_index, roles[0] if roles else None)


def _upgrade(conn: psycopg.Connection[Any], url: str, version: int) -> int:
    """Apply the steps after ``version`` in the shared order, as the owner; all of them or
    (the set-up is one transaction) none."""
    for migration in MIGRATIONS:
        if migration.version <= version:
            continue
        statements = STEPS.get(migration.version)
        if statements is None:
            raise SetupRefused(
                f"cannot bring {describe(url)} to schema {migration.version} "
                f"({migration.title}): this TrustDesk has no server form of that step, a "
                "bug in TrustDesk; nothing was changed"
            )
        for statement in statements:
            conn.execute(statement.encode())
        conn.execute("UPDATE schema_version SET version = %s WHERE id = 1", (migration.version,))
        version = migration.version
    return version


def _foreign_objects(conn: psycopg.Connection[Any]) -> list[str]:
    """Tables, views and sequences outside the store's schema (and the system's)."""
    rows = conn.execute(
        """SELECT n.nspname || '.' || c.relname FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')
             AND n.nspname NOT IN ('pg_catalog', 'information_schema', %s)
             AND n.nspname NOT LIKE 'pg\\_%%'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d
                             WHERE d.objid = c.oid AND d.deptype = 'e')
           ORDER BY 1""",
        (SCHEMA,),
    ).fetchall()
    found = [str(row[0]) for row in rows]
    if _schema_exists(conn) and _version(conn) is None:
        found.insert(0, f"a schema named {SCHEMA} not made by TrustDesk")
    return found


def _schema_exists(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (SCHEMA,)).fetchone()
    return row is not None


def _version(conn: psycopg.Connection[Any]) -> int | None:
    """The store's schema version, or None when the database has no TrustDesk schema."""
    row = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.schema_version",)
    ).fetchone()
    if not (row and row[0]):
        return None
    found = conn.execute(f"SELECT version FROM {SCHEMA}.schema_version WHERE id = 1").fetchone()
    return None if found is None else int(found[0])


def _role_exists(conn: psycopg.Connection[Any], role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def _trigram_extension(conn: psycopg.Connection[Any]) -> str:
    """'pg_trgm' when the trigram extension is (or can be made) available, else 'none'."""
    available = conn.execute(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
    ).fetchone()
    if available is None:
        return "none"
    try:
        with conn.transaction():  # a savepoint: a refusal must not spoil the set-up
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except psycopg.Error:
        return "none"
    return "pg_trgm"


#: The longest role name PostgreSQL keeps whole (NAMEDATALEN - 1 bytes); a longer one
#: is cut short, and the role made would not be the one named.
ROLE_NAME_MAX = 63


def desk_role_problem(role: str) -> str | None:
    """What makes ``role`` unusable as a desk's login role; None when it is usable."""
    if not role.strip():
        return "is empty"
    if len(role.encode("utf-8")) > ROLE_NAME_MAX:
        return f"is longer than PostgreSQL's {ROLE_NAME_MAX} bytes (it would be cut short)"
    if any(ord(c) < 32 or ord(c) == 127 for c in role):
        return "holds a control character"
    if role in (OWNER_ROLE, DESK_ROLE) or role.startswith("pg_"):
        return "is a role TrustDesk or PostgreSQL keeps for itself, not a desk's login"
    return None


def _desk_login(conn: psycopg.Connection[Any], role: str) -> None:
    """A login role for a desk (no password: TrustDesk never sets one), in the desk group."""
    problem = desk_role_problem(role)
    if problem is not None:
        raise SetupRefused(f"the desk role {role!r} {problem}; nothing was changed.")
    if not _role_exists(conn, role):
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(DESK_ROLE), sql.Identifier(role)))
