"""``trustdesk rules keygen|sign|review|import|publishers|trust|untrust``: signed packs.

A publisher makes a key (``keygen``) and signs packs with it (``sign``); an agency's
administrator trusts the publisher's public key (``trust``, or IT's ``trusted_publishers``),
then ``review``s and ``import``s the signed file. A pack that is unsigned or signed with
a key the agency does not trust imports only with ``--override-unsigned`` and a reason.

The private key file is encrypted with a passphrase. It is never taken from the command
line (other users see a process's arguments, and shells keep a history): it is read
from the environment variable ``TRUSTDESK_KEY_PASSPHRASE`` when set (for scripts), else
asked for at the terminal without echo.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from trustdesk.cli.arguments import new_file

PASSPHRASE_ENV = "TRUSTDESK_KEY_PASSPHRASE"


def add_actions(sub: Any) -> None:
    """The signing actions, under ``trustdesk rules``."""
    from trustdesk.cli.signon import add_actor

    keygen = sub.add_parser("keygen", help="make a publisher's signing key (for publishers)")
    keygen.add_argument("--publisher", required=True, help="the name shown to importers")
    keygen.add_argument(
        "-o", "--output", required=True, type=new_file, help="private key file to write (kept 0600)"
    )
    keygen.set_defaults(func=run_keygen)
    sign = sub.add_parser("sign", help="sign a rule-pack file with a publisher's key")
    sign.add_argument("pack", type=Path)
    sign.add_argument("--key", required=True, type=Path, help="private key file from keygen")
    sign.add_argument("-o", "--output", required=True, type=new_file, help="signed pack to write")
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
    trust.add_argument(
        "--expires",
        metavar="YYYY-MM-DD",
        help="the last day packs signed with this key import without an override",
    )
    add_actor(trust)
    trust.set_defaults(func=run_trust)
    untrust = sub.add_parser(
        "untrust",
        help="revoke a key: packs it signs from now on are refused (administrators)",
    )
    untrust.add_argument("fingerprint", help="the key's fingerprint, as `publishers` shows it")
    add_actor(untrust)
    untrust.set_defaults(func=run_untrust)


def _passphrase_from_env() -> str | None:
    from trustdesk.cli.signon import text_from_environment

    value = text_from_environment(PASSPHRASE_ENV)  # (bytes not UTF-8: refused in words)
    return value if value else None


def in_terminal() -> bool:
    from trustdesk.cli.signon import in_terminal as asked_at_terminal

    return asked_at_terminal()


def new_passphrase(target: Path) -> bytes:
    """The passphrase to encrypt a new key with: the environment's, or typed twice."""
    from getpass import getpass

    from trustdesk.rules.signing import SigningError, check_passphrase

    given = _passphrase_from_env()
    if given is not None:
        return check_passphrase(given, PASSPHRASE_ENV)
    if not in_terminal():
        raise SigningError(
            str(target), "", f"needs a passphrase: run in a terminal, or set {PASSPHRASE_ENV}"
        )
    first = getpass("Passphrase for the new key (at least 12 characters, not shown): ")
    check_passphrase(first)
    if getpass("The same passphrase again: ") != first:
        raise SigningError(str(target), "", "the two passphrases differ; nothing was written")
    return first.encode("utf-8")


def key_passphrase(key_file: Path) -> bytes:
    """The passphrase of an existing key file: the environment's, or typed once."""
    from getpass import getpass

    from trustdesk.rules.signing import SigningError

    given = _passphrase_from_env()
    if given is not None:
        return given.encode("utf-8")
    if not in_terminal():
        raise SigningError(
            str(key_file), "", f"is encrypted: run in a terminal, or set {PASSPHRASE_ENV}"
        )
    return getpass(f"Passphrase of {key_file.name}: ").encode("utf-8")


def run_keygen(args: argparse.Namespace) -> int:
    from trustdesk.rules.signing import generate_key

    passphrase = new_passphrase(args.output)
    public = generate_key(args.publisher, args.output, passphrase)
    pub_path = args.output.with_name(args.output.name + ".pub")
    try:
        with open(pub_path, "x", encoding="utf-8") as handle:
            handle.write(public.text + "\n")
        wrote = f" and {pub_path}"
    except OSError:
        wrote = ""  # the public key is printed below in any case
    print(
        f"Private key written to {args.output}, encrypted with your passphrase (readable by "
        f"you only; never share it){wrote}. Without the passphrase the key cannot sign."
    )
    print(f"Fingerprint: {public.fingerprint}")
    print("Public key (give this line to the agencies that import your packs):")
    print(public.text)
    return 0


def _jurisdiction_of(pack: bytes, source: str) -> str:
    """The jurisdiction a pack says it is for (``jurisdiction``; a pack that names none is
    Connecticut's, as the first packs were), one TrustDesk knows."""
    import json

    from trustdesk.config.keys import DEFAULT_JURISDICTION, JURISDICTIONS
    from trustdesk.rules.errors import InputError

    try:
        raw = json.loads(pack)
    except ValueError:
        raise InputError(source, "", "is not JSON; sign a rule-pack file") from None
    code = raw.get("jurisdiction", DEFAULT_JURISDICTION) if isinstance(raw, dict) else None
    if code not in JURISDICTIONS:
        known = ", ".join(JURISDICTIONS)
        raise InputError(source, "/jurisdiction", f"is {str(code)[:20]!r}; TrustDesk knows {known}")
    return str(code)


def run_sign(args: argparse.Namespace) -> int:
    from trustdesk.rules.errors import InputError
    from trustdesk.rules.imports import MAX_PACK_BYTES
    from trustdesk.rules.known_sections import known_sections
    from trustdesk.rules.packs import catalog_path_for, load_pack
    from trustdesk.rules.signing import load_private_key, read_pack_file, sign_pack

    loaded_key = load_private_key(args.key, lambda: key_passphrase(args.key))
    private, publisher = loaded_key.key, loaded_key.publisher
    if not loaded_key.encrypted:
        print(
            f"trustdesk: warning: {args.key} holds the key unencrypted (made before keys had "
            "a passphrase); make a new key with `trustdesk rules keygen` and have agencies "
            "trust it, then revoke this one",
            file=sys.stderr,
        )
    opened = read_pack_file(args.pack, MAX_PACK_BYTES)
    if opened.signature is not None:
        raise InputError(str(args.pack), "", "is already signed; sign the plain pack file")
    # A publisher vouches for what it signs: the pack must pass every check first, under
    # the offense catalog of the jurisdiction it is written for.
    jurisdiction = _jurisdiction_of(opened.pack, str(args.pack))
    sections, digest = known_sections(catalog_path_for(jurisdiction))
    load_pack(args.pack, catalog=sections, catalog_fingerprint=digest, jurisdiction=jurisdiction)
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
    if args.override_unsigned and not reason and in_terminal():
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
        today = services.rulepacks.publishers.today()
    if not any(t.status(today) == "trusted" for t in keys):
        print("No publisher is trusted: every pack imports only with an override.")
    for trusted in keys:
        print(
            f"{trusted.key.fingerprint}  {trusted.key.publisher}  ({trusted.origin}; "
            f"{trusted.describe(today)})"
        )
    return 0


def run_trust(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import log_on, open_services
    from trustdesk.rules import strict_json
    from trustdesk.rules.errors import InputError

    text = args.key
    path = Path(text)
    # exists(), not is_file(): a pipe or a device named as the key file is said to be one.
    if not text.startswith("trustdesk-") and path.exists():
        try:
            text = strict_json.read_file(path, "public key").decode("utf-8").strip()
        except UnicodeDecodeError:
            raise InputError(
                str(path),
                "",
                "is not a publisher's public key (it is not text); name the publisher's .pub file",
            ) from None
        except OSError as exc:
            raise InputError(str(path), "", f"cannot be read: {exc.strerror or exc}") from None
    expires = None
    if args.expires is not None:
        try:
            expires = date.fromisoformat(args.expires)
        except ValueError:
            raise InputError(
                "--expires", "", f"{args.expires!r} is not a date; write it as YYYY-MM-DD"
            ) from None
    with open_services(args) as services:
        session = log_on(services, args)
        key = services.rulepacks.publishers.trust(session, text, expires)
    until = f" until {expires}" if expires is not None else ""
    print(f"Trusted “{key.publisher}”{until}, key fingerprint {key.fingerprint}.")
    return 0


def run_untrust(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import log_on, open_services

    with open_services(args) as services:
        session = log_on(services, args)
        removed = services.rulepacks.publishers.untrust(session, args.fingerprint)
    print(
        f"Revoked: “{removed.key.publisher}”, key {removed.key.fingerprint}. Packs signed with "
        "it from now on are refused; the packs imported under it stay in force "
        "(`trustdesk rules list` says so)."
    )
    return 0
