"""Counsel's sign-off on the command line, end to end (issue 15 §1).

Before it, a decision resting on a 2025 listed offense goes to review; the
administrator records counsel's sign-off of the ground and the section; the same case
decided afterwards does not; the earlier decision keeps its pack hash, its flag and a
memo that reads back the old hash.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pypdf
import pytest
from storekit import ADMIN_PW, PASSWORDS, in_process_cli

from casekit import conviction, make_case
from trustdesk import resources
from trustdesk.store import audit

LISTED = make_case(
    convictions=[conviction("53a-71", "felony", "C", date="2012-05-01")],
)
SIGNOFF = (
    "rules",
    "signoff",
    "--pack",
    "ct-2025",
    "--item",
    "criteria/listed_offense_conviction",
    "--item",
    "53a-71",
    "--source",
    "Public Act 25-xx, § 1 (official text, as counsel read it)",
    "--by",
    "Dana Reyes",
    "--title",
    "Town Attorney",
    "--date",
    "2026-12-01",
    "--as",
    "chief",
)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    run = in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)
    assert run("users", "add", "chief", "--role", "administrator", new=ADMIN_PW)[0] == 0
    code, _out, err = run(
        "users", "add", "ann", "--role", "officer", "--as", "chief", who="chief",
        new=PASSWORDS["ann"],
    )  # fmt: skip
    assert code == 0, err
    return run


def _record(cli: Any, tmp_path: Path, name: str) -> int:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(LISTED), encoding="utf-8")
    code, out, err = cli("decisions", "add", str(path), "--as", "ann", who="ann")
    assert code == 0, err
    return int(out.strip())


def _latest(cli: Any, decision_id: int) -> dict[str, Any]:
    code, out, err = cli("decisions", "show", str(decision_id), "--format", "json", "--as", "ann",
                         who="ann")  # fmt: skip
    assert code == 0, err
    version: dict[str, Any] = json.loads(out)["versions"][-1]
    return version


def _memo_text(cli: Any, tmp_path: Path, decision_id: int) -> str:
    target = tmp_path / f"memo-{decision_id}.pdf"
    code, out, err = cli("memo", str(decision_id), "-o", str(target), "--as", "ann", who="ann")
    assert code == 0, err
    reader = pypdf.PdfReader(io.BytesIO(Path(out.strip()).read_bytes()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _shipped_sha() -> str:
    import hashlib

    return hashlib.sha256(resources.resource("rules", "ct-2025.json").read_bytes()).hexdigest()


def _error_line(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if not ln.startswith("trustdesk: warning: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_signoff_end_to_end(cli: Any, tmp_path: Path) -> None:
    shipped = _shipped_sha()
    before_id = _record(cli, tmp_path, "before")
    before = _latest(cli, before_id)
    assert before["rule_pack_sha256"] == shipped
    assert before["review_required"] is True
    assert any("unverified" in r for r in before["decision"]["review_reasons"])

    code, out, err = cli(*SIGNOFF, who="chief")
    assert code == 0, err
    assert "lists/ct_2025_added_offenses/53a-71" in out  # the bare section was resolved
    new_sha = out.split("new revision sha256 ")[1].split()[0]
    assert new_sha != shipped and f"previous revision {shipped}" in out

    (entry,) = _entries(cli, "rules.signed_off")
    assert entry["actor"] == "chief" and entry["outcome"] == "success"
    assert entry["pack"] == "ct-2025" and entry["sha256"] == new_sha
    assert entry["replaced_sha256"] == shipped
    assert entry["by"] == "Dana Reyes" and entry["title"] == "Town Attorney"
    assert entry["on"] == "2026-12-01"
    assert entry["items"] == [
        "criteria/listed_offense_conviction",
        "lists/ct_2025_added_offenses/53a-71",
    ]

    after_id = _record(cli, tmp_path, "after")
    after = _latest(cli, after_id)
    assert after["rule_pack_sha256"] == new_sha
    assert after["review_required"] is False
    assert after["outcome"] == before["outcome"] == "honor"
    assert after["decision"]["unverified"] == []

    # The earlier decision keeps its pinned pack and its flag, and its memo reads it back.
    again = _latest(cli, before_id)
    assert again["rule_pack_sha256"] == shipped and again["review_required"] is True
    old_memo = _memo_text(cli, tmp_path, before_id)
    assert shipped in old_memo and new_sha not in old_memo
    assert "UNVERIFIED" in old_memo
    new_memo = _memo_text(cli, tmp_path, after_id)
    assert new_sha in new_memo and "SUPERVISOR REVIEW REQUIRED" not in new_memo

    # The items list now says who verified what; the other sections stay unverified.
    code, out, _err = cli("rules", "items", "--pack", "ct-2025")
    assert code == 0
    line = next(ln for ln in out.splitlines() if "lists/ct_2025_added_offenses/53a-71 " in ln)
    assert line.startswith("verified")
    assert "verified by Dana Reyes (Town Attorney) against Public Act 25-xx" in out
    code, out, _err = cli("rules", "items", "--pack", "ct-2025", "--unverified")
    assert "53a-72a" in out and "53a-71 " not in out
    code, out, _err = cli("rules", "list")
    assert f"sha256 {new_sha}" in out and "UNVERIFIED: Offenses added" in out


def _entries(cli: Any, event: str) -> list[dict[str, Any]]:
    from trustdesk.store.store import Store

    with Store.open(cli.data) as store, store.db.reading() as conn:
        return [
            {"actor": e.actor, "outcome": e.outcome, **e.objects_dict()}
            for e in audit.entries_for(conn, event)
        ]


@pytest.mark.parametrize(
    ("change", "who", "message"),
    [
        (("--item", "53a-999"), "chief", "has no item '53a-999'"),
        (("--date", "2026-13-01"), "chief", "--date '2026-13-01' is not a date"),
        (("--date", "2031-01-01"), "chief", "is in the future"),
        (("--by", " "), "chief", "/by: must not be blank"),
        (("--pack", "ct-1999"), "chief", "no rule pack 'ct-1999' is in use"),
        ((), "ann", "administrators only"),
    ],
    ids=["unknown item", "bad date", "future date", "blank name", "unknown pack", "officer"],
)
def test_bad_signoff_changes_nothing(
    cli: Any, change: tuple[str, ...], who: str, message: str
) -> None:
    args = list(SIGNOFF)
    for flag, value in zip(change[::2], change[1::2], strict=True):
        if flag == "--item":
            args[args.index("53a-71")] = value
        else:
            args[args.index(flag) + 1] = value
    if who != "chief":
        args[args.index("--as") + 1] = who
    code, _out, err = cli(*args, who=who)
    assert code == 2
    assert message in _error_line(err)
    assert not (cli.data / "rules" / "ct-2025.json").exists()
    assert _entries(cli, "rules.signed_off") == []
    code, out, _err = cli("rules", "list")
    assert f"sha256 {_shipped_sha()}" in out


def test_a_second_signoff_keeps_the_first_revision(cli: Any, tmp_path: Path) -> None:
    assert cli(*SIGNOFF, who="chief")[0] == 0
    first_id = _record(cli, tmp_path, "first")
    first = _latest(cli, first_id)["rule_pack_sha256"]
    args = list(SIGNOFF)
    args[args.index("53a-71")] = "53a-72a"
    code, out, err = cli(*args, who="chief")
    assert code == 0, err
    second = out.split("new revision sha256 ")[1].split()[0]
    assert second != first
    kept = cli.data / "rules" / "superseded" / f"ct-2025-{first[:12]}.json"
    assert kept.exists()
    assert first in _memo_text(cli, tmp_path, first_id)
