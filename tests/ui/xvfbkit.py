"""A private Xvfb for the tests that need a real X server.

The server picks a free display number itself (``-displayfd``) and writes it once it
accepts clients, so tests running at once in several workers never race for a number.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def running_xvfb(xvfb: str, size: str) -> Iterator[str]:
    """An Xvfb with one screen of ``size`` (e.g. ``"1280x1024x24"``); its ``DISPLAY``."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as ready:
            number = ready.readline().strip()  # written once the server accepts clients
        assert number, "Xvfb exited at start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)
