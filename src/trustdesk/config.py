"""Machine-wide settings: each one from a command-line flag, the environment, the machine
config file or its default, in that order of precedence, remembering which one it came from.

The machine config file is ``/etc/trustdesk/config.toml`` (``%ProgramData%\\TrustDesk\\
config.toml`` on Windows); ``TRUSTDESK_CONFIG`` names another one. IT writes it, or the
installer writes it from its properties; a setting found there (or in the environment) is
*locked*: the app shows it and where it came from, and does not let it be edited.

``trustdesk evaluate`` resolves the data folder at every start, so this module imports
nothing beyond what Python has loaded already: ``tomllib`` only when a non-empty config
file exists, platformdirs only off Linux, ``difflib`` only to suggest a key after a typo.
(Plain classes, not dataclasses or NamedTuples: those cost milliseconds to import.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

#: Names another config file instead of the machine one (tests; IT trying a change).
CONFIG_ENV = "TRUSTDESK_CONFIG"
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


class _Bad(Exception):
    """A value refused by a key's check: what is wrong and how to fix it."""


# -- the checks of each key's value ------------------------------------------------------------


def _text(value: object, *, words: str = "text in quotes") -> str:
    if not isinstance(value, str):
        raise _Bad(f"must be {words}, not {_kind(value)}")
    text = value.strip()
    if not text:
        raise _Bad(f"is empty; give {words}, or remove the line to use the default")
    if any(ord(c) < 32 for c in text):
        raise _Bad("holds a control character (a tab or line break); write it on one line")
    return text


def _kind(value: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text"}
    names.update({list: "a list", dict: "a table"})
    return names.get(type(value), type(value).__name__)


def _folder(value: object) -> Path:
    text = _text(value, words="a folder path in quotes")
    path = Path(text)
    if not path.is_absolute():
        raise _Bad(f"{text!r} is not a full path; give the folder from the root (/ or C:\\)")
    return path


def _agency_name(value: object) -> str:
    text = _text(value, words="the agency's name in quotes")
    if len(text) > AGENCY_NAME_MAX:
        raise _Bad(f"is {len(text)} characters long; shorten it to {AGENCY_NAME_MAX} at most")
    return text


def _ori(value: object) -> str:
    ori = _text(value, words='the 9-character ORI in quotes, such as "CT0009300"').upper()
    # Checked without the re module, which `trustdesk evaluate` does not otherwise need.
    ascii_ok = ori.isascii() and ori.isalnum()
    if len(ori) != 9 or not ascii_ok or not ori[:2].isalpha():
        raise _Bad(
            f"{ori[:20]!r} is not an NCIC ORI; use 9 characters, the state's 2 letters then "
            '7 letters or digits, such as "CT0009300"'
        )
    return ori


def _minutes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"must be a whole number of minutes from 1 to {IDLE_LOCK_CAP_MINUTES}")
    if value > IDLE_LOCK_CAP_MINUTES:
        raise _Bad(
            f"is {value} minutes, above the CJIS Security Policy's cap of "
            f"{IDLE_LOCK_CAP_MINUTES}; set {IDLE_LOCK_CAP_MINUTES} or fewer"
        )
    if value < 1:
        raise _Bad(f"is {value}; set a whole number of minutes from 1 to {IDLE_LOCK_CAP_MINUTES}")
    return value


def _log_level(value: object) -> str:
    level = _text(value, words="one of " + ", ".join(f'"{n}"' for n in LOG_LEVELS)).upper()
    if level not in LOG_LEVELS:
        raise _Bad(f"{level[:20]!r} is not a log level; use one of {', '.join(LOG_LEVELS)}")
    return level


def _publishers(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Bad('must be a list of names in quotes, such as ["State of Connecticut DESPP"]')
    return tuple(_text(item, words="a list of names in quotes") for item in value)


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
        "idle_lock_minutes",
        "TRUSTDESK_IDLE_LOCK_MINUTES",
        _minutes,
        lambda env: IDLE_LOCK_CAP_MINUTES,
        "minutes without use before the app locks (1-30)",
    ),
    Key("default_printer", "TRUSTDESK_DEFAULT_PRINTER", _text, lambda env: "", "printer name"),
    Key("log_level", "TRUSTDESK_LOG_LEVEL", _log_level, lambda env: "INFO", "log detail"),
    Key(
        "database_url",
        "TRUSTDESK_DATABASE_URL",
        _text,
        lambda env: "",
        "reserved: a facility database server (not used yet)",
        reserved=True,
    ),
    Key(
        "trusted_publishers",
        "TRUSTDESK_TRUSTED_PUBLISHERS",
        _publishers,
        lambda env: (),
        "reserved: who may sign rule packs (not used yet)",
        reserved=True,
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


# -- the machine config file -------------------------------------------------------------------


def machine_config_path() -> Path:
    """Where IT (or the installer) puts the machine config file on this system."""
    platform: str = sys.platform
    if platform == "win32":
        # Windows reads environment names in any case.
        base = os.environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(base) / "TrustDesk" / "config.toml"
    return Path("/etc/trustdesk/config.toml")


def config_path(env: Mapping[str, str]) -> tuple[Path, bool]:
    """The config file to read, and whether it was named explicitly (then it must exist)."""
    named = env.get(CONFIG_ENV, "").strip()
    if named:
        return Path(named).expanduser().absolute(), True
    return machine_config_path(), False


_parsed: dict[tuple[str, int, int], dict[str, object]] = {}


def read_file(path: Path, *, must_exist: bool) -> dict[str, object] | None:
    """The file's table (None when there is no file and none was asked for), or ConfigError."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
            stamp = os.fstat(handle.fileno())
    except FileNotFoundError:
        if not must_exist:
            return None
        raise ConfigError(
            [
                f"{CONFIG_ENV} names {path}, which does not exist; "
                f"create it or unset {CONFIG_ENV} to use {machine_config_path()}"
            ]
        ) from None
    except OSError as error:
        raise ConfigError(
            [
                f"{path}: cannot be read ({error.strerror or error}); make it readable by "
                "every user of this computer (it holds no secrets)"
            ]
        ) from None
    if not data.strip():
        return {}  # an empty file sets nothing, and needs no TOML parser
    cache_key = (str(path), stamp.st_mtime_ns, stamp.st_size)
    if cache_key in _parsed:
        return _parsed[cache_key]
    import tomllib

    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text; save it as UTF-8"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            [
                f"{path}: not valid TOML ({error}); correct that line (the IT guide, "
                "packaging/README.md, has a sample config.toml with every key)"
            ]
        ) from None
    _parsed[cache_key] = table
    return table


def _unknown_key(path: Path, name: str, value: object) -> str:
    if isinstance(value, dict):
        return (
            f"{path}: unknown table [{name}]; the settings are not grouped: write each one at "
            'the top of the file, before any [table], e.g. agency_name = "..."'
        )
    from difflib import get_close_matches

    close = get_close_matches(name, KEY_NAMES, n=1)
    hint = f'did you mean "{close[0]}"? ' if close else ""
    return f'{path}: unknown key "{name}"; {hint}remove it or use one of: ' + ", ".join(KEY_NAMES)


# -- resolving ---------------------------------------------------------------------------------


def load(
    flags: Mapping[str, object] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Every setting by precedence flag > environment > config file > default.

    ``flags`` holds the command line's values by key name (None = not given); ``env``
    defaults to ``os.environ``. Raises ConfigError listing every problem found.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    path, must_exist = config_path(environ)
    problems: list[str] = []
    table: dict[str, object] | None = None
    try:
        table = read_file(path, must_exist=must_exist)
    except ConfigError as error:
        problems.extend(error.problems)
    if table:
        problems.extend(
            _unknown_key(path, name, value)
            for name, value in table.items()
            if name not in KEY_NAMES
        )
    resolved: dict[str, Setting] = {}
    for key in KEYS:
        flag = None if flags is None else flags.get(key.name)
        from_env = environ.get(key.env, "").strip()
        try:
            if flag is not None:
                resolved[key.name] = _from_flag(key, flag)
            elif from_env:
                resolved[key.name] = _from_env(key, from_env)
            elif table and key.name in table:
                value = key.check(table[key.name])
                resolved[key.name] = Setting(key, value, FILE, str(path))
            else:
                resolved[key.name] = Setting(key, key.default(environ), DEFAULT, "")
        except _Bad as bad:
            problems.append(_problem(key, bad, flag, from_env, path))
    if problems:
        raise ConfigError(problems)
    return Settings(resolved, path if table is not None else None)


def _from_text(key: Key, text: str) -> object:
    """A value typed on the command line or in the environment, where everything is text."""
    if key.name == "data_dir" and text.strip():
        # As --data-dir and TRUSTDESK_DATA_DIR always did: ~ expanded, relative to the
        # working folder.
        return str(Path(text).expanduser().absolute())
    if key.check is _minutes and text.strip().isdigit():
        return int(text.strip())
    if key.check is _publishers:
        return [part for part in text.split(",") if part.strip()]  # a list: a,b,c
    return text


def _from_flag(key: Key, value: object) -> Setting:
    given = _from_text(key, str(value)) if isinstance(value, str | Path) else value
    return Setting(key, key.check(given), FLAG, key.flag)


def _from_env(key: Key, value: str) -> Setting:
    return Setting(key, key.check(_from_text(key, value)), ENV, key.env)


def _problem(key: Key, bad: _Bad, flag: object, from_env: str, path: Path) -> str:
    if flag is not None:
        return f"command line {key.flag} {flag!s:.60}: {bad}"
    if from_env:
        return f"environment variable {key.env}={from_env[:60]!r}: {bad}"
    return f"{path}: {key.name} {bad}"


def check_data_dir(settings: Settings) -> None:
    """ConfigError unless this user can write the machine's data folder (or create it).

    Only a folder IT set is checked here; one given on the command line or the per-user
    default gets the store's own messages when it is opened.
    """
    setting = settings["data_dir"]
    if not setting.locked:
        return
    folder = settings.data_dir
    where = (
        f"{setting.origin}: data_dir"
        if setting.source == FILE
        else f"environment variable {setting.origin}"
    )
    if folder.exists() and not folder.is_dir():
        raise ConfigError(
            [f"{where} names {folder}, which is a file, not a folder; name a folder instead"]
        )
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is not None and not _writable(existing):
        user = _user_name()
        what = "cannot write to it" if existing == folder else f"cannot create it in {existing}"
        raise ConfigError(
            [
                f"{where} names {folder}, but this user ({user}) {what}; give the users of "
                "TrustDesk write access to that folder (on Linux: add them to the trustdesk "
                "group), or set data_dir to a folder they can write"
            ]
        )


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _user_name() -> str:
    for name in ("USER", "USERNAME", "LOGNAME"):
        if os.environ.get(name):
            return os.environ[name]
    return "this user"


#: The settings ``start`` resolved, kept for the rest of the run (at most one).
_started: list[Settings] = []


def start(data_dir: object = None) -> Settings:
    """Resolve and check the settings at start-up (``data_dir``: the --data-dir flag) and
    keep them as ``current()``; ConfigError if anything is wrong."""
    settings = load({"data_dir": data_dir})
    check_data_dir(settings)
    _started[:] = [settings]
    return settings


def current() -> Settings:
    """The settings the program started with; read afresh if it was not started via ``start``."""
    return _started[0] if _started else load()


def forget() -> None:
    """Drop the settings kept by ``start`` (tests, which start the program many times)."""
    _started.clear()
