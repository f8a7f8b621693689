"""A private CUPS print server with cups-pdf queues, for the real-printing tests.

How it stays hermetic (it neither needs nor disturbs a CUPS the machine may run):

- ``cupsd`` runs in the foreground from its own ServerRoot (``cupsd.conf`` and
  ``cups-files.conf`` written here), with its spool, cache, state and logs in one temporary
  folder, listening only on a Unix socket in that folder (no TCP port).
- The UI tests' conftest sets ``CUPS_SERVER`` to that socket when it is imported, before Qt
  or libcups run, so Qt's CUPS print-support plugin and the ``lpadmin``/``lpstat`` commands
  here talk only to this server.
- Each queue uses Debian's cups-pdf backend with device URI ``cups-pdf:/NAME``; the backend
  then reads ``/etc/cups/cups-pdf-NAME.conf`` (its configuration folder is compiled in, so
  this one file cannot live in the temporary folder). The file is written with a name
  unique to this run, sends the PDFs (``Out``) and cups-pdf's spool and log into the
  temporary folder, and is deleted when the server stops. The shared
  ``/etc/cups/cups-pdf.conf`` is never read or changed.
- cupsd runs filters as ``lp`` but the cups-pdf backend (mode 0700) as root, so the server
  must be started by root, as CI does. Without root or without the packages, the fixture
  fails with a message naming what is missing (``scripts/bootstrap.sh --tests`` installs
  cups, cups-client and printer-driver-cups-pdf).
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

SBIN_PATH = os.pathsep.join(["/usr/sbin", "/sbin", os.environ.get("PATH", "")])
BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
PPD_DIRS = (Path("/usr/share/ppd/cups-pdf"), Path("/usr/share/cups/model"))
CUPS_PDF_CONF_DIR = Path("/etc/cups")
HOW_TO_FIX = (
    "run scripts/bootstrap.sh --tests as root "
    "(it installs cups, cups-client and printer-driver-cups-pdf)"
)
WAIT_SECONDS = 90  # a generous limit for a job on a busy machine, not a speed check


def private_cups_dir() -> Path:
    """A fresh folder for the server; lp must reach the spool in it, hence mode 0755."""
    folder = Path(tempfile.mkdtemp(prefix="trustdesk-cups-"))
    folder.chmod(0o755)
    atexit.register(shutil.rmtree, folder, True)  # also when no test started the server
    return folder


def socket_path(folder: Path) -> Path:
    return folder / "cups.sock"


class PrivateCups:
    """cupsd over ``folder``; queues are cups-pdf printers writing into ``folder/out``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = socket_path(folder)
        self.process: subprocess.Popen[bytes] | None = None
        self.queues: dict[str, Path] = {}
        self._tools: dict[str, str] = {}

    # --- starting and stopping ------------------------------------------------------------

    @classmethod
    def start(cls, folder: Path) -> PrivateCups:
        server = cls(folder)
        server._check_prerequisites()
        server._write_config()
        server._launch()
        return server

    def _tool(self, name: str) -> str:
        return self._tools[name]

    def _check_prerequisites(self) -> None:
        missing = []
        for name in ("cupsd", "lpadmin", "lpstat", "cupsaccept", "cupsreject"):
            found = shutil.which(name, path=SBIN_PATH)
            if found is None:
                missing.append(f"the {name} command")
            else:
                self._tools[name] = found
        if not BACKEND.exists():
            missing.append(f"the cups-pdf backend ({BACKEND})")
        if self._ppd() is None:
            missing.append("the cups-pdf printer description (CUPS-PDF_opt.ppd)")
        if missing:
            pytest.fail(
                f"cannot start a private CUPS server: missing {', '.join(missing)}; {HOW_TO_FIX}",
                pytrace=False,
            )
        if os.geteuid() != 0:
            pytest.fail(
                "cannot start a private CUPS server: cupsd runs the cups-pdf backend as root, "
                "so the real-printing tests must run as root (CI does)",
                pytrace=False,
            )
        if os.environ.get("CUPS_SERVER") != str(self.socket):
            pytest.fail(
                f"CUPS_SERVER is {os.environ.get('CUPS_SERVER')!r}, not this server's socket "
                f"{self.socket}; tests/ui/conftest.py must set it before Qt starts",
                pytrace=False,
            )

    def _ppd(self) -> Path | None:
        for folder in PPD_DIRS:
            for name in ("CUPS-PDF_opt.ppd", "CUPS-PDF_opt.ppd.gz", "CUPS-PDF.ppd"):
                if (folder / name).exists():
                    return folder / name
        return None

    def _write_config(self) -> None:
        base = self.folder
        for part in ("etc", "spool", "cache", "state", "log", "out", "cups-pdf-spool"):
            (base / part).mkdir(exist_ok=True)
        (base / "out").chmod(0o755)
        (base / "etc" / "cups-files.conf").write_text(
            f"ServerRoot {base / 'etc'}\n"
            f"RequestRoot {base / 'spool'}\n"
            f"CacheDir {base / 'cache'}\n"
            f"StateDir {base / 'state'}\n"
            f"AccessLog {base / 'log' / 'access_log'}\n"
            f"ErrorLog {base / 'log' / 'error_log'}\n"
            f"PageLog {base / 'log' / 'page_log'}\n"
            "SystemGroup root\n"
            "PeerCred on\n"
        )
        (base / "etc" / "cupsd.conf").write_text(
            "LogLevel info\n"
            f"Listen {self.socket}\n"
            "Browsing No\n"
            "WebInterface No\n"
            "ErrorPolicy abort-job\n"
            "<Location />\n  Order allow,deny\n  Allow localhost\n</Location>\n"
        )

    def _launch(self) -> None:
        with (self.folder / "log" / "cupsd.out").open("ab") as output:
            self.process = self._popen(output)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"cupsd exited with status {self.process.returncode} at start-up: "
                    f"{self.log_tail()}",
                    pytrace=False,
                )
            if self._answers():
                return
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"cupsd did not answer on {self.socket}: {self.log_tail()}", pytrace=False)

    def _popen(self, output: Any) -> subprocess.Popen[bytes]:
        etc = self.folder / "etc"
        command = [self._tool("cupsd"), "-f", "-c", str(etc / "cupsd.conf")]
        command += ["-s", str(etc / "cups-files.conf")]
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=output)

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(str(self.socket))
            except OSError:
                return False
        return self.run("lpstat", "-r").returncode == 0

    def log_tail(self) -> str:
        lines: list[str] = []
        for name in ("cupsd.out", "error_log"):
            path = self.folder / "log" / name
            if path.exists():
                lines += path.read_text(errors="replace").splitlines()[-8:]
        return " | ".join(lines) or "(no log)"

    def _terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def stop(self) -> None:
        self._terminate()
        for name in self.queues:
            (CUPS_PDF_CONF_DIR / f"cups-pdf-{name}.conf").unlink(missing_ok=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    @contextmanager
    def down(self) -> Iterator[None]:
        """The print service not running, as when CUPS is stopped; started again after."""
        self._terminate()
        try:
            yield
        finally:
            self._launch()

    # --- queues ---------------------------------------------------------------------------

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "CUPS_SERVER": str(self.socket)}
        return subprocess.run(
            [self._tool(tool), *args], env=env, capture_output=True, text=True, check=False
        )

    def _must(self, tool: str, *args: str) -> None:
        done = self.run(tool, *args)
        if done.returncode != 0:
            pytest.fail(f"{tool} {' '.join(args)} failed: {done.stderr.strip()}", pytrace=False)

    def add_queue(self, label: str, *, default: bool = False) -> str:
        """A cups-pdf printer named ``label`` plus this run's id; its name."""
        name = f"{label}-{os.getpid()}-{self.folder.name.rsplit('-', 1)[-1]}"
        out = self.folder / "out" / name
        out.mkdir()
        out.chmod(0o755)
        CUPS_PDF_CONF_DIR.mkdir(parents=True, exist_ok=True)
        (CUPS_PDF_CONF_DIR / f"cups-pdf-{name}.conf").write_text(
            f"Out {out}\n"
            f"AnonDirName {out}\n"
            f"Spool {self.folder / 'cups-pdf-spool'}\n"
            f"Log {self.folder / 'log'}\n"
            "LogType 3\n"
        )
        self.queues[name] = out
        ppd = self._ppd()
        assert ppd is not None
        self._must("lpadmin", "-p", name, "-E", "-v", f"cups-pdf:/{name}", "-P", str(ppd))
        if default:
            self._must("lpadmin", "-d", name)
        return name

    def reject(self, name: str) -> None:
        self._must("cupsreject", name)

    def accept(self, name: str) -> None:
        self._must("cupsaccept", name)

    def printed_files(self, name: str) -> list[Path]:
        return sorted(self.queues[name].glob("*.pdf"))

    def wait_for_file(self, name: str, before: list[Path]) -> Path:
        """The PDF of the next job on ``name`` once finished (``before``: the files then)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            pending = self.run("lpstat", "-o", name).stdout.strip()
            new = [path for path in self.printed_files(name) if path not in before]
            if not pending and new:
                assert len(new) == 1, f"one job printed more than one file: {new}"
                return new[0]
            time.sleep(0.2)
        pytest.fail(
            f"no printed file from queue {name} within {WAIT_SECONDS} s; jobs: "
            f"{self.run('lpstat', '-W', 'all', '-o', name).stdout.strip()}; {self.log_tail()}",
            pytrace=False,
        )
