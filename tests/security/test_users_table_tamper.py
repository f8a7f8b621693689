"""Issue 17 § 3: a direct edit of the users table must not take effect.

Each account's row is compared with its last audit-chained account entry at sign-in and
before every privileged action; a difference is refused with "account record altered
outside TrustDesk" and recorded as its own audit entry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hostile import PASSWORDS, attacker, staff, the_error
from storekit import ROLE_PASSWORDS, in_process_cli

from trustdesk.services.errors import ServiceError
from trustdesk.store.store import Store

ALTERED = "account record altered outside TrustDesk"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    return in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)


def _altered_entries(data: Path) -> list[dict[str, Any]]:
    with Store.open(data) as store:
        return [entry.objects_dict() for entry in store.audit.of_events("account.record_altered")]


def test_officer_made_administrator_in_the_users_table_is_refused(cli: Any) -> None:
    staff(cli)
    with attacker(cli.data) as conn:
        conn.execute("UPDATE users SET role = 'administrator' WHERE username = 'ann'")
    code, _out, err = cli(
        "users", "set-role", "sam", "--role", "administrator", "--as", "ann", who="ann"
    )
    assert code == 2 and ALTERED in the_error(err)
    with Store.open(cli.data) as store:
        assert store.users.get("sam").role == "supervisor"
    found = _altered_entries(cli.data)
    assert found and found[-1]["username"] == "ann" and found[-1]["fields"] == ["role"]


def test_password_hash_copied_in_the_users_table_is_refused(cli: Any) -> None:
    staff(cli)
    with attacker(cli.data) as conn:
        conn.execute(
            "UPDATE users SET password_hash = "
            "(SELECT password_hash FROM users WHERE username = 'ann') WHERE username = 'chief'"
        )
    # ann now knows "chief's" password: her own.
    code, _out, err = cli("users", "list", "--as", "chief", who=PASSWORDS["ann"])
    assert code == 2 and ALTERED in the_error(err)
    found = _altered_entries(cli.data)
    assert found and found[-1]["username"] == "chief"
    assert found[-1]["fields"] == ["credential_sha256"]


def test_users_table_edit_during_a_session_is_refused_at_the_next_privileged_action(
    desk: Any,
) -> None:
    officer = desk.session("officer")
    with attacker(desk.store.data_dir) as conn:
        conn.execute("UPDATE users SET role = 'administrator' WHERE username = 'officer'")
    with pytest.raises(ServiceError, match=ALTERED):
        desk.services.accounts.list_users(officer)
    # An administrator may not launder the edit by changing the account either.
    admin = desk.session("admin")
    with pytest.raises(ServiceError, match=ALTERED):
        desk.services.accounts.set_details(admin, "officer", "Ann Officer", None)
    with pytest.raises(ServiceError, match=ALTERED):
        desk.services.accounts.log_on("officer", ROLE_PASSWORDS["officer"])
    assert desk.store.users.get("officer").full_name == ""


def test_accounts_check_out_after_a_restore_in_the_same_session(desk: Any, tmp_path: Path) -> None:
    """No false alarm: the check follows the chain now in place, not the one it first read."""
    admin = desk.session("admin")
    accounts, records = desk.services.accounts, desk.services.records
    backup = tmp_path / "before.tdbackup"
    records.backup(admin, backup)
    accounts.set_role(admin, "officer", "supervisor")
    accounts.set_details(admin, "officer2", "Ann Other", "S-22")
    assert accounts.list_users(admin)  # the check has read the longer chain
    records.restore(admin, backup, discard_newer=True)
    assert desk.store.users.get("officer").role == "officer"
    assert accounts.list_users(admin)
    accounts.set_details(admin, "officer", "Ann Officer", None)
    assert desk.session("officer").username == "officer"


def test_a_lock_lifted_in_the_users_table_is_refused_at_sign_in(cli: Any) -> None:
    """Five wrong passwords lock ann; the lock lifted (and the failures deleted) with
    the sqlite3 tool: she is still refused, as altered, until an administrator restores
    the records (decision 0060)."""
    staff(cli)
    for _ in range(5):
        assert cli("users", "list", "--as", "ann", who="not ann's password")[0] == 2
    code, _out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 2 and "locked" in the_error(err)
    with attacker(cli.data) as conn:
        conn.execute("UPDATE users SET locked_at = NULL WHERE username = 'ann'")
        conn.execute(
            "DELETE FROM login_failures WHERE user_id = "
            "(SELECT id FROM users WHERE username = 'ann')"
        )
    code, _out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 2 and ALTERED in the_error(err)
    found = _altered_entries(cli.data)
    assert found and found[-1]["username"] == "ann" and found[-1]["fields"] == ["locked_at"]


def test_an_unlock_time_set_in_the_users_table_is_refused_at_sign_in(cli: Any) -> None:
    """``unlocked_at`` set far ahead (failed sign-ins before it would never count): the
    account is refused as altered."""
    staff(cli)
    with attacker(cli.data) as conn:
        conn.execute(
            "UPDATE users SET unlocked_at = '9999-12-31T00:00:00.000000Z' WHERE username = 'chief'"
        )
    code, _out, err = cli("users", "list", "--as", "chief", who="chief")
    assert code == 2 and ALTERED in the_error(err)
    assert _altered_entries(cli.data)[-1]["fields"] == ["unlocked_at"]
