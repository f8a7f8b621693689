"""The store on a server shared by several desks: one chain, notifications, a lost server,
and the command line's set-up and refusals."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest
from storekit import ADMIN_PW, PASSWORDS, T0, actor, add_user, draft, in_process_cli

from trustdesk.store import audit
from trustdesk.store.errors import ServerUnavailable
from trustdesk.store.postgresql.schema import NOTIFY_CHANNEL
from trustdesk.store.records import AuditEvent
from trustdesk.store.store import Store


def test_desks_saving_at_once_make_one_linear_chain(pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.new_store_database()
    with Store.open(tmp_path / "setup", database=url) as store:
        officer = add_user(store, "ann", "officer", first=True)
    failures: list[BaseException] = []

    def desk(name: str) -> None:
        try:
            with Store.open(tmp_path / name, database=url) as own:
                for _ in range(15):
                    own.decisions.add(draft(), actor(officer), T0)
        except BaseException as exc:  # reported below, with the others
            failures.append(exc)

    threads = [threading.Thread(target=desk, args=(f"desk{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with Store.open(tmp_path / "check", database=url) as store:
        report = store.verify()
        assert report.problems == ()
        assert report.records == 45
        seqs = [entry.seq for entry in store.audit.latest(10_000)]
        assert seqs == list(range(1, len(seqs) + 1))


def test_every_write_notifies_the_listeners(pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.new_store_database()
    with Store.open(tmp_path, database=url) as store, psycopg.connect(url, autocommit=True) as ear:
        ear.execute(f"LISTEN {NOTIFY_CHANNEL}")
        officer = add_user(store, "ann", "officer", first=True)
        store.decisions.add(draft(), actor(officer), T0)
        head = store.audit.head()[0]
        heard = [json.loads(note.payload) for note in ear.notifies(timeout=2.0, stop_after=2)]
    assert [note["event"] for note in heard] == ["user.created", "decision.created"]
    assert heard[-1]["seq"] == head


def test_a_lost_server_leaves_no_half_record_and_the_store_reconnects(
    pg_cluster: Any, tmp_path: Path
) -> None:
    url = pg_cluster.new_store_database()
    with Store.open(tmp_path, database=url) as store:
        officer = add_user(store, "ann", "officer", first=True)
        head = store.audit.head()

        def interrupted_save() -> None:
            with store.db.transaction() as conn:
                event = AuditEvent("decision.viewed", "success", {"decision": 1})
                audit.append(conn, event, actor(officer), T0)
                pg_cluster.stop("immediate")  # the server dies before the commit

        try:
            with pytest.raises(ServerUnavailable) as caught:
                interrupted_save()
            message = str(caught.value)
            assert "\n" not in message and "cannot be reached" in message
            assert "nothing was recorded" in message
            with pytest.raises(ServerUnavailable):  # still down: said again, plainly
                store.audit.head()
        finally:
            pg_cluster.start()
        assert store.audit.head() == head  # nothing of the interrupted save
        saved = store.decisions.add(draft(), actor(officer), T0)  # reconnected
        assert store.decisions.latest(saved.record.decision_id).id == saved.record.id
        assert store.verify().ok


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    return in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)


def test_store_init_on_the_command_line(cli: Any, pg_cluster: Any) -> None:
    admin_url = pg_cluster.new_database()
    code, out, err = cli("store", "init", admin_url, "--grant-desk", "desk_cli")
    assert code == 0, err
    assert "set up TrustDesk's store" in out and "desk_cli is a member of trustdesk_desk" in out
    code, out, err = cli("store", "init", admin_url)
    assert code == 0 and "already holds TrustDesk's store" in out
    desk_url = admin_url.replace("postgresql://postgres@", "postgresql://desk_cli@")
    code, out, err = cli(
        "--database", desk_url, "users", "add", "chief", "--role", "administrator", new=ADMIN_PW
    )
    assert code == 0, err
    code, out, err = cli("--database", desk_url, "users", "list", "--as", "chief", who="chief")
    assert code == 0 and "chief" in out


def test_store_init_on_the_command_line_refuses_a_database_in_use(
    cli: Any, pg_cluster: Any
) -> None:
    admin_url = pg_cluster.new_database()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE payroll (id int)")
    code, out, err = cli("store", "init", admin_url, "--grant-desk", "a", "--grant-desk", "b")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "already holds public.payroll" in err
    with psycopg.connect(admin_url, autocommit=True) as conn:
        assert conn.execute("SELECT to_regnamespace('trustdesk')").fetchone() == (None,)


def test_store_init_grants_several_desk_roles(cli: Any, pg_cluster: Any) -> None:
    admin_url = pg_cluster.new_database()
    code, out, err = cli("store", "init", admin_url, "--grant-desk", "a1", "--grant-desk", "a2")
    assert code == 0, err
    assert "set up TrustDesk's store" in out  # the first call made it; said so
    assert "a1 is a member" in out and "a2 is a member" in out
    with psycopg.connect(admin_url, autocommit=True) as conn:
        members = conn.execute(
            "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member "
            "JOIN pg_roles g ON g.oid = a.roleid WHERE g.rolname = 'trustdesk_desk'"
        ).fetchall()
    assert {"a1", "a2"} <= {row[0] for row in members}


def _roles() -> Any:
    return "SELECT rolname FROM pg_roles WHERE rolname LIKE 'grant_test%'"


@pytest.mark.parametrize(
    ("second", "said"),
    [
        ("", "is empty"),
        ("grant_test_" + "x" * 60, "longer than PostgreSQL's 63 bytes"),
        ("grant_test\tdesk", "control character"),
        ("trustdesk_desk", "keeps for itself"),
        ("trustdesk_owner", "keeps for itself"),
    ],
)
def test_store_init_refuses_an_unusable_desk_role_changing_nothing(
    cli: Any, pg_cluster: Any, second: str, said: str
) -> None:
    """Each role named was made a desk in its own transaction: a later one refused left
    the first made though "nothing was changed"; an empty name was passed over and
    reported as granted; a long one made a role of another, cut name (a hostile review
    found them). Every name is checked first, and all are granted in one transaction."""
    admin_url = pg_cluster.new_database()
    code, out, err = cli(
        "store", "init", admin_url, "--grant-desk", "grant_test_a", "--grant-desk", second
    )
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"--grant-desk {second!r} " in err and said in err and "nothing was changed" in err
    with psycopg.connect(admin_url, autocommit=True) as conn:
        assert conn.execute(_roles()).fetchall() == []
        assert conn.execute("SELECT to_regnamespace('trustdesk')").fetchone() == (None,)


def test_desk_roles_are_granted_in_the_store_s_own_transaction(
    pg_cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server refuses the second role (here: a name that is a group, as a stand-in
    for any refusal): the first is not left made."""
    from trustdesk.store.errors import StoreError
    from trustdesk.store.postgresql import setup

    admin_url = pg_cluster.new_database()
    real = setup._desk_login

    def second_refused(conn: Any, role: str) -> None:
        real(conn, role)
        if role == "grant_test_b":
            raise setup.SetupRefused("refused by the server")

    monkeypatch.setattr(setup, "_desk_login", second_refused)
    with pytest.raises(StoreError, match="refused by the server"):
        setup.init_store(admin_url, grant_desk=["grant_test_a", "grant_test_b"])
    with psycopg.connect(admin_url, autocommit=True) as conn:
        assert conn.execute(_roles()).fetchall() == []


def test_the_command_line_refuses_a_password_in_the_url(cli: Any) -> None:
    for args in (
        ("--database", "postgresql://desk:secret@db.example/td", "users", "list", "--as", "a"),
        ("store", "init", "postgresql://admin:secret@db.example/td"),
        ("store", "init", "postgresql://db.example/td?password=secret"),
    ):
        code, out, err = cli(*args)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and "pgpass" in err and "secret" not in err


def test_backup_and_restore_on_a_server_point_to_its_own_tools(
    cli: Any, pg_cluster: Any, tmp_path: Path
) -> None:
    url = pg_cluster.new_store_database()
    assert (
        cli("--database", url, "users", "add", "chief", "--role", "administrator", new=ADMIN_PW)[0]
        == 0
    )
    code, _, err = cli(
        "--database", url, "backup", str(tmp_path / "b.db"), "--as", "chief", who="chief"
    )
    assert code == 2 and "pg_dump" in err and "Traceback" not in err
    assert not (tmp_path / "b.db").exists()


def test_an_unreachable_server_is_one_line_on_the_command_line(cli: Any) -> None:
    code, out, err = cli(
        "--database",
        "postgresql://desk@127.0.0.1:1/td",
        "users",
        "list",
        "--as",
        "chief",
        who="chief",
    )
    assert code == 2 and out == ""
    assert err.startswith("trustdesk: the database server cannot be reached")
    assert err.count("\n") == 1


def test_a_desk_that_holds_the_write_lock_too_long_is_reported_busy(
    pg_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.store.errors import AlreadyOpen
    from trustdesk.store.postgresql import connection
    from trustdesk.store.postgresql.schema import CHAIN_LOCK_KEY

    monkeypatch.setattr(connection, "LOCK_WAIT_SECONDS", 1)
    url = pg_cluster.new_store_database()
    with Store.open(tmp_path, database=url) as store:
        officer = add_user(store, "ann", "officer", first=True)
        head = store.audit.head()
        with psycopg.connect(url) as frozen:  # another desk, stuck mid-save
            frozen.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK_KEY,))
            with pytest.raises(AlreadyOpen, match="busy"):
                store.decisions.add(draft(), actor(officer), T0)
        assert store.audit.head() == head
        store.decisions.add(draft(), actor(officer), T0)  # its turn came
        assert store.verify().ok


def test_on_a_server_only_its_administrators_recover_the_only_administrator(
    cli: Any, pg_cluster: Any, tmp_path: Path
) -> None:
    from pgkit import superuser_url

    url = pg_cluster.new_store_database()
    assert (
        cli("--database", url, "users", "add", "chief", "--role", "administrator", new=ADMIN_PW)[0]
        == 0
    )
    new = "a brand new long password"
    # Whoever controls a desk (its data folder) does not control the facility's records.
    code, out, err = cli("--database", url, "users", "recover", "chief", new=new)
    assert code == 2 and out == ""
    assert "database role desk_test may not recover accounts" in err
    code, out, err = cli("--database", superuser_url(url), "users", "recover", "chief", new=new)
    assert code == 0, err
    with Store.open(tmp_path / "check", database=url) as store:
        refused = store.audit.of_events("account.recovery_refused")[0].objects_dict()
        recovered = store.audit.of_events("account.recovered")[0].objects_dict()
    assert refused["db_role"] == "desk_test" and recovered["db_role"] == "postgres"


def test_lockout_is_shared_by_every_desk_of_the_facility(
    pg_cluster: Any, tmp_path: Path, rules: Any
) -> None:
    from storekit import ROLE_PASSWORDS, Clock, open_desk

    from trustdesk.services.errors import AccountLocked, AuthenticationFailed

    url = pg_cluster.new_store_database()
    clock = Clock()
    first = open_desk(tmp_path / "a", rules, clock, database=url)
    second = open_desk(tmp_path / "b", rules, clock, database=url)  # another workstation
    try:
        for desk in (first, second, first, second, first):  # five failures, two desks
            with pytest.raises(AuthenticationFailed):
                desk.services.accounts.log_on("officer", "not the password")
            clock.advance(minutes=1)
        for desk in (first, second):
            with pytest.raises(AccountLocked):
                desk.services.accounts.log_on("officer", ROLE_PASSWORDS["officer"])
        admin = second.session("admin")
        second.services.accounts.unlock(admin, "officer")
        first.session("officer")  # unlocked on the other desk too
    finally:
        first.services.close()
        second.services.close()


@pytest.mark.parametrize("what", ["database", "role"])
def test_a_refused_log_on_is_not_called_a_network_fault(
    cli: Any, pg_cluster: Any, what: str
) -> None:
    """The server answered and refused the log-on: "check the network" sent IT the wrong
    way, and a desk took it for an outage (a hostile review found it). A wrong password
    takes the same path; the test cluster trusts every local log-on, so it cannot be
    tried here."""
    url = {
        "database": pg_cluster.url("no_such_trustdesk_db"),
        "role": pg_cluster.url("postgres", user="no_such_trustdesk_role"),
    }[what]
    code, out, err = cli("--database", url, "users", "list", "--as", "chief", who="chief")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("trustdesk: the database server refused TrustDesk's log-on"), err
    assert "cannot be reached" not in err and "pg_hba.conf" in err
    assert "does not exist" in err


@pytest.mark.parametrize(
    ("said", "refused"),
    [
        ('connection failed: FATAL:  password authentication failed for user "desk"', True),
        ("connection failed: fe_sendauth: no password supplied", True),
        ('FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "desk", database "td"', True),
        ("FATAL:  the database system is starting up", False),
        ("FATAL:  the database system is shutting down", False),
        ("FATAL:  sorry, too many clients already", False),
        ("SSL SYSCALL error: EOF detected", False),
        ('connection to server at "10.0.0.7", port 5432 failed: Connection refused', False),
        ("connection to server failed: timeout expired", False),
    ],
)
def test_what_counts_as_a_refused_log_on(said: str, refused: bool) -> None:
    """libpq's words for a log-on refused for good, against those of a server starting,
    stopping, full or out of reach (which a desk waits out)."""
    from trustdesk.store.postgresql.connection import _refused_log_on

    assert _refused_log_on(psycopg.OperationalError(said)) is refused


def test_a_refused_log_on_is_remembered_until_one_succeeds_or_fails_otherwise() -> None:
    """What the desk's banner says while the record is out of reach: the last refusal of
    this URL, forgotten once a log-on to it succeeds or fails as an outage."""
    from trustdesk.store.postgresql.connection import log_on_refused, note_log_on

    url, other = "postgresql://desk@10.0.0.7/td_refusals", "postgresql://desk@10.0.0.8/td"
    refusal = psycopg.OperationalError(
        'connection failed: FATAL:  password authentication failed for user "desk"'
    )
    outage = psycopg.OperationalError("connection to server failed: timeout expired")
    note_log_on(url, refusal)
    said = 'database td_refusals on 10.0.0.7: password authentication failed for user "desk"'
    assert log_on_refused(url) == said
    assert log_on_refused(other) is None
    note_log_on(url, None)
    assert log_on_refused(url) is None
    note_log_on(url, refusal)
    note_log_on(url, outage)
    assert log_on_refused(url) is None
