"""Issue 17 § 2: locking out the only administrator.

Five wrong passwords typed by anyone at the desk lock the only administrator. The way
back needs control of the machine (the operating-system account owning the data
folder, or root), never a password; while only one administrator can sign in, TrustDesk
says so; and a locked account answers a wrong password exactly as an unknown name does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hostile import ADMIN_PW, NEW_PW, PASSWORDS, WRONG, attacker, staff, the_error
from PySide6.QtCore import Qt
from storekit import in_process_cli
from uikit import password

from trustdesk.store.store import Store

LEFT = Qt.MouseButton.LeftButton
ONLY_ADMIN = "only one active administrator"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    return in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)


def _lock_out(cli: Any, name: str) -> list[str]:
    """Five wrong passwords for ``name``; the messages they got."""
    messages = []
    for _ in range(5):
        code, _out, err = cli("users", "list", "--as", name, who=WRONG)
        assert code == 2
        messages.append(the_error(err))
    return messages


def test_locked_out_only_administrator_is_recovered_by_the_machine_owner(cli: Any) -> None:
    staff(cli)
    _lock_out(cli, "chief")
    code, _out, err = cli("users", "list", "--as", "chief", who="chief")
    assert code == 2 and "locked" in the_error(err)
    assert "trustdesk users recover chief" in the_error(err)  # the way back, once proved
    # The data folder belongs to the account running the tests (or root runs them).
    assert os.stat(cli.data).st_uid in (os.geteuid(), 0) or os.geteuid() == 0

    code, out, err = cli("users", "recover", "chief", new=NEW_PW)
    assert code == 0, err
    assert "chief" in out and "unlocked" in out
    code, _out, err = cli("users", "list", "--as", "chief", who=ADMIN_PW)
    assert code == 2  # the old password no longer works
    code, out, err = cli("users", "list", "--as", "chief", who=NEW_PW)
    assert code == 0, err and "chief" in out

    with Store.open(cli.data) as store:
        entries = store.audit.of_events("account.recovered")
        assert len(entries) == 1
        recovered = entries[0].objects_dict()
        assert recovered["username"] == "chief" and recovered["role"] == "administrator"
        assert recovered["os_uid"] == os.geteuid()
        assert entries[0].actor is None  # nobody signed in: the machine vouched
        assert store.verify().ok


def test_recovery_is_refused_to_an_account_that_does_not_own_the_data_folder(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff(cli)
    _lock_out(cli, "chief")
    stranger = os.stat(cli.data).st_uid + 4242
    monkeypatch.setattr(os, "geteuid", lambda: stranger)
    code, _out, err = cli("users", "recover", "chief", new=NEW_PW)
    assert code == 2
    message = the_error(err)
    assert "owns the data folder" in message and "root" in message
    with Store.open(cli.data) as store:
        assert store.users.get("chief").locked_at is not None
        assert store.audit.of_events("account.recovered") == []
        refused = store.audit.of_events("account.recovery_refused")
        assert refused and refused[-1].objects_dict()["os_uid"] == stranger


def test_recovery_through_a_folder_of_ones_own_linking_to_the_record_is_refused(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A desk account with write access to IT's shared folder (decision 0008) made a
    folder of its own holding a link to the shared ``trustdesk.db``, recovered the
    record's only administrator through it, and signed in as them (hostile pass): only
    the folder named was asked who owned it."""
    if os.geteuid() != 0:
        pytest.skip("giving folders to two owners needs root (CI runs the suite as root)")
    staff(cli)
    _lock_out(cli, "chief")
    officer = os.stat(cli.data).st_uid + 4242  # not the record's owner
    own = tmp_path / "own"
    own.mkdir()
    (own / "trustdesk.db").symlink_to(cli.data / "trustdesk.db")
    os.chown(own, officer, officer)
    os.lchown(own / "trustdesk.db", officer, officer)
    monkeypatch.setattr(os, "geteuid", lambda: officer)
    code, _out, err = cli("--data-dir", str(own), "users", "recover", "chief", new=NEW_PW)
    assert code == 2, err
    message = the_error(err)
    assert "may not recover accounts" in message
    assert "owns the data folder and the database file it holds" in message
    with Store.open(cli.data) as store:
        assert store.users.get("chief").locked_at is not None
        assert store.audit.of_events("account.recovered") == []
    # The new password was never set: a locked account answers it as a wrong one.
    code, _out, err = cli("users", "list", "--as", "chief", who=NEW_PW)
    assert code == 2 and the_error(err) == "trustdesk: wrong user name or password"


def test_recovery_is_refused_while_another_administrator_can_sign_in(cli: Any) -> None:
    staff(cli, second_admin=True)
    _lock_out(cli, "chief")
    code, _out, err = cli("users", "recover", "chief", new=NEW_PW)
    assert code == 2 and "deputy" in the_error(err) and "unlock" in the_error(err)
    code, _out, err = cli("users", "recover", "ann", new=NEW_PW)
    assert code == 2 and "administrator" in the_error(err)


def test_cli_warns_an_only_administrator_at_sign_in(cli: Any) -> None:
    staff(cli)
    code, _out, err = cli("users", "list", "--as", "chief", who="chief")
    assert code == 0
    assert err.startswith("trustdesk: warning: ") and ONLY_ADMIN in err
    assert "second administrator" in err
    code, _out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 0 and err == ""  # only administrators are told
    code, _out, err = cli(
        "users", "add", "deputy", "--role", "administrator", "--as", "chief", who="chief",
        new=PASSWORDS["deputy"],
    )  # fmt: skip
    assert code == 0
    code, _out, err = cli("users", "list", "--as", "chief", who="chief")
    assert code == 0 and err == ""


def test_sign_in_page_and_administration_warn_while_only_one_administrator(
    make_window: Any, qtbot: Any, gui_desk: Any
) -> None:
    window = make_window()
    page = window.sign_in
    assert page.admin_warning.isVisibleTo(window)
    assert ONLY_ADMIN in page.admin_warning.text()
    page.acknowledge.setChecked(True)
    qtbot.keyClicks(page.username, "admin")
    qtbot.keyClicks(page.password, password("administrator"))
    with qtbot.waitSignal(window.signed_in, timeout=5000):
        qtbot.mouseClick(page.button, LEFT)
    admin = window.workspace.admin
    window.workspace.tabs.setCurrentWidget(admin)
    admin.tabs.setCurrentWidget(admin.users)
    tab = admin.users
    assert tab.admin_warning.isVisibleTo(tab)
    warning = tab.admin_warning.text()
    assert ONLY_ADMIN in warning and "second administrator" in warning

    # A second administrator, added as a person would: the warning goes.
    session = gui_desk.session("admin")
    gui_desk.services.accounts.add_user(session, "deputy", "administrator", PASSWORDS["deputy"])
    tab.refresh()
    assert not tab.admin_warning.isVisibleTo(tab)
    window.sign_out()
    assert not window.sign_in.admin_warning.isVisibleTo(window)


def test_locked_account_message_matches_wrong_password_cli(cli: Any) -> None:
    staff(cli)
    code, _out, err = cli("users", "list", "--as", "nobody", who=WRONG)
    unknown = the_error(err)
    assert code == 2 and "wrong user name or password" in unknown
    messages = _lock_out(cli, "ann")
    assert messages == [unknown] * 5  # the fifth failure locks, silently
    code, _out, err = cli("users", "list", "--as", "ann", who=WRONG)
    assert code == 2 and the_error(err) == unknown
    # Whoever proves the password may be told the truth.
    code, _out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 2 and "locked" in the_error(err)


def test_locked_account_message_matches_wrong_password_gui(
    make_window: Any, qtbot: Any, gui_desk: Any
) -> None:
    window = make_window()
    page = window.sign_in
    page.acknowledge.setChecked(True)

    def attempt(name: str, secret: str) -> str:
        page.username.clear()
        qtbot.keyClicks(page.username, name)
        qtbot.keyClicks(page.password, secret)
        qtbot.keyClick(page.password, Qt.Key.Key_Return)
        return str(page.error.text())

    unknown = attempt("nobody", WRONG)
    assert "wrong user name or password" in unknown.lower()
    assert [attempt("officer", WRONG) for _ in range(6)] == [unknown] * 6
    assert gui_desk.store.users.get("officer").locked_at is not None
    assert "locked" in attempt("officer", password("officer"))
    assert window.context is None


def test_recovery_is_refused_for_an_account_altered_outside_trustdesk(cli: Any) -> None:
    """Recovering an altered row would record it as genuine: restore a backup instead."""
    staff(cli)
    _lock_out(cli, "chief")
    with attacker(cli.data) as conn:
        conn.execute("UPDATE users SET badge = 'X-1' WHERE username = 'chief'")
    code, _out, err = cli("users", "recover", "chief", new=NEW_PW)
    assert code == 2 and "account record altered outside TrustDesk" in the_error(err)
    with Store.open(cli.data) as store:
        assert store.audit.of_events("account.recovered") == []
