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
    assert _violations(outside, ("sqlite3", "psycopg", "psycopg_pool")) == []


def test_only_the_postgresql_backend_imports_psycopg() -> None:
    """SQLite users never load psycopg: the rest of the store does not import it."""
    store = PACKAGE / "store"
    others = [p for p in store.rglob("*.py") if "postgresql" not in p.relative_to(store).parts]
    assert _violations(others, ("psycopg", "psycopg_pool")) == []


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


def _store_module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _store_imports(path: Path, module: str) -> set[str]:
    """Every trustdesk.store module ``path`` imports: at the top, inside functions and
    under TYPE_CHECKING alike (each is an edge a reader must follow), relative ones
    resolved, ``from package import module`` counted as the module."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("trustdesk.store")}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def test_no_import_circles_inside_the_store() -> None:
    """A module of trustdesk.store never imports, however indirectly or lazily, a module
    that imports it back: each can be read (and tested) after what it depends on."""
    files = {_store_module(p): p for p in sorted((PACKAGE / "store").rglob("*.py"))}
    graph = {
        module: {name for name in _store_imports(path, module) if name in files} - {module}
        for module, path in files.items()
    }
    # A package's __init__ is imported with each of its modules: not an edge of its own.
    for module, imports in graph.items():
        imports -= {name for name in imports if module.startswith(name + ".")}
    assert _cycles(graph) == []


def test_the_circle_check_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
