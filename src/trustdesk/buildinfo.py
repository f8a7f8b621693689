"""Which build of TrustDesk is running: its version, source commit and build date.

A frozen build (packaging/pyinstaller/trustdesk.spec) carries the generated module
``_trustdesk_build`` with all three. A source checkout asks git, and only when this is
called (``trustdesk --version``, the About dialog), so no start pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trustdesk import __version__

SOURCE_CHECKOUT = "source checkout"
FROZEN_BUILD = "frozen build"


@dataclass(frozen=True, slots=True)
class BuildInfo:
    version: str
    commit: str  # full hash, "unknown" when nobody could say
    date: str  # ISO 8601 build time, or the commit's date in a checkout
    kind: str  # FROZEN_BUILD or SOURCE_CHECKOUT

    def describe(self) -> str:
        """One line: ``commit 1a2b3c4d5e6f of 2026-12-04T05:00:00Z (frozen build)``."""
        return f"commit {self.commit[:12]} of {self.date} ({self.kind})"


def build_info() -> BuildInfo:
    """This program's build: from the frozen tree, else from the checkout's git."""
    try:
        import _trustdesk_build as frozen  # type: ignore[import-not-found]
    except ImportError:
        return _checkout_info(Path(__file__).resolve().parent.parent.parent)
    return BuildInfo(str(frozen.VERSION), str(frozen.COMMIT), str(frozen.DATE), FROZEN_BUILD)


def _checkout_info(root: Path) -> BuildInfo:
    commit, date = "unknown", "unknown"
    if (root / ".git").exists():
        import subprocess

        try:
            found = subprocess.run(
                ["git", "-C", str(root), "log", "-1", "--format=%H %cI"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.split()
        except (OSError, subprocess.SubprocessError):
            found = []
        if len(found) == 2:
            commit, date = found
    return BuildInfo(__version__, commit, date, SOURCE_CHECKOUT)
