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
