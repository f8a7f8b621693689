"""``trustdesk rules migrate FILE -o OUT``: write a format-2 (or format-1) pack as format 3.

TrustDesk reads older packs as they are (``rules.pack_migrate`` converts them on every
load), so an agency never has to run this; it is for a publisher moving a pack to the
current format. The written file is checked like any pack — schema, references and its
own embedded tests against the jurisdiction's catalog — before anything is written, and
the original is never touched.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from trustdesk.cli.arguments import new_file
from trustdesk.rules.errors import InputError


def add_parser(sub: Any) -> None:
    migrate = sub.add_parser(
        "migrate", help="write a format-2 (or format-1) rule pack as format 3 (a new file)"
    )
    migrate.add_argument("file", type=Path, help="the older pack")
    migrate.add_argument(
        "-o", "--output", type=new_file, required=True, help="the format-3 file to write (new)"
    )
    migrate.set_defaults(func=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    from trustdesk.rules import pack_format1, pack_migrate, strict_json
    from trustdesk.rules.known_sections import known_sections
    from trustdesk.rules.packs import catalog_path_for, check_raw, load_pack

    source: Path = args.file
    target: Path = args.output
    name = str(source)
    if target.exists() or target.is_symlink():
        raise InputError(str(target), "", "already exists; choose a new file name for the output")
    raw = strict_json.load_path(source, "rule pack")
    if isinstance(raw, dict) and raw.get("schema_version") == pack_migrate.FORMAT_3:
        raise InputError(name, "/schema_version", "is already format 3; nothing to convert")
    if isinstance(raw, dict) and pack_format1.is_format_1(raw):
        raw = pack_format1.read_format_1(raw, name)
    check_raw(raw, name)  # format 2: its schema and references, errors pointing into it
    converted = pack_migrate.migrate_v2(raw, complete=True)
    text = json.dumps(converted, indent=2, ensure_ascii=False) + "\n"
    jurisdiction = str(converted["jurisdiction"])
    sections, digest = known_sections(catalog_path_for(jurisdiction))
    # The converted pack passes every check, its own tests included, before it is written.
    with tempfile.TemporaryDirectory(prefix="trustdesk-migrate-") as temp:
        trial = Path(temp) / target.name
        trial.write_text(text, encoding="utf-8")
        try:
            loaded = load_pack(trial, catalog=sections, catalog_fingerprint=digest)
        except InputError as error:
            where = error.source.replace(str(trial), f"{target} (as converted)")
            raise InputError(where, error.pointer, error.reason) from None
    _write_new(target, text)
    print(
        f"{target}: format-3 rule pack {loaded.pack.id} written from {source}; "
        f"{len(loaded.pack.outcomes)} action outcomes; "
        f"all {len(loaded.tests)} embedded test cases pass"
    )
    return 0


def _write_new(target: Path, text: str) -> None:
    """Write ``text`` to the new file ``target``: whole or not at all, never over a file."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=".migrate-", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.link(temp, target)  # fails if the target appeared meanwhile
        os.unlink(temp)
    except FileExistsError:
        os.unlink(temp)
        raise InputError(str(target), "", "already exists; choose a new file name") from None
    except OSError as exc:
        raise InputError(str(target), "", f"cannot be written: {exc.strerror or exc}") from None
