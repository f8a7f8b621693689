"""The libpq service file a ``service=`` database setting reads: a password in one that
other users of the computer can read is refused, as one in the config file is.

libpq checks the mode of the password file (``~/.pgpass``) and ignores a readable one,
but reads a service file whatever its mode; service files are usually left 0644.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def service_name(url: str, environ: Mapping[str, str]) -> str:
    """The service ``url`` names (its last ``service=``), else ``$PGSERVICE``; "" if none."""
    named = [value for key, value in parse_qsl(urlsplit(url).query) if key == "service"]
    return named[-1] if named else environ.get("PGSERVICE", "")


def service_files(environ: Mapping[str, str]) -> list[Path]:
    """The files libpq looks in for a service, in its order: the user's, then the system's."""
    user_file = environ.get("PGSERVICEFILE", "")
    if not user_file:
        home = environ.get("HOME", "")
        if not home:
            try:
                import pwd

                home = pwd.getpwuid(os.geteuid()).pw_dir
            except (ImportError, KeyError, AttributeError):
                home = ""
        user_file = os.path.join(home, ".pg_service.conf") if home else ""
    files = [Path(user_file)] if user_file else []
    system_dir = environ.get("PGSYSCONFDIR", "")
    if system_dir:
        files.append(Path(system_dir) / "pg_service.conf")
    return files


def _section(path: Path, name: str) -> list[str] | None:
    """The keywords of service ``name`` in ``path``; None when the file has no such service
    (or cannot be read: libpq then says so itself when it connects)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    keys: list[str] | None = None
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            if current == name:
                break
            current = line[1:].split("]", 1)[0]
            if current == name:
                keys = []
            continue
        if current == name and keys is not None:
            keys.append(line.split("=", 1)[0])
    return keys


def readable_password_problem(url: str, environ: Mapping[str, str]) -> str | None:
    """What is wrong when the service ``url`` uses keeps a password (or another secret)
    in a file others can read, in words with the fix; None otherwise."""
    if os.name != "posix":
        return None  # (Windows: the file's access list, not a mode)
    name = service_name(url, environ)
    if not name:
        return None
    from trustdesk.config.dburl import SECRET_KEYWORDS

    for path in service_files(environ):
        keys = _section(path, name)
        if keys is None:
            continue
        secret = any(key.strip().lower() in SECRET_KEYWORDS for key in keys)
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            return None
        if secret and mode & 0o044:
            return (
                f"the service file {path} holds a password for service {name}, and other "
                f"users of this computer can read it (mode {mode:04o}); put the password in "
                "a password file readable by its owner only (passfile=, mode 0600), or make "
                f"the service file so: chmod 600 {path}"
            )
        return None  # libpq stops at the first file that has the service
    return None
