"""What every record-keeping command shares: opening the data folder and logging on.

Passwords never come from the command line (it is visible to other users and kept in
shell history): ``TRUSTDESK_PASSWORD`` / ``TRUSTDESK_NEW_PASSWORD``, or a prompt when
the command runs in a terminal. Heavy modules are imported inside functions so that
``trustdesk evaluate`` does not pay for SQLite.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Container
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from pathlib import Path

    from trustdesk.core.pack import RulePack
    from trustdesk.rules.catalog import OffenseCatalog
    from trustdesk.rules.packs import LoadedPack
    from trustdesk.rules.registry import RuleSet
    from trustdesk.services.bundle import Services
    from trustdesk.services.context import Session

PASSWORD_ENV = "TRUSTDESK_PASSWORD"
NEW_PASSWORD_ENV = "TRUSTDESK_NEW_PASSWORD"


def add_actor(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="USER",
        required=required,
        help=f"your user name (password from ${PASSWORD_ENV}, or asked for)",
    )


class LazyRules:
    """The rules of data folder ``data_dir`` (its imported packs included, as the desktop
    app applies them), loaded only by commands that use them (others start faster)."""

    def __init__(self, data_dir: Path | str | None = None) -> None:
        self.data_dir = data_dir
        self._rules: RuleSet | None = None
        #: The agency's jurisdiction (services.jurisdiction), asked when first loaded.
        self.jurisdiction: Callable[[], str] | None = None
        #: The imported versions the store's chain puts in force (services.rulepacks),
        #: asked when first loaded: the server's chain where the store is on one.
        self.accepted: Callable[[], dict[str, str]] | None = None

    def _load(self) -> RuleSet:
        if self._rules is None:
            from trustdesk.cli.rulesource import data_folder_rules

            code = None if self.jurisdiction is None else self.jurisdiction()
            accepted = None if self.accepted is None else self.accepted()
            self._rules = data_folder_rules(self.data_dir, code, accepted)
        return self._rules

    def bind(self, services: Services) -> None:
        """Load, when first asked, the packs of the agency's jurisdiction and the imports
        the open store's chain puts in force (the server's, where the store is on one),
        as the desktop app applies them."""
        self.jurisdiction = lambda: services.jurisdiction.current().code
        self.accepted = services.rulepacks.in_force

    def load(self) -> RuleSet:
        """Load the rules now (naming any damaged imported pack on stderr at once)."""
        return self._load()

    @property
    def sections(self) -> Container[str]:
        return self._load().sections

    @property
    def catalog(self) -> OffenseCatalog:
        return self._load().catalog

    def pack_for(self, decision_time: datetime) -> RulePack:
        return self._load().pack_for(decision_time)

    def pack(self, pack_id: str) -> LoadedPack:
        return self._load().pack(pack_id)

    def pack_version(self, pack_id: str, sha256: str) -> LoadedPack:
        return self._load().pack_version(pack_id, sha256)


def open_services(
    args: argparse.Namespace,
    rules: Any = None,
    *,
    may_begin: bool = False,
    moved_ok: bool = False,
) -> Services:
    """The services on the command's store. ``may_begin``: the command may begin a new
    record in a data folder that holds none (the first administrator, a restore into an
    empty folder); any other refuses there, creating nothing: a mistyped --data-dir must
    not become a second, empty record. ``moved_ok``: a reading command that may open a
    folder whose record was moved onto a server (store/moved.py)."""
    from trustdesk.services.bundle import open_services as open_bundle

    if not may_begin:
        _refuse_a_folder_without_a_record(args)
    if rules is not None:
        services = open_bundle(args.data_dir, rules, moved_ok=moved_ok)
    else:
        lazy = LazyRules(args.data_dir)
        services = open_bundle(args.data_dir, lazy, moved_ok=moved_ok)
        lazy.bind(services)
    try:
        return _in_agency_zone(services)
    except BaseException:
        services.close()  # the store and its folder lock: a restore may need them next
        raise


def _refuse_a_folder_without_a_record(args: argparse.Namespace) -> None:
    from trustdesk import config
    from trustdesk.services.errors import InvalidRequest
    from trustdesk.store.paths import DB_NAME, resolve_data_dir

    if str(config.current()["database"].value):
        return  # on a database server: the folder keeps only this desk's own files
    folder = resolve_data_dir(args.data_dir)
    try:
        # A database there, or what is left of one (its write-ahead log or journal beside
        # a file moved away): opening it says what is wrong, in its own words.
        if any((folder / f"{DB_NAME}{suffix}").exists() for suffix in ("", "-wal", "-journal")):
            return
    except OSError:
        return  # a folder this account may not look into: the store's open says so
    raise InvalidRequest(
        f"there is no TrustDesk record in {folder} ({DB_NAME} not found); nothing was "
        "created. Check --data-dir (or the data_dir setting), or begin a new record there "
        "by creating its first administrator with `trustdesk users add NAME --role "
        "administrator`"
    )


def store_rules(args: argparse.Namespace, services: Services) -> RuleSet:
    """The rules in force on the open store, as the desktop app applies them: the
    agency's jurisdiction's packs and the imports the store's chain records (read from
    the server where the store is on one; the folder's own file otherwise)."""
    from trustdesk.cli.rulesource import data_folder_rules

    return data_folder_rules(
        args.data_dir, services.jurisdiction.current().code, services.rulepacks.in_force()
    )


def _in_agency_zone(services: Services) -> Services:
    """Times printed from here on are in the agency's own zone (a California agency's
    records read in Pacific time, not Eastern)."""
    from trustdesk.cli.records_text import use_agency_zone
    from trustdesk.store.errors import StoreError
    from trustdesk.store.schema_gone import SchemaChanged

    try:
        profile = services.store.agency.get()
    except SchemaChanged:
        raise  # the profile's table changed behind TrustDesk's back: said, not passed over
    except StoreError:
        profile = None  # a store not set up yet (or not readable): the default zone
    use_agency_zone(None if profile is None else profile.timezone)
    return services


def command_rules(
    args: argparse.Namespace, jurisdiction: str | None = None, *, fall_back: bool = True
) -> RuleSet:
    """The rules in force for a command that does not otherwise open the store, as the
    desktop app applies them: the packs of the agency's jurisdiction (or ``jurisdiction``)
    and the imports the record puts in force — asked of the server where the store is on
    one (the folder's own database file does not exist there), else read from the folder's
    file without opening the store. With the server out of reach, the shipped packs of
    ``jurisdiction`` (or of IT's machine setting) apply, with a warning; without either,
    or without ``fall_back`` (``--version``, which says what is in force), the command
    stops, saying the server cannot be reached. Any other refusal of the record (a newer
    schema, a table changed) stops it whatever is set: the imports in force are unknown,
    and the server was reached."""
    from trustdesk import config
    from trustdesk.cli.rulesource import data_folder_rules

    if str(config.current()["database"].value):
        import sys

        from trustdesk.store.errors import ServerUnavailable

        try:
            with open_services(args) as services:
                code = jurisdiction or services.jurisdiction.current().code
                return data_folder_rules(args.data_dir, code, services.rulepacks.in_force())
        except ServerUnavailable as error:  # the server out of reach: these commands go on
            if not fall_back:
                raise
            if jurisdiction is None:
                # The agency's jurisdiction is recorded on the server, unless IT set it for
                # this machine: then it is known here, and nothing is guessed.
                from trustdesk.store.jurisdiction_choice import SETTING

                machine = config.current()[SETTING]
                if not machine.locked:
                    raise
                jurisdiction = str(machine.value)
            print(
                f"trustdesk: warning: the database server cannot be asked which imported "
                f"packs are in force, so only the shipped packs apply: {error}",
                file=sys.stderr,
            )
            return data_folder_rules(args.data_dir, jurisdiction, {})
    return data_folder_rules(
        args.data_dir, jurisdiction or agency_jurisdiction(args), strict=not fall_back
    )


def agency_jurisdiction(args: argparse.Namespace) -> str:
    """The jurisdiction whose law the agency of this data folder follows, as the desktop
    app reads it: IT's machine setting, else the agency's recorded choice, else the
    default. The data folder's own database is read over a read-only connection (a
    folder never set up is not created: it has made no choice); a database server is
    asked through the services.
    """
    from trustdesk import config
    from trustdesk.config.keys import DEFAULT_JURISDICTION, JURISDICTIONS
    from trustdesk.store.jurisdiction_choice import SETTING, recorded_choice
    from trustdesk.store.paths import resolve_data_dir

    settings = config.current()
    machine = settings[SETTING]
    if machine.locked:
        return str(machine.value)
    if str(settings["database"].value):
        with open_services(args) as services:
            return services.jurisdiction.current().code
    chosen = recorded_choice(resolve_data_dir(args.data_dir), JURISDICTIONS)
    return chosen or DEFAULT_JURISDICTION


def _fail(message: str) -> NoReturn:
    from trustdesk.services.errors import InvalidRequest

    raise InvalidRequest(message)


def text_from_environment(variable: str) -> str | None:
    """The variable's value, refused in words when it is not UTF-8 text.

    Python hands undecodable bytes over as lone surrogates, which fail only later, deep
    in the password hashing ("internal error (UnicodeEncodeError)").
    """
    value = os.environ.get(variable)
    if value is not None and not _is_text(value):
        _fail(
            f"{variable} holds bytes that are not UTF-8 text (set in another character "
            f"encoding); set it again in UTF-8, or unset it and type it when asked; "
            "nothing was done"
        )
    return value


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def in_terminal() -> bool:
    """Whether a person can be asked at a terminal (a closed stdin, ``<&-``, is None)."""
    return sys.stdin is not None and sys.stdin.isatty()


def current_password(username: str) -> str:
    value = text_from_environment(PASSWORD_ENV)
    if value is not None:
        return value
    if in_terminal():
        return getpass.getpass(f"Password for {username}: ")
    _fail(f"no password for {username}: set {PASSWORD_ENV}, or run in a terminal to be asked")


def new_password(username: str) -> str:
    value = text_from_environment(NEW_PASSWORD_ENV)
    if value is not None:
        return value
    if in_terminal():
        first = getpass.getpass(f"New password for {username}: ")
        if getpass.getpass("Type it again: ") != first:
            _fail("the two passwords differ; nothing was changed")
        return first
    _fail(f"no new password for {username}: set {NEW_PASSWORD_ENV}, or run in a terminal")


def log_on(services: Services, args: argparse.Namespace, *, record: bool = True) -> Session:
    """Log on as ``--as`` (each command is its own session, audited as a log-on).

    ``record=False`` (restore only, see AccountService.prove) proves the password and
    writes nothing when it is right.
    """
    if not args.actor:
        _fail("say who you are with --as USER")
    password = current_password(args.actor)
    accounts = services.accounts
    session = (accounts.log_on if record else accounts.prove)(args.actor, password)
    warning = services.accounts.administrator_warning_for(session)
    if warning:
        print(f"trustdesk: warning: {warning}", file=sys.stderr)
    return session
