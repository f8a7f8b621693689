"""Every rule-pack version TrustDesk ever shipped, kept byte for byte to reprint old records.

A decision names the pack it was decided under by id and SHA-256. When a release
changes a shipped pack, the decisions made under the old bytes must still print, so
each shipped version stays in ``resources/rules/history/<id>-<sha256>.json``, listed in
that folder's ``manifest.json``. The manifest is read only when a version no longer in
force is asked for (``RuleSet.pack_version``); a kept file is loaded with the format-1
reading allowed (``rules.pack_format1``) and refused when its bytes do not hash to the
SHA-256 its entry records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from trustdesk import resources
from trustdesk.rules.errors import InputError

MANIFEST = "manifest.json"


def history_dir() -> Path:
    return resources.resource("rules", "history")


@cache
def _manifest(folder: Path) -> Mapping[tuple[str, str], str]:
    path = folder / MANIFEST
    try:
        raw: Any = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise InputError(str(path), "", f"cannot be read: {exc}") from None
    found: dict[tuple[str, str], str] = {}
    for index, entry in enumerate(raw.get("packs", ()) if isinstance(raw, dict) else ()):
        try:
            found[(str(entry["id"]), str(entry["sha256"]))] = str(entry["file"])
        except (KeyError, TypeError):
            raise InputError(str(path), f"/packs/{index}", "needs id, sha256 and file") from None
    return found


def kept_versions(folder: Path | None = None) -> Mapping[tuple[str, str], str]:
    """(pack id, SHA-256) → file name of every kept version."""
    return _manifest(folder or history_dir())


def kept_file(pack_id: str, sha256: str, folder: Path | None = None) -> Path | None:
    """The kept file of version ``sha256`` of pack ``pack_id``, checked; None if none."""
    base = folder or history_dir()
    name = kept_versions(base).get((pack_id, sha256))
    if name is None or Path(name).name != name:
        return None
    path = base / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), "", f"cannot be read: {exc.strerror or exc}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise InputError(
            str(path),
            "",
            f"its bytes have SHA-256 {actual[:12]}…, not the {sha256[:12]}… the manifest "
            "records: the kept rule pack was changed, so it is not used",
        )
    return path
