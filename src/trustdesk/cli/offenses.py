"""The ``trustdesk offenses search`` command: find offenses the way records spell them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustdesk.cli.arguments import jurisdiction_code
from trustdesk.cli.console import json_for

if TYPE_CHECKING:
    from trustdesk.rules.catalog import OffenseEntry
    from trustdesk.rules.offense_search import SearchResult

_PROG = "trustdesk offenses search"
_TITLE_WIDTH = 52


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``offenses`` and its ``search`` sub-command on the main parser."""
    offenses = subparsers.add_parser(
        "offenses",
        help="look up offenses (sections, classes, levels, abbreviations, DOC lines)",
        description="Look up offenses in the bundled offense catalog of a jurisdiction.",
    )
    commands = offenses.add_subparsers(dest="offenses_command", metavar="COMMAND", required=True)
    search = commands.add_parser(
        "search",
        help="search by section, words, abbreviations or a DOC offense line",
        description=(
            "Search the offense catalog. TEXT may be a section (53a-134, 53A134), words in any "
            "order, DOC abbreviations (CRIM VIOL OF PROT ORD), or a whole 40-character DOC "
            "offense field with its class code (ASSAULT, FIRST DEGREE   BF)."
        ),
    )
    search.add_argument("text", nargs="+", metavar="TEXT", help="what to look for")
    search.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    search.add_argument(
        "--limit", type=int, default=10, metavar="N", help="show at most N matches (default 10)"
    )
    search.add_argument(
        "--catalog", type=Path, default=None, metavar="PATH", help="use another catalog file"
    )
    search.add_argument(
        "--jurisdiction",
        metavar="ID",
        type=str.upper,
        default=None,
        help="search the shipped catalog of this jurisdiction (CT, CA…); default: the agency's",
    )
    search.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``offenses search``; 0 with or without matches, 2 on bad input."""
    from trustdesk.rules.catalog import load_catalog
    from trustdesk.rules.errors import RulesError
    from trustdesk.rules.offense_search import search, split_doc_code

    raw = args.text
    text = " ".join(raw) if isinstance(raw, list) else str(raw or "")
    limit = getattr(args, "limit", 10)
    if not text.strip():
        return _fail("enter an offense name, a DOC offense line or a section number")
    if not isinstance(limit, int) or limit < 1:
        return _fail(f"--limit must be a whole number of at least 1, not {limit!r}")
    path = getattr(args, "catalog", None)
    jurisdiction = jurisdiction_code(getattr(args, "jurisdiction", None))
    if path is None and not jurisdiction and hasattr(args, "data_dir"):
        from trustdesk.cli.signon import agency_jurisdiction

        # The catalog of the agency's own jurisdiction, as the desktop app searches it.
        jurisdiction = agency_jurisdiction(args)
    if path is None and jurisdiction:
        from trustdesk.rules.packs import catalog_path_for

        path = catalog_path_for(jurisdiction)
        if not path.is_file():
            return _fail(
                f"--jurisdiction {jurisdiction}: no offense catalog ships for it; use CT or CA"
            )
    try:
        catalog = load_catalog(path)
    except RulesError as exc:
        return _fail(f"cannot load the offense catalog: {exc}")
    results = search(catalog, text, limit)
    if not results:
        print(f"no offense matches {text.strip()!r}", file=sys.stderr)
        if getattr(args, "format", "text") == "json":
            print("[]")
        return 0
    if getattr(args, "format", "text") == "json":
        print(json_for([_as_json(result) for result in results]))
        return 0
    _, code = split_doc_code(text)
    if code is not None:
        klass = "unclassified" if code.klass == "unclassified" else f"class {code.klass}"
        print(f"DOC class code {code.code}: {klass} {code.level}")
    _print_table(results)
    return 0


def _fail(message: str) -> int:
    print(f"{_PROG}: {message}", file=sys.stderr)
    return 2


def _as_json(result: SearchResult) -> dict[str, Any]:
    entry = result.entry
    return {
        "section": entry.section,
        "title": entry.title,
        "level": entry.level,
        "classes": list(entry.classes),
        "levels": {form.level: list(form.classes) for form in entry.forms},
        "score": result.score,
        "matched_by": result.matched_by,
        "class_hint": result.class_hint,
        "level_hint": result.level_hint,
    }


def _classes(entry: OffenseEntry) -> str:
    def short(classes: tuple[str, ...]) -> str:
        return "/".join("uncl." if c == "unclassified" else c for c in classes)

    return "; ".join(
        form.level if form.level == "procedural" else f"{form.level} {short(form.classes)}"
        for form in entry.forms
    )


def _hint(result: SearchResult) -> str:
    if result.class_hint is not None and result.level_hint is not None:
        klass = (
            "unclassified" if result.class_hint == "unclassified" else f"class {result.class_hint}"
        )
        entry, level = result.entry, result.level_hint
        if entry.can_carry(level, result.class_hint, former=False):
            note = ""
        elif entry.can_carry(level, result.class_hint):
            note = " (earlier law)"
        else:
            # Only DOC's own dated code says so; the statute gives another class.
            note = " (as DOC records code it; the statute differs)"
        return f"{klass} {level}{note}"
    if result.level_hint is not None:
        return f"{result.level_hint} (class differs)"
    return ""


def _print_table(results: list[SearchResult]) -> None:
    rows = []
    for rank, result in enumerate(results, start=1):
        entry = result.entry
        title = entry.title + (" (repealed)" if entry.repealed is not None else "")
        if len(title) > _TITLE_WIDTH:
            title = title[: _TITLE_WIDTH - 1] + "…"
        rows.append((str(rank), entry.section, title, _classes(entry), _hint(result)))
    header = ("#", "Section", "Title", "Level / classes", "DOC code fits")
    widths = [max(len(row[i]) for row in (*rows, header)) for i in range(len(header))]
    for row in (header, *rows):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
