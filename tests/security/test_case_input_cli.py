"""Issue 17 §1 through the command line: every command that reads a case refuses what
cannot be true, extreme dates and unpaired surrogates with exit 2 and one line naming
the field, records nothing, and keeps the flagged facts with a warning."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casekit import conviction, make_case


def _storekit() -> Any:
    """tests/store/storekit.py (its folder is on sys.path only for the store tests)."""
    folder = str(Path(__file__).resolve().parents[1] / "store")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import storekit

    return storekit


ADMIN_PW = "stone bridge harvest 1"
PASSWORDS = {"chief": ADMIN_PW, "ann": "quiet orchard window", "sam": "silver kettle morning"}


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    run = _storekit().in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)
    assert run("users", "add", "chief", "--role", "administrator", new=ADMIN_PW)[0] == 0
    for name, role in (("ann", "officer"), ("sam", "supervisor")):
        code, _out, err = run(
            "users", "add", name, "--role", role, "--as", "chief", who="chief", new=PASSWORDS[name]
        )
        assert code == 0, err
    return run


def _file(tmp_path: Path, data: dict[str, Any] | str, name: str = "case.json") -> str:
    path = tmp_path / name
    text = data if isinstance(data, str) else json.dumps(data)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("trustdesk: ")
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


def _sealed_case(**changes: Any) -> dict[str, Any]:
    return make_case(tsdb_match=True, **changes)


#: (case changes or raw JSON text, the pointer the message must name, words of the message)
REFUSED: list[tuple[Any, str, str]] = [
    (
        {"convictions": [conviction("53a-134", "felony", "B", date="2030-01-01")]},
        "/convictions/0/date",
        "after the decision time",
    ),
    (
        {"convictions": [conviction("53a-134", "felony", "B", date="1980-01-01")]},
        "/convictions/0/date",
        "before the date of birth",
    ),
    (
        {"pending_charges": [conviction("53a-61", "misdemeanor", "A", date="2027-01-01")]},
        "/pending_charges/0/date",
        "after the decision time",
    ),
    (
        {"person": {"name": "A B", "booking_number": "B1", "date_of_birth": "2031-01-01"}},
        "/person/date_of_birth",
        "after the decision time",
    ),
    (
        {"detainer": {"form": "I-247A", "received_at": "2026-11-20T09:00:00-05:00"}},
        "/detainer/received_at",
        "cannot come before its detainer",
    ),
    ({"decision_time": "0001-01-01T00:00:00+00:00"}, "/decision_time", "year 0001 is out"),
    ({"decision_time": "9999-12-31T23:59:59-05:00"}, "/decision_time", "year 9999 is out"),
    ({"releasable_at": "9999-12-31T23:59:59-05:00"}, "/releasable_at", "out of range"),
    (
        {"detainer": {"form": "I-247A", "received_at": "0001-01-01T00:00:00+00:00"}},
        "/detainer/received_at",
        "out of range",
    ),
    (
        {"person": {"name": "A B", "booking_number": "B1", "date_of_birth": "0001-01-01"}},
        "/person/date_of_birth",
        "out of range",
    ),
    (
        {"person": {"name": "Ana \u202eziuL", "booking_number": "B1"}},
        "/person/name",
        "U+202E, a text-direction control",
    ),
    (
        {"person": {"name": "Ana\u2066Luiz\u2069", "booking_number": "B1"}},
        "/person/name",
        "U+2066",
    ),
    (
        {"person": {"name": "Ana\u009b31m", "booking_number": "B1"}},
        "/person/name",
        "U+009B, a control character",
    ),
    (
        {"person": {"name": "Mar\u200bía Pe\u00adña", "booking_number": "B1"}},
        "/person/name",
        "U+200B, an invisible formatting character",
    ),
    (
        {"person": {"name": "María Peña\ufeff", "booking_number": "B1"}},
        "/person/name",
        "U+FEFF, an invisible formatting character",
    ),
    (
        {"person": {"name": "María Peña", "booking_number": "B\u20601"}},
        "/person/booking_number",
        "U+2060",
    ),
    (
        {"detainer": {"form": "I-247A", "issuing_office": "ERO \u200f Boston"}},
        "/detainer/issuing_office",
        "U+200F",
    ),
]

#: A lone surrogate only exists as a JSON escape: these are written as raw text.
SURROGATES: list[tuple[str, str]] = [
    (
        json.dumps(make_case(tsdb_match=True), ensure_ascii=False).replace("Peña", "Pe\\ud800a"),
        "/person/name",
    ),
    (
        json.dumps(make_case(tsdb_match=True), ensure_ascii=False).replace(
            '"tsdb_match"', '"x\\udfff"'
        ),
        "/",
    ),
]


def _inputs(tmp_path: Path) -> list[tuple[str, str, str]]:
    cases = [
        (_file(tmp_path, _sealed_case(**changes), f"r{n}.json"), pointer, words)
        for n, (changes, pointer, words) in enumerate(REFUSED)
    ]
    cases += [
        (_file(tmp_path, text, f"s{n}.json"), pointer, "unpaired surrogate")
        for n, (text, pointer) in enumerate(SURROGATES)
    ]
    return cases


def _decision_count(cli: Any) -> int:
    code, out, err = cli("decisions", "list", "--as", "sam", who="sam")
    assert code == 0, err
    return len([line for line in out.splitlines()[1:] if line.strip()])


def test_evaluate_refuses_each_with_the_field_and_exit_2(cli: Any, tmp_path: Path) -> None:
    for path, pointer, words in _inputs(tmp_path):
        code, out, err = cli("evaluate", path)
        assert err, (path, pointer, out[:200])
        line = _one_line(err)
        assert code == 2 and out == "", line
        assert f": {pointer}: " in line and words in line, line


def test_every_command_that_reads_a_case_refuses_and_records_nothing(
    cli: Any, tmp_path: Path
) -> None:
    code, out, err = cli(
        "decisions", "add", _file(tmp_path, _sealed_case()), "--as", "ann", who="ann"
    )
    assert code == 0, err
    decision = out.strip()
    before = _decision_count(cli)
    for path, pointer, words in _inputs(tmp_path):
        for args, who in (
            (("decisions", "add", path, "--as", "ann"), "ann"),
            (("decisions", "amend", decision, path, "--reason", "typo", "--as", "ann"), "ann"),
            (
                ("decisions", "review", decision, "--amend", path, "--reason", "x", "--as", "sam"),
                "sam",
            ),
        ):
            code, out, err = cli(*args, who=who)
            line = _one_line(err)
            assert code == 2 and out == "", (args, line)
            assert f": {pointer}: " in line and words in line, (args, line)
    assert _decision_count(cli) == before
    code, out, err = cli("decisions", "show", decision, "--as", "sam", who="sam")
    assert code == 0 and "version 2" not in out.lower(), out
    code, out, err = cli("audit", "verify", "--as", "chief", who="chief")
    assert code == 0, err


def test_a_flagged_release_time_is_recorded_for_review_with_a_warning(
    cli: Any, tmp_path: Path
) -> None:
    case = _sealed_case(
        releasable_at="2020-11-19T08:00:00-05:00",
        detainer={"form": "I-247A", "received_at": "2026-11-19T08:00:00-05:00"},
    )
    path = _file(tmp_path, case)
    code, out, err = cli("evaluate", path, "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["needs_review"] is True
    assert any("before the detainer was received" in w for w in result["warnings"])
    code, out, err = cli("decisions", "add", path, "--as", "ann", who="ann")
    assert code == 0 and "a supervisor must review it" in err
    code, out, err = cli("decisions", "list", "--needs-review", "--as", "sam", who="sam")
    assert code == 0 and "María Peña" in out


def test_the_real_program_with_a_surrogate_and_an_extreme_date(tmp_path: Path) -> None:
    """Outside pytest's capture the terminal's own encoding is used, as at the desk."""
    data = tmp_path / "data"
    surrogate = _file(tmp_path, SURROGATES[0][0], "s.json")
    extreme = _file(tmp_path, _sealed_case(decision_time="9999-12-31T23:59:59-05:00"), "x.json")
    for path in (surrogate, extreme):
        result = _storekit().run_trustdesk(data, "evaluate", path)
        assert result.returncode == 2, result.stderr
        _one_line(result.stderr)
    made = _storekit().run_trustdesk(
        data, "users", "add", "chief", "--role", "administrator", new_password=ADMIN_PW
    )
    assert made.returncode == 0, made.stderr
    for path in (surrogate, extreme):
        result = _storekit().run_trustdesk(
            data, "decisions", "add", path, "--as", "chief", password=ADMIN_PW
        )
        assert result.returncode == 2, result.stderr
        _one_line(result.stderr)


def test_a_name_stored_before_the_check_is_shown_escaped(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record kept from before names were checked cannot display as another name."""
    from trustdesk.rules import caseio

    disguised = "Ana \u202eziuL\u202c"  # shows as "Ana Luiz" in a bidi-aware view
    path = _file(
        tmp_path,
        _sealed_case(
            person={"name": disguised, "booking_number": "B1"},
            releasable_at="2026-11-19T15:00:00-05:00",
        ),
    )
    with monkeypatch.context() as old_code:  # the reader as it was before issue 17
        old_code.setattr(caseio, "unsafe_character", lambda _text: None)
        code, out, err = cli("decisions", "add", path, "--as", "ann", who="ann")
    assert code == 0, err
    decision = out.strip()
    escaped = "Ana <U+202E>ziuL<U+202C>"
    for args in (
        ("decisions", "show", decision),
        ("decisions", "list"),
        ("decisions", "list", "--active-holds"),
    ):
        code, out, err = cli(*args, "--as", "sam", who="sam")
        assert code == 0, err
        assert escaped in out and "\u202e" not in out, (args, out)
    code, out, err = cli("memo", decision, "-o", str(tmp_path / "m.pdf"), "--as", "ann", who="ann")
    line = _one_line(err)
    assert code == 2 and "U+202E" in line and "amend the decision" in line, line
    assert not (tmp_path / "m.pdf").exists()


def test_a_decision_dated_in_the_future_is_not_recorded(cli: Any, tmp_path: Path) -> None:
    """``evaluate`` may ask "what if"; a recorded decision is made now, not in 2150."""
    path = _file(tmp_path, _sealed_case(decision_time="2150-01-01T09:00:00-05:00"))
    code, _out, err = cli("evaluate", path)
    assert code == 0, err
    code, out, err = cli("decisions", "add", path, "--as", "ann", who="ann")
    line = _one_line(err)
    assert code == 2 and out == "" and "/decision_time: " in line and "later than now" in line, line
    assert _decision_count(cli) == 0


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_case_is_refused_at_the_size_limit_not_read_whole(tmp_path: Path) -> None:
    """``evaluate /dev/zero`` (or from a pipe without end) read until the memory ran out;
    now at most the limit is read, under a memory cap far below what reading all takes."""
    import resource

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    from trustdesk.store.store import Store

    data = tmp_path / "data"
    Store.open(data).close()  # a record there: `decisions add` reads its case first
    for args in (
        ("evaluate", "/dev/zero"),
        ("evaluate", "-"),  # standard input from /dev/zero
        ("decisions", "add", "/dev/zero", "--as", "chief"),
    ):
        with open("/dev/zero", "rb") as zeros:
            result = subprocess.run(
                [sys.executable, "-m", "trustdesk", "--data-dir", str(data), *args],
                stdin=zeros, capture_output=True, text=True, timeout=120, check=False,
                preexec_fn=capped,
            )  # fmt: skip
        assert result.returncode == 2, result.stderr
        line = _one_line(result.stderr)
        # A device named as the file is refused unread; standard input is read to the limit.
        if "-" in args:
            assert "is larger than 8 MiB, the most a case or rule file may hold" in line, line
        else:
            assert "/dev/zero: /: is not a file (a folder, a pipe or a device)" in line, line


def test_a_booking_number_beginning_with_a_dash_is_told_why() -> None:
    """ "-B0" holds only allowed characters; what is wrong is where it begins."""
    from trustdesk.rules.caseio import parse_case
    from trustdesk.rules.errors import InputError

    raw = make_case(person={"name": "A B", "booking_number": "-B0"})
    with pytest.raises(InputError) as caught:
        parse_case(raw, "case.json")
    assert caught.value.pointer == "/person/booking_number"
    assert caught.value.reason.startswith("must begin with a letter or a digit")
