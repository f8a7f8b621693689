"""Fixtures for the hostile-pass suite (issue 17): the record-keeping and desktop kits.

The desktop fixtures are those of tests/ui/conftest.py, loaded under another module
name so both folders keep their own ``conftest``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

_TESTS = Path(__file__).parent.parent
for _kit in ("store", "ui"):
    if str(_TESTS / _kit) not in sys.path:
        sys.path.insert(0, str(_TESTS / _kit))

_spec = importlib.util.spec_from_file_location("ui_fixtures", _TESTS / "ui" / "conftest.py")
assert _spec is not None and _spec.loader is not None
_ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ui)

fake_time = _ui.fake_time
gui_desk = _ui.gui_desk
make_window = _ui.make_window
answers = _ui.answers


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """The command line on a data folder with its staff and one decision recorded by ann
    (recordkit's ``desk_cli``)."""
    from recordkit import case_file, desk_cli, staff

    run = desk_cli(tmp_path / "data", monkeypatch, capsys)
    staff(run)
    code, _out, err = run(
        "decisions", "add", case_file(tmp_path, tsdb_match=True), "--as", "ann", who="ann"
    )
    assert code == 0, err
    return run
