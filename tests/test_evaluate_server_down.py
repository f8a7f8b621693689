"""`trustdesk evaluate --jurisdiction` decides while the database server is out of reach:
asking the server which imported packs are in force is not needed to read a case (it
stopped with "the database server cannot be reached"); it says the shipped packs apply."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trustdesk import resources


def test_evaluate_with_a_jurisdiction_works_while_the_server_is_down(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('database = "postgresql://desk@127.0.0.1:1/trustdesk"\n', "utf-8")
    case = resources.resource("examples", "01-judicial-warrant-hold.json")
    env = {**os.environ, "TRUSTDESK_CONFIG": str(config)}
    done = subprocess.run(
        [sys.executable, "-m", "trustdesk", "--data-dir", str(tmp_path / "data"), "evaluate",
         "--jurisdiction", "CT", str(case)],
        check=False, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "only the shipped packs apply" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout.strip()
    assert not (tmp_path / "data").exists()  # nothing created


def _run(tmp_path: Path, config_text: str, *args: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config.toml"
    config.write_text(config_text, "utf-8")
    env = {**os.environ, "TRUSTDESK_CONFIG": str(config)}
    return subprocess.run(
        [sys.executable, "-m", "trustdesk", "--data-dir", str(tmp_path / "data"), *args],
        check=False, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


SERVER_DOWN = 'database = "postgresql://desk@127.0.0.1:1/trustdesk"\n'


def test_the_machine_jurisdiction_set_by_it_decides_while_the_server_is_down(
    tmp_path: Path,
) -> None:
    """IT set the machine's jurisdiction: it is known without the server, so `evaluate`
    without --jurisdiction and `rules list` go on under its shipped packs."""
    case = resources.resource("examples", "01-judicial-warrant-hold.json")
    machine = SERVER_DOWN + 'jurisdiction = "CT"\n'
    done = _run(tmp_path, machine, "evaluate", str(case))
    assert done.returncode == 0, done.stderr
    assert "only the shipped packs apply" in done.stderr and done.stdout.strip()
    listed = _run(tmp_path, machine, "rules", "list")
    assert listed.returncode == 0, listed.stderr
    assert "ct-2025" in listed.stdout and "only the shipped packs apply" in listed.stderr
    assert "Traceback" not in done.stderr + listed.stderr
    assert not (tmp_path / "data").exists()


def test_without_a_known_jurisdiction_the_command_stops_and_says_why(tmp_path: Path) -> None:
    """Nothing guessed: the agency's jurisdiction is on the server, out of reach."""
    case = resources.resource("examples", "01-judicial-warrant-hold.json")
    done = _run(tmp_path, SERVER_DOWN, "evaluate", str(case))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("trustdesk: the database server cannot be reached")
    assert "Traceback" not in done.stderr


def test_version_says_the_packs_in_force_are_unknown_while_the_server_is_down(
    tmp_path: Path,
) -> None:
    """`--version` says which law this desk applies: the agency's imports are on the
    server, so it does not list the shipped packs as in force (a machine jurisdiction
    set or not)."""
    done = _run(tmp_path, SERVER_DOWN + 'jurisdiction = "CT"\n', "--version")
    assert done.returncode == 2
    assert "the rule packs in force could not be listed" in done.stderr
    assert "the database server cannot be reached" in done.stderr
    assert "rule packs in force," not in done.stdout


def test_a_reachable_server_that_refuses_the_record_is_not_taken_for_an_outage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only an outage lets the commands go on under the shipped packs: a server that
    answers but refuses the record (written by a newer TrustDesk, a table changed) may
    hold imports that are in force, so the command stops and says why."""
    import argparse

    from trustdesk import config
    from trustdesk.cli import signon
    from trustdesk.store.errors import NewerSchema

    config_file = tmp_path / "config.toml"
    config_file.write_text(SERVER_DOWN + 'jurisdiction = "CT"\n', "utf-8")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(config_file))
    config.start(tmp_path / "data", None)

    def refused(args: argparse.Namespace) -> None:
        raise NewerSchema("written by a newer TrustDesk (schema 99)")

    monkeypatch.setattr(signon, "open_services", refused)
    args = argparse.Namespace(data_dir=tmp_path / "data", database=None)
    with pytest.raises(NewerSchema, match="schema 99"):
        signon.command_rules(args)
    with pytest.raises(NewerSchema, match="schema 99"):
        signon.command_rules(args, "CT")
