"""The store is the only package with SQL; services sit between it and the interfaces."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "trustdesk"


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in sorted(imported(path))
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_only_the_store_speaks_sql() -> None:
    outside = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "store"]
    assert _violations(outside, ("sqlite3",)) == []


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        (
            "store",
            ("trustdesk.services", "trustdesk.cli", "trustdesk.ui", "trustdesk.rules", "PySide6"),
        ),
        ("services", ("trustdesk.cli", "trustdesk.ui", "PySide6", "sqlite3")),
    ],
)
def test_layer_imports(layer: str, forbidden: tuple[str, ...]) -> None:
    assert _violations(sorted((PACKAGE / layer).rglob("*.py")), forbidden) == []


def test_no_password_option_anywhere_in_the_cli() -> None:
    from trustdesk.cli import build_parser

    parser = build_parser()
    options: set[str] = set()
    stack = [parser]
    while stack:
        current = stack.pop()
        for action in current._actions:
            options.update(action.option_strings)
            if action.choices and isinstance(action.choices, dict):
                stack.extend(action.choices.values())
    assert "--as" in options
    assert not [o for o in options if "pass" in o.lower()]
