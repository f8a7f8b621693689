"""The catalog's section numbers, cheaply: deciding a case needs only membership.

Parsing the whole catalog and building its entries costs more than a CLI call may
take, so once a catalog file has validated its section list is kept in the cache,
keyed by the SHA-256 of the file; any edit to the file voids it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from trustdesk.rules import cache
from trustdesk.rules.errors import InputError

_CACHE_NAME = "catalog-sections"


def read_catalog_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "", "file not found") from None
    except OSError as exc:
        raise InputError(str(path), "", f"cannot be read: {exc.strerror or exc}") from None


def known_sections(path: Path) -> tuple[frozenset[str], str]:
    """The canonical sections of the catalog at ``path`` and the file's SHA-256."""
    data = read_catalog_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    remembered = cache.read(_CACHE_NAME)
    sections = remembered.get(digest)
    if isinstance(sections, list) and all(isinstance(item, str) for item in sections):
        return frozenset(sections), digest
    from trustdesk.rules.catalog import load_catalog

    catalog = load_catalog(path, data)
    listed = sorted(entry.section for entry in catalog)
    recent = dict(list(remembered.items())[-3:])
    recent[digest] = listed
    cache.write(_CACHE_NAME, recent)
    return frozenset(listed), digest
