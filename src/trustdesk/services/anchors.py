"""Reading the audit chain heads that files made by TrustDesk carry (``audit verify --anchors``).

Every file that leaves the app holds the chain's head when it was made:
- a memo or notice PDF, in its metadata (Keywords) and its verification block;
- an audit export (JSON lines or CSV): its last entry is the head it was made at;
- a backup: its manifest's ``head_seq`` and ``head_hash``;
- a workstation's anchor file (store/anchor.py): ``seq`` and ``hash``.
A folder is searched for all of these, at any depth; a file named on its own must be one.
What is read is proved against the chain by ``store.anchor.prove``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from trustdesk.services.errors import InvalidRequest
from trustdesk.store.anchor import Anchor, parse_anchor
from trustdesk.store.backup import backup_head

_PDF = b"%PDF-"
_SQLITE = b"SQLite format 3\x00"
#: Files searched in a folder; anything else there is passed over.
_SUFFIXES = {".pdf", ".json", ".jsonl", ".csv", ".db", ".tdbackup", ".bak"}
#: An anchor file is tiny; a larger .json is not one (and is not read whole).
_ANCHOR_FILE_MAX = 64 * 1024


def read_anchors(paths: list[Path]) -> list[tuple[str, Anchor]]:
    """Every anchored head in ``paths`` (files and folders), labelled by its file.

    A named file that holds no head, a missing path or a folder without any anchor is a
    plain InvalidRequest: the person asked for something to be checked that cannot be.
    """
    found: list[tuple[str, Anchor]] = []
    for path in paths:
        try:
            found += _anchors_under(path)
        except OSError as exc:  # a folder, or a link in one, this account may not look at
            raise InvalidRequest(
                f"cannot look at {exc.filename or path}: {exc.strerror or exc}; name files "
                "and folders this account can read"
            ) from None
    return found


def _anchors_under(path: Path) -> list[tuple[str, Anchor]]:
    """The anchored heads of one path named (a file, or a folder searched whole)."""
    found: list[tuple[str, Anchor]] = []
    if path.is_dir():
        inside = [
            (str(file), anchor)
            for file in sorted(path.rglob("*"))
            if file.suffix.lower() in _SUFFIXES and file.is_file()
            for anchor in _anchors_in(file)
        ]
        if not inside:
            raise InvalidRequest(
                f"{path} holds no memo, audit export, backup or anchor file carrying an "
                "audit chain head; name the files or folders that do"
            )
        found += inside
    elif path.is_file():
        anchors = list(_anchors_in(path))
        if not anchors:
            raise InvalidRequest(
                f"{path} carries no audit chain head: it is not a TrustDesk memo, audit "
                "export, backup or anchor file (memos printed before chain heads were "
                "added carry none)"
            )
        found += [(str(path), anchor) for anchor in anchors]
    elif path.exists():
        raise InvalidRequest(
            f"{path} is not a file (a pipe or a device); name memo PDFs, exports or folders"
        )
    else:
        raise InvalidRequest(f"{path} does not exist; name memo PDFs, exports or folders")
    return found


def _anchors_in(path: Path) -> Iterator[Anchor]:
    try:
        with open(path, "rb") as handle:
            start = handle.read(16)
    except OSError as exc:
        raise InvalidRequest(f"cannot read {path}: {exc.strerror or exc}") from None
    if start.startswith(_PDF):
        yield from _pdf_anchors(path)
    elif start.startswith(_SQLITE):
        head = backup_head(path)
        if head is not None:
            yield head
    elif path.suffix.lower() == ".csv" or start.startswith(b"seq,"):
        head = _csv_head(path)
        if head is not None:
            yield head
    else:
        head = _json_head(path)
        if head is not None:
            yield head


def _pdf_anchors(path: Path) -> Iterator[Anchor]:
    from trustdesk.memo.verification import chain_heads_in

    seen = set()
    from trustdesk.services.memo_file import read_memo_file

    # Capped as `verify` reads a memo: a PDF larger than any memo was read whole.
    for seq, digest in chain_heads_in(read_memo_file(path)):
        anchor = parse_anchor(seq, digest)
        if anchor is not None and anchor not in seen:
            seen.add(anchor)
            yield anchor


def _json_head(path: Path) -> Anchor | None:
    """An anchor file (one JSON object), or an audit export (its last line, the head)."""
    last = None
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    last = line
    except (OSError, UnicodeDecodeError):
        return None
    if last is None:
        return None
    if path.stat().st_size <= _ANCHOR_FILE_MAX:
        try:
            whole = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            whole = None
        if isinstance(whole, dict):
            return parse_anchor(whole.get("seq"), whole.get("hash"))
    try:
        value = json.loads(last)
    except ValueError:
        return None
    return parse_anchor(value.get("seq"), value.get("hash")) if isinstance(value, dict) else None


def _csv_head(path: Path) -> Anchor | None:
    """An audit export in CSV: the last row is the head it was made at."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows, None)
            if header is None or "seq" not in header or "hash" not in header:
                return None
            at_seq, at_hash = header.index("seq"), header.index("hash")
            last = None
            for row in rows:
                if row:
                    last = row
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if last is None or len(last) <= max(at_seq, at_hash):
        return None
    return parse_anchor(_unmarked(last[at_seq]), _unmarked(last[at_hash]))


def _unmarked(field: str) -> str:
    """A field of the audit CSV as recorded: one leading apostrophe off (decision 0090)."""
    return field[1:] if field.startswith("'") else field
