"""The ``trustdesk`` command's entry point: a Ctrl-C at any moment is "interrupted".

Loading the command line (argparse, the command's module, the layers under it) takes a
tenth of a second; a Ctrl-C in that time raised KeyboardInterrupt in the middle of an
import, before ``cli.main`` could catch it, and printed a traceback. This module
imports nothing at its top, so the console script, ``python -m trustdesk`` and the
frozen build reach the ``try`` below at once.
"""


def main() -> int:
    try:
        from trustdesk.cli import main as command

        return command()
    except KeyboardInterrupt:
        import contextlib
        import sys

        if sys.stderr is not None:
            with contextlib.suppress(OSError):
                print("trustdesk: interrupted", file=sys.stderr)
        return 130  # as cli.main's own answer to Ctrl-C
