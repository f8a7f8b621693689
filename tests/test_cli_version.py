"""``trustdesk --version``: the version, the build and the SHA-256 of every rule pack in
force on the data folder (imported packs included), or one line saying why not."""

from __future__ import annotations

import hashlib
import json
import sys
import types
from pathlib import Path

import pytest

from trustdesk import __version__, resources
from trustdesk.buildinfo import build_info
from trustdesk.cli import main
from trustdesk.rules.errors import InputError
from trustdesk.rules.registry import load_rules
from trustdesk.services.bundle import open_services

sys.path.insert(0, str(Path(__file__).parent / "store"))
from storekit import FAST_HASHER

#: Test packs are unsigned: each import is an administrator's recorded override.
UNSIGNED = "an agency test pack, unsigned"


def version_output(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, "--version"])
    out, err = capsys.readouterr()
    return code, out, err


def shipped_sha256(pack_id: str) -> str:
    return hashlib.sha256(resources.resource("rules", f"{pack_id}.json").read_bytes()).hexdigest()


def test_lists_version_build_and_every_shipped_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = version_output(capsys, "--data-dir", str(tmp_path / "data"))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"trustdesk {__version__}"
    build = build_info()
    assert lines[1] == f"build: commit {build.commit[:12]} of {build.date} (source checkout)"
    assert len(build.commit) == 40  # this test runs in a git checkout
    for pack_id in ("ct-2014", "ct-2019", "ct-2025"):
        assert any(
            line.split()[:2] == [pack_id, shipped_sha256(pack_id)] and "(shipped;" in line
            for line in lines
        ), out
    assert not (tmp_path / "data").exists()  # asking for the version creates nothing


class _Holder:
    def replace(self, rules: object) -> None:
        self.rules = rules


def _agency_ct_2025(tmp_path: Path) -> tuple[Path, str]:
    """A data folder with the agency's own ct-2025 imported as an administrator does it
    in the app (audited), and that pack's SHA-256."""
    raw = json.loads(resources.resource("rules", "ct-2025.json").read_text(encoding="utf-8"))
    raw["title"] = "Agency edition"
    source = tmp_path / "agency.json"
    source.write_text(json.dumps(raw), encoding="utf-8")
    data = tmp_path / "data"
    with open_services(data, load_rules(), hasher=FAST_HASHER) as services:
        services.accounts.create_first_administrator("chief", "granite lantern meadow 7")
        session = services.accounts.log_on("chief", "granite lantern meadow 7")
        imported = services.rulepacks.import_pack(session, source, _Holder(), override=UNSIGNED)
    return data, imported.sha256


def test_an_imported_pack_is_listed_in_place_of_the_shipped_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, digest = _agency_ct_2025(tmp_path)
    code, out, _err = version_output(capsys, "--data-dir", str(data))
    assert code == 0
    assert f"  ct-2025  {digest}  (imported;" in out
    assert shipped_sha256("ct-2025") not in out


def test_packs_that_cannot_be_loaded_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_options: object) -> object:
        raise InputError(str(tmp_path / "rules" / "x.json"), "/", "not valid JSON")

    monkeypatch.setattr("trustdesk.cli.rulesource.data_folder_rules", refuse)
    code, out, err = version_output(capsys, "--data-dir", str(tmp_path))
    assert code == 2
    assert out.startswith(f"trustdesk {__version__}\nbuild: ")
    assert "rule packs in force" not in out
    assert err.count("\n") == 1
    assert err.startswith("trustdesk: the rule packs could not be loaded: ")
    assert str(tmp_path / "rules" / "x.json") in err and "Traceback" not in err


def test_a_frozen_build_reports_what_the_build_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = types.ModuleType("_trustdesk_build")
    frozen.VERSION, frozen.COMMIT, frozen.DATE = "0.2.0", "a" * 40, "2026-12-04T05:00:00Z"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "_trustdesk_build", frozen)
    _code, out, _err = version_output(capsys, "--data-dir", str(tmp_path))
    assert out.splitlines()[:2] == [
        "trustdesk 0.2.0",
        "build: commit aaaaaaaaaaaa of 2026-12-04T05:00:00Z (frozen build)",
    ]


def _california_agency(data: Path) -> None:
    with open_services(data, load_rules(), hasher=FAST_HASHER) as services:
        services.accounts.create_first_administrator("chief", "granite lantern meadow 7")
        session = services.accounts.log_on("chief", "granite lantern meadow 7")
        services.jurisdiction.change(session, "CA")


def test_a_california_agency_is_told_californias_packs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The report listed Connecticut's packs as the ones in force on a California
    # agency's desk: the default jurisdiction's, not the agency's.
    data = tmp_path / "data"
    _california_agency(data)
    code, out, err = version_output(capsys, "--data-dir", str(data))
    assert (code, err) == (0, "")
    assert "rule packs in force, California" in out
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert listed == ["ca-2014", "ca-2018"], out
    code, out, _err = version_output(capsys, "--data-dir", str(tmp_path / "other"))
    assert code == 0 and "rule packs in force, Connecticut" in out
    # --data-dir after --version counts too (the report printed before it was read).
    code = main(["--version", "--data-dir", str(data)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "") and "rule packs in force, California" in out


def test_a_damaged_entry_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A settings entry nested beyond Python's recursion limit (written behind TrustDesk's
    # back) stopped --version with a raw traceback: --version ran inside argparse,
    # outside the command line's error handling, and the choice's reading let it escape.
    import sqlite3

    data = tmp_path / "data"
    _california_agency(data)
    conn = sqlite3.connect(data / "trustdesk.db")
    try:
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        ).fetchall():
            conn.execute(f'DROP TRIGGER "{name}"')
        seq, head = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC").fetchone()
        conn.execute(
            "INSERT INTO audit_log (seq, at, workstation, actor, actor_id, event, outcome, "
            "objects, prev_hash, hash) VALUES (?, '2026-12-06T10:00:00.000000Z', 'x', NULL, "
            "NULL, 'settings.changed', 'success', ?, ?, ?)",
            (seq + 1, "[" * 100_000, head, "0" * 64),
        )
        conn.commit()
    finally:
        conn.close()
    code, out, err = version_output(capsys, "--data-dir", str(data))
    assert "Traceback" not in err and err.count("\n") <= 1, err
    assert code == 0 and "rule packs in force, California" in out, (out, err)


def test_a_database_server_out_of_reach_is_said_not_guessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The imports in force are on the server: the shipped packs are not listed instead.
    code, out, err = version_output(
        capsys, "--data-dir", str(tmp_path), "--database", "postgresql://desk@127.0.0.1:1/td"
    )
    assert code == 2
    assert out.startswith(f"trustdesk {__version__}\nbuild: ")
    assert "rule packs in force" not in out
    assert err.startswith("trustdesk: the rule packs in force could not be listed: ")
    assert "cannot be reached" in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_record_that_cannot_say_which_imports_are_in_force_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--version` says which law this desk applies: when the data folder's record cannot
    say which imported packs are in force (its log changed behind TrustDesk's back), it
    says so and lists no shipped pack as in force in their place (a hostile review found
    the shipped ct-2025 listed while the agency's own was in force)."""
    import sqlite3

    data, digest = _agency_ct_2025(tmp_path)
    code, out, _err = version_output(capsys, "--data-dir", str(data))
    assert code == 0 and digest in out
    conn = sqlite3.connect(data / "trustdesk.db", isolation_level=None)
    conn.execute("ALTER TABLE audit_log RENAME COLUMN outcome TO outcome_elsewhere")
    conn.close()
    code, out, err = version_output(capsys, "--data-dir", str(data))
    assert code == 2, (out, err)
    assert "the rule packs in force could not be listed" in out + err
    assert "rule packs in force," not in out and shipped_sha256("ct-2025") not in out


@pytest.mark.parametrize(
    ("put", "words"),
    [
        ("folder", "trustdesk.db: Is a directory"),
        ("noise", "is not a TrustDesk database (not an SQLite file); TrustDesk left the file"),
    ],
)
def test_a_record_file_that_is_not_one_is_named_as_every_command_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], put: str, words: str
) -> None:
    """A folder in the record file's place read as "input/output error … Check the disk",
    and a file that is not SQLite as damaged, with the advice to restore a backup over
    it, where every other command says what the file is (a hostile pass)."""
    data = tmp_path / "data"
    data.mkdir()
    record = data / "trustdesk.db"
    if put == "folder":
        record.mkdir()
    else:
        record.write_bytes(bytes(range(256)) * 20)
    code, _out, err = version_output(capsys, "--data-dir", str(data))
    assert code == 2 and words in err
    assert "Check the disk" not in err and "restore" not in err
    assert record.is_dir() if put == "folder" else record.read_bytes()[:3] == b"\x00\x01\x02"
