"""The database setting: a ``postgresql://`` server URL, checked, or unset (the data folder).

Light (no psycopg import): the configuration and the command line check a URL before
anything connects, by libpq's own reading of a URL (``conninfo_uri_parse`` in
fe-connect.c), so a URL accepted here is one libpq reads, and a bad one gets a message
saying what to correct instead of an error from the driver. A password never belongs in
a URL given on a command line (other users see it in the process list) or in a file
others can read; libpq's own places for it are a service file or a password file
(``~/.pgpass``, mode 0600) or ``PGPASSWORD``.

Every message shows the URL through ``masked``, which reads it without any parser that
can fail, and hides anything that may be a password in any reading of it (libpq's,
urllib's, or the one a person meant when the URL is malformed).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, unquote_to_bytes, urlsplit

SCHEMES = ("postgresql", "postgres")

PASSWORD_ADVICE = (
    "put the password in a libpq password file (~/.pgpass, mode 0600) or a service file "
    "readable by its owner only (postgresql:///?service=NAME with ~/.pg_service.conf, "
    "mode 0600), or in the PGPASSWORD environment variable, and leave it out of the URL"
)

#: libpq's connection keywords (PostgreSQL 18, the libpq psycopg's binary wheel ships),
#: which a URL's query may set. tests/test_dburl.py holds this to the installed libpq's
#: own list (``psycopg.pq.Conninfo.get_defaults()``); an older libpq that lacks one of
#: them refuses it when connecting, with a message (store/postgresql/connection.py).
LIBPQ_KEYWORDS = frozenset(
    {
        "application_name",
        "channel_binding",
        "client_encoding",
        "connect_timeout",
        "dbname",
        "fallback_application_name",
        "gssdelegation",
        "gssencmode",
        "gsslib",
        "host",
        "hostaddr",
        "keepalives",
        "keepalives_count",
        "keepalives_idle",
        "keepalives_interval",
        "krbsrvname",
        "load_balance_hosts",
        "max_protocol_version",
        "min_protocol_version",
        "oauth_client_id",
        "oauth_client_secret",
        "oauth_issuer",
        "oauth_scope",
        "options",
        "passfile",
        "password",
        "port",
        "replication",
        "require_auth",
        "requirepeer",
        "scram_client_key",
        "scram_server_key",
        "service",
        "ssl_max_protocol_version",
        "ssl_min_protocol_version",
        "sslcert",
        "sslcertmode",
        "sslcompression",
        "sslcrl",
        "sslcrldir",
        "sslkey",
        "sslkeylogfile",
        "sslmode",
        "sslnegotiation",
        "sslpassword",
        "sslrootcert",
        "sslsni",
        "target_session_attrs",
        "tcp_user_timeout",
        "user",
    }
)
#: The keywords whose value is a secret: never shown, and kept out of a URL wherever a
#: password is (libpq's "password" display flag marks the same ones).
SECRET_KEYWORDS = frozenset(
    {"password", "sslpassword", "oauth_client_secret", "scram_client_key", "scram_server_key"}
)
#: libpq's one alias in a URL: ``ssl=true`` for ``sslmode=require``.
_SSL_ALIAS = ("ssl", "true")

#: ``key = value`` anywhere in the text (a URL's query, or a libpq "key=value" string
#: given by mistake), the value up to ``&`` or a space unless it is quoted.
_SETTING = re.compile(r"([^\s?&=/]+)(\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&]*)")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})|%00")
_LONGEST_SHOWN = 200
_ENCODE_ADVICE = (
    " (in a user name, write ':' '/' '@' '?' '#' '[' ']' as %3A %2F %40 %3F %23 %5B %5D)"
)


class BadDatabaseUrl(ValueError):
    """The ``database`` setting is not a usable PostgreSQL URL (the message says why)."""


def is_server_url(value: str) -> bool:
    scheme, sep, _ = value.strip().partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


def _secret_key(key: str) -> bool:
    """``key`` names a secret in any spelling (case, spaces, percent-encoding)."""
    return unquote(key).strip().lower() in SECRET_KEYWORDS


def _user_password(url: str) -> bool:
    """The user part of the URL holds a password, as libpq and urllib read it.

    libpq reads ``USER:PASSWORD@`` when an ``@`` comes before the first ``/`` after the
    scheme; urllib's reading ends the host part at ``/``, ``?`` or ``#`` too, so its
    user part is never longer.
    """
    _, sep, rest = url.partition("://")
    authority = rest.split("/", 1)[0] if sep else ""
    return "@" in authority and ":" in authority[: authority.rindex("@")]


def has_password(url: str) -> bool:
    """True when ``url`` carries a password (in its user part, or as ``password=`` or
    another secret option in any spelling). Never raises."""
    if _user_password(url):
        return True
    return any(_secret_key(match.group(1)) for match in _SETTING.finditer(url))


def masked(url: str) -> str:
    """The URL as safe to show: any password (user part or a secret option) as ***.

    Reads the text without a parser that can fail, and hides more rather than less: a
    malformed URL may mean a password that libpq would not read as one (``u:p/w@host``),
    so everything from the first ``:`` after the user name to the last ``@`` is hidden.
    """
    text = url
    scheme, sep, rest = text.partition("://")
    if sep and "@" in rest:
        at = rest.rindex("@")
        colon = rest.find(":")
        slash = rest.find("/")
        if -1 < colon < at and (slash == -1 or colon < slash):
            text = f"{scheme}://{rest[:colon]}:***{rest[at:]}"

    def hide(match: re.Match[str]) -> str:
        if _secret_key(match.group(1)):
            return f"{match.group(1)}{match.group(2)}***"
        return match.group(0)

    text = _SETTING.sub(hide, text)
    if len(text) > _LONGEST_SHOWN:
        text = text[:_LONGEST_SHOWN] + "…"
    return text


def _shown(url: str) -> str:
    return repr(masked(url))


def server_url(value: str) -> str:
    """``value`` checked as a PostgreSQL URL libpq reads; raises BadDatabaseUrl.

    TLS and other libpq options (``sslmode=verify-full&sslrootcert=…``,
    ``service=NAME``) pass through unchanged. Whether a password may be in it depends
    on where it was given (``config.load``, ``refuse_password``).
    """
    url = value.strip()
    shown = _shown(url)
    scheme, sep, _ = url.partition("://")
    if not sep or scheme.lower() not in SCHEMES:
        raise BadDatabaseUrl(
            f"database {shown} is not a PostgreSQL URL: write "
            "postgresql://HOST/DATABASE or postgresql:///DATABASE?service=NAME, or leave "
            "it unset for the data folder's own database"
        )
    if scheme not in SCHEMES:
        raise BadDatabaseUrl(
            f"database URL {shown} begins {scheme}://, which libpq does not read; write "
            f"{scheme.lower()}:// in lower case"
        )
    bad = _problem(url)
    if bad:
        raise BadDatabaseUrl(f"database URL {shown} is not valid: {bad}")
    parts = urlsplit(url)  # (_problem has made sure this reads it)
    if not parts.netloc and not parts.path.strip("/") and "service=" not in parts.query:
        raise BadDatabaseUrl(
            f"database URL {shown} names no server, database or service; write "
            "postgresql://HOST/DATABASE or postgresql:///?service=NAME"
        )
    return url


def _port_ok(host: str) -> bool:
    """Whether one host of a list of several has no port or a number from 0 to 65535."""
    after = host.rpartition("]")[2] if host.startswith("[") else host
    if host.startswith("[") and "]" not in host:
        raise ValueError("Invalid IPv6 URL")
    port = after.rpartition(":")[2] if ":" in after else ""
    return not port or (port.isascii() and port.isdigit() and int(port) <= 65535)


def _problem(url: str) -> str:
    """What libpq (or urllib) would refuse in ``url``, in words; "" when nothing.

    Never quotes a part of the URL that may be a password.
    """
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        return "it holds a control character; write the URL on one line"
    if "#" in url:
        return (
            "it holds a '#', which libpq reads as part of the database name or option "
            "(not as a URL fragment); write it as %23, or remove it"
        )
    try:
        parts = urlsplit(url)
        hosts = parts.netloc.rpartition("@")[2]
        if "," in hosts:  # libpq's several hosts (db1:5432,db2:5433), each its own port
            if not all(_port_ok(host) for host in hosts.split(",")):
                raise ValueError("a port that is not a number")
        else:
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        # urllib's own words may quote the part it read as the port, which in a
        # malformed URL can be a password: never shown.
        if "IPv6" in str(exc):
            return (
                "a '[' or ']' (around an IPv6 address) has no partner; write the host as a "
                f"name or as [ADDRESS]{_ENCODE_ADVICE}"
            )
        return (
            "its port (after the host and ':') is not a number from 0 to 65535; write "
            f"postgresql://HOST:PORT/DATABASE{_ENCODE_ADVICE}"
        )
    if _BAD_PERCENT.search(url):
        return (
            "it holds a '%' that is not followed by two hexadecimal digits, or %00; "
            "write a '%' itself as %25"
        )
    for piece in (parts.netloc, parts.path, *parts.query.split("&")):
        try:
            unquote_to_bytes(piece).decode("utf-8")
        except UnicodeDecodeError:
            return (
                "its percent-encoded bytes (%XX) are not UTF-8 text; write each character "
                "as its UTF-8 bytes (é as %C3%A9)"
            )
    if not parts.query:
        return ""
    pieces = parts.query.split("&")
    if pieces[-1] == "":
        pieces.pop()  # libpq allows one '&' at the end
    for piece in pieces:
        problem = _option_problem(piece, quote_keys=not has_password(url))
        if problem:
            return problem
    return ""


def _option_problem(piece: str, *, quote_keys: bool) -> str:
    """What libpq would refuse in one ``key=value`` of the query; "" when nothing."""
    key, equals, value = piece.partition("=")
    name = unquote(key)
    if not equals:
        return (
            "an option in its query (after '?') has no '='; write each option as "
            "NAME=VALUE, joined by '&'"
        )
    if _secret_key(key) and name != name.strip().lower():
        return (
            "it holds a password option libpq does not read in that spelling "
            f"(it reads only lower-case password=); {PASSWORD_ADVICE}"
        )
    known = name in LIBPQ_KEYWORDS or (name, unquote(value)) == _SSL_ALIAS
    if not known:
        normal = name.strip().lower()
        if normal in LIBPQ_KEYWORDS:
            return f"write its option {normal} in lower case, without spaces"
        from difflib import get_close_matches

        close = get_close_matches(normal, sorted(LIBPQ_KEYWORDS), n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        named = f"option {name[:40]!r}" if quote_keys else "one of its options"
        return (
            f"{named} is not a libpq connection option{hint}; use the options of "
            "PostgreSQL's documentation (34.1.2, Parameter Key Words), such as sslmode, "
            "sslrootcert, service"
        )
    if "=" in value:
        return (
            f"its option {name} holds a second '='; write an '=' inside a value as %3D "
            "(and a space as %20)"
        )
    return ""


def refuse_password(url: str, where: str) -> None:
    """Raise BadDatabaseUrl when ``url`` (given in ``where``) carries a password."""
    if has_password(url):
        raise BadDatabaseUrl(f"the database URL in {where} contains a password; {PASSWORD_ADVICE}")
