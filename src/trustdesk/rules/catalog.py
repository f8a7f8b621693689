"""Loading the offense catalog: strict JSON, schema and sense checks, immutable entries."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from trustdesk.core.class_periods import ClassHistory, ClassPeriod
from trustdesk.core.statute import SectionSyntax
from trustdesk.rules import cache, schema_check, strict_json
from trustdesk.rules.errors import InputError

SCHEMA_NAME = "offense-catalog"
_CACHE_NAME = "offense-catalog-validated"
# Most serious first: used to order a section's forms and to pick its headline level.
LEVEL_ORDER = ("felony", "misdemeanor", "violation", "infraction", "procedural")


@dataclass(frozen=True, slots=True)
class OffenseForm:
    """A level and the classes a section can carry at that level."""

    level: str
    classes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FormerForm:
    """A level and classes the section carried under earlier law."""

    level: str
    classes: tuple[str, ...]
    source: str
    until: date | None = None
    changed_by: str | None = None
    known_until: date | None = None


@dataclass(frozen=True, slots=True)
class ClassSince:
    """Since when the current classes apply; ``exact`` False means only 'by then'."""

    day: date
    exact: bool
    source: str


@dataclass(frozen=True, slots=True)
class DocRecord:
    """A DOC class code seen on records of the section between two dates."""

    code: str
    level: str
    klass: str
    seen_from: date
    seen_until: date
    source: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """What one source gives as the section's class, and when (read on, edition, period)."""

    states: str
    source: str
    dated: str


@dataclass(frozen=True, slots=True)
class ClassInDoubt:
    """The sources disagree on the section's class: every reading kept, with its date."""

    why: str
    readings: tuple[Reading, ...]

    def describe(self) -> str:
        """One sentence for an officer: the disagreement and each reading with its date."""
        said = "; ".join(f"{r.source} ({r.dated}): {r.states}" for r in self.readings)
        return f"Sources disagree on the class — {said}. {self.why}"


@dataclass(frozen=True, slots=True)
class Repeal:
    by: str
    effective: date | None = None


@dataclass(frozen=True, slots=True)
class OffenseEntry:
    """One statute section of the catalog."""

    section: str
    title: str
    level: str
    classes: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    note: str | None = None
    forms: tuple[OffenseForm, ...] = ()
    former: tuple[FormerForm, ...] = ()
    repealed: Repeal | None = None
    class_since: ClassSince | None = None
    doc_records: tuple[DocRecord, ...] = ()
    sources: tuple[str, ...] = ()
    class_in_doubt: ClassInDoubt | None = None
    #: What the law says of the section beyond level and class (serious, violent…).
    flags: frozenset[str] = frozenset()
    #: For some flags, the paragraph of law that gives it (``serious`` → "Penal Code §
    #: 1192.7(c)(19)"), so the advice can cite the exact paragraph.
    flag_citations: tuple[tuple[str, str], ...] = ()

    @property
    def class_unknown(self) -> bool:
        """No source the catalog holds gives the section's class."""
        return any("unknown" in form.classes for form in self.forms)

    @property
    def class_unsettled(self) -> bool:
        """The class is unknown, or the sources disagree on it: a conviction is checked."""
        return self.class_unknown or self.class_in_doubt is not None

    @property
    def shown_note(self) -> str:
        """The note an officer reads with the entry, the sources' disagreement included."""
        parts = [self.note or "", self.class_in_doubt.describe() if self.class_in_doubt else ""]
        return " ".join(part for part in parts if part)

    @property
    def levels(self) -> tuple[str, ...]:
        """Every level the section can carry under current law, most serious first."""
        return tuple(form.level for form in self.forms)

    def can_carry(self, level: str, klass: str | None = None, *, former: bool = True) -> bool:
        """Whether a judgment of ``level`` (and ``klass``, if given) fits this section.

        Earlier classifications count by default because records keep the class of
        their time; pass ``former=False`` to ask about current law only.
        """
        forms: list[OffenseForm | FormerForm] = list(self.forms)
        if former:
            forms.extend(self.former)
        return any(
            form.level == level and (klass is None or klass in form.classes) for form in forms
        )

    @property
    def settles_levels(self) -> bool:
        """Whether the entry says every level and class a conviction of the section can
        carry: its class is settled and it is an offense (not a procedural section,
        whose class is that of the underlying offense)."""
        every: list[OffenseForm | FormerForm] = [*self.forms, *self.former]
        return not self.class_unsettled and all(
            form.level in ("felony", "misdemeanor") for form in every
        )

    def carried(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Every level and class the section carries or carried (today's forms, then the
        earlier ones): a conviction entered with any other contradicts the catalog."""
        every: list[OffenseForm | FormerForm] = [*self.forms, *self.former]
        return tuple((form.level, form.classes) for form in every)

    def class_history(self) -> ClassHistory | None:
        """The section's class history for the engine, when the statute's class changed.

        Only earlier classes shown by law (``former``) count; DOC's codes are how
        records read, not the law, and stay out of the engine.
        """
        # An earlier class with neither a date nor the act that changed it cannot be placed
        # in time: it helps read old records but stays out of the engine.
        placed = [f for f in self.former if f.until or f.known_until or f.changed_by]
        if not placed:
            return None
        periods: dict[tuple[date | None, str, date | None], list[tuple[str, tuple[str, ...]]]]
        periods = {}
        for item in placed:
            act = item.changed_by or item.source
            key = (item.until, act, item.known_until)
            periods.setdefault(key, []).append((item.level, item.classes))
        since = self.class_since
        return ClassHistory(
            current=tuple((form.level, form.classes) for form in self.forms),
            earlier=tuple(
                ClassPeriod(tuple(forms), until, act, known)
                for (until, act, known), forms in periods.items()
            ),
            since=None if since is None else since.day,
            since_exact=True if since is None else since.exact,
            act=next((f.changed_by for f in placed if f.changed_by), placed[-1].source),
        )

    def fits_on(self, level: str, klass: str, day: date | None) -> bool | None:
        """Whether (level, class) is what the section carried on ``day`` (None: cannot tell).

        Without a day, today's classes and earlier ones all count, as in ``can_carry``.
        """
        if day is None:
            return self.can_carry(level, klass)
        history = self.class_history()
        if history is None:
            return self.can_carry(level, klass, former=False)
        forms = history.on(day)
        if forms is None:
            return None
        return any(lv == level and klass in classes for lv, classes in forms)

    def doc_code_seen(self, code: str, day: date | None = None) -> bool:
        """Whether DOC records of the section carried ``code`` (around ``day``, if given)."""
        return any(
            record.code == code and (day is None or record.seen_from <= day <= record.seen_until)
            for record in self.doc_records
        )


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class OffenseCatalog:
    """The loaded catalog; identity equality (``eq=False``) lets indexes be cached per catalog."""

    id: str
    title: str
    jurisdiction: str
    last_verified_on: date
    sources: tuple[str, ...]
    entries: tuple[OffenseEntry, ...]
    _by_section: Mapping[str, OffenseEntry] = field(repr=False, default_factory=dict)
    #: Class histories of the sections whose class changed, and the sections whose class no
    #: source gives: what case parsing attaches to each offense (as KnownSections does).
    history: Mapping[str, ClassHistory] = field(repr=False, default_factory=dict)
    unknown_class: frozenset[str] = field(repr=False, default=frozenset())
    #: How sections are written and read (codes, for a state with several codes).
    syntax: SectionSyntax = field(repr=False, default_factory=SectionSyntax)
    #: The flags of the sections that have some (section → flags).
    flags: Mapping[str, frozenset[str]] = field(repr=False, default_factory=dict)
    #: The flags' paragraphs of law, for the sections whose entries give them.
    flag_citations: Mapping[str, tuple[tuple[str, str], ...]] = field(
        repr=False, default_factory=dict
    )
    #: Every level and class each section carries or carried (``OffenseEntry.carried``),
    #: for the sections whose class the sources settle.
    carried: Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(
        repr=False, default_factory=dict
    )

    @classmethod
    def of(
        cls,
        entries: tuple[OffenseEntry, ...],
        *,
        id: str = "ct",
        title: str = "",
        jurisdiction: str = "",
        last_verified_on: date = date(1970, 1, 1),
        sources: tuple[str, ...] = (),
        syntax: SectionSyntax | None = None,
    ) -> OffenseCatalog:
        """Build a catalog from entries (sections must already be unique)."""
        by_section = MappingProxyType({entry.section: entry for entry in entries})
        history = {}
        for entry in entries:
            found = entry.class_history()
            if found is not None and found.differs():
                history[entry.section] = found
        # Whether no source gives the class or the sources disagree, the engine tries every
        # class the conviction could carry and sends it to review when that matters.
        unknown = frozenset(entry.section for entry in entries if entry.class_unsettled)
        return cls(
            id,
            title,
            jurisdiction,
            last_verified_on,
            sources,
            entries,
            by_section,
            MappingProxyType(history),
            unknown,
            syntax or SectionSyntax(),
            MappingProxyType({e.section: e.flags for e in entries if e.flags}),
            MappingProxyType({e.section: e.flag_citations for e in entries if e.flag_citations}),
            MappingProxyType({e.section: e.carried() for e in entries if e.settles_levels}),
        )

    @property
    def home(self) -> str:
        """The jurisdiction id whose sections these are (the catalog's id, upper case)."""
        return self.id.upper()

    @property
    def home_name(self) -> str:
        """The name of that jurisdiction, as the catalog gives it ("California")."""
        return self.jurisdiction

    def normalize(self, text: str) -> str | None:
        """The canonical section ``text`` names, in this catalog's writing of sections."""
        return self.syntax.normalize(text)

    def get(self, section: str) -> OffenseEntry | None:
        """The entry for ``section`` in any spelling officers use, or None."""
        canonical = self.syntax.normalize(section)
        return None if canonical is None else self._by_section.get(canonical)

    def __contains__(self, section: object) -> bool:
        return isinstance(section, str) and self.get(section) is not None

    def __iter__(self) -> Iterator[OffenseEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def default_path() -> Path:
    from trustdesk.resources import resource

    return resource("offenses", "ct.json")


def load_catalog(path: Path | None = None, content: bytes | None = None) -> OffenseCatalog:
    """Read, validate and return the offense catalog (the bundled one by default).

    ``content``, when given, is the file's content already read by the caller, so that what
    is validated is exactly what the caller hashed.
    """
    from trustdesk.resources import schema

    path = default_path() if path is None else path
    source = str(path)
    raw = strict_json.read_path(path, "offense catalog") if content is None else content
    data = strict_json.loads(raw, source)
    schema_bytes = schema(SCHEMA_NAME).read_bytes()
    # The digest covers the very bytes that were decoded, so any edit voids the record.
    digest = cache.sha256_hex(raw, schema_bytes)
    validated = cache.read(_CACHE_NAME)
    if validated.get(digest) is not True:
        schema_check.validate(data, SCHEMA_NAME, source)
    catalog = _build(data, source)
    if validated.get(digest) is not True:
        # Keep the record small: a few recent catalogs are enough.
        recent = dict(list(validated.items())[-7:])
        recent[digest] = True
        cache.write(_CACHE_NAME, recent)
    return catalog


def _parse_date(text: str, source: str, pointer: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(source, pointer, f"{text!r} is not a real calendar date") from None


def _forms(raw: Mapping[str, Any], source: str, pointer: str) -> tuple[OffenseForm, ...]:
    level: str = raw["level"]
    classes = tuple(raw["classes"])
    levels: Mapping[str, list[str]] | None = raw.get("levels")
    if levels is None:
        return (OffenseForm(level, classes),)
    if level not in levels:
        raise InputError(
            source, f"{pointer}/levels", f"must include the entry's own level {level!r}"
        )
    if set(levels[level]) != set(classes):
        raise InputError(
            source,
            f"{pointer}/levels/{level}",
            f"classes differ from the entry's classes {list(classes)}; list the same ones",
        )
    first = min(levels, key=LEVEL_ORDER.index)
    if first != level:
        raise InputError(
            source,
            f"{pointer}/level",
            f"must be the most serious level the section can carry ({first!r})",
        )
    ordered = sorted(levels, key=LEVEL_ORDER.index)
    return tuple(OffenseForm(name, tuple(levels[name])) for name in ordered)


def _entry(raw: Mapping[str, Any], source: str, pointer: str) -> OffenseEntry:
    for flag in raw.get("flag_citations", {}):
        if flag not in raw.get("flags", ()):
            raise InputError(
                source,
                f"{pointer}/flag_citations/{flag}",
                f"cites a paragraph for flag {flag!r}, which the entry's flags do not list; "
                "add it to flags or remove the citation",
            )
    former = tuple(
        FormerForm(
            level=item["level"],
            classes=tuple(item["classes"]),
            source=item["source"],
            until=(
                _parse_date(item["until"], source, f"{pointer}/former/{index}/until")
                if "until" in item
                else None
            ),
            changed_by=item.get("changed_by"),
            known_until=(
                _parse_date(item["known_until"], source, f"{pointer}/former/{index}/known_until")
                if "known_until" in item
                else None
            ),
        )
        for index, item in enumerate(raw.get("former", ()))
    )
    repealed_raw = raw.get("repealed")
    repealed = None
    if repealed_raw is not None:
        effective = repealed_raw.get("effective")
        repealed = Repeal(
            by=repealed_raw["by"],
            effective=(
                None
                if effective is None
                else _parse_date(effective, source, f"{pointer}/repealed/effective")
            ),
        )
    since_raw = raw.get("class_since")
    since = None
    if since_raw is not None:
        since = ClassSince(
            _parse_date(since_raw["date"], source, f"{pointer}/class_since/date"),
            since_raw["exact"],
            since_raw["source"],
        )
    return OffenseEntry(
        section=raw["section"],
        title=raw["title"],
        level=raw["level"],
        classes=tuple(raw["classes"]),
        aliases=tuple(raw["aliases"]),
        note=raw.get("note"),
        forms=_forms(raw, source, pointer),
        former=former,
        repealed=repealed,
        class_since=since,
        doc_records=tuple(
            _doc_record(item, source, f"{pointer}/doc_records/{index}")
            for index, item in enumerate(raw.get("doc_records", ()))
        ),
        sources=tuple(raw.get("sources", ())),
        class_in_doubt=_class_in_doubt(raw.get("class_in_doubt")),
        flags=frozenset(raw.get("flags", ())),
        flag_citations=tuple(sorted(raw.get("flag_citations", {}).items())),
    )


def _class_in_doubt(raw: Mapping[str, Any] | None) -> ClassInDoubt | None:
    if raw is None:
        return None
    readings = tuple(Reading(r["states"], r["source"], r["dated"]) for r in raw["readings"])
    return ClassInDoubt(raw["why"], readings)


def _doc_record(raw: Mapping[str, Any], source: str, pointer: str) -> DocRecord:
    from trustdesk.rules.doc_codes import DOC_CODES

    seen_from = _parse_date(raw["seen_from"], source, f"{pointer}/seen_from")
    seen_until = _parse_date(raw["seen_until"], source, f"{pointer}/seen_until")
    if seen_until < seen_from:
        raise InputError(source, f"{pointer}/seen_until", "is before seen_from; swap them")
    level, klass = DOC_CODES[raw["code"]]
    return DocRecord(
        raw["code"], level, klass, seen_from, seen_until, raw["source"], raw.get("description")
    )


def _build(data: Mapping[str, Any], source: str) -> OffenseCatalog:
    """Turn schema-valid data into the catalog, checking what a schema cannot."""
    entries: list[OffenseEntry] = []
    seen: dict[str, int] = {}
    syntax = _syntax(data, source)
    for index, raw in enumerate(data["offenses"]):
        pointer = f"/offenses/{index}"
        section = raw["section"]
        if syntax.normalize(section) != section:
            shape = (
                f"CODE-NUMBER with a code of section_codes ({', '.join(syntax.codes)})"
                if syntax.coded
                else "TITLE-NUMBER like 53a-134 (or declare section_codes)"
            )
            raise InputError(source, f"{pointer}/section", f"{section!r} is not written as {shape}")
        if section in seen:
            raise InputError(
                source,
                f"{pointer}/section",
                f"section {section} is listed twice (also at /offenses/{seen[section]}/section);"
                " keep one entry per section",
            )
        seen[section] = index
        entries.append(_entry(raw, source, pointer))
    return OffenseCatalog.of(
        tuple(entries),
        id=data["id"],
        title=data["title"],
        jurisdiction=data["jurisdiction"],
        last_verified_on=_parse_date(data["last_verified_on"], source, "/last_verified_on"),
        sources=tuple(data["sources"]),
        syntax=syntax,
    )


def _syntax(data: Mapping[str, Any], source: str) -> SectionSyntax:
    codes = data.get("section_codes")
    default = data.get("default_code")
    if codes is None:
        if default is not None:
            raise InputError(source, "/default_code", "needs section_codes; remove it or add them")
        return SectionSyntax()
    if default is not None and default not in codes:
        raise InputError(
            source, "/default_code", f"{default!r} is not one of section_codes ({', '.join(codes)})"
        )
    return SectionSyntax({k: tuple(v) for k, v in codes.items()}, default)
