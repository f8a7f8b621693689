"""``trustdesk contacts``: recorded, flagged, amended, listed, shown and reviewed from the
command line; bad input is one line, exit 2, and nothing is recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from storekit import PASSWORDS, in_process_cli
from test_store_cli import _case, _staff, one_line_error


@pytest.fixture
def cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database: str | None,
) -> Any:
    run = in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS, database)
    _staff(run)
    return run


ASKED = (
    "contacts",
    "add",
    "--kind",
    "release_info_request",
    "--direction",
    "from_ice",
    "--channel",
    "phone",
    "--at",
    "2026-11-19T10:15-05:00",
    "--booking",
    "NH-2026-0412",
    "--ice-office",
    "ERO Hartford",
    "--ice-officer",
    "DO Lee",
    "--asked",
    "release date",
)


def _listed(cli: Any, *args: str) -> list[dict[str, Any]]:
    code, out, err = cli("contacts", "list", *args, "--json", "--as", "sam", who="sam")
    assert code == 0, err
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def test_a_contact_from_the_desk_to_the_supervisor(cli: Any, tmp_path: Path) -> None:
    code, out, err = cli("decisions", "add", _case(tmp_path), "--as", "ann", who="ann")
    assert code == 0, err
    code, out, err = cli(*ASKED, "--given", "none", "--as", "ann", who="ann")
    assert code == 0, err
    assert "What the law allows" in out and out.strip().endswith("recorded (version 1)")
    code, out, err = cli(
        *ASKED,
        "--given",
        "release_date",
        "--unlawful-reason",
        "the sergeant said so",
        "--as",
        "ann",
        who="ann",
    )
    assert code == 0, err
    assert "NOT ALLOWED" in out and "flagged" in out
    flagged = _listed(cli, "--awaiting-review")
    assert [row["contact_id"] for row in flagged] == [2]
    assert flagged[0]["decision_id"] == 1 and flagged[0]["given"] == ["release_date"]
    code, out, err = cli("contacts", "review", "2", "--as", "ann", who="ann")
    assert code == 2 and "may not review flagged contacts" in one_line_error(err)
    code, out, err = cli(
        "contacts", "review", "2", "--verdict", "referred", "--note", "to counsel",
        "--as", "sam", who="sam",
    )  # fmt: skip
    assert code == 0, err
    assert "referred by sam" in out
    assert _listed(cli, "--awaiting-review") == []
    code, out, err = cli(
        "contacts", "amend", "1", "--channel", "email", "--reason", "it was e-mail",
        "--as", "ann", who="ann",
    )  # fmt: skip
    assert code == 0, err
    assert "amended (version 2)" in out
    rows = _listed(cli, "--booking", "nh-2026-0412")
    assert [(row["contact_id"], row["version"], row["channel"]) for row in rows] == [
        (1, 2, "email"),
        (2, 1, "phone"),
    ]
    assert (
        _listed(cli, "--from", "2026-11-19", "--to", "2026-11-19", "--not-allowed")[0]["contact_id"]
        == 2
    )
    code, out, err = cli("contacts", "show", "2", "--as", "sam", who="sam")
    assert code == 0, err
    assert "NOT ALLOWED" in out and "the sergeant said so" in out and "referred by sam" in out
    code, out, err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 0, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kind", "chat"), "kind 'chat' is not known"),
        (("--given", "release_date"), "needs your reason"),
        (("--given", "address"), "what was given"),
        (("--at", "yesterday"), "--at must be a time"),
        (("--at", "2026-11-19T10:15"), "UTC offset"),
        (("--gate", "judicial_warrant=maybe"), "--gate"),
        (("--at", "2099-01-01T10:00-05:00"), "later than now"),
    ],
)
def test_bad_input_is_one_line_and_records_nothing(
    cli: Any, args: tuple[str, ...], message: str
) -> None:
    code, _out, err = cli(*ASKED, *args, "--as", "ann", who="ann")
    assert code == 2 and message in one_line_error(err)
    assert _listed(cli, "--booking", "NH-2026-0412") == []


def test_unknown_contacts_and_missing_reasons(cli: Any) -> None:
    code, _out, err = cli("contacts", "show", "9", "--as", "ann", who="ann")
    assert code == 2 and "no contact 9" in one_line_error(err)
    assert cli(*ASKED, "--as", "ann", who="ann")[0] == 0
    code, _out, err = cli("contacts", "amend", "1", "--reason", " ", "--as", "ann", who="ann")
    assert code == 2 and "reason is empty" in one_line_error(err)
    code, _out, err = cli("contacts", "list", "--from", "2026-11-19", "--as", "ann", who="ann")
    assert code == 2 and "--from needs --to" in one_line_error(err)
    with pytest.raises(SystemExit) as caught:  # argparse: which contacts is not said
        cli("contacts", "list", "--to", "2026-11-19", "--as", "ann", who="ann")
    assert caught.value.code == 2


def _at(args: tuple[str, ...], when: str) -> tuple[str, ...]:
    """ASKED at another time."""
    index = args.index("--at")
    return (*args[: index + 1], when, *args[index + 2 :])


def test_a_contact_is_judged_by_what_was_decided_at_its_time(cli: Any, tmp_path: Path) -> None:
    """The decision is made at 09:00; ICE's call at 08:30 is logged afterwards. Named with
    --decision it is refused (both times, and the fix), nothing recorded; about the
    booking it is judged with no decision; a call after 09:00 names the decision and
    its version."""
    code, out, err = cli("decisions", "add", _case(tmp_path), "--as", "ann", who="ann")
    assert code == 0, err
    early = _at(ASKED, "2026-11-19T08:30-05:00")
    by_decision = tuple(a if a != "--booking" else "--decision" for a in early)
    by_decision = tuple(a if a != "NH-2026-0412" else "1" for a in by_decision)
    code, _out, err = cli(*by_decision, "--given", "none", "--as", "ann", who="ann")
    line = one_line_error(err)
    assert code == 2 and "decision 1 was made at 2026-11-19T09:00-05:00" in line
    assert (
        "after this contact (2026-11-19T08:30-05:00)" in line
        and "by booking or person number" in line
    )
    assert _listed(cli, "--booking", "NH-2026-0412") == []
    code, out, err = cli(*early, "--given", "none", "--as", "ann", who="ann")
    assert code == 0, err
    assert "judged by no decision on record at the contact's time" in " ".join(out.split())
    code, out, err = cli(*ASKED, "--given", "none", "--as", "ann", who="ann")
    assert code == 0, err
    said = " ".join(out.split())  # the heading is wrapped
    assert "judged by decision 1, version 1 (in force from Thu 19 Nov 2026 09:00" in said
    rows = _listed(cli, "--booking", "NH-2026-0412")
    assert [row["decision_id"] for row in rows] == [None, 1]
    assert rows[1]["advice"]["decision"]["version"] == 1
    code, out, err = cli("contacts", "show", "2", "--as", "sam", who="sam")
    assert code == 0, err
    assert "Judged by:  decision 1, version 1 (in force from" in out
    code, out, err = cli("contacts", "show", "1", "--as", "sam", who="sam")
    assert code == 0, err
    assert "Judged by: no decision on record at the contact's time" in " ".join(out.split())


def test_an_empty_list_says_what_was_asked_for_found_nothing(cli: Any, tmp_path: Path) -> None:
    """`contacts list --from … --to … --not-allowed` in a month with a contact said "no
    contacts with ICE on record" (a hostile pass): the filter matched nothing, the log
    was not empty."""
    assert cli("decisions", "add", _case(tmp_path), "--as", "ann", who="ann")[0] == 0
    assert cli(*ASKED, "--given", "none", "--as", "ann", who="ann")[0] == 0
    month = ("contacts", "list", "--from", "2026-11-01", "--to", "2026-11-30")
    code, out, _err = cli(*month, "--as", "sam", who="sam")
    assert code == 0 and "release_info_request" in out
    for extra, said in (
        (("--not-allowed",), "match --not-allowed"),
        (("--kind", "interview_request"), "match --kind interview_request"),
        (("--kind", "interview_request", "--not-allowed"),
         "match --kind interview_request and --not-allowed"),
    ):  # fmt: skip
        code, out, err = cli(*month, *extra, "--as", "sam", who="sam")
        assert (code, err) == (0, "")
        assert out == f"no contacts with ICE from 2026-11-01 to 2026-11-30 {said}\n"
    code, out, _err = cli(
        "contacts", "list", "--from", "2026-10-01", "--to", "2026-10-31", "--as", "sam", who="sam"
    )
    assert out == "no contacts with ICE on record from 2026-10-01 to 2026-10-31\n"
    code, out, _err = cli("contacts", "list", "--booking", "NH-OTHER", "--as", "sam", who="sam")
    assert out == "no contacts with ICE on record for booking NH-OTHER\n"
