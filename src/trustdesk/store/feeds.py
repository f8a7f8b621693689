"""Choosing a store's change feed: the backend's own (see ``store.changes``)."""

from __future__ import annotations

from trustdesk.store.changes import ChangeFeed
from trustdesk.store.store import Store


def open_feed(store: Store) -> ChangeFeed:
    """The feed that fits ``store``'s backend; psycopg is loaded only for a server."""
    if store.backend == "postgresql":
        from trustdesk.store.postgresql.changes import PostgresChangeFeed

        url = getattr(store.db, "url", None)
        assert isinstance(url, str)
        return PostgresChangeFeed(url)
    from trustdesk.store.changes_sqlite import SqliteChangeFeed

    return SqliteChangeFeed(store.path)


def log_on_refused(store: Store) -> str | None:
    """On a server store, what the server said when it last refused this process's log-on
    (and where), while none has succeeded since; None otherwise (an outage, a file)."""
    if store.backend != "postgresql":
        return None
    from trustdesk.store.postgresql.connection import log_on_refused as refused

    url = getattr(store.db, "url", None)
    return refused(url) if isinstance(url, str) else None
