"""The wheel carries resources/ and schemas/, and an installed copy finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("trustdesk-*.whl")
    return built


def test_wheel_contains_rule_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "trustdesk/resources/rules/ct-2014.json",
        "trustdesk/resources/rules/ct-2019.json",
        "trustdesk/resources/rules/ct-2025.json",
        "trustdesk/resources/offenses/ct.json",
        "trustdesk/resources/examples/01-judicial-warrant-hold.json",
        "trustdesk/schemas/rule-pack.schema.json",
        "trustdesk/schemas/case.schema.json",
        "trustdesk/schemas/offense-catalog.schema.json",
        "trustdesk/py.typed",
    ):
        assert expected in names


def test_installed_wheel_uses_its_own_resources(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "TRUSTDESK_CACHE_DIR": str(tmp_path / "c")}
    probe = "import trustdesk.resources as r; print(r.resources_dir()); print(r.schemas_dir())"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == [
        str(target / "trustdesk" / "resources"),
        str(target / "trustdesk" / "schemas"),
    ]
    result = subprocess.run(
        [sys.executable, "-m", "trustdesk", "rules", "test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("passed, 0 failed")
