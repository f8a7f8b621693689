"""``trustdesk rules keygen|sign|review|import|publishers|trust|untrust``: signed packs.

A publisher makes a key (``keygen``) and signs packs with it (``sign``); an agency's
administrator trusts the publisher's public key (``trust``, or IT's ``trusted_publishers``),
then ``review``s and ``import``s the signed file. A pack that is unsigned or signed with
a key the agency does not trust imports only with ``--override-unsigned`` and a reason.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_actions(sub: Any) -> None:
    """The signing actions, under ``trustdesk rules``."""
    from trustdesk.cli.signon import add_actor

    keygen = sub.add_parser("keygen", help="make a publisher's signing key (for publishers)")
    keygen.add_argument("--publisher", required=True, help="the name shown to importers")
    keygen.add_argument(
        "-o", "--output", required=True, type=Path, help="private key file to write (kept 0600)"
    )
    keygen.set_defaults(func=run_keygen)
    sign = sub.add_parser("sign", help="sign a rule-pack file with a publisher's key")
    sign.add_argument("pack", type=Path)
    sign.add_argument("--key", required=True, type=Path, help="private key file from keygen")
    sign.add_argument("-o", "--output", required=True, type=Path, help="signed pack to write")
    sign.set_defaults(func=run_sign)
    for name, text in (
        ("review", "show who signed a pack file and what it changes; nothing is imported"),
        ("import", "review a pack file, then import it (administrators)"),
    ):
        action = sub.add_parser(name, help=text)
        action.add_argument("file", type=Path)
        add_actor(action)
        if name == "import":
            action.add_argument(
                "--override-unsigned",
                action="store_true",
                help="import a pack that is unsigned or signed by an untrusted key",
            )
            action.add_argument("--reason", help="why the override is justified (recorded)")
        action.set_defaults(func=run_review if name == "review" else run_import)
    listing = sub.add_parser("publishers", help="list the trusted publishers' keys")
    add_actor(listing)
    listing.set_defaults(func=run_publishers)
    trust = sub.add_parser("trust", help="trust a publisher's public key (administrators)")
    trust.add_argument("key", help="the public key line, or a file holding it (NAME.pub)")
    add_actor(trust)
    trust.set_defaults(func=run_trust)
    untrust = sub.add_parser("untrust", help="stop trusting a key (administrators)")
    untrust.add_argument("fingerprint", help="the key's fingerprint, as `publishers` shows it")
    add_actor(untrust)
    untrust.set_defaults(func=run_untrust)


def run_keygen(args: argparse.Namespace) -> int:
    from trustdesk.rules.signing import generate_key

    public = generate_key(args.publisher, args.output)
    pub_path = args.output.with_name(args.output.name + ".pub")
    try:
        with open(pub_path, "x", encoding="utf-8") as handle:
            handle.write(public.text + "\n")
        wrote = f" and {pub_path}"
    except OSError:
        wrote = ""  # the public key is printed below in any case
    print(f"Private key written to {args.output} (readable by you only; never share it){wrote}.")
    print(f"Fingerprint: {public.fingerprint}")
    print("Public key (give this line to the agencies that import your packs):")
    print(public.text)
    return 0


def run_sign(args: argparse.Namespace) -> int:
    from trustdesk import resources
    from trustdesk.rules.errors import InputError
    from trustdesk.rules.imports import MAX_PACK_BYTES
    from trustdesk.rules.known_sections import known_sections
    from trustdesk.rules.packs import load_pack
    from trustdesk.rules.signing import load_private_key, read_pack_file, sign_pack

    private, publisher = load_private_key(args.key)
    opened = read_pack_file(args.pack, MAX_PACK_BYTES)
    if opened.signature is not None:
        raise InputError(str(args.pack), "", "is already signed; sign the plain pack file")
    # A publisher vouches for what it signs: the pack must pass every check first.
    sections, digest = known_sections(resources.resource("offenses", "ct.json"))
    load_pack(args.pack, catalog=sections, catalog_fingerprint=digest)
    signed = sign_pack(opened.pack, private, publisher)
    try:
        with open(args.output, "xb") as handle:
            handle.write(signed)
    except FileExistsError:
        raise InputError(str(args.output), "", "already exists; choose another name") from None
    except OSError as exc:
        raise InputError(str(args.output), "", f"cannot be written: {exc.strerror}") from None
    public = private.public_key().public_bytes_raw()
    from trustdesk.rules.signing import fingerprint_of

    print(
        f"Signed {args.pack} as “{publisher}” (key fingerprint {fingerprint_of(public)}): "
        f"{args.output}; pack sha256 {opened.sha256}"
    )
    return 0


def run_review(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import log_on, open_services

    with open_services(args) as services:
        session = log_on(services, args)
        review = services.rulepacks.review(session, args.file)
    print("\n".join(review.lines()))
    return 0


class _NoHolder:
    """The command line keeps no rule set in memory: the next command loads the new one."""

    def replace(self, rules: Any) -> None:
        pass


def run_import(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import log_on, open_services
    from trustdesk.services.errors import InvalidRequest

    reason = args.reason
    if args.override_unsigned and not reason and sys.stdin.isatty():
        reason = input("Reason for importing a pack no trusted publisher signed: ")
    if args.override_unsigned and not (reason or "").strip():
        raise InvalidRequest('--override-unsigned needs a reason: add --reason "why"')
    if reason and not args.override_unsigned:
        raise InvalidRequest("--reason goes with --override-unsigned; add it, or leave both out")
    with open_services(args) as services:
        session = log_on(services, args)
        review = services.rulepacks.review(session, args.file)
        print("\n".join(review.lines()))
        print()
        imported = services.rulepacks.import_pack(
            session,
            args.file,
            _NoHolder(),
            override=reason if args.override_unsigned else None,
            expect_sha256=review.sha256,
        )
    replaced = f"; it replaces {imported.replaced}" if imported.replaced else ""
    how = "" if review.trust.trusted else " (override recorded in the audit log)"
    print(
        f"Imported {imported.pack_id} ({imported.title}), sha256 {imported.sha256}{replaced}{how}."
    )
    return 0


def run_publishers(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import log_on, open_services

    with open_services(args) as services:
        log_on(services, args)
        keys = services.rulepacks.publishers.trusted()
    if not keys:
        print("No publisher is trusted: every pack imports only with an override.")
    for trusted in keys:
        print(f"{trusted.key.fingerprint}  {trusted.key.publisher}  ({trusted.origin})")
    return 0


def run_trust(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import log_on, open_services
    from trustdesk.rules.errors import InputError

    text = args.key
    path = Path(text)
    if not text.startswith("trustdesk-") and path.is_file():
        try:
            text = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(str(path), "", f"cannot be read: {exc}") from None
    with open_services(args) as services:
        session = log_on(services, args)
        key = services.rulepacks.publishers.trust(session, text)
    print(f"Trusted “{key.publisher}”, key fingerprint {key.fingerprint}.")
    return 0


def run_untrust(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import log_on, open_services

    with open_services(args) as services:
        session = log_on(services, args)
        removed = services.rulepacks.publishers.untrust(session, args.fingerprint)
    print(f"No longer trusted: “{removed.key.publisher}”, key {removed.key.fingerprint}.")
    return 0
