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
from trustdesk.rules.imports import check_import, imported_folder, install


def version_output(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main([*args, "--version"])
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


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


def test_an_imported_pack_is_listed_in_place_of_the_shipped_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = json.loads(resources.resource("rules", "ct-2025.json").read_text(encoding="utf-8"))
    raw["title"] = "Agency edition"
    source = tmp_path / "agency.json"
    source.write_text(json.dumps(raw), encoding="utf-8")
    data = tmp_path / "data"
    install(check_import(source, imported_folder(data)))
    imported = next((data / "rules").glob("*.json"))
    code, out, _err = version_output(capsys, "--data-dir", str(data))
    assert code == 0
    digest = hashlib.sha256(imported.read_bytes()).hexdigest()
    assert f"  ct-2025  {digest}  (imported;" in out
    assert shipped_sha256("ct-2025") not in out


def test_a_damaged_imported_pack_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "data" / "rules" / "ct-2025.json"
    damaged.parent.mkdir(parents=True)
    damaged.write_text('{"id": "ct-2025",', encoding="utf-8")
    code, out, err = version_output(capsys, "--data-dir", str(tmp_path / "data"))
    assert code == 2
    assert out.startswith(f"trustdesk {__version__}\nbuild: ")
    assert err.count("\n") == 1
    assert err.startswith(f"trustdesk: the rule packs could not be loaded: {damaged}")


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
