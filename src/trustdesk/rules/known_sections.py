"""The catalog's section numbers, cheaply: deciding a case needs only membership.

Parsing the whole catalog and building its entries costs more than a CLI call may
take, so once a catalog file has validated its section list is kept in the cache,
keyed by the SHA-256 of the file; any edit to the file voids it. The few sections
whose class changed over time (their class history) and those whose class no source
gives travel with the list, because the engine needs them for every conviction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from trustdesk.core.class_periods import ClassHistory, ClassPeriod, Form
from trustdesk.core.statute import SectionSyntax
from trustdesk.rules import cache, strict_json

_CACHE_NAME = "catalog-sections"


class KnownSections(frozenset[str]):
    """The catalog's canonical sections, plus class histories, unknown classes, flags and
    how its sections are written (``syntax``: case parsing reads statutes with it)."""

    history: Mapping[str, ClassHistory]
    unknown_class: frozenset[str]
    flags: Mapping[str, frozenset[str]]
    #: The paragraphs of law that give some sections' flags (section → (flag, citation)…).
    flag_citations: Mapping[str, tuple[tuple[str, str], ...]]
    syntax: SectionSyntax
    #: The catalog's jurisdiction id (its ``id`` upper-cased): class histories and
    #: unknown classes apply to offenses of this jurisdiction only.
    home: str
    #: That jurisdiction's name, as the catalog gives it ("Connecticut").
    home_name: str
    #: Every level and class each section carries or carried, where the sources settle it.
    carried: Mapping[str, tuple[Form, ...]]

    def __new__(
        cls,
        sections: Iterable[str],
        history: Mapping[str, ClassHistory] | None = None,
        unknown_class: Iterable[str] = (),
        flags: Mapping[str, Iterable[str]] | None = None,
        syntax: SectionSyntax | None = None,
        home: str = "",
        flag_citations: Mapping[str, Iterable[tuple[str, str]]] | None = None,
        home_name: str = "",
        carried: Mapping[str, tuple[Form, ...]] | None = None,
    ) -> KnownSections:
        made = super().__new__(cls, sections)
        made.history = MappingProxyType(dict(history or {}))
        made.unknown_class = frozenset(unknown_class)
        made.flags = MappingProxyType({k: frozenset(v) for k, v in (flags or {}).items()})
        made.flag_citations = MappingProxyType(
            {k: tuple(v) for k, v in (flag_citations or {}).items()}
        )
        made.syntax = syntax or SectionSyntax()
        made.home = home
        made.home_name = home_name
        made.carried = MappingProxyType(dict(carried or {}))
        return made

    def normalize(self, text: str) -> str | None:
        return self.syntax.normalize(text)


def _history_to_json(history: ClassHistory) -> dict[str, Any]:
    return {
        "current": [[level, list(classes)] for level, classes in history.current],
        "earlier": [
            {
                "forms": [[level, list(classes)] for level, classes in period.forms],
                "until": None if period.until is None else period.until.isoformat(),
                "act": period.act,
                "known_until": None
                if period.known_until is None
                else period.known_until.isoformat(),
            }
            for period in history.earlier
        ],
        "since": None if history.since is None else history.since.isoformat(),
        "since_exact": history.since_exact,
        "act": history.act,
    }


def _forms(raw: list[Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((str(level), tuple(str(c) for c in classes)) for level, classes in raw)


def _day(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(str(text))


def _history_from_json(raw: Mapping[str, Any]) -> ClassHistory:
    return ClassHistory(
        current=_forms(raw["current"]),
        earlier=tuple(
            ClassPeriod(_forms(p["forms"]), _day(p["until"]), str(p["act"]), _day(p["known_until"]))
            for p in raw["earlier"]
        ),
        since=_day(raw["since"]),
        since_exact=bool(raw["since_exact"]),
        act=str(raw["act"]),
    )


def _from_cache(value: Any) -> KnownSections | None:
    try:
        return KnownSections(
            [str(s) for s in value["sections"]],
            {str(k): _history_from_json(v) for k, v in value["history"].items()},
            [str(s) for s in value["unknown_class"]],
            {str(k): [str(f) for f in v] for k, v in value["flags"].items()},
            SectionSyntax(
                {str(k): tuple(str(x) for x in v) for k, v in value["codes"].items()},
                None if value["default_code"] is None else str(value["default_code"]),
            ),
            str(value["home"]),
            {
                str(k): [(str(flag), str(cited)) for flag, cited in v]
                for k, v in value["flag_citations"].items()
            },
            str(value["home_name"]),
            {str(k): _forms(v) for k, v in value["carried"].items()},
        )
    except (TypeError, KeyError, ValueError, AttributeError):
        # An older cache format or a damaged record: read the catalog again.
        return None


def known_sections(path: Path) -> tuple[KnownSections, str]:
    """The canonical sections of the catalog at ``path`` and the file's SHA-256."""
    data = strict_json.read_path(path, "offense catalog")
    digest = hashlib.sha256(data).hexdigest()
    remembered = cache.read(_CACHE_NAME)
    found = _from_cache(remembered.get(digest))
    if found is not None:
        return found, digest
    from trustdesk.rules.catalog import load_catalog

    catalog = load_catalog(path, data)
    histories = dict(catalog.history)
    unknown = sorted(catalog.unknown_class)
    listed = sorted(entry.section for entry in catalog)
    recent = dict(list(remembered.items())[-3:])
    recent[digest] = {
        "sections": listed,
        "history": {k: _history_to_json(v) for k, v in sorted(histories.items())},
        "unknown_class": unknown,
        "flags": {k: sorted(v) for k, v in sorted(catalog.flags.items())},
        "codes": {k: list(v) for k, v in catalog.syntax.codes.items()},
        "default_code": catalog.syntax.default_code,
        "home": catalog.id.upper(),
        "home_name": catalog.jurisdiction,
        "flag_citations": {
            k: [list(pair) for pair in v] for k, v in sorted(catalog.flag_citations.items())
        },
        "carried": {
            k: [[level, list(classes)] for level, classes in v]
            for k, v in sorted(catalog.carried.items())
        },
    }
    cache.write(_CACHE_NAME, recent)
    known = KnownSections(
        listed,
        histories,
        unknown,
        catalog.flags,
        catalog.syntax,
        catalog.id.upper(),
        catalog.flag_citations,
        catalog.jurisdiction,
        catalog.carried,
    )
    return known, digest
