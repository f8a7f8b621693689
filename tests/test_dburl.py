"""The database URL setting: a bad URL is refused with what, where and how to fix, as libpq
would read it, never with a traceback or an internal error, and no password in any
spelling is ever shown (command line, environment, config file, connect)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg import pq

from trustdesk import config
from trustdesk.cli import main
from trustdesk.config.dburl import (
    LIBPQ_KEYWORDS,
    SECRET_KEYWORDS,
    BadDatabaseUrl,
    has_password,
    masked,
    server_url,
)

SECRET = "s3cretPW"

#: The reviewer's URLs, and more that urllib and libpq read differently.
BAD_URLS = [
    f"postgresql://u:{SECRET}@h:abc/db",  # port not a number
    f"postgresql://u:{SECRET}@[h/db",  # urllib: "Invalid IPv6 URL"
    f"postgresql://u:{SECRET}@h:99999/db",  # port out of range
    f"postgresql://u:{SECRET[:3]}/{SECRET[3:]}@h/db",  # a '/' in the password
    f"postgresql://u:{SECRET[:3]}#{SECRET[3:]}@h/db",  # a '#' in the password
    f"postgresql://u:{SECRET}%00@h/db",  # libpq: forbidden %00 (and quotes the password)
    f"postgresql://u:{SECRET}%zz@h/db",
    f"postgresql://u:{SECRET}%FF@h/db",  # psycopg: UnicodeDecodeError
    f"postgresql://u@h/db?PASSWORD={SECRET}",  # libpq reads only lower case
    f"postgresql://u@h/db?Password%20={SECRET}",
    f"postgresql://u:{SECRET}@h/db?foo=1",
    "postgresql://u@h/db?foo=1",
    "postgresql://u@h/db?options=-c%20x=1",  # libpq: extra key/value separator
    "postgresql://u@h/db?host=%00",
    "postgresql://u@h/db?sslmode",  # no '='
    "postgresql://u@h/db?&",
    "postgresql://u@h/db?=x",
    "postgresql://u@h/db?SSLMODE=require",
    "postgresql://u@h/db?ssl=false",
    "postgresql://u@h/db?application_name=%FF",
    "POSTGRESQL://h/db",  # libpq reads the scheme in lower case only
    "postgresql://h/db#x",  # libpq: database "db#x"
    f"host=h password={SECRET}",  # a libpq key=value string, not a URL
    f"host=h password='{SECRET} x'",
    "mysql://h/db",
]

GOOD_URLS = [
    "postgresql://desk@db.example/td?sslmode=verify-full&sslrootcert=/etc/td/ca.pem",
    "postgresql:///?service=trustdesk",
    "postgresql:///trustdesk?service=county",
    "postgres://h/db?ssl=true",
    "postgresql://h/db?sslmode=require&",
    "postgresql://[::1]:5433/db",
    "postgresql://h/db?options=-c%20statement_timeout%3D5000",
    "postgresql://h/d%C3%A9b?application_name=%C3%A9",
    "postgresql://u@h/db?target_session_attrs=read-write&connect_timeout=5",
]


def _libpq_reads(url: str) -> bool:
    try:
        psycopg.conninfo.conninfo_to_dict(url)
    except (psycopg.ProgrammingError, UnicodeDecodeError):
        return False
    return True


def test_the_keyword_list_is_libpq_s_own() -> None:
    installed = {option.keyword.decode() for option in pq.Conninfo.get_defaults()}
    assert installed <= LIBPQ_KEYWORDS, "a libpq keyword TrustDesk does not know yet"
    secret = {
        option.keyword.decode() for option in pq.Conninfo.get_defaults() if option.dispchar == b"*"
    }
    assert secret <= SECRET_KEYWORDS


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_url_is_refused_in_words_without_its_password(url: str) -> None:
    with pytest.raises(BadDatabaseUrl) as raised:
        server_url(url)
    message = str(raised.value)
    assert SECRET not in message and SECRET[:3] not in message.replace("://", "")
    assert "write" in message or "use" in message or "put the password" in message


@pytest.mark.parametrize("url", GOOD_URLS)
def test_a_url_libpq_reads_passes_through(url: str) -> None:
    assert server_url(url) == url
    assert _libpq_reads(url)


#: Refused although libpq parses them: they fail only when connecting (the port), or
#: libpq would read them otherwise than written (a '/' or '#' in the password, '#').
LIBPQ_PARSES = {
    f"postgresql://u:{SECRET}@h:abc/db",
    f"postgresql://u:{SECRET}@h:99999/db",
    f"postgresql://u:{SECRET[:3]}/{SECRET[3:]}@h/db",
    f"postgresql://u:{SECRET[:3]}#{SECRET[3:]}@h/db",
    "postgresql://h/db#x",
}


@pytest.mark.parametrize("url", [u for u in BAD_URLS if u.startswith("postgres")])
def test_what_is_refused_is_what_libpq_refuses_or_misreads(url: str) -> None:
    assert _libpq_reads(url) == (url in LIBPQ_PARSES)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://u:{SECRET}@h/db",
        f"postgresql://h/db?password={SECRET}",
        f"postgresql://h/db?pass%77ord={SECRET}",
        f"postgresql://h/db?PASSWORD={SECRET}",
        f"postgresql://h/db?sslpassword={SECRET}",
        f"postgresql://h/db?sslmode=require&oauth_client_secret={SECRET}",
        f"postgresql://u:{SECRET[:3]}/{SECRET[3:]}@h/db",
        f"postgresql://u:{SECRET}@[h/db",
        f"host=h password={SECRET}",
    ],
)
def test_masked_hides_a_password_in_any_spelling(url: str) -> None:
    shown = masked(url)
    assert SECRET not in shown and "***" in shown
    assert SECRET[3:] not in shown


def test_has_password_is_not_fooled_by_spelling_and_not_alarmed_by_an_at_sign() -> None:
    assert has_password(f"postgresql://h/db?PassWord={SECRET}")
    assert has_password(f"postgresql://h/db?pass%77ord={SECRET}")
    assert has_password(f"postgresql://u:{SECRET}@[h/db")  # no exception
    assert not has_password("postgresql://h:5432/db?sslrootcert=/etc/td/ca@2.pem")
    assert not has_password("postgresql://desk@h/db")


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("url", [u for u in BAD_URLS if SECRET in u])
def test_the_command_line_and_the_environment_never_echo_the_password(
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(_empty(tmp_path)))
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(tmp_path / "data"))
    code, text = _cli(capsys, "--database", url, "decisions", "list", "--as", "off1")
    assert code == 2 and text.startswith("trustdesk: command line --database")
    assert SECRET not in text and "internal error" not in text and "Traceback" not in text
    monkeypatch.setenv("TRUSTDESK_DATABASE", url)
    code, text = _cli(capsys, "decisions", "list", "--as", "off1")
    assert code == 2 and text.startswith("trustdesk: environment variable TRUSTDESK_DATABASE")
    assert SECRET not in text and "internal error" not in text


def test_config_check_with_a_malformed_url_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'database = "postgresql://u:{SECRET}@[h/db"\n', encoding="utf-8")
    for mode in (0o600, 0o644):
        path.chmod(mode)
        monkeypatch.setenv("TRUSTDESK_CONFIG", str(path))
        code, text = _cli(capsys, "config", "check")
        assert code == 2
        assert text == (
            f"trustdesk: {path}: database URL 'postgresql://u:***@[h/db' is not valid: a '[' "
            "or ']' (around an IPv6 address) has no partner; write the host as a name or as "
            "[ADDRESS] (in a user name, write ':' '/' '@' '?' '#' '[' ']' as %3A %2F %40 %3F %23 "
            "%5B %5D)\n"
        )


def test_the_url_problem_names_where_it_came_from_once(tmp_path: Path) -> None:
    env = {"TRUSTDESK_CONFIG": str(_empty(tmp_path)), "XDG_DATA_HOME": "/xdg"}
    with pytest.raises(config.ConfigError) as raised:
        config.load({"database": "postgresql://u@h/db?foo=1"}, env)
    assert raised.value.problems == [
        "command line --database: database URL 'postgresql://u@h/db?foo=1' is not valid: "
        "option 'foo' is not a libpq connection option; use the options of PostgreSQL's "
        "documentation (34.1.2, Parameter Key Words), such as sslmode, sslrootcert, service"
    ]


def test_a_url_an_older_libpq_refuses_at_connect_is_a_message(tmp_path: Path) -> None:
    from trustdesk.store.errors import StoreError
    from trustdesk.store.postgresql.connection import open_connection

    for url, detail in (
        ("postgresql://h/db?foo=1", 'invalid URI query parameter: "foo"'),
        (f"postgresql://u:{SECRET}%00@h/db", ""),
    ):
        with pytest.raises(StoreError) as raised:
            open_connection(url)
        message = str(raised.value)
        assert "is not one this computer's libpq reads" in message
        assert detail in message and SECRET not in message


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.toml"
    path.touch()
    return path


def test_several_hosts_each_with_its_port_are_taken() -> None:
    """libpq's form for a failover set-up, `postgresql://db1:5432,db2:5433/…`, was
    refused as "its port … is not a number" (a hostile pass): urllib reads one port."""
    from trustdesk.config.dburl import _problem

    assert _problem("postgresql://db1:5432,db2:5433/td?target_session_attrs=read-write") == ""
    assert _problem("postgresql://[::1]:5432,[::2]:5433/td") == ""
    for bad in ("postgresql://db1:54x2,db2:5433/td", "postgresql://db1:99999,db2/td"):
        assert _problem(bad).startswith("its port (after the host and ':') is not a number")


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql:///?service=trustdsk", 'definition of service "trustdsk" not found'),
        ("postgresql:///?service=typo", "syntax error in service file"),
        ("postgresql://127.0.0.1:1/td?sslmode=verify_full", 'invalid sslmode value: "verify_full"'),
    ],
)
def test_a_setting_libpq_cannot_use_is_not_called_an_outage(
    url: str,
    said: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A service name missing from the service file, a line of it libpq cannot read, an
    sslmode spelt wrong: each was "the database server cannot be reached … check the
    network" (a hostile pass on IT's set-up), though no server was asked."""
    services = tmp_path / "pg_service.conf"
    services.write_text("[typo]\nhots=127.0.0.1\n", encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(_empty(tmp_path)))
    code, text = _cli(capsys, "--database", url, "users", "list", "--as", "chief")
    assert code == 2
    assert text.startswith("trustdesk: the database setting cannot be used (")
    assert said in text and "no server was asked" in text
    assert "cannot be reached" not in text and "Traceback" not in text
