"""The architecture as a checked contract: what each layer may import."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_case

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "trustdesk"

FORBIDDEN = {
    "core": {
        "PySide6",
        "sqlite3",
        "reportlab",
        "jsonschema",
        "holidays",
        "platformdirs",
        "trustdesk.rules",
        "trustdesk.cli",
        "trustdesk.store",
        "trustdesk.memo",
        "trustdesk.ui",
    },
    "rules": {
        "PySide6",
        "sqlite3",
        "reportlab",
        "trustdesk.cli",
        "trustdesk.store",
        "trustdesk.memo",
        "trustdesk.ui",
    },
    "cli": {"PySide6", "trustdesk.ui"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violates(name: str, forbidden: set[str]) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer: str) -> None:
    problems = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in imported_modules(path)
        if violates(name, FORBIDDEN[layer])
    ]
    assert problems == []


def test_nothing_outside_ui_imports_qt() -> None:
    problems = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        and any(violates(n, {"PySide6", "PyQt5", "PyQt6"}) for n in imported_modules(path))
    ]
    assert problems == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import sqlite3\nfrom jsonschema import validate\n")
    assert {"sqlite3", "jsonschema"} <= imported_modules(sample)
    assert violates("jsonschema.validators", FORBIDDEN["core"])


def test_evaluate_path_keeps_heavy_libraries_out(tmp_path: Path) -> None:
    # With a warm cache, deciding a case must not import the slow libraries.
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(make_case(tsdb_match=True, releasable_at="2026-11-25T10:00:00-05:00"))
    )
    heavy = ("jsonschema", "holidays", "PySide6", "reportlab", "sqlite3")
    probe = (
        "import sys\n"
        "from trustdesk.cli import main\n"
        f"main(['evaluate', {str(case)!r}, '--format', 'json'])\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "TRUSTDESK_CACHE_DIR": str(tmp_path / "cache")}
    cold = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True, env=env
    )
    assert "jsonschema" in cold.stdout.splitlines()[-1]  # the first run validates
    warm = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True, env=env
    )
    assert '"hold_expires_at": "2026-11-30T10:00:00-05:00"' in warm.stdout
    assert warm.stdout.splitlines()[-1] == "[]"
