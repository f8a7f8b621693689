"""The machine config file: where it is, and its TOML table read (or why it cannot be).

``tomllib`` is imported only for a non-empty file, ``difflib`` only to suggest a key
after a typo: a desk without a config file pays for neither.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from trustdesk.config.keys import KEY_NAMES, ConfigError
from trustdesk.config.writers import writer_problem

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

#: Names another config file instead of the machine one (tests; IT trying a change).
CONFIG_ENV = "TRUSTDESK_CONFIG"


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


#: Far more than any config file holds (the sample with every key is ~3 KB): a larger one
#: is not a config file, and is refused without being read whole.
MAX_CONFIG_BYTES = 1024 * 1024


def read_file(path: Path, *, must_exist: bool) -> dict[str, object] | None:
    """The file's table (None when there is no file and none was asked for), or ConfigError."""
    try:
        # Looked at before it is opened: opening a pipe waits for a writer, and a
        # device such as /dev/zero never ends.
        _refuse_other_than_a_file(path, os.stat(path).st_mode)
        with open(path, "rb") as handle:
            stamp = os.fstat(handle.fileno())
            _refuse_other_than_a_file(path, stamp.st_mode)
            data = handle.read(MAX_CONFIG_BYTES + 1)
        # After the read, so a file that is missing or unreadable says that first.
        writers = writer_problem(path, stamp)
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
    if writers:
        raise ConfigError([writers])
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            [
                f"{path}: is larger than {MAX_CONFIG_BYTES // 1024 // 1024} MiB, which no "
                "config file is; name the machine's config.toml (the IT guide, "
                "packaging/README.md, has a sample with every key)"
            ]
        )
    if data.startswith(_BOM):
        # Notepad and PowerShell 5 save "UTF-8" with a byte-order mark; TOML's reader
        # stops at it, and dropping it changes nothing else.
        data = data[len(_BOM) :]
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
    except RecursionError:
        # A few kilobytes of `a = [[[[…]]]]` exhaust the reader's recursion: Python's
        # traceback then came before every command, and no setting is that deep.
        raise ConfigError(
            [
                f"{path}: not valid TOML (arrays or tables nested too deeply; no "
                "setting is nested like that): correct the file (the IT guide, "
                "packaging/README.md, has a sample config.toml with every key)"
            ]
        ) from None
    _parsed[cache_key] = table
    return table


_BOM = b"\xef\xbb\xbf"


def _refuse_other_than_a_file(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise ConfigError(
            [f"{path}: is a folder, not a config file; name the config.toml file in it"]
        )
    if not stat.S_ISREG(mode):
        raise ConfigError(
            [
                f"{path}: is not a regular file (a device, pipe or socket), so it cannot be "
                "a config file; name the machine's config.toml"
            ]
        )


def unknown_key(path: Path, name: str, value: object) -> str:
    if isinstance(value, dict):
        return (
            f"{path}: unknown table [{name}]; the settings are not grouped: write each one at "
            'the top of the file, before any [table], e.g. agency_name = "..."'
        )
    from difflib import get_close_matches

    close = get_close_matches(name, KEY_NAMES, n=1)
    hint = f'did you mean "{close[0]}"? ' if close else ""
    return f'{path}: unknown key "{name}"; {hint}remove it or use one of: ' + ", ".join(KEY_NAMES)
