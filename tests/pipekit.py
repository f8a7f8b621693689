"""A named pipe nobody writes to, given where a file is expected (hostile passes)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def pipe_nobody_writes(path: Path) -> threading.Thread:
    """A named pipe at ``path``; a thread lets a reader that waits on it go after 3 s
    (the code before the fix waited for a writer for ever)."""
    os.mkfifo(path)

    def let_go() -> None:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            time.sleep(0.1)
        while time.monotonic() < deadline + 5:
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                return
            except OSError:  # no reader waiting: the pipe was refused unopened
                time.sleep(0.1)

    thread = threading.Thread(target=let_go, daemon=True)
    thread.start()
    return thread
