"""Printing recorded decisions as memos and verifying them (issue 4, the store-backed half).

Most checks call the CLI in-process (cheap scrypt); the 1,000 flipped bytes go through
the service function; the real program runs once for MATCH and once for MISMATCH.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pypdf
import pytest
from storekit import ADMIN_PW, PASSWORDS, Desk, in_process_cli, run_trustdesk

from casekit import conviction, make_case
from trustdesk.memo.verification import chain_heads_in, short_code
from trustdesk.memo.viewmodel import AgencyHeader
from trustdesk.rules.caseio import parse_case
from trustdesk.services.errors import PermissionDenied
from trustdesk.services.memos import MEMO_PRINTED, MEMO_VERIFIED, MemoRefused
from trustdesk.store import audit

DETAINER = {
    "form": "I-247A",
    "received_at": "2026-11-19T08:10:00-05:00",
    "judicial_warrant": False,
    "administrative_warrant": "I-200",
    "issuing_office": "ICE ERO Burlington, MA",
    "subject_id": "A123456789",
}
HONOR = make_case(
    releasable_at="2026-11-25T10:00:00-05:00",
    detainer=DETAINER,
    convictions=[conviction("53a-223", "felony", "D", date="2023-08-09")],
)
DECLINE = make_case(
    detainer=DETAINER,
    convictions=[conviction("53a-125b", "misdemeanor", "A", date="2019-03-02")],
)
BOOKING = HONOR["person"]["booking_number"]
AGENCY = ("--agency", "New Haven Police", "--facility", "Union Avenue", "--ori", "CT0009300")


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database: str | None,
) -> Any:
    run = in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS, database)
    assert run("users", "add", "chief", "--role", "administrator", new=ADMIN_PW)[0] == 0
    for name, role in (("ann", "officer"), ("sam", "supervisor"), ("aud", "auditor")):
        code, _out, err = run(
            "users", "add", name, "--role", role, "--as", "chief", who="chief", new=PASSWORDS[name]
        )
        assert code == 0, err
    return run


def _record(cli: Any, tmp_path: Path, raw: dict[str, Any], name: str) -> int:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    code, out, err = cli("decisions", "add", str(path), "--as", "ann", who="ann")
    assert code == 0, err
    return int(out.strip())


def _audit(cli: Any, event: str) -> list[dict[str, Any]]:
    from trustdesk.store.store import Store

    with Store.open(cli.data, database=cli.database) as store, store.db.reading() as conn:
        return [
            {"seq": e.seq, "actor": e.actor, "outcome": e.outcome, **e.objects_dict()}
            for e in audit.entries_for(conn, event)
        ]


@pytest.mark.parametrize(
    ("raw", "headline"),
    [(HONOR, "HOLD PERMITTED UNDER § 54-192h"), (DECLINE, "DETAINER DECLINED")],
    ids=["honor", "decline"],
)
def test_memo_printed_recorded_and_verified(
    cli: Any, tmp_path: Path, raw: dict[str, Any], headline: str
) -> None:
    decision_id = _record(cli, tmp_path, raw, "case")
    target = tmp_path / "memo.pdf"
    code, out, err = cli(
        "memo", str(decision_id), "-o", str(target), *AGENCY, "--as", "ann", who="ann"
    )
    assert code == 0, err
    assert out.strip() == str(target)
    data = target.read_bytes()
    text = pdf_text(data)
    assert f"Decision {decision_id}" in text and BOOKING in text and headline in text
    assert "New Haven Police" in text and "Peña" in text
    digest = hashlib.sha256(data).hexdigest()
    [printed] = _audit(cli, MEMO_PRINTED)
    assert printed["pdf_sha256"] == digest and printed["decision"] == decision_id
    assert printed["version"] == 1 and printed["actor"] == "ann"
    assert cli("audit", "verify", "--as", "aud", who="aud")[0] == 0

    code, out, _err = cli("verify", str(target), "--as", "aud", who="aud")
    assert code == 0 and out.startswith("MATCH"), out
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    bad = tmp_path / "altered.pdf"
    bad.write_bytes(bytes(flipped))
    code, out, _err = cli("verify", str(bad), "--as", "aud", who="aud")
    assert code == 3 and out.startswith("MISMATCH"), out

    # The short code printed on the memo, and a wrong one.
    [created] = _audit(cli, "decision.created")
    printed_code = short_code(created["record_sha256"])
    assert printed_code in text
    code, out, _err = cli("verify", "--code", printed_code.lower(), "--as", "aud", who="aud")
    assert code == 0 and out.startswith("MATCH"), out
    wrong = ("0000" if not printed_code.startswith("0000") else "1111") + printed_code[4:]
    code, out, _err = cli("verify", "--code", wrong, "--as", "ann", who="ann")
    assert code == 3 and out.startswith("MISMATCH"), out
    results = [(e["result"], e["outcome"], e["method"]) for e in _audit(cli, MEMO_VERIFIED)]
    assert results == [
        ("MATCH", "success", "file"),
        ("MISMATCH", "failure", "file"),
        ("MATCH", "success", "code"),
        ("MISMATCH", "failure", "code"),
    ]
    assert cli("audit", "verify", "--as", "aud", who="aud")[0] == 0


def test_notices_follow_the_option(cli: Any, tmp_path: Path) -> None:
    decision_id = _record(cli, tmp_path, DECLINE, "case")
    args = (str(decision_id), *AGENCY, "--as", "sam")
    assert cli("memo", *args, "-o", str(tmp_path / "both.pdf"), who="sam")[0] == 0
    assert cli("memo", *args, "-o", str(tmp_path / "es.pdf"), "--notice", "es", who="sam")[0] == 0
    assert cli("memo", *args, "-o", str(tmp_path / "no.pdf"), "--notice", "none", who="sam")[0] == 0
    pages = {
        name: len(pypdf.PdfReader(tmp_path / f"{name}.pdf").pages) for name in ("both", "es", "no")
    }
    assert pages["both"] == pages["no"] + 2 and pages["es"] == pages["no"] + 1
    code, _out, err = cli("memo", *args, "-o", str(tmp_path / "x.pdf"), "--notice", "fr", who="sam")
    assert code == 2 and "fr" in err and not (tmp_path / "x.pdf").exists()
    # A blank list printed no notice without a word (the person's notice left out).
    for blank in ("", ","):
        code, _out, err = cli(
            "memo", *args, "-o", str(tmp_path / "x.pdf"), "--notice", blank, who="sam"
        )
        assert code == 2 and "names no language; give en, es or en,es" in err
        assert not (tmp_path / "x.pdf").exists()


def test_a_typed_ori_of_another_state_is_refused_before_printing(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No profile is stored: the header comes from the flags, and an ORI whose letters
    are not the record's jurisdiction's (Connecticut here) is refused as `agency set`
    refuses it, from the flag or the variable; nothing printed, nothing recorded."""
    decision_id = _record(cli, tmp_path, HONOR, "case")
    target = tmp_path / "memo.pdf"
    header = ("--agency", "New Haven Police", "--facility", "Union Avenue")
    code, _out, err = cli(
        "memo", str(decision_id), "-o", str(target), *header, "--ori", "CA0100000",
        "--as", "ann", who="ann",
    )  # fmt: skip
    assert code == 2
    assert "--ori: the ORI 'CA0100000' starts with 'CA'" in err and "nothing was printed" in err
    monkeypatch.setenv("TRUSTDESK_ORI", "CA0100000")
    code, _out, err = cli("memo", str(decision_id), "-o", str(target), "--as", "ann", who="ann")
    assert code == 2 and "$TRUSTDESK_ORI: the ORI 'CA0100000'" in err
    assert not target.exists() and _audit(cli, MEMO_PRINTED) == []
    monkeypatch.setenv("TRUSTDESK_ORI", "CT0009300")
    code, _out, err = cli("memo", str(decision_id), "-o", str(target), "--as", "ann", who="ann")
    assert code == 0, err
    assert "CT0009300" in pdf_text(target.read_bytes())


def test_never_overwrites(cli: Any, tmp_path: Path) -> None:
    decision_id = _record(cli, tmp_path, HONOR, "case")
    target = tmp_path / "memo.pdf"
    target.write_bytes(b"someone else's file")
    code, out, _err = cli("memo", str(decision_id), "-o", str(target), "--as", "ann", who="ann")
    assert code == 0 and out.strip() == str(tmp_path / "memo-2.pdf")
    assert target.read_bytes() == b"someone else's file"
    code, out, _err = cli("memo", str(decision_id), "-o", str(target), "--as", "ann", who="ann")
    assert code == 0 and out.strip() == str(tmp_path / "memo-3.pdf")
    # Each copy verifies on its own (two audit entries), and each carries the audit
    # chain's head when it was made: the second one's includes the first one's printing.
    first, second = ((tmp_path / f"memo-{n}.pdf").read_bytes() for n in (2, 3))
    (head2,), (head3,) = chain_heads_in(first), chain_heads_in(second)
    assert head3[0] > head2[0] and head3[1] != head2[1]
    assert len(_audit(cli, MEMO_PRINTED)) == 2
    assert cli("verify", str(tmp_path / "memo-3.pdf"), "--as", "ann", who="ann")[0] == 0


def test_a_folder_or_a_device_named_as_the_memo_file_is_refused(cli: Any, tmp_path: Path) -> None:
    """`-o /tmp` wrote /tmp.pdf and `-o /dev/full` wrote /dev/full.pdf (a hostile pass):
    the folder's or device's name was taken as the file's, and a memo holding the
    person's details went where nobody would look. Nothing is printed or recorded."""
    decision_id = _record(cli, tmp_path, HONOR, "case")
    folder = tmp_path / "out"
    folder.mkdir()
    for target, words in (
        (str(folder), f"{folder} is a folder; give the PDF file's name in it"),
        (f"{folder}/", f"{folder} is a folder"),
        ("/dev/null", "/dev/null is not a file (a device or a pipe)"),
    ):
        code, out, err = cli("memo", str(decision_id), "-o", target, "--as", "ann", who="ann")
        assert (code, out) == (2, ""), err
        assert words in err
    assert not list(tmp_path.glob("*.pdf")) and not list(folder.iterdir())
    assert not Path("/dev/null.pdf").exists()
    assert _audit(cli, MEMO_PRINTED) == []


def test_a_version_can_be_named(
    cli: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decision_id = _record(cli, tmp_path, HONOR, "case")
    corrected = tmp_path / "fixed.json"
    corrected.write_text(json.dumps({**HONOR, "releasable_at": None}), encoding="utf-8")
    args = ("decisions", "amend", str(decision_id), str(corrected), "--reason", "start unknown")
    assert cli(*args, "--as", "ann", who="ann")[0] == 0
    for ref, version in ((f"{decision_id}v1", 1), (str(decision_id), 2)):
        target = tmp_path / f"v{version}.pdf"
        code, _out, err = cli("memo", ref, "-o", str(target), "--as", "ann", who="ann")
        assert code == 0, err
        assert f"Decision {decision_id}, version {version}" in pdf_text(target.read_bytes())
    code, _out, err = cli(
        "memo", f"{decision_id}v9", "-o", str(tmp_path / "n.pdf"), "--as", "ann", who="ann"
    )
    assert code == 2 and "no version 9" in err
    with pytest.raises(SystemExit) as caught:  # argparse: the decision's own type
        cli("memo", "abc", "-o", str(tmp_path / "n.pdf"), "--as", "ann", who="ann")
    assert caught.value.code == 2 and "42v2" in capsys.readouterr().err


def test_auditor_cannot_print_but_can_verify(cli: Any, tmp_path: Path) -> None:
    decision_id = _record(cli, tmp_path, DECLINE, "case")
    for who in ("aud", "chief"):
        target = tmp_path / f"{who}.pdf"
        code, _out, err = cli("memo", str(decision_id), "-o", str(target), "--as", who, who=who)
        assert code == 2 and "may not print decision memos" in err
        assert not target.exists()
    denials = _audit(cli, "permission.denied")
    assert [(d["actor"], d["operation"]) for d in denials] == [
        ("aud", "memo.print"),
        ("chief", "memo.print"),
    ]
    assert _audit(cli, MEMO_PRINTED) == []
    target = tmp_path / "memo.pdf"
    assert cli("memo", str(decision_id), "-o", str(target), "--as", "ann", who="ann")[0] == 0
    for who in ("aud", "chief", "sam"):
        assert cli("verify", str(target), "--as", who, who=who)[0] == 0


# --- in-process, through the service ----------------------------------------------------------


def _decide(desk: Desk, rules: Any, raw: dict[str, Any]) -> int:
    case = parse_case(raw, "case", rules.catalog)
    return desk.services.decisions.create(desk.session("officer"), case, raw).record.decision_id


HEADER = AgencyHeader("Test Agency", "Test Facility", "CT0000000")


def test_a_thousand_flipped_bytes_all_mismatch(desk: Desk, rules: Any, tmp_path: Path) -> None:
    decision_id = _decide(desk, rules, HONOR)
    memos = desk.services.memos
    printed = memos.print_memo(
        desk.session("officer"), decision_id, tmp_path / "memo.pdf", agency=HEADER
    )
    data = printed.path.read_bytes()
    auditor = desk.session("auditor")
    assert memos.verify_pdf(auditor, data).match
    rng = random.Random(20261127)
    positions = rng.sample(range(len(data)), 1000) if len(data) >= 1000 else []
    assert len(positions) == 1000
    mismatches = 0
    for position in positions:
        altered = bytearray(data)
        altered[position] ^= 1 << rng.randrange(8)
        mismatches += not memos.verify_pdf(auditor, bytes(altered)).match
    assert mismatches == 1000
    assert desk.store.verify().ok


def test_a_changed_rule_pack_is_refused(desk: Desk, rules: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    decision_id = _decide(desk, rules, HONOR)
    memos = desk.services.memos
    real = rules

    class ChangedPack:
        sections = real.sections
        catalog = real.catalog

        def pack(self, pack_id: str) -> Any:
            loaded = real.pack(pack_id)
            return loaded._replace(pack=loaded.pack._replace(sha256="b" * 64))

    memos._rules = ChangedPack()  # as if the pack file had been edited since
    with pytest.raises(MemoRefused, match=r"rule pack .* SHA-256"):
        memos.print_memo(desk.session("officer"), decision_id, out / "m.pdf", agency=HEADER)
    assert list(out.iterdir()) == []
    with desk.store.db.reading() as conn:
        [refusal] = list(audit.entries_for(conn, "memo.refused"))
        assert list(audit.entries_for(conn, MEMO_PRINTED)) == []
    assert refusal.objects_dict()["reason"] == "rule pack changed"


def test_a_decision_the_engine_no_longer_reaches_is_refused(
    desk: Desk, rules: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    decision_id = _decide(desk, rules, DECLINE)
    from trustdesk.core import record

    original = record.decision_to_json
    monkeypatch.setattr(
        record, "decision_to_json", lambda d: {**original(d), "decision": "something else"}
    )
    with pytest.raises(MemoRefused, match="does not give the stored decision"):
        desk.services.memos.print_memo(
            desk.session("supervisor"), decision_id, out / "m.pdf", agency=HEADER
        )
    assert list(out.iterdir()) == []


def test_a_denied_print_is_audited(desk: Desk, rules: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    decision_id = _decide(desk, rules, DECLINE)
    with pytest.raises(PermissionDenied):
        desk.services.memos.print_memo(
            desk.session("auditor"), decision_id, out / "m.pdf", agency=HEADER
        )
    assert list(out.iterdir()) == []


# --- the real program -------------------------------------------------------------------------


def _real(cli: Any, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    return run_trustdesk(cli.data, *args, password=password, database=cli.database)


@pytest.mark.slow
def test_the_real_program_verifies(cli: Any, tmp_path: Path) -> None:
    decision_id = _record(cli, tmp_path, HONOR, "case")
    target = tmp_path / "memo.pdf"
    assert cli("memo", str(decision_id), "-o", str(target), "--as", "ann", who="ann")[0] == 0
    done = _real(cli, "verify", str(target), "--as", "aud", password=PASSWORDS["aud"])
    assert done.returncode == 0 and done.stdout.startswith("MATCH"), done.stderr
    altered = bytearray(target.read_bytes())
    altered[100] ^= 0x20
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(altered))
    done = _real(cli, "verify", str(bad), "--as", "aud", password=PASSWORDS["aud"])
    assert done.returncode == 3 and done.stdout.startswith("MISMATCH"), done.stderr


def test_memo_of_a_stored_decision_shows_the_agency_and_officer_as_they_were(
    cli: Any, tmp_path: Path
) -> None:
    """``trustdesk memo`` of a decision recorded before the agency and the officer were
    renamed prints them as they were (decision 0084), and the memo still verifies."""
    chief = ("--as", "chief")
    then = ("--name", "New Haven Police", "--facility", "Union Avenue", "--ori", "CT0009300")
    assert cli("agency", "set", *then, *chief, who="chief")[0] == 0
    details = ("users", "set-details", "ann", "--name", "Ann Kowalski", "--badge", "B-1187")
    assert cli(*details, *chief, who="chief")[0] == 0
    decision_id = _record(cli, tmp_path, DECLINE, "case")
    now = ("--name", "Elm City Police", "--facility", "Grand Avenue", "--ori", "CT0009999")
    assert cli("agency", "set", *now, *chief, who="chief")[0] == 0
    renamed = ("users", "set-details", "ann", "--name", "Ann Lindqvist", "--badge", "B-7777")
    assert cli(*renamed, *chief, who="chief")[0] == 0
    target = tmp_path / "later.pdf"
    code, _out, err = cli("memo", str(decision_id), "-o", str(target), "--as", "sam", who="sam")
    assert code == 0, err
    text = pdf_text(target.read_bytes())
    assert "New Haven Police" in text and "Union Avenue" in text and "ORI CT0009300" in text
    assert "Ann Kowalski" in text and "B-1187" in text
    for today in ("Elm City", "Grand Avenue", "CT0009999", "Lindqvist", "B-7777"):
        assert today not in text
    code, out, _err = cli("verify", str(target), "--as", "aud", who="aud")
    assert code == 0 and out.startswith("MATCH"), out
    assert cli("audit", "verify", "--as", "aud", who="aud")[0] == 0
