"""Text arguments holding bytes that are not UTF-8 (a terminal set to Latin-1 typing
"José"): one line naming the option and what to do, exit 2, nothing changed. Before, a
search by name, booking or officer and a hold's note ended in "internal error
(UnicodeEncodeError)" (a hostile pass). Names of files may still be any bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trustdesk.cli import main

ROOT = Path(__file__).resolve().parents[1]
HOLD_CASE = ROOT / "resources" / "examples" / "01-judicial-warrant-hold.json"
#: "José" typed on a Latin-1 terminal, as Python hands it over (surrogateescape).
LATIN1 = "Jos\udce9"


@pytest.fixture
def data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    """A record with one decision whose hold is open."""
    folder = tmp_path / "data"
    monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", "stone bridge harvest 1")
    monkeypatch.setenv("TRUSTDESK_PASSWORD", "stone bridge harvest 1")
    base = ["--data-dir", str(folder)]
    assert main([*base, "users", "add", "chief", "--role", "administrator"]) == 0
    assert main([*base, "users", "add", "ann", "--role", "officer", "--as", "chief"]) == 0
    assert main([*base, "decisions", "add", "--as", "ann", str(HOLD_CASE)]) == 0
    capsys.readouterr()
    return folder


@pytest.mark.parametrize(
    ("arguments", "option"),
    [
        (["decisions", "list", "--as", "ann", "--name", LATIN1], "--name"),
        (["decisions", "list", "--as", "ann", "--booking", LATIN1], "--booking"),
        (["decisions", "list", "--as", "ann", "--officer", LATIN1], "--officer"),
        (["contacts", "list", "--as", "ann", "--booking", LATIN1], "--booking"),
        (
            ["holds", "close", "--as", "ann", "--outcome", "released_other", "--note", LATIN1, "1"],
            "--note",
        ),
    ],
)
def test_a_text_option_that_is_not_utf8_is_refused_naming_it(
    data: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], option: str
) -> None:
    code = main(["--data-dir", str(data), *arguments])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith(f"trustdesk: {option}: contains the byte 0xE9, which is not UTF-8")
    assert "set the terminal to UTF-8" in err and "nothing was changed" in err
    assert err.count("\n") == 1 and "internal error" not in err
    # The hold is still open (nothing was recorded): closing it properly now works.
    close = ["holds", "close", "--as", "ann", "--outcome", "released_other", "--note", "bail", "1"]
    assert main(["--data-dir", str(data), *close]) == 0, capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="file names of any bytes are POSIX's")
def test_a_file_name_that_is_not_utf8_is_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    named = Path(os.fsdecode(bytes(tmp_path) + b"/caso-\xe9.json"))
    named.write_bytes(HOLD_CASE.read_bytes())
    assert main(["evaluate", str(named)]) == 0
    assert "HOLD" in capsys.readouterr().out
