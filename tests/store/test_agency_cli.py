"""``trustdesk agency show|set`` and ``users set-details``, and the memo header they feed."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PIL import Image

from casekit import make_case
from pipekit import pipe_nobody_writes

PASSWORDS = {"chief": "stone bridge harvest 1", "ann": "quiet orchard window"}
SET = ("agency", "set", "--name", "Bridgeport Police", "--facility", "Congress Street")


WARNING = "trustdesk: warning: "


def one_line_error(err: str) -> str:
    # The only-administrator warning (issue 17) may come first; the refusal is one line.
    lines = [line for line in err.strip().splitlines() if not line.startswith(WARNING)]
    assert len(lines) == 1, err
    assert lines[0].startswith("trustdesk: ") and "Traceback" not in err
    return lines[0]


def _logo(tmp_path: Path) -> Path:
    path = tmp_path / "seal.png"
    Image.new("RGB", (90, 30), (0, 0, 120)).save(path)
    return path


def test_show_and_set(cli: Any, tmp_path: Path) -> None:
    code, out, _err = cli("agency", "show")
    assert code == 0 and "no agency profile is stored" in out
    code, _out, err = cli(*SET, "--as", "chief", who="chief")
    assert code == 2 and "give --ori as well" in one_line_error(err)
    logo = _logo(tmp_path)
    code, out, err = cli(
        *SET, "--ori", "ct0001500", "--logo", str(logo), "--as", "chief", who="chief"
    )
    assert code == 0, err
    assert "CT0001500" in out
    code, out, _err = cli("agency", "show")
    assert code == 0
    assert "Bridgeport Police" in out and "Congress Street" in out and "CT0001500" in out
    assert "America/New_York" in out and f"PNG, {logo.stat().st_size:,} bytes" in out
    # What is not given stays; the logo can be removed.
    code, out, err = cli(
        "agency", "set", "--timezone", "America/Chicago", "--no-logo", "--as", "chief", who="chief"
    )
    assert code == 0, err
    code, out, _err = cli("agency", "show")
    assert "Bridgeport Police" in out and "America/Chicago" in out and "logo       none" in out


def test_set_refuses_bad_input_and_other_roles(cli: Any, tmp_path: Path) -> None:
    assert cli(*SET, "--ori", "CT0001500", "--as", "chief", who="chief")[0] == 0
    _code, before, _err = cli("agency", "show")
    cases = [
        (("--ori", "CT15"), "not an NCIC ORI"),
        (("--timezone", "Europe/Atlantis"), "not a known IANA time zone"),
        (("--logo", str(tmp_path / "missing.png")), "cannot read the logo"),
        (("--name", ""), "the agency name is empty"),
        # A blank zone was read as the default: it replaced the stored one unsaid.
        (("--timezone", " "), "--timezone is empty; give an IANA time zone"),
    ]
    for extra, words in cases:
        code, _out, err = cli("agency", "set", *extra, "--as", "chief", who="chief")
        assert code == 2 and words in one_line_error(err)
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    code, _out, err = cli(
        "agency", "set", "--logo", str(not_an_image), "--as", "chief", who="chief"
    )
    assert code == 2 and "not a PNG or JPEG" in one_line_error(err)
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (600 * 1024))
    code, _out, err = cli("agency", "set", "--logo", str(big), "--as", "chief", who="chief")
    assert code == 2 and "larger than 512 KiB" in one_line_error(err)
    code, _out, err = cli("agency", "set", "--name", "Mine now", "--as", "ann", who="ann")
    assert code == 2 and "may not change the agency settings" in one_line_error(err)
    assert cli("agency", "show")[1] == before


def test_users_set_details_and_list(cli: Any) -> None:
    code, out, err = cli(
        "users", "set-details", "ann", "--name", "Ann Kowalski", "--badge", "B-1187",
        "--as", "chief", who="chief",
    )  # fmt: skip
    assert code == 0, err
    assert out == "ann: name Ann Kowalski, badge B-1187\n"
    code, out, _err = cli("users", "list", "--as", "chief", who="chief")
    assert code == 0
    header, *rows = out.splitlines()
    assert "NAME" in header and "BADGE" in header
    [ann] = [row for row in rows if row.startswith("ann ")]
    assert "Ann Kowalski" in ann and "B-1187" in ann
    code, _out, err = cli(
        "users", "set-details", "ann", "--badge", "B 1187", "--as", "chief", who="chief"
    )
    assert code == 2 and "badge number 'B 1187' is not valid" in one_line_error(err)
    code, _out, err = cli("users", "set-details", "ann", "--as", "chief", who="chief")
    assert code == 2 and "give --name, --badge or both" in one_line_error(err)
    code, _out, err = cli("users", "set-details", "ann", "--badge", "9", "--as", "ann", who="ann")
    assert code == 2 and "may not manage user accounts" in one_line_error(err)


def test_memo_header_comes_from_the_profile(cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_case()), encoding="utf-8")
    code, out, err = cli("decisions", "add", str(case), "--as", "ann", who="ann")
    assert code == 0, err
    decision = out.strip()
    flags = ("--agency", "Flag Agency", "--facility", "Flag Facility", "--ori", "CT0000000")
    first = tmp_path / "first.pdf"
    assert cli("memo", decision, "-o", str(first), *flags, "--as", "ann", who="ann")[0] == 0
    assert "Flag Agency" in _text(first)  # no profile: the flags are the fallback
    logo = _logo(tmp_path)
    assert (
        cli(*SET, "--ori", "CT0001500", "--logo", str(logo), "--as", "chief", who="chief")[0] == 0
    )
    second = tmp_path / "second.pdf"
    code, _out, err = cli("memo", decision, "-o", str(second), *flags, "--as", "ann", who="ann")
    assert code == 0 and "stored agency profile was printed" in err
    text = _text(second)
    assert "Bridgeport Police" in text and "Congress Street" in text and "CT0001500" in text
    assert "Flag Agency" not in text
    assert len(pypdf.PdfReader(second).pages[0].images) == 1
    third = tmp_path / "third.pdf"
    code, _out, err = cli("memo", decision, "-o", str(third), "--as", "ann", who="ann")
    assert code == 0 and "note" not in err
    # The same memo again, but for the audit chain head each one carries (a later one).
    head = re.compile(r"Audit chain head when this memo was made: entry \d+, SHA-256 [0-9a-f]{64}")
    assert head.search(_text(third)) and head.search(_text(second))
    assert head.sub("", _text(third)) == head.sub("", _text(second))
    assert third.read_bytes() != second.read_bytes()


def _text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_a_name_or_ori_it_locked_is_not_changed_from_the_command_line(
    cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """IT set the ORI for the machine, locked: Administration shows it and saves it, but
    `agency set --ori` stored another, which every memo then printed while Administration
    still showed IT's."""
    monkeypatch.setenv("TRUSTDESK_AGENCY_ORI", "ct0001100")
    locked = "set by IT in environment variable TRUSTDESK_AGENCY_ORI (locked)"
    code, _out, err = cli(*SET, "--ori", "CT0002200", "--as", "chief", who="chief")
    assert code == 2
    assert one_line_error(err) == (
        f"trustdesk: the ORI is {locked}: it cannot be changed to 'CT0002200' here; "
        "IT changes it in the machine config file"
    )
    assert "no agency profile is stored" in cli("agency", "show")[1]
    # Not given, or given as IT set it: IT's ORI is saved, as Administration saves it.
    code, out, err = cli(*SET, "--ori", "ct0001100", "--as", "chief", who="chief")
    assert code == 0, err
    code, out, err = cli("agency", "set", "--facility", "Main Street", "--as", "chief", who="chief")
    assert code == 0 and "CT0001100" in out
    monkeypatch.setenv("TRUSTDESK_AGENCY_NAME", "Bridgeport PD")
    code, _out, err = cli("agency", "set", "--name", "Other PD", "--as", "chief", who="chief")
    assert code == 2 and "the agency name is set by IT" in one_line_error(err)
    # A value IT changed later is taken at the next save of anything else.
    code, out, err = cli(
        "agency", "set", "--facility", "Congress Street", "--as", "chief", who="chief"
    )
    assert code == 0, err
    assert "Bridgeport PD" in out and "CT0001100" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_logo_that_is_a_pipe_or_a_folder_is_refused_without_waiting(
    cli: Any, tmp_path: Path
) -> None:
    """`agency set --logo` naming a pipe (seal.png made with mkfifo) waited for ever."""
    pipe = tmp_path / "seal.png"
    pipe_nobody_writes(pipe)
    code, _out, err = cli("agency", "set", "--logo", str(pipe), "--as", "chief", who="chief")
    assert code == 2
    assert one_line_error(err) == (
        f"trustdesk: the logo {pipe} is not a file (a folder, a pipe or a device); choose "
        "a PNG or JPEG image file"
    )
    code, _out, err = cli("agency", "set", "--logo", str(tmp_path), "--as", "chief", who="chief")
    assert code == 2 and "is not a file (a folder" in one_line_error(err)
    assert "no agency profile is stored" in cli("agency", "show")[1]


def test_set_refuses_an_ori_of_another_state_and_show_warns_of_a_stored_one(cli: Any) -> None:
    """``agency set --ori CA...`` on a Connecticut agency was saved and printed on every
    memo; a stored ORI the jurisdiction no longer fits is still shown, with a warning."""
    code, out, err = cli(*SET, "--ori", "CT0001500", "--as", "chief", who="chief")
    assert code == 0, err
    code, out, err = cli("agency", "set", "--ori", "CA0001500", "--as", "chief", who="chief")
    assert (code, out) == (2, "")
    line = one_line_error(err)
    assert "'CA0001500' starts with 'CA'" in line
    assert "Connecticut, whose ORIs start with CT" in line
    assert "nothing was saved" in line
    assert "CT0001500" in cli("agency", "show")[1]

    code, out, err = cli("agency", "jurisdiction", "CA", "--as", "chief", who="chief")
    assert code == 0, err
    assert "warning: The stored ORI does not fit the jurisdiction" in out
    assert "trustdesk agency set --ori" in out
    code, out, _err = cli("agency", "show")
    assert code == 0 and "CT0001500" in out
    assert "warning: The stored ORI does not fit" in out and "start with CA" in out
    code, _out, err = cli(
        "agency", "set", "--facility", "Main Jail", "--as", "chief", who="chief"
    )  # fmt: skip
    assert code == 2 and "stored ORI does not fit" in one_line_error(err)
    code, out, err = cli("agency", "set", "--ori", "CA0001500", "--as", "chief", who="chief")
    assert code == 0, err
    assert "warning" not in cli("agency", "show")[1]
