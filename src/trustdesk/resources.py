"""The one place that locates the bundled resources/ and schemas/ folders.

In a wheel (and later a frozen build) both folders are shipped inside the
``trustdesk`` package; in a source checkout or editable install they sit at the
repository root, two levels above this package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def _locate(name: str) -> Path:
    bundled = _PACKAGE_DIR / name
    if bundled.is_dir():
        return bundled
    checkout = _PACKAGE_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"TrustDesk installation is incomplete: folder {name!r} not found")


def resources_dir() -> Path:
    """The folder holding rule packs, the offense catalog and example cases."""
    return _locate("resources")


def schemas_dir() -> Path:
    """The folder holding the JSON schemas."""
    return _locate("schemas")


def resource(*parts: str) -> Path:
    """Path of a file below resources/."""
    return resources_dir().joinpath(*parts)


def schema(name: str) -> Path:
    """Path of a schema file, e.g. ``schema("case")`` → schemas/case.schema.json."""
    return schemas_dir() / f"{name}.schema.json"
