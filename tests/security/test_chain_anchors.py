"""Chain-head anchors kept outside the database: memos, exports, backups, anchor files.

Someone who can write the database file (or a database superuser) can rewrite the whole
audit chain consistently: change an entry, recompute every hash after it. Plain
``audit verify`` then replays perfectly. Every memo, export and backup made before carries
the chain's head at that moment; ``audit verify --anchors`` proves the chain still holds
each of them, and so catches the rewrite, or a rollback, from any one piece of paper.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pypdf
import pytest
from hostile import PASSWORDS, attacker, case_file, rehash_from, staff
from storekit import in_process_cli

from trustdesk.store.anchor import Anchor, AnchorFile, prove
from trustdesk.store.paths import DB_NAME
from trustdesk.store.store import Store


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.setenv("TRUSTDESK_ANCHOR_DIR", str(tmp_path / "anchors"))
    return in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)


def _decide(cli: Any, folder: Path, number: int) -> int:
    code, out, err = cli("decisions", "add", case_file(folder, number), "--as", "ann", who="ann")
    assert code == 0, err
    return int(out)


def _memo(cli: Any, decision_id: int, target: Path) -> Path:
    code, out, err = cli("memo", str(decision_id), "-o", str(target), "--as", "ann", who="ann")
    assert code == 0, err
    return Path(out.strip())


def _head(data: Path) -> tuple[int, str]:
    with Store.open(data) as store:
        return store.audit.head()


def rewrite_chain_from(data: Path, seq: int) -> None:
    """Change entry ``seq`` and recompute every hash from there on: a consistent rewrite,
    as a file editor or a database superuser can make it."""
    with attacker(data) as conn:
        conn.execute(
            "UPDATE audit_log SET workstation = 'elsewhere' WHERE seq = ?", (seq,)
        )  # a harmless-looking change: plain verification cannot see it once re-hashed
        conn.execute("BEGIN")
        rehash_from(conn, seq)
        conn.execute("COMMIT")


def _forget_workstation_anchor(data: Path) -> None:
    # The rewrite is done from another computer, or the local anchor file is cleared too:
    # only what was handed out (memos, exports) still knows the old head.
    AnchorFile(data).path.unlink()


def test_a_memo_carries_the_chain_head_visibly_and_in_its_metadata(
    cli: Any, tmp_path: Path
) -> None:
    staff(cli)
    decision_id = _decide(cli, tmp_path, 1)
    before_seq = _head(cli.data)[0]
    memo = _memo(cli, decision_id, tmp_path / "memo.pdf")
    with Store.open(cli.data) as store:
        (printed,) = store.audit.of_events("memo.printed")
        seq = printed.objects_dict()["chain_head_seq"]
        entry = store.audit.entry(seq)
    assert entry is not None and before_seq < seq < printed.seq  # the head as it was then
    digest = entry.hash
    assert printed.objects_dict()["chain_head_hash"] == digest
    reader = pypdf.PdfReader(memo)
    keywords = str(reader.metadata.get("/Keywords"))
    assert keywords == f"TrustDesk-audit-chain-head entry {seq} sha256 {digest}"
    text = "".join(page.extract_text() for page in reader.pages)
    assert f"Audit chain head when this memo was made: entry {seq}, SHA-256" in text
    assert digest in text.replace("\n", "")


def test_a_consistent_rewrite_passes_plain_verify_but_not_a_memo_printed_before(
    cli: Any, tmp_path: Path
) -> None:
    staff(cli)
    first = _decide(cli, tmp_path, 1)
    papers = tmp_path / "case file"
    papers.mkdir()
    memo = _memo(cli, first, papers / "memo.pdf")
    anchored_seq = pypdf.PdfReader(memo).metadata["/Keywords"].split()[2]
    _decide(cli, tmp_path, 2)
    # The chain is rewritten from an entry before the memo's head.
    rewrite_chain_from(cli.data, 3)
    _forget_workstation_anchor(cli.data)

    code, out, err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 0 and "intact" in out, err  # the rewrite is consistent

    code, out, err = cli("audit", "verify", "--anchors", str(papers), "--as", "sam", who="sam")
    assert code == 3, out
    assert f"{memo}: entry {anchored_seq} sha256" in err
    assert f"HASH DIFFERS at entry {anchored_seq}" in err
    assert "anchors: 0 of 1 found in the chain" in out
    assert "AUDIT TRAIL REWRITTEN OR ROLLED BACK" in err


def test_anchors_that_are_still_in_the_chain_pass(cli: Any, tmp_path: Path) -> None:
    staff(cli)
    first = _decide(cli, tmp_path, 1)
    memo = _memo(cli, first, tmp_path / "memo.pdf")
    export = tmp_path / "trail.jsonl"
    code, _out, err = cli(
        "audit", "export", "--format", "jsonl", "--output", str(export), "--as", "aud", who="aud"
    )
    assert code == 0, err
    csv_export = tmp_path / "trail.csv"
    code, _out, err = cli(
        "audit", "export", "--format", "csv", "--output", str(csv_export), "--as", "aud", who="aud"
    )
    assert code == 0, err
    backup = tmp_path / "copy.tdbackup"
    assert cli("backup", str(backup), "--as", "chief", who="chief")[0] == 0
    anchor_file = AnchorFile(cli.data).path
    _decide(cli, tmp_path, 2)
    code, out, err = cli(
        "audit", "verify", "--anchors", str(memo), str(export), str(csv_export), str(backup),
        str(anchor_file), "--as", "sam", who="sam",
    )  # fmt: skip
    assert code == 0, err
    assert "anchors: 5 of 5 found in the chain" in out
    for source in (memo, export, csv_export, backup, anchor_file):
        assert f"anchor {source}: entry " in out
    assert out.count("found in the chain") == 6


def test_a_rollback_is_caught_by_an_export_made_before(cli: Any, tmp_path: Path) -> None:
    staff(cli)
    _decide(cli, tmp_path, 1)
    _decide(cli, tmp_path, 2)
    export = tmp_path / "trail.jsonl"
    assert (
        cli(
            "audit", "export", "--format", "jsonl", "--output", str(export), "--as", "aud",
            who="aud",
        )[0]
        == 0
    )  # fmt: skip
    exported_head = json.loads(export.read_text(encoding="utf-8").splitlines()[-1])["seq"]
    with attacker(cli.data) as conn:  # back to just after the first decision
        conn.execute("DELETE FROM audit_log WHERE seq > ?", (exported_head - 6,))
    _forget_workstation_anchor(cli.data)
    code, _out, err = cli("audit", "verify", "--anchors", str(export), "--as", "sam", who="sam")
    assert code == 3
    assert f"NOT FOUND: entry {exported_head} is beyond the chain's head" in err
    assert "rolled back" in err


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"just some notes", "notes.txt"),
        (b"%PDF-1.4\nno head in here\n%%EOF\n", "old-memo.pdf"),
        (b'{"seq": 0, "hash": "abc"}', "anchor.json"),
    ],
)
def test_a_file_without_a_chain_head_is_a_clear_refusal(
    cli: Any, tmp_path: Path, content: bytes, named: str
) -> None:
    staff(cli)
    path = tmp_path / named
    path.write_bytes(content)
    before = _head(cli.data)
    code, _out, err = cli("audit", "verify", "--anchors", str(path), "--as", "sam", who="sam")
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[-1] == (
        f"trustdesk: {path} carries no audit chain head: it is not a TrustDesk memo, audit "
        "export, backup or anchor file (memos printed before chain heads were added carry none)"
    )
    assert _head(cli.data) == before  # nothing was verified or recorded
    code, _out, err = cli(
        "audit", "verify", "--anchors", str(tmp_path / "absent"), "--as", "sam", who="sam"
    )
    assert code == 2 and "does not exist" in err


def test_a_pipe_or_a_pdf_larger_than_any_memo_is_refused_unread(cli: Any, tmp_path: Path) -> None:
    """A pipe named as an anchor was said not to exist, and a PDF was read whole, however
    large (a hostile pass): a pipe is named as one, and a PDF is read as `verify` reads a
    memo, up to its cap."""
    import os

    from trustdesk.services.memo_file import MAX_MEMO_BYTES

    staff(cli)
    pipe = tmp_path / "anchor.json"
    os.mkfifo(pipe)
    code, _out, err = cli("audit", "verify", "--anchors", str(pipe), "--as", "sam", who="sam")
    assert code == 2 and f"{pipe} is not a file (a pipe or a device)" in err
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(MAX_MEMO_BYTES + 10)  # sparse: no disk is filled
    code, _out, err = cli("audit", "verify", "--anchors", str(huge), "--as", "sam", who="sam")
    assert code == 2 and "far larger than any memo" in err


@pytest.mark.parametrize("named", ["the folder", "a file in a folder"])
def test_a_path_this_account_may_not_look_at_is_a_clear_refusal(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: str
) -> None:
    """Another user's folder, or a link in a searched folder to somewhere refused: the
    operating system refuses to look (EACCES; simulated, as root may look anywhere). It
    was "internal error (PermissionError); this is a bug in TrustDesk"."""
    staff(cli)
    folder = tmp_path / "memos"
    folder.mkdir()
    (folder / "memo.pdf").write_bytes(b"%PDF-1.4\n")
    private = folder if named == "the folder" else folder / "memo.pdf"
    real_stat = Path.stat

    def stat(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == private:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    code, _out, err = cli("audit", "verify", "--anchors", str(folder), "--as", "sam", who="sam")
    assert code == 2 and "internal error" not in err
    assert err.strip().splitlines()[-1] == (
        f"trustdesk: cannot look at {private}: Permission denied; name files and folders "
        "this account can read"
    )


class _Chain:
    """A chain reader over a plain connection: the check needs only head and entry."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def head(self) -> tuple[int, str]:
        row = self.conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC").fetchone()
        return (int(row[0]), str(row[1]))

    def entry(self, seq: int) -> Any:
        row = self.conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else type("Entry", (), {"hash": row[0]})()


def test_the_check_is_written_over_the_repository_api_only(cli: Any, tmp_path: Path) -> None:
    staff(cli)
    seq, digest = _head(cli.data)
    conn = sqlite3.connect(cli.data / DB_NAME)
    try:
        proofs = prove(
            _Chain(conn),
            [
                ("a", Anchor(seq, digest)),
                ("b", Anchor(seq, "f" * 64)),
                ("c", Anchor(seq + 5, digest)),
            ],
        )
    finally:
        conn.close()
    assert [proof.ok for proof in proofs] == [True, False, False]
    assert "HASH DIFFERS" in str(proofs[1]) and "beyond the chain's head" in str(proofs[2])


def test_an_anchor_folder_that_cannot_be_written_is_said_not_left_silent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """TRUSTDESK_ANCHOR_DIR naming a file: `config check` said OK, and records rolled
    back behind TrustDesk's back then passed `audit verify` as intact (exit 0), where a
    usable folder gives exit 3 (a hostile pass on IT's set-up). Writing anchors stays
    best effort, never stopping a save, but both now say it, and `audit verify` exits 4
    (it exited 0 beside its warning: a later hostile pass)."""
    from trustdesk.cli import main

    blocked = tmp_path / "anchors-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_ANCHOR_DIR", str(blocked))
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(config))
    cli = in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)
    staff(cli)
    said = f"names {blocked}, which is a file, so this workstation cannot keep the chain head"
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path / "data"), "config", "check"]) == 2
    assert said in capsys.readouterr().err
    code, out, err = cli("audit", "verify", "--as", "aud", who="aud")
    # Exit 4, not 0: a script that reads only the status must not take it as proven.
    assert code == 4 and out.startswith("audit trail intact")
    assert err.startswith("WARNING: environment variable TRUSTDESK_ANCHOR_DIR=")
    assert said in err and "records rolled back cannot be noticed here" in err
    assert "NOT PROVEN: no rollback could be checked on this workstation" in err
