"""Standard streams the command cannot use, and a Ctrl-C at start-up, as a user meets them.

Hostile review: `decisions add … > /dev/full` recorded the decision and then ended in
"internal error (OSError)", exit 1, so the officer never learnt it was recorded and a
retry recorded it twice; every command printing to a full disk or a closed standard
output (`>&-`) said "internal error" (OSError, or AttributeError on a None stdout);
`--help > /dev/full` exited 0 with no help; `evaluate - <&-` said "internal error"; and
a Ctrl-C in the first tenth of a second printed a KeyboardInterrupt traceback from the
imports. Each is now one line on stderr, exit 2 (130 for Ctrl-C), and a command that
changed the record says what it recorded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "resources" / "examples" / "01-judicial-warrant-hold.json"
ADMIN_PW = "stone bridge harvest 1"
OFFICER_PW = "quiet orchard window"
FULL = "trustdesk: the output could not be written (the disk is full): free some space, or send the output elsewhere\n"  # noqa: E501
CLOSED = (
    "trustdesk: the output could not be written (standard output is closed): run it with "
    "its output going to a terminal, a file or a pipe\n"
)


def _close(fd: int) -> Any:
    return lambda: os.close(fd)


def trustdesk(
    *args: str,
    stdout: Any = subprocess.PIPE,
    stdin: Any = subprocess.DEVNULL,
    close: int | None = None,
    password: str = OFFICER_PW,
    new: str | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRUSTDESK_DEBUG": "", "TRUSTDESK_PASSWORD": password}
    if new is not None:
        env["TRUSTDESK_NEW_PASSWORD"] = new
    return subprocess.run(
        [sys.executable, "-m", "trustdesk", *args],
        stdout=stdout,
        stdin=stdin,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        timeout=120,
        check=False,
        preexec_fn=None if close is None else _close(close),
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with administrator chief and officer off1."""
    folder = tmp_path_factory.mktemp("output") / "data"
    made = trustdesk("--data-dir", str(folder), "users", "add", "--role", "administrator",
                     "chief", new=ADMIN_PW)  # fmt: skip
    assert made.returncode == 0, made.stderr
    made = trustdesk("--data-dir", str(folder), "users", "add", "--role", "officer", "off1",
                     "--as", "chief", password=ADMIN_PW, new=OFFICER_PW)  # fmt: skip
    assert made.returncode == 0, made.stderr
    return folder


def _decision_rows(data: Path) -> list[str]:
    listed = trustdesk("--data-dir", str(data), "decisions", "list", "--as", "off1")
    assert listed.returncode == 0, listed.stderr
    return listed.stdout.splitlines()[1:]


def test_a_decision_recorded_before_its_number_met_a_full_disk_says_so(
    tmp_path: Path, data: Path
) -> None:
    before = _decision_rows(data)
    with open("/dev/full", "w") as full:
        run = trustdesk("--data-dir", str(data), "decisions", "add", "--as", "off1", str(CASE),
                        stdout=full)  # fmt: skip
    assert run.returncode == 2, run.stderr
    [row] = _decision_rows(data)[: len(_decision_rows(data)) - len(before)]  # newest first
    assert len(_decision_rows(data)) == len(before) + 1  # recorded once: nobody retries
    number = row.split()[0]
    assert run.stderr == (
        f"trustdesk: decision {number} was recorded, but its number could not be written to "
        "the output (the disk is full); it is recorded, do not run the command again\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", str(CASE)),
        ("rules", "list"),
        ("decisions", "list", "--as", "off1"),
        ("--version",),
        ("--help",),
    ],
    ids=["evaluate", "rules-list", "decisions-list", "version", "help"],
)
def test_output_to_a_full_disk_is_one_line(data: Path, args: tuple[str, ...]) -> None:
    with open("/dev/full", "w") as full:
        run = trustdesk("--data-dir", str(data), *args, stdout=full)
    assert (run.returncode, run.stderr) == (2, FULL)


@pytest.mark.parametrize(
    "args",
    [("evaluate", str(CASE)), ("demo",), ("decisions", "list", "--as", "off1"), ("--help",)],
    ids=["evaluate", "demo", "decisions-list", "help"],
)
def test_a_closed_standard_output_is_one_line(data: Path, args: tuple[str, ...]) -> None:
    run = trustdesk("--data-dir", str(data), *args, stdout=None, close=1)
    assert (run.returncode, run.stderr) == (2, CLOSED)


def test_an_audit_export_to_a_closed_standard_output_is_named(data: Path) -> None:
    run = trustdesk("--data-dir", str(data), "audit", "export", "--format", "jsonl",
                    "--as", "chief", password=ADMIN_PW, stdout=None, close=1)  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stderr.splitlines()[-1] == (  # after the only-administrator warning
        "trustdesk: cannot write the audit export to the standard output: standard output is closed"
    )


def test_a_change_confirmed_to_a_full_disk_says_it_was_made(data: Path) -> None:
    with open("/dev/full", "w") as full:
        run = trustdesk("--data-dir", str(data), "users", "add", "--role", "officer", "off2",
                        "--as", "chief", password=ADMIN_PW, new="amber field signal 9",
                        stdout=full)  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stderr.splitlines()[-1] == (
        "trustdesk: user off2 added as officer, but this confirmation could not be written "
        "to the output (the disk is full); it is recorded, do not run the command again"
    )
    assert "internal error" not in run.stderr


@pytest.mark.parametrize(
    "args",
    [("evaluate", "-"), ("decisions", "add", "--as", "off1", "-")],
    ids=["evaluate", "decisions-add"],
)
def test_a_closed_standard_input_asks_for_the_file(data: Path, args: tuple[str, ...]) -> None:
    before = _decision_rows(data)
    run = trustdesk("--data-dir", str(data), *args, stdin=None, close=0)
    assert run.returncode == 2, run.stderr
    assert run.stderr == (
        "trustdesk: <stdin>: /: standard input is closed; give the case file's name\n"
    )
    assert _decision_rows(data) == before


def test_a_reader_that_stops_early_is_still_no_error(data: Path) -> None:
    """`trustdesk demo | head -1` stays exit 0 and silent (the reader's choice)."""
    command = [sys.executable, "-m", "trustdesk", "--data-dir", str(data), "demo"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=120) == 0, err
    assert err == b""


# --- Ctrl-C at start-up ---------------------------------------------------------------

#: A Ctrl-C arriving while ``module`` is being imported: the signal is raised by an import
#: hook the moment the import of that module begins, as a person's Ctrl-C would land in
#: it (nothing in TrustDesk is slowed or changed to make room for it).
INTERRUPTED_IMPORT = """
import signal, sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            sys.meta_path.remove(self)
            signal.raise_signal(signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
sys.argv = ["trustdesk", "--data-dir", {data!r}, "decisions", "list", "--as", "off1"]
{start}
"""


def _script_target() -> str:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    return str(scripts["trustdesk"])


STARTS = {
    # What the console script pip makes from [project.scripts] does.
    "script": "import importlib\n"
    "module, name = {target!r}.split(':')\n"
    "sys.exit(getattr(importlib.import_module(module), name)())",
    "python-m": "import runpy\nrunpy.run_module('trustdesk', run_name='__main__')",
    "frozen": "import runpy\nrunpy.run_path({frozen!r}, run_name='__main__')",
}


@pytest.mark.parametrize("start", sorted(STARTS))
@pytest.mark.parametrize(
    "module", ["trustdesk.cli", "trustdesk.cli.console", "argparse", "trustdesk.cli.decisions"]
)
def test_a_ctrl_c_while_the_command_loads_is_interrupted(
    data: Path, start: str, module: str
) -> None:
    code = STARTS[start].format(
        target=_script_target(), frozen=str(ROOT / "packaging" / "pyinstaller" / "trustdesk_cli.py")
    )
    script = INTERRUPTED_IMPORT.format(module=module, data=str(data), start=code)
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "TRUSTDESK_DEBUG": "", "TRUSTDESK_PASSWORD": OFFICER_PW},
        timeout=120,
        check=False,
    )
    assert (run.returncode, run.stderr) == (130, "trustdesk: interrupted\n")


def test_the_desktop_app_started_through_the_parser_keeps_its_own_standard_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`trustdesk --data-dir D gui --exit-when-ready` after another option goes through
    argparse, where the command's output is watched. A windowed build has no standard
    output: print() there is silent, but a watched one raised OSError, so whatever a
    library printed would have stopped the desktop app."""
    from trustdesk.cli import gui, main

    seen: list[object] = []

    def fake_run(_args: object) -> int:
        seen.append(sys.stdout)
        print("a library's chatter")  # silent with no standard output
        return 0

    monkeypatch.setattr(gui, "run", fake_run)
    monkeypatch.setattr(sys, "stdout", None)
    # --database makes the line one the desktop fast path does not read.
    url = "postgresql:///trustdesk"
    assert main(["--database", url, "--data-dir", str(tmp_path), "gui"]) == 0
    assert seen == [None]
