"""The real program starts: ``trustdesk gui --exit-when-ready`` as a separate process.

These run what an officer's shortcut runs (``python -m trustdesk``), with the system's Qt
libraries and platform plugins, on an empty data folder (first-run setup), on one with an
agency and users (sign-in), on a damaged database and on a folder another TrustDesk holds
(a plain one-line refusal, exit 2), and under a real X server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "store"))
from storekit import ROLE_PASSWORDS, run_trustdesk
from xvfbkit import running_xvfb

pytestmark = pytest.mark.gui

ADMIN = ROLE_PASSWORDS["administrator"]
#: What Qt's offscreen plugin says about window-manager features it lacks; nothing else
#: may appear on stderr when the app starts cleanly.
OFFSCREEN_NOTES = ("This plugin does not support",)


def start_gui(data: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "TRUSTDESK_LOG_DIR": str(tmp_path / "log"),
        "TRUSTDESK_DEBUG": "",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "trustdesk", "--data-dir", str(data), "gui", "--exit-when-ready"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )


def unexpected_output(result: subprocess.CompletedProcess[str]) -> list[str]:
    lines = [*result.stdout.splitlines(), *result.stderr.splitlines()]
    return [line for line in lines if line.strip() and not line.startswith(OFFSCREEN_NOTES)]


@pytest.fixture(scope="module")
def staffed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder set up with the command line: administrator, agency, an officer."""
    data = tmp_path_factory.mktemp("template") / "staffed"
    steps = [
        run_trustdesk(data, "users", "add", "admin", "--role", "administrator", new_password=ADMIN),
        run_trustdesk(
            data,
            "agency",
            "set",
            "--name",
            "New Haven Police Department",
            "--facility",
            "Central Booking",
            "--ori",
            "CT0009300",
            "--as",
            "admin",
            password=ADMIN,
        ),
        run_trustdesk(
            data,
            "users",
            "add",
            "officer",
            "--role",
            "officer",
            "--as",
            "admin",
            password=ADMIN,
            new_password=ROLE_PASSWORDS["officer"],
        ),
    ]
    for step in steps:
        assert step.returncode == 0, step.stderr
    return data


@pytest.fixture
def staffed(staffed_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the staffed folder (creating users with real scrypt takes seconds)."""
    data = tmp_path / "staffed"
    shutil.copytree(staffed_template, data)
    return data


def test_first_run_on_an_empty_folder(tmp_path: Path) -> None:
    data = tmp_path / "empty"
    result = start_gui(data, tmp_path)
    assert result.returncode == 0, result.stderr
    assert unexpected_output(result) == []
    assert (data / "trustdesk.db").is_file()  # initialised, waiting for the first-run form
    log = (tmp_path / "log" / "trustdesk.log").read_text(encoding="utf-8")
    assert "started" in log


def test_sign_in_window_on_a_staffed_folder(tmp_path: Path, staffed: Path) -> None:
    result = start_gui(staffed, tmp_path)
    assert result.returncode == 0, result.stderr
    assert unexpected_output(result) == []
    # Starting and quitting changes nothing an auditor would see as a decision or a user.
    listing = run_trustdesk(staffed, "users", "list", "--as", "admin", password=ADMIN)
    assert listing.returncode == 0, listing.stderr
    assert "officer" in listing.stdout


def _truncated(db: Path) -> None:
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])


def _overwritten_pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")  # pages 2 and 3, whatever their size
    data[page : 3 * page] = b"\xff" * (2 * page)
    db.write_bytes(bytes(data))


def _foreign(db: Path) -> None:
    db.write_bytes(bytes(range(256)) * 20)


@pytest.mark.parametrize("damage", [_truncated, _overwritten_pages, _foreign])
def test_damaged_database_is_refused_in_one_line(
    tmp_path: Path, staffed: Path, damage: Callable[[Path], None]
) -> None:
    db = staffed / "trustdesk.db"
    damage(db)
    before = db.read_bytes()
    result = start_gui(staffed, tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("trustdesk: ")
    assert "trustdesk.db" in lines[0]
    assert db.read_bytes() == before  # refused without being touched


def test_a_folder_open_in_another_window_is_refused_in_one_line(
    tmp_path: Path, staffed: Path
) -> None:
    from trustdesk.store.store import Store

    with Store.open(staffed, window=True):  # another TrustDesk window has the folder
        result = start_gui(staffed, tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "already open in another TrustDesk window" in lines[0]


def test_a_folder_a_script_is_using_still_opens_in_the_window(
    tmp_path: Path, staffed: Path
) -> None:
    from trustdesk.store.store import Store

    with Store.open(staffed):  # a command-line program or a script, not a window
        result = start_gui(staffed, tmp_path)
    assert result.returncode == 0, result.stderr


# --- a real X server: the xcb platform plugin and the system libraries it needs ----------


@pytest.fixture
def x_display() -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is missing; scripts/test.sh installs it (package xvfb)")
        pytest.skip("Xvfb is not installed (scripts/test.sh installs it when run as root)")
    with running_xvfb(xvfb, "1280x1024x24") as display:
        yield display


@pytest.mark.xserver
def test_starts_on_a_real_x_server(tmp_path: Path, staffed: Path, x_display: str) -> None:
    result = start_gui(staffed, tmp_path, QT_QPA_PLATFORM="xcb", DISPLAY=x_display)
    assert result.returncode == 0, result.stderr
    assert "Could not load the Qt platform plugin" not in result.stderr


def test_without_a_display_it_says_so_in_one_line(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "-m", "trustdesk", "--data-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("trustdesk: no display")
    assert not (tmp_path / "d").exists()  # nothing was created


def test_start_up_order_and_collection(tmp_path: Path, staffed: Path) -> None:
    # What ui/startup.py promises (docs/decisions/0008): the Qt-free modules of the sign-in
    # window load without Qt; the window comes up without password hashing or the rule
    # packs; the garbage collector is back on, with start-up's objects frozen, once ready.
    from trustdesk.ui.startup import BEFORE_QT

    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "TRUSTDESK_LOG_DIR": str(tmp_path / "log"),
    }
    before_qt = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib, sys\n"
            f"for name in {BEFORE_QT!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    assert before_qt.stdout.splitlines()[-1] == "[]"
    probe = (
        "import gc, sys\n"
        "from trustdesk.ui.startup import launch\n"
        f"code = launch({str(staffed)!r}, exit_when_ready=True)\n"
        "later = ('hashlib', 'trustdesk.services.passwords', 'trustdesk.rules.registry')\n"
        "print(code, gc.isenabled(), gc.get_freeze_count() > 0,"
        " sorted(m for m in later if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 True True []"
