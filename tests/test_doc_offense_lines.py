"""The 255 real DOC offense lines resolve to the sections and classes the statutes give."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from trustdesk.rules.catalog import OffenseCatalog, load_catalog

BENCH = Path(__file__).resolve().parents[1] / "bench" / "doc_resolution.py"
SECTION_TARGET = 0.95
CODE_TARGET = 0.85
HELD_OUT_TARGET = 0.90


def _load_module() -> ModuleType:
    # The figures are computed by the README script, so the test and the README agree.
    spec = importlib.util.spec_from_file_location("doc_resolution", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


doc_resolution = _load_module()


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTDESK_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def data_dir() -> Path:
    return Path(doc_resolution.public_data_dir())


@pytest.fixture(scope="module")
def lines(data_dir: Path) -> list[Any]:
    found: list[Any] = doc_resolution.load_lines(data_dir)
    return found


@pytest.fixture(scope="module")
def catalog() -> OffenseCatalog:
    return load_catalog()


def test_the_sample_is_complete(lines: list[Any]) -> None:
    assert len(lines) == 255
    coded = [line for line in lines if line.code]
    assert len(coded) == 190
    expected = doc_resolution.load_expected()
    assert {line.description for line in lines} == set(expected)


def test_expected_sections_exist_in_the_catalog(catalog: OffenseCatalog) -> None:
    for description, sections in doc_resolution.load_expected().items():
        for section in sections:
            assert section in catalog, (description, section)


def test_doc_lines_resolve(catalog: OffenseCatalog, lines: list[Any]) -> None:
    figures = doc_resolution.measure(catalog, lines, doc_resolution.load_expected())
    print(
        f"\nsection resolution {figures.section_resolved}/{figures.section_total}"
        f" ({figures.section_rate:.1%}); level+class fits DOC code"
        f" {figures.compatible}/{figures.coded_total} ({figures.compatible_rate:.1%})"
    )
    assert figures.section_rate >= SECTION_TARGET, "\n".join(figures.unresolved)
    assert figures.compatible_rate >= CODE_TARGET, "\n".join(figures.incompatible)


def test_doc_lines_resolve_without_their_own_spellings(
    catalog: OffenseCatalog,
    lines: list[Any],
) -> None:
    # Aliases copied from these very lines are removed: this measures the search itself.
    held_out = doc_resolution.without_doc_aliases(catalog, lines)
    figures = doc_resolution.measure(held_out, lines, doc_resolution.load_expected())
    assert figures.section_rate >= HELD_OUT_TARGET, "\n".join(figures.unresolved)
