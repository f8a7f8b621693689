"""A password or passphrase in the environment that is not UTF-8 text (set from a terminal
in another encoding) is refused in words, never with "internal error"."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustdesk.cli import main

#: What Python makes of the bytes 0xff 0xfe in an environment variable (surrogateescape).
NOT_UTF8 = "pass\udcff\udcfeword"


@pytest.mark.parametrize(
    ("variable", "argv"),
    [
        ("TRUSTDESK_NEW_PASSWORD", ["users", "add", "chief", "--role", "administrator"]),
        ("TRUSTDESK_PASSWORD", ["decisions", "list", "--as", "chief"]),
        ("TRUSTDESK_KEY_PASSPHRASE", ["rules", "keygen", "--publisher", "P", "-o", "KEY"]),
    ],
)
def test_bytes_that_are_not_utf8_are_refused_in_words(
    variable: str,
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    if variable == "TRUSTDESK_PASSWORD":  # an account to sign in to
        monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", "stone bridge harvest 1")
        assert (
            main(["--data-dir", str(data), "users", "add", "chief", "--role", "administrator"]) == 0
        )
        monkeypatch.delenv("TRUSTDESK_NEW_PASSWORD")
    capsys.readouterr()
    monkeypatch.setenv(variable, NOT_UTF8)
    argv = [str(tmp_path / "key") if arg == "KEY" else arg for arg in argv]
    code = main(["--data-dir", str(data), *argv])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        f"trustdesk: {variable} holds bytes that are not UTF-8 text (set in another character "
        "encoding); set it again in UTF-8, or unset it and type it when asked; nothing "
        "was done\n"
    )
    assert not (tmp_path / "key").exists()


def test_a_user_name_that_is_not_utf8_is_a_wrong_name_not_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--as $'ren\\xe9'` from a Latin-1 terminal: the attempted name's digest for the
    audit failed on the stand-in for 0xe9 ("internal error (UnicodeEncodeError)", a
    hostile pass). It is answered as any unknown name, and the failure is recorded."""
    from trustdesk.store import audit
    from trustdesk.store.connection import connect

    data = tmp_path / "data"
    monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", "stone bridge harvest 1")
    assert main(["--data-dir", str(data), "users", "add", "chief", "--role", "administrator"]) == 0
    monkeypatch.delenv("TRUSTDESK_NEW_PASSWORD")
    monkeypatch.setenv("TRUSTDESK_PASSWORD", "stone bridge harvest 1")
    capsys.readouterr()
    code = main(["--data-dir", str(data), "users", "list", "--as", "ren\udce9"])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", "trustdesk: wrong user name or password\n")
    conn = connect(data / "trustdesk.db", immutable=True)
    try:
        [failed] = [e for e in audit.entries_for(conn, "logon") if e.outcome == "failure"]
    finally:
        conn.close()
    assert '"reason":"unknown_user"' in failed.objects


def test_a_new_password_of_zero_width_spaces_is_refused_naming_the_character(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Eight U+200B in TRUSTDESK_NEW_PASSWORD made the first administrator's password: one
    nobody could see or type at a keyboard (a hostile pass)."""
    data = tmp_path / "data"
    monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", "\u200b" * 8)
    code = main(["--data-dir", str(data), "users", "add", "chief", "--role", "administrator"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        "trustdesk: the password contains U+200B, a control or invisible character that "
        "nobody can see or be sure to type again; use letters, digits, symbols and spaces\n"
    )
    monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", "stone bridge harvest 1")
    assert main(["--data-dir", str(data), "users", "add", "chief", "--role", "administrator"]) == 0
