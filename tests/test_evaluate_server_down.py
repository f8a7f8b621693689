"""`trustdesk evaluate --jurisdiction` decides while the database server is out of reach:
asking the server which imported packs are in force is not needed to read a case (it
stopped with "the database server cannot be reached"); it says the shipped packs apply."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
