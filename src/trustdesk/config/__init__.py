"""Machine-wide settings: each one from a command-line flag, the environment, the machine
config file or its default, in that order of precedence, remembering which one it came from.

The machine config file is ``/etc/trustdesk/config.toml`` (``%ProgramData%\\TrustDesk\\
config.toml`` on Windows); ``TRUSTDESK_CONFIG`` names another one. IT writes it, or the
installer writes it from its properties; a setting found there (or in the environment) is
*locked*: the app shows it and where it came from, and does not let it be edited.

``trustdesk evaluate`` resolves the data folder at every start, so this module imports
nothing beyond what Python has loaded already: ``tomllib`` only when a non-empty config
file exists, platformdirs only off Linux, ``difflib`` only to suggest a key after a typo.
"""

from __future__ import annotations

import os
from pathlib import Path

from trustdesk.config.files import (
    CONFIG_ENV,
    config_path,
    machine_config_path,
    read_file,
    unknown_key,
)
from trustdesk.config.keys import (
    DEFAULT,
    ENV,
    FILE,
    FLAG,
    IDLE_LOCK_CAP_MINUTES,
    KEY_NAMES,
    KEYS,
    LOG_LEVELS,
    BadValue,
    ConfigError,
    Key,
    Setting,
    Settings,
    ori_state_problem,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "CONFIG_ENV",
    "DEFAULT",
    "ENV",
    "FILE",
    "FLAG",
    "IDLE_LOCK_CAP_MINUTES",
    "KEYS",
    "KEY_NAMES",
    "LOG_LEVELS",
    "ConfigError",
    "Key",
    "Setting",
    "Settings",
    "check_data_dir",
    "config_path",
    "current",
    "forget",
    "load",
    "machine_config_path",
    "start",
]


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
            unknown_key(path, name, value) for name, value in table.items() if name not in KEY_NAMES
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
        except BadValue as bad:
            problems.append(_problem(key, bad, flag, from_env, path))
    if "database" in resolved:
        problems.extend(_password_problems(resolved["database"], path, environ))
    problems.extend(_ori_state_problems(resolved))
    if problems:
        raise ConfigError(problems)
    return Settings(resolved, path if table is not None else None)


def _ori_state_problems(resolved: Mapping[str, Setting]) -> list[str]:
    """IT's ORI against IT's jurisdiction, both set for the machine: an ORI of another
    state would be put on every memo (a first set-up takes it as given). When the agency
    chose the jurisdiction itself, ``trustdesk config check`` and Administration compare
    them against the record's choice."""
    ori, law = resolved.get("agency_ori"), resolved.get("jurisdiction")
    if ori is None or law is None or not ori.value or not law.locked:
        return []
    problem = ori_state_problem(str(ori.value), str(law.value))
    if problem is None:
        return []
    return [
        f"agency_ori ({ori.describe()}) and jurisdiction ({law.describe()}) disagree: "
        f"{problem}; IT corrects one of them in the machine config"
    ]


def _password_problems(setting: Setting, path: Path, environ: Mapping[str, str]) -> list[str]:
    """A password in the database URL: refused on the command line (others see it in
    the process list) and in a config file. The file is the machine's, read by every
    user of the desk: one only its owner can read stops every other user's TrustDesk
    (as "cannot be read"), so its owner's check passing would mislead (a hostile pass
    met exactly that); a password belongs in the libpq files made for it."""
    url = str(setting.value)
    if not url:
        return []  # (the evaluate path: nothing more imported)
    from trustdesk.config.dburl import PASSWORD_ADVICE, has_password

    if not has_password(url):
        # Nor in the service file it names, when others can read that (a hostile pass:
        # libpq reads a service file whatever its mode, and they are usually 0644).
        from trustdesk.config.pgservice import readable_password_problem

        problem = readable_password_problem(url, environ)
        return [] if problem is None else [problem]
    if setting.source == FLAG:
        return [f"command line --database contains a password; {PASSWORD_ADVICE}"]
    if setting.source == FILE:
        return [
            f"{path}: database contains a password; the config file is read by every user "
            f"of this computer, so {PASSWORD_ADVICE}"
        ]
    return []


def _from_text(key: Key, text: str) -> object:
    """A value typed on the command line or in the environment, where everything is text."""
    if key.name == "data_dir" and text.strip():
        # As --data-dir and TRUSTDESK_DATA_DIR always did: ~ expanded, relative to the
        # working folder.
        return str(Path(text).expanduser().absolute())
    if key.name == "idle_lock_minutes" and text.strip().isdigit():
        return int(text.strip())
    if key.name == "trusted_publishers":
        return _key_lines(text)
    return text


def _key_lines(text: str) -> list[str]:
    """The public-key lines of ``$TRUSTDESK_TRUSTED_PUBLISHERS``, separated by commas.
    Each line starts with its kind, so a line is cut only where the next one starts: a
    publisher's name may hold a comma ("State of Connecticut, OPM"), which a plain split
    cut in two (a hostile pass). Text before the first key is kept to be refused."""
    from trustdesk.config.keys import PUBLISHER_KEY_KIND

    starts = [i for i in range(len(text)) if text.startswith(PUBLISHER_KEY_KIND + " ", i)]
    cuts = [i for i in starts if i == 0 or text[:i].rstrip().endswith(",")]
    if not cuts:
        return [part for part in text.split(",") if part.strip()]
    pieces = [text[: cuts[0]]] + [
        text[start:end] for start, end in zip(cuts, [*cuts[1:], len(text)], strict=True)
    ]
    return [piece.strip().rstrip(",").strip() for piece in pieces if piece.strip(" ,")]


def _from_flag(key: Key, value: object) -> Setting:
    given = _from_text(key, str(value)) if isinstance(value, str | Path) else value
    return Setting(key, key.check(given), FLAG, key.flag)


def _from_env(key: Key, value: str) -> Setting:
    return Setting(key, key.check(_from_text(key, value)), ENV, key.env)


def _problem(key: Key, bad: BadValue, flag: object, from_env: str, path: Path) -> str:
    if key.name == "database":
        # The value may hold a password: the check's message shows it masked, and the
        # raw value is never repeated here.
        flag_shown = env_shown = ""
    else:
        flag_shown, env_shown = f" {flag!s:.60}", f"={from_env[:60]!r}"
    if flag is not None:
        return f"command line {key.flag}{flag_shown}: {bad}"
    if from_env:
        return f"environment variable {key.env}{env_shown}: {bad}"
    if key.name == "database" and str(bad).startswith("database"):
        return f"{path}: {bad}"
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
    # The record's own files too: a folder every user may write can still hold a record
    # made by one account that the others cannot write (a hostile pass met "settings OK",
    # then every command refused).
    for name in RECORD_FILES:
        record = folder / name
        if record.is_file() and not _writable_file(record):
            raise ConfigError(
                [
                    f"{where} names {folder}, but this user ({_user_name()}) cannot write its "
                    f"record file {record} (owner {_owner(record)}); give the users of "
                    "TrustDesk write access to it (on Linux: group trustdesk, mode 0660)"
                ]
            )


#: The files of the data folder's own record that every user of the desk writes.
RECORD_FILES = ("trustdesk.db", "trustdesk.db-wal", "trustdesk.db-shm")


def _owner(path: Path) -> str:
    try:
        uid = path.stat().st_uid
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError, OSError):
        return "another account"


def _writable_file(path: Path) -> bool:
    return os.access(path, os.R_OK | os.W_OK)


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _user_name() -> str:
    for name in ("USER", "USERNAME", "LOGNAME"):
        if os.environ.get(name):
            return os.environ[name]
    return "this user"


#: The settings ``start`` resolved, kept for the rest of the run (at most one).
_started: list[Settings] = []


def start(data_dir: object = None, database: object = None) -> Settings:
    """Resolve and check the settings at start-up (``data_dir``, ``database``: the
    --data-dir and --database flags) and keep them as ``current()``; ConfigError if
    anything is wrong."""
    settings = load({"data_dir": data_dir, "database": database})
    check_data_dir(settings)
    _started[:] = [settings]
    return settings


def current() -> Settings:
    """The settings the program started with; read afresh if it was not started via ``start``."""
    return _started[0] if _started else load()


def forget() -> None:
    """Drop the settings kept by ``start`` (tests, which start the program many times)."""
    _started.clear()
