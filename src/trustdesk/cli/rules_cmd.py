"""``trustdesk rules list|validate FILE|test``: inspect and check rule packs (``items`` and
``signoff``, counsel's verification item by item, are in ``cli.rules_signoff``).

Signing, reviewing and importing packs are in ``cli.pack_signing``.

``list`` and ``test`` show the packs in force on the data folder (``--data-dir``, else
the per-user one): the bundled packs and the agency's imported ones, as the desktop app
applies them. ``validate`` checks one file on its own, against the bundled catalog.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("rules", help="list, validate and test rule packs")
    sub = parser.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    sub.add_parser(
        "list", help="list the rule packs in force (the data folder's imported ones included)"
    ).set_defaults(func=run_list)
    validate = sub.add_parser("validate", help="check a rule-pack file and run its own tests")
    validate.add_argument("file", type=Path)
    validate.add_argument(
        "--catalog",
        type=Path,
        help="offense catalog to test it against (default: the one shipped for its jurisdiction)",
    )
    validate.set_defaults(func=run_validate)
    test = sub.add_parser("test", help="run the embedded test cases of every pack in force")
    test.set_defaults(func=run_test)
    from trustdesk.cli.pack_signing import add_actions
    from trustdesk.cli.rules_keep import add_parser as add_keep
    from trustdesk.cli.rules_migrate import add_parser as add_migrate
    from trustdesk.cli.rules_signoff import add_parsers

    add_actions(sub)
    add_parsers(sub)
    add_migrate(sub)
    add_keep(sub)


def run_list(args: argparse.Namespace) -> int:
    from trustdesk import resources
    from trustdesk.cli.signon import command_rules

    rules = command_rules(args)
    shipped = resources.resource("rules")
    replaced = {loaded.pack.id for loaded in rules.replaced}
    signers, revoked = _import_signers(args, rules)
    converted = {note.split(" ", 1)[0]: note for note in rules.converted}
    for loaded in rules.packs:
        pack = loaded.pack
        until = pack.effective_to.isoformat() if pack.effective_to else "in force"
        print(f"{pack.id}  {pack.effective_from.isoformat()} → {until}  {pack.title}")
        if loaded.path.parent != shipped:
            from trustdesk.rules.signing import revoked_signer_note

            instead = "; in place of the one shipped with TrustDesk" if pack.id in replaced else ""
            print(f"         imported by the agency: {loaded.path}{instead}")
            note = revoked_signer_note(pack.sha256, signers, revoked)
            if note:
                print(f"         NOTE: {note}")
            if pack.id in converted:
                print(f"         NOTE: {converted[pack.id].split(': ', 1)[1]}")
        print(f"         last verified {pack.last_verified_on.isoformat()}; sha256 {pack.sha256}")
        print(f"         {len(pack.criteria)} criteria, {len(loaded.tests)} embedded tests")
        unverified = pack.unverified_items()
        if unverified:
            from trustdesk.rules.revision import item_label

            print(f"         {len(unverified)} unverified items (trustdesk rules items):")
            for item in unverified:
                print(f"         UNVERIFIED: {item_label(pack, item)}  [{item}]")
    return 0


def _import_signers(
    args: argparse.Namespace, rules: Any
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Who signed each imported pack and which keys were revoked ({} when nothing
    imported): asked of the database server where the record is on one (the data
    folder's own file, which the server's desks do not have, was read and named none),
    else read from the folder's file without opening the store."""
    import sys

    from trustdesk import config, resources

    shipped = resources.resource("rules")
    if all(loaded.path.parent == shipped for loaded in rules.packs):
        return {}, {}
    from trustdesk.store.errors import StoreError
    from trustdesk.store.pack_imports import import_signers
    from trustdesk.store.paths import resolve_data_dir

    try:
        if str(config.current()["database"].value):
            from trustdesk.cli.signon import open_services

            with open_services(args) as services:
                return services.rulepacks.import_signers()
        return import_signers(resolve_data_dir(args.data_dir))
    except StoreError as error:
        print(
            f"trustdesk: warning: who signed the imported packs is unknown: {error}",
            file=sys.stderr,
        )
        return {}, {}


def run_validate(args: argparse.Namespace) -> int:
    from trustdesk.rules import strict_json
    from trustdesk.rules.errors import InputError
    from trustdesk.rules.known_sections import known_sections
    from trustdesk.rules.packs import DEFAULT_JURISDICTION, catalog_path_for, load_pack

    # Checked against the catalog of the pack's own jurisdiction (CT for older packs).
    raw = strict_json.load_path(args.file, "rule pack")
    stated = raw.get("jurisdiction") if isinstance(raw, dict) else None
    jurisdiction = stated if isinstance(stated, str) and stated.isalnum() else DEFAULT_JURISDICTION
    catalog = args.catalog or catalog_path_for(jurisdiction)
    if args.catalog is None and not catalog.exists():
        raise InputError(
            str(args.file),
            "/jurisdiction",
            f"no offense catalog is shipped for {jurisdiction}; give one with --catalog FILE",
        )
    sections, digest = known_sections(catalog)
    loaded = load_pack(args.file, catalog=sections, catalog_fingerprint=digest)
    print(
        f"{args.file}: valid rule pack {loaded.pack.id}; "
        f"all {len(loaded.tests)} embedded test cases pass"
    )
    return 0


def run_test(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import command_rules
    from trustdesk.rules.packtests import run_pack_tests

    rules = command_rules(args)
    passed = failed = 0
    for loaded in rules.packs:
        for result in run_pack_tests(loaded.pack, loaded.tests, str(loaded.path), rules.sections):
            print(
                f"{'ok  ' if result.passed else 'FAIL'} {loaded.pack.id} "
                f"/tests/{result.index} {result.name}"
            )
            for problem in result.problems:
                print(f"       {problem}")
            if result.passed:
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 3
