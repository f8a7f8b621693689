"""The architecture as a checked contract: what each layer may import.

Imports are read from the source (every ``import`` statement, also those inside
functions, relative ones resolved, and ``importlib.import_module("literal")``), so a lazy
import cannot slip a library past the contract.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "trustdesk"

QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2"}

#: What each layer must not import (besides the libraries owned by another layer, below).
FORBIDDEN = {
    "core": {
        *QT,
        "sqlite3",
        "reportlab",
        "jsonschema",
        "cryptography",
        "pypdfium2",
        "holidays",
        "platformdirs",
        "trustdesk.rules",
        "trustdesk.cli",
        "trustdesk.store",
        "trustdesk.memo",
        "trustdesk.services",
        "trustdesk.ui",
    },
    "rules": {
        *QT,
        "sqlite3",
        "reportlab",
        "trustdesk.cli",
        "trustdesk.store",
        "trustdesk.memo",
        "trustdesk.services",
        "trustdesk.ui",
    },
    "store": {
        *QT,
        "trustdesk.rules",
        "trustdesk.cli",
        "trustdesk.memo",
        "trustdesk.services",
        "trustdesk.ui",
    },
    # The memo never queries the database: it renders a view-model it is handed.
    "memo": {
        *QT,
        "sqlite3",
        "trustdesk.cli",
        "trustdesk.store",
        "trustdesk.services",
        "trustdesk.ui",
    },
    "services": {*QT, "trustdesk.cli", "trustdesk.ui"},
    # Spreadsheet and data writers of a report: they take its view-model
    # (memo/report_model.py, standard library only) and neither query nor draw.
    "exports": {
        *QT,
        "sqlite3",
        "reportlab",
        "trustdesk.rules",
        "trustdesk.store",
        "trustdesk.services",
        "trustdesk.cli",
        "trustdesk.ui",
        "trustdesk.memo.report_pdf",
        "trustdesk.memo.report_charts",
    },
    "cli": {*QT, "trustdesk.ui"},
}

#: Each of these libraries may be imported by its one layer only (a top-level package
#: of trustdesk, or a module directly in it).
OWNED_BY = {
    "PySide6": "ui",
    "shiboken6": "ui",
    "sqlite3": "store",
    "reportlab": "memo",
    "pypdfium2": "ui",
    "jsonschema": "rules",
    # Pack signatures are checked in rules/signing.py (decision 0020); the one other
    # user is services/kept_signing.py (KEPT_SIGNING below).
    "cryptography": "rules",
    # The report's spreadsheets (decision 0029); openpyxl only reads them back in tests.
    "xlsxwriter": "exports",
    "openpyxl": "exports",
}

#: Libraries one module outside their owner's layer may use, each with its reason.
OWNED_ELSEWHERE = {
    # What a desk keeps while the record server is lost is signed with its officer's
    # key (decision 0062): a service's own Ed25519 key, not a rule pack's.
    ("services/kept_signing.py", "cryptography"),
}

#: Deliberate crossings, each with its reason.
ALLOWED = {
    # ``trustdesk gui`` starts the desktop app; the import is inside the command, so no
    # other command ever loads Qt (see test_cli_commands_do_not_load_qt).
    ("cli/gui.py", "trustdesk.ui"),
    # ``trustdesk`` alone opens the app without argparse (decision 0002's fast path), the
    # import inside ``main``. It was hidden from this check while the module also imported
    # ``trustdesk`` itself (``outermost`` keeps only that name).
    ("cli/__init__.py", "trustdesk.ui"),
}

#: Packages whose import circles another check owns. The store's own circle check comes
#: with its restructuring (decision 0022 records the shape of the rest).
CIRCLES_CHECKED_ELSEWHERE = ("trustdesk.store",)

#: Modules of ui/ that hold logic without Qt, so that it can be tested and reused
#: without a QApplication. Those that exist are checked.
QT_FREE_UI = ("countdown", "clock", "session")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    """The package a module file belongs to (what its relative imports start from)."""
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imported_modules(path: Path, package: str | None = None) -> set[str]:
    """Every module ``path`` imports anywhere in its code, as absolute dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if package is None:
        package = package_of(path) if path.is_relative_to(PACKAGE) else ""
    parts = package.split(".")
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                anchor = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            names.add(base)
            # ``from trustdesk import ui`` imports a module too.
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            names.add(node.args[0].value)
    names.discard("")
    return names


def outermost(names: set[str]) -> list[str]:
    """``names`` without those inside another one listed (one line per import in reports)."""
    return sorted(n for n in names if not any(n.startswith(m + ".") for m in names))


def violates(name: str, forbidden: set[str] | frozenset[str]) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


def sources(folder: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def allowed(path: Path, name: str) -> bool:
    relative = path.relative_to(PACKAGE).as_posix()
    return any(relative == where and violates(name, {what}) for where, what in ALLOWED)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer: str) -> None:
    assert (PACKAGE / layer).is_dir()
    problems = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sources(PACKAGE / layer)
        for name in outermost(imported_modules(path))
        if violates(name, FORBIDDEN[layer]) and not allowed(path, name)
    ]
    assert problems == []


@pytest.mark.parametrize("library", sorted(OWNED_BY))
def test_library_used_only_by_its_layer(library: str) -> None:
    owner = OWNED_BY[library]
    problems = [
        f"{path.relative_to(PACKAGE)} imports {name} (only {owner}/ may)"
        for path in sources()
        if layer_of(path) != owner
        and (path.relative_to(PACKAGE).as_posix(), library) not in OWNED_ELSEWHERE
        for name in outermost(imported_modules(path))
        if violates(name, {library})
    ]
    assert problems == []


def test_nothing_outside_ui_imports_qt() -> None:
    problems = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sources()
        if layer_of(path) != "ui"
        for name in outermost(imported_modules(path))
        if violates(name, QT)
    ]
    assert problems == []


def _existing_qt_free_ui() -> list[str]:
    return [name for name in QT_FREE_UI if (PACKAGE / "ui" / f"{name}.py").exists()]


@pytest.mark.parametrize("name", _existing_qt_free_ui())
def test_qt_free_ui_helpers_stay_qt_free(name: str) -> None:
    # The module and the ui modules it imports, followed to the end.
    todo, seen, problems = [f"trustdesk.ui.{name}"], set(), []
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = PACKAGE.parent / (module.replace(".", "/") + ".py")
        if not path.exists():
            continue  # a package's attribute, e.g. ``from trustdesk.ui import x`` naming a class
        for imported in imported_modules(path):
            if violates(imported, QT):
                problems.append(f"{module} imports {imported}")
            elif imported.startswith("trustdesk.ui."):
                todo.append(imported)
    assert problems == []


def test_qt_free_ui_helpers_load_without_qt() -> None:
    # The same, as Python sees it: importing them leaves Qt unloaded, whatever the path.
    modules = [f"trustdesk.ui.{name}" for name in _existing_qt_free_ui()]
    probe = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(QT)!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert out.splitlines()[-1] == "[]"


def test_cli_commands_do_not_load_qt(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from trustdesk.cli import build_parser\n"
        "build_parser()\n"  # every command's module
        "print(sorted(m for m in ('PySide6', 'shiboken6', 'pypdfium2') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert out.splitlines()[-1] == "[]"


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "import sqlite3\n"
        "from jsonschema import validate\n"
        "def later():\n"
        "    from PySide6.QtWidgets import QLabel\n"
        "    import importlib\n"
        "    return importlib.import_module('reportlab.pdfgen')\n"
    )
    found = imported_modules(sample)
    assert {"sqlite3", "jsonschema", "PySide6.QtWidgets", "reportlab.pdfgen"} <= found
    assert violates("jsonschema.validators", FORBIDDEN["core"])
    assert violates("shiboken6", FORBIDDEN["cli"])
    assert not violates("sqlite3x", {"sqlite3"})


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from . import board\nfrom ..store.records import User\n")
    found = imported_modules(sample, package="trustdesk.ui")
    assert {"trustdesk.ui", "trustdesk.ui.board", "trustdesk.store.records"} <= found
    assert package_of(PACKAGE / "ui" / "app.py") == "trustdesk.ui"
    assert package_of(PACKAGE / "ui" / "__init__.py") == "trustdesk.ui"
    assert layer_of(PACKAGE / "ui" / "app.py") == "ui"
    assert layer_of(PACKAGE / "resources.py") == "resources"


def test_evaluate_path_keeps_heavy_libraries_out(tmp_path: Path) -> None:
    # With a warm cache, deciding a case must not import the slow libraries.
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "decision_time": "2026-11-19T09:00:00-05:00",
                "releasable_at": "2026-11-25T10:00:00-05:00",
                "detainer": {"form": "I-247A", "judicial_warrant": False},
                "person": {"name": "María Peña", "booking_number": "NH-2026-0412"},
                "tsdb_match": True,
            }
        )
    )
    heavy = ("jsonschema", "holidays", "PySide6", "reportlab", "sqlite3")
    # A data folder never set up: the agency has chosen no jurisdiction, and nothing is
    # read from a database (a set-up folder's choice is read over sqlite3, read-only).
    folder = str(tmp_path / "data")
    probe = (
        "import sys\n"
        "from trustdesk.cli import main\n"
        f"main(['--data-dir', {folder!r}, 'evaluate', {str(case)!r}, '--format', 'json'])\n"
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


# --- import circles ------------------------------------------------------------------


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the modules of the same tree it imports (anywhere in its code).

    ``root`` is a package folder; an imported name is taken to the longest module it
    names (``trustdesk.services.jobs.JobCancelled`` → ``trustdesk.services.jobs``).
    """
    base = root.parent
    files = {p: ".".join(_module_parts(p, base)) for p in sources(root)}
    modules = set(files.values())
    graph: dict[str, set[str]] = {}
    for path, name in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for imported in imported_modules(path, package):
            target = imported
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def _module_parts(path: Path, base: Path) -> tuple[str, ...]:
    parts = path.relative_to(base).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" else parts


def import_circles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected sets of two or more modules (Tarjan's algorithm, without
    recursion), each sorted; modules in one set import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(sorted(members))
    return sorted(found)


def circles_to_report(
    graph: Mapping[str, Iterable[str]], exempt: Iterable[str] = CIRCLES_CHECKED_ELSEWHERE
) -> list[list[str]]:
    """Every circle but those wholly inside an exempt package."""
    skip = tuple(exempt)
    return [
        circle
        for circle in import_circles(graph)
        if not all(any(violates(m, {package}) for package in skip) for m in circle)
    ]


def test_no_import_circles() -> None:
    assert circles_to_report(import_graph(PACKAGE)) == []


def test_the_circle_checker_finds_circles(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    for folder in ("", "svc", "store"):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / "__init__.py").write_text("")
    files = {
        # a → b → c → a, the last one lazily inside a function: a circle of three.
        "svc/a.py": "from pkg.svc import b\n",
        "svc/b.py": "from .c import thing\n",
        "svc/c.py": "def later():\n    import pkg.svc.a\n",
        # d imports into the circle but nothing imports d back: no circle.
        "svc/d.py": "import pkg.svc.a\nfrom pkg.store import x\n",
        # x ↔ y inside the exempt package.
        "store/x.py": "from pkg.store.y import Y\n",
        "store/y.py": "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from pkg.store import x\n",
        "solo.py": "import pkg.solo\n",  # importing itself is no circle
    }
    for name, text in files.items():
        (root / name).write_text(text)
    graph = import_graph(root)
    assert graph["pkg.svc.b"] == {"pkg.svc.c"}
    assert graph["pkg.svc.d"] == {"pkg.svc.a", "pkg.store", "pkg.store.x"}
    circles = import_circles(graph)
    assert circles == [["pkg.store.x", "pkg.store.y"], ["pkg.svc.a", "pkg.svc.b", "pkg.svc.c"]]
    assert circles_to_report(graph, exempt=("pkg.store",)) == [
        ["pkg.svc.a", "pkg.svc.b", "pkg.svc.c"]
    ]
    # Two circles joined through one module are one set, found whatever the order.
    joined = {"p": {"q"}, "q": {"p", "r"}, "r": {"s"}, "s": {"q"}, "t": {"p"}}
    assert import_circles(joined) == [["p", "q", "r", "s"]]
    assert import_circles({"p": {"q"}, "q": set()}) == []


def test_the_circle_check_sees_the_store_circle_it_leaves_to_the_store() -> None:
    # While the store keeps its circle, the exemption must be what hides it: the checker
    # itself finds it on the real tree. (Once the store is restructured this may change.)
    everything = import_circles(import_graph(PACKAGE))
    outside = circles_to_report(import_graph(PACKAGE))
    assert outside == []
    for circle in everything:
        assert all(m.startswith("trustdesk.store.") for m in circle), circle


#: Modules below every layer (any layer may import them): standard library only, and
#: each other.
NEUTRAL = ("durable", "named_file", "newfile")


@pytest.mark.parametrize("name", NEUTRAL)
def test_neutral_modules_use_only_the_standard_library(name: str) -> None:
    own = {f"trustdesk.{n}" for n in NEUTRAL}
    problems = [
        imported
        for imported in outermost(imported_modules(PACKAGE / f"{name}.py"))
        if imported not in own and imported.split(".")[0] not in sys.stdlib_module_names
    ]
    assert problems == []
