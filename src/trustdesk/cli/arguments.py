"""Record numbers, days and times as the command line accepts them: the ranges the record
holds, each refused with one message saying what to type instead.

A number of 2**63 or more cannot be looked up (SQLite's and PostgreSQL's integers stop
below it), and a day near year 1 or 9999 cannot be turned into a local time or have a
day added to it; both used to end in "internal error". Days and times take the years a
case file takes (rules/caseio: 1900 to 2199).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

#: Record numbers (decisions, holds, contacts, people): what the databases can hold.
LAST_NUMBER = 2**63 - 1
#: The years a case file may carry (rules/caseio.FIRST_YEAR and LAST_YEAR).
FIRST_YEAR = 1900
LAST_YEAR = 2199


def record_number(text: str) -> int:
    """The argparse type of every record number (``decisions show 42``, ``--person 7``)."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a record number: give a whole number such as 42"
        )
    if len(cleaned) > len(str(LAST_NUMBER)) or not 1 <= int(cleaned) <= LAST_NUMBER:
        raise argparse.ArgumentTypeError(
            f"there is no record number {cleaned[:40]}{'…' if len(cleaned) > 40 else ''}: "
            f"record numbers run from 1 to {LAST_NUMBER}; check the number (the lists show "
            "them)"
        )
    return int(cleaned)


#: The name that means standard output to most command-line programs.
STANDARD_OUTPUT = "-"


def new_file(text: str) -> Path:
    """The argparse type of a file a command writes (a report, a memo, a backup, a key):
    ``-`` is refused, not taken for a file of that name. Each of these commands records or
    prints where its file went (a report's place and digest go into the audit trail), so
    there is no standard output to write to."""
    if text.strip() == STANDARD_OUTPUT:
        raise argparse.ArgumentTypeError(
            "'-' (standard output) is not taken here: this command writes a new file and "
            "says where it went; give the file's name instead (a file really "
            "named - is written as ./-)"
        )
    return Path(_named(text))


def _named(text: str) -> str:
    """``text`` when it names something: an empty name was read as the current folder
    ("/home/ann already exists; TrustDesk never overwrites a file")."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the file's name is empty; give the file's name")
    return text


def file_or_standard_output(text: str) -> Path | None:
    """The argparse type of an output that defaults to standard output (``audit export
    --output``): ``-`` is standard output, as the option's help says, not a file."""
    return None if text.strip() == STANDARD_OUTPUT else Path(_named(text))


def decision_ref(text: str) -> tuple[int, int | None]:
    """The argparse type of ``memo``'s decision: 42, or 42v2 for a version of it."""
    from trustdesk.services.errors import InvalidRequest
    from trustdesk.services.memos import parse_decision_ref

    try:
        number, version = parse_decision_ref(text[:100])
    except InvalidRequest as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    for value, what in ((number, "decision"), (version, "version")):
        if value is not None and value > LAST_NUMBER:
            raise argparse.ArgumentTypeError(
                f"there is no {what} {value}: numbers run from 1 to {LAST_NUMBER}; check the "
                "number (decisions list)"
            )
    return number, version


def _years(flag: str, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        from trustdesk.services.errors import InvalidRequest

        raise InvalidRequest(
            f"{flag} is in the year {year}; give a date in the years {FIRST_YEAR} to {LAST_YEAR}"
        )


def day(text: str, flag: str) -> date:
    """A day given as ``2026-11-20`` in the years a case may carry; InvalidRequest if not."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        from trustdesk.services.errors import InvalidRequest

        raise InvalidRequest(f"{flag} must be a date like 2026-11-20, not {text[:40]!r}") from None
    _years(flag, value.year)
    return value


def moment(text: str, flag: str) -> datetime:
    """A time with its UTC offset (``2026-11-24T15:00-05:00``) in the years a case may carry."""
    from trustdesk.services.errors import InvalidRequest

    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(
            f"{flag} must be a time like 2026-11-24T15:00-05:00, not {text[:40]!r}"
        ) from None
    if value.tzinfo is None:
        raise InvalidRequest(f"{flag} needs its UTC offset, e.g. 2026-11-24T15:00-05:00")
    _years(flag, value.year)
    return value


#: The argument types that name a file or folder (which may be any bytes the system
#: allows, UTF-8 or not), and the plain-text arguments that do too.
_PATH_TYPES = (Path, new_file, file_or_standard_output)
_PATH_DESTS = frozenset({"data_dir", "case", "amend", "logo", "file", "key"})
#: ``--as``: sign-on answers such a name as any unknown one and records the attempt.
_CHECKED_ELSEWHERE = frozenset({"actor"})


def undecodable_text(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | None:
    """What is wrong with the first text argument of the command line that holds bytes
    which are not UTF-8 (a terminal set to Latin-1 typing "José"), or None. Python keeps
    such a byte as a lone surrogate (U+DCE9 for 0xE9), which no record, search or file
    can take: a search by name or a hold's note ended in "internal error". Names of
    files and folders are left alone: the system allows any bytes in them."""
    for action in _chosen_actions(parser, args):
        if action.dest in _PATH_DESTS | _CHECKED_ELSEWHERE or action.type in _PATH_TYPES:
            continue
        value = getattr(args, action.dest, None)
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str):
                continue
            bad = next((ch for ch in text if 0xD800 <= ord(ch) <= 0xDFFF), None)
            if bad is None:
                continue
            name = action.option_strings[-1] if action.option_strings else action.dest
            code = ord(bad)
            what = (
                f"the byte 0x{code - 0xDC00:02X}, which is not UTF-8 text"
                if 0xDC80 <= code <= 0xDCFF
                else f"U+{code:04X}, an unpaired surrogate (not a character)"
            )
            return (
                f"{name}: contains {what}; set the terminal to UTF-8 (or type the value "
                "without that character) and run the command again; nothing was changed"
            )
    return None


def _chosen_actions(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> list[argparse.Action]:
    """The arguments of ``parser`` and of the subcommands ``args`` chose."""
    found: list[argparse.Action] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = getattr(args, action.dest, None)
            if isinstance(chosen, str) and chosen in action.choices:
                found.extend(_chosen_actions(action.choices[chosen], args))
        else:
            found.append(action)
    return found


def jurisdiction_code(text: str | None) -> str | None:
    """``--jurisdiction`` as given (None: not given), if TrustDesk ships packs and a
    catalog for it; InvalidRequest, one line, if not. Unchecked, the value named the
    catalog's file: ``ZZ`` said "…/zz.json: file not found", ``../../x`` loaded another
    file as the catalog, and an empty value quietly meant the agency's own."""
    if text is None:
        return None
    from trustdesk.config.keys import JURISDICTIONS

    code = text.strip().upper()
    if code not in JURISDICTIONS:
        from trustdesk.services.errors import InvalidRequest

        choices = " or ".join(f"{key} ({name})" for key, name in JURISDICTIONS.items())
        shown = repr(text[:20]) if text.strip() else "(empty)"
        raise InvalidRequest(
            f"--jurisdiction {shown} is not a jurisdiction TrustDesk has packs for; use {choices}"
        )
    return code
