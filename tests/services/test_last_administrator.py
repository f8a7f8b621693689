"""The agency always keeps an administrator who can sign in (hostile pass on accounts).

Two holes were found:

- **A count made before the write.** Two administrators at two desks, each disabling (or
  demoting) the other at the same moment, both saw two administrators and both wrote.
  The agency was left with none, and `users recover` then refused both accounts: it is
  for an active administrator.
- **A locked-out administrator counted as one who can administer.** With the other
  administrator locked out, the last one could demote themself, and no warning said
  that only one could sign in.

Now the store counts the administrators who can sign in inside the change's write
transaction, after the writers' turn.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from servicekit import FAST_HASHER, ROLE_PASSWORDS

from trustdesk.services.bundle import Services, open_services
from trustdesk.services.errors import AccountLocked, AuthenticationFailed, InvalidRequest

PASSWORD = ROLE_PASSWORDS["administrator"]
LAST = "is the last active administrator who can sign in"


def _second_desk(desk: Any, tmp_path: Path, rules: Any, database: str | None) -> Services:
    """Another desk on the same record: on SQLite another program on the same folder."""
    return open_services(
        desk.store.data_dir if database is None else tmp_path / "desk2",
        rules,
        hasher=FAST_HASHER,
        clock=desk.clock,
        database=database,
    )


def _administrators(services: Services) -> list[str]:
    return sorted(
        u.username
        for u in services.accounts.users.all()
        if u.role == "administrator" and u.active and u.locked_at is None
    )


def _lock_out(services: Services, name: str) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            services.accounts.log_on(name, "not the password at all")
    with pytest.raises(AccountLocked):
        services.accounts.log_on(name, PASSWORD)


@pytest.mark.parametrize("how", ["disable", "demote"])
def test_two_administrators_removing_each_other_at_once_leave_one(
    desk: Any, tmp_path: Path, rules: Any, database: str | None, how: str
) -> None:
    accounts = desk.services.accounts
    admin = accounts.log_on("admin", PASSWORD)
    accounts.add_user(admin, "boss", "administrator", PASSWORD)
    other = _second_desk(desk, tmp_path, rules, database)
    try:
        boss = other.accounts.log_on("boss", PASSWORD)

        def act(services: Services, session: Any, name: str) -> None:
            if how == "disable":
                services.accounts.set_active(session, name, False)
            else:
                services.accounts.set_role(session, name, "officer")

        # Desk 1 has made every check of its own and is about to write; at that moment
        # desk 2 removes desk 1's administrator (disabled) or itself (demoted).
        users = accounts.users
        real_change, fired = users.change, []

        def change(*args: Any, **kwargs: Any) -> Any:
            if not fired:
                fired.append(True)
                act(other, boss, "admin" if how == "disable" else "boss")
            return real_change(*args, **kwargs)

        users.change = change  # type: ignore[method-assign]
        with pytest.raises(InvalidRequest, match=LAST):
            act(desk.services, admin, "boss" if how == "disable" else "admin")
        users.change = real_change  # type: ignore[method-assign]
        assert fired
        assert _administrators(other) == (["boss"] if how == "disable" else ["admin"])
        changed = "user.disabled" if how == "disable" else "user.role_changed"
        assert len(list(desk.store.audit.of_events(changed))) == 1  # the refused one: none
        assert desk.store.verify().problems == ()
    finally:
        other.close()


@pytest.mark.postgresql_only("two desks at once on one server, with no timing forced")
def test_two_desks_disabling_each_others_administrator_in_threads(
    desk: Any, tmp_path: Path, rules: Any, database: str | None
) -> None:
    first, second = desk.services, _second_desk(desk, tmp_path, rules, database)
    admin = first.accounts.log_on("admin", PASSWORD)
    try:
        for round_ in range(10):
            name = f"boss{round_}"
            first.accounts.add_user(admin, name, "administrator", PASSWORD)
            boss = second.accounts.log_on(name, PASSWORD)
            barrier, refused = threading.Barrier(2), []

            def disable(
                services: Services,
                session: Any,
                target: str,
                barrier: threading.Barrier = barrier,
                refused: list[str] = refused,
            ) -> None:
                barrier.wait()
                try:
                    services.accounts.set_active(session, target, False)
                except (InvalidRequest, AuthenticationFailed) as exc:
                    refused.append(str(exc))

            threads = [
                threading.Thread(target=disable, args=(first, admin, name)),
                threading.Thread(target=disable, args=(second, boss, "admin")),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            # One is refused: counted after the other's change, its target is the last
            # administrator; or, when the other's change came before its own account was
            # read, it is refused as disabled itself.
            assert len(refused) == 1, (round_, refused)
            why = refused[0]
            assert LAST in why or why.endswith("is disabled; ask an administrator"), round_
            assert len(_administrators(first)) == 1
            if _administrators(first) == [name]:  # admin lost: boss puts things back
                second.accounts.set_active(boss, "admin", True)
                admin = first.accounts.log_on("admin", PASSWORD)
            first.accounts.set_active(admin, name, False)
    finally:
        second.close()


def test_a_locked_out_administrator_does_not_count(desk: Any) -> None:
    accounts = desk.services.accounts
    admin = accounts.log_on("admin", PASSWORD)
    accounts.add_user(admin, "boss", "administrator", PASSWORD)
    assert accounts.administrator_warning() == ""
    _lock_out(desk.services, "boss")
    warning = accounts.administrator_warning()
    assert "only one active administrator who can sign in" in warning
    assert "unlock one that is locked out" in warning
    with pytest.raises(InvalidRequest, match=LAST):
        accounts.set_role(admin, "admin", "officer")
    assert accounts.users.get("admin").role == "administrator"
    # The locked-out one may be demoted or disabled: the one who can sign in remains.
    accounts.set_active(admin, "boss", False)
    assert _administrators(desk.services) == ["admin"]
    assert desk.store.verify().problems == ()
