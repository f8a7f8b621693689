"""The database setting: a ``postgresql://`` server URL, checked, or unset (the data folder).

Light (no psycopg import): the configuration and the command line check a URL before
anything connects. A password never belongs in a URL given on a command line (other
users see it in the process list) or in a file others can read; libpq's own places for
it are a service file or a password file (``~/.pgpass``, mode 0600) or ``PGPASSWORD``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

SCHEMES = ("postgresql", "postgres")

PASSWORD_ADVICE = (
    "put the password in a libpq password file (~/.pgpass, mode 0600) or a service file "
    "(postgresql:///?service=NAME with ~/.pg_service.conf), or in the PGPASSWORD "
    "environment variable, and leave it out of the URL"
)


class BadDatabaseUrl(ValueError):
    """The ``database`` setting is not a usable PostgreSQL URL (the message says why)."""


def is_server_url(value: str) -> bool:
    return urlsplit(value.strip()).scheme.lower() in SCHEMES


def has_password(url: str) -> bool:
    """True when ``url`` carries a password (in its user part or as ``password=``)."""
    parts = urlsplit(url)
    if parts.password is not None:
        return True
    return any(key == "password" for key, _ in parse_qsl(parts.query, keep_blank_values=True))


def server_url(value: str) -> str:
    """``value`` checked as a PostgreSQL URL (scheme, no fragment); raises BadDatabaseUrl.

    TLS and other libpq options (``sslmode=verify-full&sslrootcert=…``,
    ``service=NAME``) pass through unchanged.
    """
    url = value.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise BadDatabaseUrl(f"database URL {_shown(url)} is not valid ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise BadDatabaseUrl(
            f"database {_shown(url)} is not a PostgreSQL URL: write "
            "postgresql://HOST/DATABASE or postgresql:///DATABASE?service=NAME, or leave "
            "it unset for the data folder's own database"
        )
    if not parts.netloc and not parts.path.strip("/") and "service=" not in parts.query:
        raise BadDatabaseUrl(
            f"database URL {_shown(url)} names no server, database or service; write "
            "postgresql://HOST/DATABASE or postgresql:///?service=NAME"
        )
    return url


def masked(url: str) -> str:
    """The URL as safe to show: any password (user part or ``password=``) as ***."""
    parts = urlsplit(url)
    if parts.password is not None:
        url = url.replace(f":{parts.password}@", ":***@", 1)
    return re.sub(r"(?<=[?&]password=)[^&]*", "***", url)


def _shown(url: str) -> str:
    return repr(masked(url))


def refuse_password(url: str, where: str) -> None:
    """Raise BadDatabaseUrl when ``url`` (given in ``where``) carries a password."""
    if has_password(url):
        raise BadDatabaseUrl(f"the database URL in {where} contains a password; {PASSWORD_ADVICE}")
