"""The machine settings' keys: each one's name, environment variable, check and default,
and the resolved values with their sources (``Setting``, ``Settings``).

Plain classes, not dataclasses or NamedTuples, and no ``re``: ``trustdesk evaluate``
imports this at every start, and those cost milliseconds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

#: The CJIS Security Policy's longest session lock: 30 minutes without activity.
IDLE_LOCK_CAP_MINUTES = 30
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
AGENCY_NAME_MAX = 200  # as services.agency.NAME_MAX

FLAG = "flag"
ENV = "environment"
FILE = "file"
DEFAULT = "default"


class ConfigError(Exception):
    """Bad machine settings: one line per problem, each naming where, the key and the fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class BadValue(Exception):
    """A value refused by a key's check: what is wrong and how to fix it."""


# -- the checks of each key's value ------------------------------------------------------------


def _text(value: object, *, words: str = "text in quotes") -> str:
    if not isinstance(value, str):
        raise BadValue(f"must be {words}, not {_kind(value)}")
    text = value.strip()
    if not text:
        raise BadValue(f"is empty; give {words}, or remove the line to use the default")
    if any(ord(c) < 32 for c in text):
        raise BadValue("holds a control character (a tab or line break); write it on one line")
    return text


def _kind(value: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text"}
    names.update({list: "a list", dict: "a table"})
    return names.get(type(value), type(value).__name__)


def _folder(value: object) -> Path:
    text = _text(value, words="a folder path in quotes")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Python's stand-ins for bytes that are not UTF-8: the record was saved, then the
        # workstation's anchor (which names the folder) could not be written, and every
        # later command ended in "internal error" (a hostile pass).
        raise BadValue(
            "holds bytes that are not UTF-8 text (set in another character encoding); "
            "name a folder whose path is UTF-8 text"
        ) from None
    path = Path(text)
    if not path.is_absolute():
        raise BadValue(f"{text!r} is not a full path; give the folder from the root (/ or C:\\)")
    return path


def _agency_name(value: object) -> str:
    text = _text(value, words="the agency's name in quotes")
    if len(text) > AGENCY_NAME_MAX:
        raise BadValue(f"is {len(text)} characters long; shorten it to {AGENCY_NAME_MAX} at most")
    return text


def _ori(value: object) -> str:
    ori = _text(value, words='the 9-character ORI in quotes, such as "CT0009300"').upper()
    # Checked without the re module, which `trustdesk evaluate` does not otherwise need.
    ascii_ok = ori.isascii() and ori.isalnum()
    if len(ori) != 9 or not ascii_ok or not ori[:2].isalpha():
        raise BadValue(
            f"{ori[:20]!r} is not an NCIC ORI; use 9 characters, the state's 2 letters then "
            '7 letters or digits, such as "CT0009300"'
        )
    return ori


#: The jurisdictions whose law TrustDesk ships packs for: id (the packs' ``jurisdiction``)
#: and name. The agency picks one at set-up; packs and catalog follow it.
JURISDICTIONS = {"CT": "Connecticut", "CA": "California"}
DEFAULT_JURISDICTION = "CT"


def _jurisdiction(value: object) -> str:
    choices = ", ".join(f'"{code}" ({name})' for code, name in JURISDICTIONS.items())
    code = _text(value, words=f"one of {choices}").upper()
    if code not in JURISDICTIONS:
        raise BadValue(
            f"{code[:20]!r} is not a jurisdiction TrustDesk has packs for; use {choices}"
        )
    return code


def ori_state_problem(ori: str, jurisdiction: str) -> str | None:
    """Why ``ori`` cannot be an ORI of an agency of ``jurisdiction`` (a code of
    JURISDICTIONS), or None. An NCIC ORI starts with the postal code of the agency's
    state (CT for Connecticut, CA for California); the one check every entry point uses
    (set-up, ``agency set``, Administration, the machine config)."""
    state = ori[:2].upper()
    if jurisdiction not in JURISDICTIONS or state == jurisdiction:
        return None
    name = JURISDICTIONS[jurisdiction]
    return (
        f"the ORI {ori[:20]!r} starts with {state!r}, but the agency's jurisdiction is "
        f"{name}, whose ORIs start with {jurisdiction}; give the agency's {name} ORI "
        f"({jurisdiction} then 7 letters or digits, e.g. {jurisdiction}0009300)"
    )


def _minutes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(f"must be a whole number of minutes from 1 to {IDLE_LOCK_CAP_MINUTES}")
    if value > IDLE_LOCK_CAP_MINUTES:
        raise BadValue(
            f"is {value} minutes, above the CJIS Security Policy's cap of "
            f"{IDLE_LOCK_CAP_MINUTES}; set {IDLE_LOCK_CAP_MINUTES} or fewer"
        )
    if value < 1:
        raise BadValue(
            f"is {value}; set a whole number of minutes from 1 to {IDLE_LOCK_CAP_MINUTES}"
        )
    return value


def _log_level(value: object) -> str:
    level = _text(value, words="one of " + ", ".join(f'"{n}"' for n in LOG_LEVELS)).upper()
    if level not in LOG_LEVELS:
        raise BadValue(f"{level[:20]!r} is not a log level; use one of {', '.join(LOG_LEVELS)}")
    return level


#: rules.signing.KEY_KIND: the first word of a publisher's public key in its text form.
PUBLISHER_KEY_KIND = "trustdesk-ed25519"
_PUBLISHER_EXAMPLE = (
    f'["{PUBLISHER_KEY_KIND} <key> <publisher name>"], as `trustdesk rules keygen` printed it'
)


def _publishers(value: object) -> tuple[str, ...]:
    """Publishers' public keys, one text line each (``rules.signing.PublicKey.parse``).

    A bare name is refused: anyone can sign under any name, only the key proves who did.
    Checked with binascii alone (no base64, whose import pulls in ``re``), imported only
    when a key is set: ``trustdesk evaluate`` reads these settings at every start.
    """
    import binascii

    if not isinstance(value, list):
        raise BadValue(f"must be a list of publishers' public keys in quotes, {_PUBLISHER_EXAMPLE}")
    keys = []
    for item in value:
        line = " ".join(_text(item, words="a list of public keys in quotes").split())
        parts = line.split(" ", 2)
        if len(parts) < 3 or parts[0] != PUBLISHER_KEY_KIND:
            raise BadValue(
                f"entry {line[:40]!r} is not a publisher's public key; give {_PUBLISHER_EXAMPLE}"
            )
        try:
            raw = binascii.a2b_base64(parts[1], strict_mode=True)
        except binascii.Error:
            raw = b""
        if len(raw) != 32:
            raise BadValue(f"the key of {parts[2][:40]!r} is damaged; copy the whole line again")
        keys.append(line)
    return tuple(keys)


def _database(value: object) -> str:
    """A ``postgresql://`` URL (checked, not connected to), or "" for the data folder's
    own SQLite database. Whether a password may be in it depends on where it was given:
    see ``config.load``."""
    from trustdesk.config.dburl import BadDatabaseUrl, server_url

    text = _text(value).strip()
    if not text:
        return ""
    try:
        return server_url(text)
    except BadDatabaseUrl as exc:
        raise BadValue(str(exc)) from None


def _per_user_data_dir(environ: Mapping[str, str]) -> Path:
    platform: str = sys.platform  # a plain str, so type checkers keep both branches
    if platform.startswith("linux"):
        # platformdirs' answer on Linux (the XDG rule), without importing it: its import
        # pulls in tempfile and shutil, and ``trustdesk evaluate`` finds this folder at
        # every start. tests/test_cli_imported_packs.py holds this to platformdirs.
        xdg = environ.get("XDG_DATA_HOME", "")
        base = xdg if os.path.isabs(xdg) else os.path.expanduser("~/.local/share")
        return Path(base) / "trustdesk"
    from platformdirs import user_data_dir

    return Path(user_data_dir("trustdesk", appauthor=False))


class Key:
    """One setting: its name in the file, its environment variable, check and default."""

    __slots__ = ("check", "default", "env", "flag", "help", "name", "reserved")

    def __init__(
        self,
        name: str,
        env: str,
        check: Callable[[object], object],
        default: Callable[[Mapping[str, str]], object],
        help: str,
        *,
        flag: str = "",
        reserved: bool = False,
    ) -> None:
        self.name = name
        self.env = env
        self.check = check
        self.default = default
        self.help = help
        # The command-line option that sets it, where the command line has one.
        self.flag = flag or "--" + name.replace("_", "-")
        self.reserved = reserved


KEYS: tuple[Key, ...] = (
    Key(
        "data_dir",
        "TRUSTDESK_DATA_DIR",
        _folder,
        _per_user_data_dir,
        "folder of the database, its imported rule packs and the logs",
    ),
    Key(
        "agency_name",
        "TRUSTDESK_AGENCY_NAME",
        _agency_name,
        lambda env: "",
        "agency name for set-up",
    ),
    Key("agency_ori", "TRUSTDESK_AGENCY_ORI", _ori, lambda env: "", "agency ORI for set-up"),
    Key(
        "jurisdiction",
        "TRUSTDESK_JURISDICTION",
        _jurisdiction,
        lambda env: DEFAULT_JURISDICTION,
        "the state whose law applies (CT or CA); unset: the agency's choice at set-up",
    ),
    Key(
        "idle_lock_minutes",
        "TRUSTDESK_IDLE_LOCK_MINUTES",
        _minutes,
        lambda env: IDLE_LOCK_CAP_MINUTES,
        "minutes without use before the app locks (1-30)",
    ),
    Key("default_printer", "TRUSTDESK_DEFAULT_PRINTER", _text, lambda env: "", "printer name"),
    Key("log_level", "TRUSTDESK_LOG_LEVEL", _log_level, lambda env: "INFO", "log detail"),
    Key(
        "database",
        "TRUSTDESK_DATABASE",
        _database,
        lambda env: "",
        "facility database server (postgresql://…); unset: the data folder's own database",
    ),
    Key(
        "trusted_publishers",
        "TRUSTDESK_TRUSTED_PUBLISHERS",
        _publishers,
        lambda env: (),
        "public keys of the publishers whose signed rule packs import without an override",
    ),
)
KEY_NAMES = tuple(key.name for key in KEYS)


class Setting:
    """A resolved value and where it came from (``origin``: the flag, variable or file)."""

    __slots__ = ("key", "origin", "source", "value")

    def __init__(self, key: Key, value: object, source: str, origin: str) -> None:
        self.key = key
        self.value = value
        self.source = source
        self.origin = origin

    @property
    def locked(self) -> bool:
        """Set for the whole machine (file or environment): not editable in the app."""
        return self.source in (FILE, ENV)

    def shown(self) -> str:
        """The value as a person reads it."""
        value = self.value
        if isinstance(value, tuple):
            return ", ".join(value) if value else "(none)"
        if self.key.name == "database" and value:
            from trustdesk.config.dburl import masked

            return masked(str(value))  # a password (allowed in the environment) never shown
        return str(value) if value != "" else "(not set)"

    def describe(self) -> str:
        if self.source == FILE:
            return f"set by IT in {self.origin} (locked)"
        if self.source == ENV:
            return f"set by IT in environment variable {self.origin} (locked)"
        if self.source == FLAG:
            return f"command line ({self.origin})"
        return "default"


class Settings:
    """Every machine setting, resolved; ``file`` is the config file read (None: none)."""

    def __init__(self, settings: dict[str, Setting], file: Path | None) -> None:
        self.settings = settings
        self.file = file

    def __getitem__(self, name: str) -> Setting:
        return self.settings[name]

    def __iter__(self) -> Iterator[Setting]:
        return iter(self.settings.values())

    @property
    def data_dir(self) -> Path:
        value = self.settings["data_dir"].value
        assert isinstance(value, Path)
        return value

    @property
    def agency_name(self) -> str:
        return str(self.settings["agency_name"].value)

    @property
    def agency_ori(self) -> str:
        return str(self.settings["agency_ori"].value)

    @property
    def idle_lock_minutes(self) -> int:
        value = self.settings["idle_lock_minutes"].value
        assert isinstance(value, int)
        return value

    @property
    def default_printer(self) -> str:
        """The printer to preselect when printing ("" = the system's default printer)."""
        return str(self.settings["default_printer"].value)

    @property
    def log_level(self) -> str:
        return str(self.settings["log_level"].value)

    @property
    def trusted_publishers(self) -> tuple[str, ...]:
        """Public keys (text form) IT trusts for signed rule packs on this machine."""
        value = self.settings["trusted_publishers"].value
        assert isinstance(value, tuple)
        return value
