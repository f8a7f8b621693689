"""A command's standard output, watched: a write the system refuses is said in one line.

A full disk (``> /dev/full``, a log on a full partition) or a closed standard output
(``>&-``, a service manager's) made the write raise OSError, or AttributeError on
``None``, in whatever command was printing: "internal error", exit 1. Worse, a command
that had already changed the record (``decisions add``) never said so, and a retry
recorded the same decision twice.

:class:`Output` stands in for ``sys.stdout`` while a command runs. It keeps the first
failure, whoever meets it (argparse swallows its own), and ``cli.main`` says it, exit 2,
naming what the command recorded before (:func:`recorded`). A broken pipe (``| head``)
is the reader's choice and passes through untouched.
"""

from __future__ import annotations

import errno
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

#: What a closed standard output raises on a write (a ``None`` stream has no write).
CLOSED = "standard output is closed"


class Output:
    """``stream`` (the real stdout, or None when it is closed) that remembers the first
    write the system refused."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.failure: OSError | None = None
        #: What the command changed before its output failed ("decision 12 was recorded")
        #: and what that output was to say ("its number").
        self.done: tuple[str, str] | None = None

    def _refused(self, exc: OSError) -> OSError:
        if self.failure is None and not isinstance(exc, BrokenPipeError):
            self.failure = exc
        return exc

    def _open(self) -> TextIO:
        if self.stream is None:
            raise self._refused(OSError(errno.EBADF, CLOSED))
        return self.stream

    def write(self, text: str) -> int:
        stream = self._open()
        try:
            return stream.write(text)
        except OSError as exc:
            raise self._refused(exc) from None

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        stream = self._open()
        try:
            stream.flush()
        except OSError as exc:
            raise self._refused(exc) from None

    def __getattr__(self, name: str) -> Any:
        if self.stream is None:
            raise AttributeError(name)
        return getattr(self.stream, name)

    def message(self) -> str:
        """The one line that says the failure (and what was recorded before it)."""
        assert self.failure is not None
        reason, fix = _reason(self.failure)
        if self.done is not None:
            done, lost = self.done
            return (
                f"{done}, but {lost} could not be written to the output ({reason}); it is "
                "recorded, do not run the command again"
            )
        return f"the output could not be written ({reason}): {fix}"

    def settle(self) -> None:
        """After a failure or a broken pipe, the process's own stdout writes nothing more:
        its unwritten buffer would fail again at exit ("Exception ignored…", exit 120)."""
        own = sys.__stdout__
        if own is None or self.stream is not own:
            return
        try:
            target = own.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
        except (OSError, ValueError):
            return
        try:
            os.dup2(devnull, target)
        except OSError:
            pass
        finally:
            os.close(devnull)


def _reason(exc: OSError) -> tuple[str, str]:
    if exc.errno == errno.ENOSPC:
        return "the disk is full", "free some space, or send the output elsewhere"
    if exc.errno == errno.EBADF:
        return CLOSED, "run it with its output going to a terminal, a file or a pipe"
    return str(exc.strerror or exc), "send the output elsewhere"


def watch() -> Output:
    """Put an :class:`Output` in place of ``sys.stdout``; :func:`unwatch` takes it away."""
    output = Output(sys.stdout)
    sys.stdout = output
    return output


def unwatch(output: Output) -> None:
    if sys.stdout is output:
        sys.stdout = output.stream


def recorded(done: str, lost: str = "what it printed") -> None:
    """Say that the running command has changed the record (``done``: "decision 12 was
    recorded"), so that an output that fails after it says so and nobody runs it again;
    ``lost`` is what the output was to say ("its number")."""
    if isinstance(sys.stdout, Output):
        sys.stdout.done = (done, lost)


def confirm(line: str) -> None:
    """Print ``line``, the confirmation of a change to the record ("user ann added as
    officer"): where the output fails, the error line says it instead."""
    recorded(line, "this confirmation")
    print(line)
