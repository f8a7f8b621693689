"""Benchmark: cold start of the desktop app to a ready window, beside a bare PySide6 window.

Targets (issue 12): TrustDesk from the virtual environment and the frozen build each start
within 1.3x a bare PySide6 window, and the frozen build at least as fast as the venv.
All are whole processes, measured in one run, each round running them one after the
other, on Qt's offscreen platform:

  (a) bare: ``python -c BARE`` from the venv: QApplication, an empty QMainWindow, show,
      then, as the app does, quit on the second turn of the idle event loop (the first
      paint happens before it; see ``BARE``);
  (b) venv: ``.venv/bin/trustdesk --data-dir D gui --exit-when-ready``, the installed
      command, on a data folder with an agency and users, so the first window is the
      sign-in window;
  (c) frozen: ``--frozen DIR`` (a PyInstaller onedir, e.g. dist/trustdesk), its
      ``trustdesk`` executable with the same arguments, on the same data folder.

This machine's speed drifts by a third over minutes, which moves a ratio of two separate
medians by a tenth; so the ratios are the median of each round's own ratios (as in
memo_bench.py), and the order within a round rotates so that none always runs first.
The package is byte-compiled first, as pip does when it installs it, and one unmeasured
run of each warms the OS file cache, as on a workstation in use. CPU time (user + system)
is printed beside wall time; on a busy machine it is the steadier of the two.
Run: .venv/bin/python bench/gui_startup.py [--runs N] [--frozen DIR]; exits 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 20
LIMIT = 1.3
ADMIN_PASSWORD = "red harbor compass 88"
OFFICER_PASSWORD = "blue river lantern 42"

# The app's --exit-when-ready shows the window, emits ``ready`` from the first idle turn
# (QTimer 0) and quits from the next one; the bare window does the same, so that both
# have painted their first frame and both pass through the loop twice.
BARE = """\
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.show()
QTimer.singleShot(0, lambda: QTimer.singleShot(0, app.quit))
sys.exit(app.exec())
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one whole run of ``command``, in ms."""
    cpu = children_cpu()
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return (time.perf_counter() - start) * 1000, (children_cpu() - cpu) * 1000


def trustdesk(command: Path, data: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [str(command), "--data-dir", str(data), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )


def prepare(command: Path, data: Path, env: dict[str, str]) -> None:
    """An administrator, the agency profile and an officer, made with the command line."""
    admin = {**env, "TRUSTDESK_NEW_PASSWORD": ADMIN_PASSWORD}
    trustdesk(command, data, "users", "add", "admin", "--role", "administrator", env=admin)
    acting = {**env, "TRUSTDESK_PASSWORD": ADMIN_PASSWORD}
    trustdesk(
        command,
        data,
        *("agency", "set", "--name", "New Haven Police Department"),
        *("--facility", "Central Booking", "--ori", "CT0009300", "--as", "admin"),
        env=acting,
    )
    officer = {**acting, "TRUSTDESK_NEW_PASSWORD": OFFICER_PASSWORD}
    trustdesk(
        command, data, "users", "add", "officer", "--role", "officer", "--as", "admin", env=officer
    )


def p90(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def paired(times: list[float], baselines: list[float]) -> list[float]:
    """Each run against its partner of the same round, so that drift affects both alike."""
    return [t / b for t, b in zip(times, baselines, strict=True)]


def frozen_executable(folder: Path) -> Path:
    for name in ("trustdesk", "trustdesk.exe"):
        if (folder / name).is_file():
            return folder / name
    raise SystemExit(f"gui_startup: no trustdesk executable in {folder}; build it first")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"rounds (default {RUNS})")
    parser.add_argument(
        "--frozen", type=Path, metavar="DIR", help="a frozen onedir (e.g. dist/trustdesk)"
    )
    options = parser.parse_args()
    runs: int = options.runs

    root = Path(__file__).resolve().parents[1]
    venv_command = Path(sys.executable).with_name("trustdesk")
    if not venv_command.is_file():
        raise SystemExit(f"gui_startup: {venv_command} is missing; run scripts/bootstrap.sh")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "src")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        # The real default cache folder (finding it is part of the cost); the log goes to
        # the temporary folder so that benchmarking leaves no trace in the user's log.
        env = {k: v for k, v in os.environ.items() if k != "TRUSTDESK_CACHE_DIR"}
        env.update(QT_QPA_PLATFORM="offscreen", TRUSTDESK_LOG_DIR=str(Path(tmp) / "log"))
        data = Path(tmp) / "data"
        prepare(venv_command, data, env)
        ready = ("--data-dir", str(data), "gui", "--exit-when-ready")
        commands = {
            "bare": [sys.executable, "-c", BARE],
            "venv": [str(venv_command), *ready],
        }
        if options.frozen is not None:
            commands["frozen"] = [str(frozen_executable(options.frozen.resolve())), *ready]
        for command in commands.values():
            timed(command, env)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        names = list(commands)
        for round_ in range(runs):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                samples[name].append(timed(commands[name], env))

    return report(samples, runs)


LABELS = {
    "bare": "bare PySide6: empty QMainWindow, shown, idle",
    "venv": "trustdesk gui --exit-when-ready, venv",
    "frozen": "trustdesk gui --exit-when-ready, frozen",
}


def report(samples: dict[str, list[tuple[float, float]]], runs: int) -> int:
    print(f"{'cold start to a ready window':<44}{'median':>9}{'p90':>9}{'CPU median':>12}")
    for name, runs_of in samples.items():
        wall = [w for w, _ in runs_of]
        cpu = [c for _, c in runs_of]
        print(
            f"{LABELS[name]:<44}{statistics.median(wall):>7.1f}ms{p90(wall):>7.1f}ms"
            f"{statistics.median(cpu):>10.1f}ms"
        )
    ok = True
    base_wall = [w for w, _ in samples["bare"]]
    base_cpu = [c for _, c in samples["bare"]]
    for name in ("venv", "frozen"):
        if name not in samples:
            continue
        ratios = paired([w for w, _ in samples[name]], base_wall)
        cpu_ratio = statistics.median(paired([c for _, c in samples[name]], base_cpu))
        ratio = statistics.median(ratios)
        quartiles = statistics.quantiles(ratios, n=4)
        passed = ratio <= LIMIT
        ok = ok and passed
        print(
            f"{name} / bare: {ratio:.2f}x wall (middle half of rounds {quartiles[0]:.2f}-"
            f"{quartiles[2]:.2f}; CPU {cpu_ratio:.2f}x); target at most {LIMIT}x: "
            f"{'PASS' if passed else 'FAIL'}"
        )
    if "frozen" in samples:
        ratios = paired([w for w, _ in samples["frozen"]], [w for w, _ in samples["venv"]])
        ratio = statistics.median(ratios)
        passed = ratio <= 1.0
        ok = ok and passed
        print(
            f"frozen / venv: {ratio:.2f}x wall; target at most 1.0x: {'PASS' if passed else 'FAIL'}"
        )
    else:
        print("frozen: not measured (pass --frozen dist/trustdesk)")
    print(f"[{runs} rounds, each program once per round in rotating order; offscreen]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
