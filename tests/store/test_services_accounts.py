"""Accounts: first administrator, password rules, scrypt, lockout that survives restarts."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from storekit import FAST_HASHER, ROLE_PASSWORDS, Desk, open_desk

from trustdesk.services import passwords
from trustdesk.services.errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidRequest,
    PasswordRejected,
    PermissionDenied,
)
from trustdesk.services.passwords import PasswordHasher, ScryptParams, check_new_password
from trustdesk.store.audit import entries_for

OFFICER_PW = ROLE_PASSWORDS["officer"]


def events(desk: Desk, event: str) -> list[dict[str, object]]:
    with desk.store.db.reading() as conn:
        return [
            {"outcome": e.outcome, "actor": e.actor, **e.objects_dict()}
            for e in entries_for(conn, event)
        ]


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("short1!", "too short"),
        ("        ", "only spaces"),
        ("password123", "common or breached"),
        ("PASSWORD123", "common or breached"),
        ("Trustdesk123", "common or breached"),
        ("x" * 1025, "longer than 1024"),
        ("ann-is-my-name", "user name"),
    ],
)
def test_password_rules(password: str, words: str) -> None:
    with pytest.raises(PasswordRejected, match=words):
        check_new_password(password, "ann")


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("\u200b" * 8, r"contains U\+200B, a control or invisible character"),
        ("\ufeff" * 4 + " " * 4, r"contains U\+FEFF"),
        ("amber\tfield lighthouse", r"contains U\+0009"),
        ("amber field\u202e lighthouse", r"contains U\+202E"),
        ("\u200d" * 8, r"too short \(0 characters not counting the invisible joiners\)"),
        ("\u200c" + " " * 8, "only spaces"),
        ("password\u200d123", "common or breached"),
    ],
)
def test_a_password_of_invisible_characters_is_refused_saying_which(
    typed: str, words: str, desk: Desk
) -> None:
    """Eight zero-width spaces passed the "not only spaces" check (``str.strip`` leaves
    them): an account whose password nobody can see or type again (a hostile pass)."""
    admin = desk.session("admin")
    with pytest.raises(PasswordRejected, match=words):
        desk.services.accounts.add_user(admin, "chief", "supervisor", typed)
    assert "chief" not in [u.username for u in desk.store.users.all()]


def test_passwords_of_visible_characters_and_spaces_are_still_accepted() -> None:
    for typed in (
        "correct horse battery staple",
        "  leading and trailing spaces  ",
        "Łódź ulica 7 zielona",
        "\u0646\u0627\u0645\u0647\u200c\u0647\u0627 river lantern",  # a Persian word's joiner
        "\U0001f469\u200d\U0001f4bb at the desk 42",  # an emoji sequence
        "\u3000".join(["amber", "field", "lighthouse"]),  # ideographic spaces
    ):
        check_new_password(typed, "ann")


def test_a_short_user_name_bars_a_password_only_as_a_word() -> None:
    """A hostile pass: for users "al" and "ed", "totally fine passphrase 7" and "purple
    tomato wished" were refused for containing the user name."""
    check_new_password("totally fine passphrase 7", "al")
    check_new_password("purple tomato wished", "ed")
    for password in ("al river lantern 7", "river-lantern_AL-42", "ED ED ED ED ED"):
        with pytest.raises(PasswordRejected, match="user name as a word"):
            check_new_password(password, "al" if "al" in password.casefold() else "ed")
    with pytest.raises(PasswordRejected, match="contain the user name"):
        check_new_password("river annabel lantern", "anna")  # 4 letters: anywhere


def test_a_new_password_the_same_once_normalised_is_refused(desk: Desk) -> None:
    """A hostile pass: a fullwidth ｂ for b made a "new" password that hashes as the old."""
    accounts = desk.services.accounts
    current = ROLE_PASSWORDS["officer"]
    session = accounts.log_on("officer", current)
    assert current.startswith("b")
    same = "\uff42" + current[1:]  # fullwidth ｂ
    with pytest.raises(PasswordRejected, match="fullwidth"):
        accounts.change_own_password(session, current, same)
    assert events(desk, "user.password_changed") == []
    assert accounts.log_on("officer", current).username == "officer"


def test_long_passwords_are_accepted_and_never_truncated() -> None:
    base = "a passphrase that goes on and on " * 8  # ~260 characters
    check_new_password(base + "one", "ann")
    stored = FAST_HASHER.hash(base + "one")
    assert FAST_HASHER.verify(base + "one", stored)
    assert not FAST_HASHER.verify(base + "two", stored)  # the 261st character counts
    assert not FAST_HASHER.verify(base, stored)


def test_scrypt_format_salt_and_constant_time_compare() -> None:
    hasher = PasswordHasher(ScryptParams(n=2**8))
    first, second = hasher.hash("the same password"), hasher.hash("the same password")
    assert first != second  # salted
    assert first.startswith("scrypt$n=256$r=8$p=1$")
    assert hasher.verify("the same password", first)
    assert not hasher.verify("the same passwore", first)
    assert not hasher.verify("x", "not-a-hash")
    assert "hmac.compare_digest" in inspect.getsource(passwords.PasswordHasher.verify_with_seed)
    assert PasswordHasher().params.n == 2**17  # production cost (OWASP)
    assert hasher.needs_rehash(first) is False
    assert PasswordHasher().needs_rehash(first) is True
    # NFKC: the same password typed with a composed or decomposed accent
    assert hasher.verify("caf\u00e9 au lait", hasher.hash("cafe\u0301 au lait"))


def test_first_administrator_only_once(tmp_path: Path, rules: object) -> None:
    from trustdesk.services.bundle import open_services

    with open_services(tmp_path / "d", rules, hasher=FAST_HASHER) as services:  # type: ignore[arg-type]
        assert services.accounts.needs_first_administrator()
        with pytest.raises(PasswordRejected):
            services.accounts.create_first_administrator("chief", "password")
        user = services.accounts.create_first_administrator("Chief", "a good long password")
        assert (user.username, user.role) == ("chief", "administrator")
        with pytest.raises(InvalidRequest, match="already has accounts"):
            services.accounts.create_first_administrator("other", "a good long password")
        assert not services.accounts.needs_first_administrator()


def test_logon_success_and_failures_are_audited(desk: Desk) -> None:
    session = desk.session("officer")
    assert session.username == "officer"
    with pytest.raises(AuthenticationFailed, match="wrong user name or password"):
        desk.services.accounts.log_on("officer", "wrong password!")
    with pytest.raises(AuthenticationFailed, match="wrong user name or password"):
        desk.services.accounts.log_on("nobody-here", OFFICER_PW)
    logons = events(desk, "logon")
    assert {"outcome": "success", "actor": "officer", "user": session.user_id} in logons
    failure = [e for e in logons if e["outcome"] == "failure"]
    assert failure[0]["reason"] == "bad_password"
    assert failure[1]["reason"] == "unknown_user" and "nobody" not in str(failure[1])
    assert OFFICER_PW not in str(logons)


def test_five_failures_in_fifteen_minutes_lock_until_an_admin_unlocks(
    desk: Desk, tmp_path: Path, rules: object, database: str | None
) -> None:
    accounts = desk.services.accounts
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            accounts.log_on("officer", "not the password")
        desk.clock.advance(minutes=3)
    # The fifth failure locks the account, but says only what any wrong password says:
    # someone who has not proved the password is not told the name exists (issue 17).
    with pytest.raises(AuthenticationFailed, match="wrong user name or password") as caught:
        accounts.log_on("officer", "not the password")
    assert not isinstance(caught.value, AccountLocked)
    with pytest.raises(AccountLocked, match="locked"):  # even with the right password
        accounts.log_on("officer", OFFICER_PW)
    assert [e["failures"] for e in events(desk, "account.locked")] == [5]
    # the lock survives a restart of TrustDesk
    desk.services.close()
    again = open_desk(tmp_path / "data", rules, desk.clock, database=database)
    desk.clock.advance(days=2)
    with pytest.raises(AccountLocked):
        again.services.accounts.log_on("officer", OFFICER_PW)
    officer_session = again.session("officer2")
    with pytest.raises(PermissionDenied):
        again.services.accounts.unlock(officer_session, "officer")
    admin = again.session("admin")
    again.services.accounts.unlock(admin, "officer")
    assert again.session("officer").username == "officer"
    # after the unlock, old failures no longer count
    with pytest.raises(AuthenticationFailed) as caught:
        again.services.accounts.log_on("officer", "still wrong")
    assert not isinstance(caught.value, AccountLocked)
    again.services.close()
    desk.services = again.services  # let the fixture close the reopened one


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(desk: Desk) -> None:
    for _ in range(8):
        with pytest.raises(AuthenticationFailed) as caught:
            desk.services.accounts.log_on("officer", "not the password")
        assert not isinstance(caught.value, AccountLocked)
        desk.clock.advance(minutes=4)
    assert desk.session("officer").username == "officer"


def test_a_successful_logon_resets_the_count(desk: Desk) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            desk.services.accounts.log_on("officer", "nope nope nope")
    desk.session("officer")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed) as caught:
            desk.services.accounts.log_on("officer", "nope nope nope")
        assert not isinstance(caught.value, AccountLocked)


def test_administration(desk: Desk) -> None:
    accounts = desk.services.accounts
    admin = desk.session("admin")
    with pytest.raises(InvalidRequest, match="not valid"):
        accounts.add_user(admin, "bad name!", "officer", "a good long password")
    with pytest.raises(InvalidRequest, match="role"):
        accounts.add_user(admin, "eve", "superuser", "a good long password")
    accounts.add_user(admin, "eve", "officer", "a good long password")
    assert accounts.set_role(admin, "eve", "supervisor").role == "supervisor"
    with pytest.raises(InvalidRequest, match="last active administrator"):
        accounts.set_role(admin, "admin", "officer")
    with pytest.raises(InvalidRequest, match="your own account"):
        accounts.set_active(admin, "admin", False)
    accounts.set_active(admin, "eve", False)
    with pytest.raises(AuthenticationFailed, match="disabled"):
        accounts.log_on("eve", "a good long password")
    accounts.set_active(admin, "eve", True)
    accounts.reset_password(admin, "eve", "another good password")
    eve = accounts.log_on("eve", "another good password")
    accounts.change_own_password(eve, "another good password", "a third passphrase here")
    with pytest.raises(PasswordRejected, match="differ"):
        accounts.change_own_password(eve, "a third passphrase here", "a third passphrase here")
    assert accounts.log_on("eve", "a third passphrase here").username == "eve"
    kinds = [e["role"] for e in events(desk, "user.role_changed")]
    assert kinds == ["supervisor"]
    assert len(events(desk, "user.password_changed")) == 1
    assert len(events(desk, "user.password_reset")) == 1
    assert desk.store.verify().ok


def test_an_administrator_resets_their_own_password_only_with_the_current_one(
    desk: Desk,
) -> None:
    """Whoever finds an administrator's desk open could otherwise give the account a
    password of their own, and take it: changing one's own needs the current password."""
    accounts = desk.services.accounts
    admin = desk.session("admin")
    current = ROLE_PASSWORDS["administrator"]
    with pytest.raises(InvalidRequest) as refused:
        accounts.reset_password(admin, "admin", "the intruder's own words")
    assert str(refused.value) == (
        "this is your own account: a new password for it needs your current one (on the "
        "command line, `trustdesk users passwd`)"
    )
    with pytest.raises(AuthenticationFailed):
        accounts.reset_password(
            admin, "admin", "the intruder's own words", current="a guess at the password"
        )
    assert events(desk, "user.password_reset") == []
    assert events(desk, "user.password_changed") == []
    assert accounts.log_on("admin", current).username == "admin"
    accounts.reset_password(admin, "admin", "a new phrase of mine", current=current)
    assert len(events(desk, "user.password_changed")) == 1
    assert accounts.log_on("admin", "a new phrase of mine").username == "admin"
    assert desk.store.verify().ok


def test_weak_old_hashes_are_upgraded_at_logon(desk: Desk) -> None:
    from trustdesk.services.context import ServiceContext

    ctx: ServiceContext = desk.services.accounts.ctx
    ctx.hasher = PasswordHasher(ScryptParams(n=2**9))
    desk.session("officer")
    assert len(events(desk, "user.password_rehashed")) == 1
    assert desk.session("officer").username == "officer"
    assert len(events(desk, "user.password_rehashed")) == 1
    assert desk.store.verify().ok
