"""Reading a case (the JSON batch format) into core values, and decisions back to JSON.

The format is documented by schemas/case.schema.json. Parsing is done here by hand,
strictly, because importing jsonschema alone costs more than the whole
``trustdesk evaluate`` command may take; a differential test holds this parser and
the schema to the same verdict on thousands of generated documents
(docs/decisions/0002-case-parser-and-schema.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping
from datetime import date, datetime
from types import MappingProxyType

from trustdesk.core.characters import unsafe_character
from trustdesk.core.consistency import check_facts
from trustdesk.core.model import (
    ADMINISTRATIVE_WARRANTS,
    CLASSES,
    DETAINER_FORMS,
    LEVELS,
    Case,
    Detainer,
    Offense,
    Person,
    PublicSafetyRisk,
    Tri,
)
from trustdesk.core.statute import normalize_section
from trustdesk.rules.court_zones import court_zone
from trustdesk.rules.errors import InputError

_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})$"
)

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Years a date or time may carry. Dates near year 1 or 9999 cannot be converted to
#: local time or have a hold counted from them; nothing at the desk is older or later.
FIRST_YEAR = 1900
LAST_YEAR = 2199
_YEARS = f"years {FIRST_YEAR} to {LAST_YEAR}"
#: The last year a release time may fall in: the hold clock skips the federal holidays,
#: and the calendar of them (the holidays package) ends with 2100; a hold begun late in
#: 2099 still ends inside it. A later year is a year typed wrong, said as such, not a
#: calendar that "cannot be trusted".
LAST_RELEASE_YEAR = 2099
_BOOKING = re.compile(r"^ *[A-Za-z0-9][A-Za-z0-9 /-]*$")

US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
        "GU",
        "VI",
        "AS",
        "MP",
    ]
)
JURISDICTIONS = US_STATES | {"federal"}

TOP_FIELDS = (
    "decision_time",
    "releasable_at",
    "detainer",
    "person",
    "convictions",
    "pending_charges",
    "outstanding_ct_warrant",
    "gang_member",
    "security_risk_group",
    "tsdb_match",
    "final_removal_order",
    "public_safety_risk",
    "facts",
)
TRI_FIELDS = (
    "outstanding_ct_warrant",
    "gang_member",
    "security_risk_group",
    "tsdb_match",
    "final_removal_order",
)
OFFENSE_FIELDS = (
    "statute",
    "level",
    "class",
    "jurisdiction",
    "date",
    "under_appeal",
    "juvenile",
    "flags",
    "reduced_to_misdemeanor",
)
PENDING_FIELDS = ("bond_posted", "probable_cause_found")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class _Reader:
    """Walks one document, naming the JSON pointer of anything wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, pointer: str, reason: str) -> InputError:
        return InputError(self.source, pointer, reason)

    def obj(
        self, value: Any, pointer: str, allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(pointer, f"must be an object, not {_kind(value)}")
        for key in value:
            if key not in allowed:
                raise self.fail(
                    f"{pointer}/{key}", f"unknown field {key!r}; allowed: {', '.join(allowed)}"
                )
        for key in required:
            if key not in value:
                raise self.fail(pointer, f"missing required field {key!r}")
        return value

    def text(self, value: Any, pointer: str, max_len: int, *, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(pointer, f"must be text, not {_kind(value)}")
        stripped = value.strip()
        if not stripped:
            raise self.fail(pointer, "must not be empty")
        if len(value) > max_len:
            raise self.fail(pointer, f"is longer than {max_len} characters")
        unsafe = unsafe_character(value)
        if unsafe is not None:
            raise self.fail(pointer, unsafe)
        return stripped

    def choice(self, value: Any, pointer: str, allowed: Container[Any], shown: str) -> Any:
        if not isinstance(value, str) or value not in allowed:
            raise self.fail(pointer, f"must be one of {shown}, not {_show(value)}")
        return value

    def tri(self, value: Any, pointer: str) -> Tri:
        if value is None or isinstance(value, bool):
            return value
        raise self.fail(pointer, f"must be true, false or null (unknown), not {_show(value)}")

    def instant(self, value: Any, pointer: str) -> datetime:
        if not isinstance(value, str) or not _DATETIME.fullmatch(value):
            raise self.fail(
                pointer,
                f"must be a date and time with UTC offset like 2026-11-20T15:00:00-05:00, "
                f"not {_show(value)}",
            )
        self.year(value, pointer)
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(pointer, f"is not a real date and time: {value}") from None

    def release_instant(self, value: Any, pointer: str) -> datetime:
        """``instant``, in the years the hold clock's calendar covers."""
        when = self.instant(value, pointer)
        if when.year > LAST_RELEASE_YEAR:
            raise self.fail(
                pointer,
                f"year {when.year} is after {LAST_RELEASE_YEAR}, the last year the hold "
                "clock's holiday calendar covers: check the year of the release time",
            )
        return when

    def day(self, value: Any, pointer: str) -> date:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise self.fail(pointer, f"must be a date like 1990-04-17, not {_show(value)}")
        self.year(value, pointer)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(pointer, f"is not a real date: {value}") from None

    def year(self, value: str, pointer: str) -> None:
        if not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
            raise self.fail(
                pointer, f"year {value[:4]} is out of range: TrustDesk accepts {_YEARS}"
            )

    def optional(
        self, raw: Mapping[str, Any], key: str, pointer: str, read: Callable[[Any, str], Any]
    ) -> Any:
        value = raw.get(key)
        return None if value is None else read(value, f"{pointer}/{key}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value[:40])
    return _kind(value)


def _offense(
    reader: _Reader,
    raw: Any,
    pointer: str,
    *,
    pending: bool,
    catalog: Container[str] | None,
) -> Offense:
    fields = (*OFFENSE_FIELDS, *PENDING_FIELDS) if pending else OFFENSE_FIELDS
    item = reader.obj(raw, pointer, fields, ("statute", "level", "class", "jurisdiction"))
    statute = reader.text(item["statute"], f"{pointer}/statute", 40)
    assert statute is not None
    level = reader.choice(item["level"], f"{pointer}/level", LEVELS, "felony, misdemeanor")
    klass = reader.choice(item["class"], f"{pointer}/class", CLASSES, "A, B, C, D, E, unclassified")
    if level == "misdemeanor" and klass == "E":
        raise reader.fail(
            f"{pointer}/class", "there is no class E misdemeanor (E is felonies only)"
        )
    jurisdiction = reader.choice(
        item["jurisdiction"],
        f"{pointer}/jurisdiction",
        JURISDICTIONS,
        "CT, another two-letter state code, or federal",
    )
    flags = _names(reader, item.get("flags", []), f"{pointer}/flags", 20)
    known = catalog_facts(catalog, statute, jurisdiction, flags)
    return Offense(
        statute=statute,
        level=level,
        klass=klass,
        jurisdiction=jurisdiction,
        date=reader.optional(item, "date", pointer, reader.day),
        bond_posted=reader.tri(item.get("bond_posted"), f"{pointer}/bond_posted")
        if pending
        else None,
        under_appeal=reader.tri(item.get("under_appeal", False), f"{pointer}/under_appeal"),
        juvenile=reader.tri(item.get("juvenile", False), f"{pointer}/juvenile"),
        **known,
        reduced_to_misdemeanor=reader.tri(
            item.get("reduced_to_misdemeanor", False), f"{pointer}/reduced_to_misdemeanor"
        ),
        probable_cause_found=reader.tri(
            item.get("probable_cause_found"), f"{pointer}/probable_cause_found"
        )
        if pending
        else None,
    )


def catalog_facts(
    catalog: Container[str] | None, statute: str, jurisdiction: str, entered: frozenset[str]
) -> dict[str, Any]:
    """What the catalog says of an offense of ``statute`` in ``jurisdiction`` (the
    ``Offense`` fields it gives): the canonical section, whether the catalog lists it,
    its class history, unsettled class, the levels and classes it carries, and its flags
    joined to those ``entered``."""
    # The catalog says how its sections are written (codes…); without one, TITLE-NUMBER.
    normalize = getattr(catalog, "normalize", normalize_section)
    section = normalize(statute)
    # The catalog's class history and unknown classes travel with the offense (core reads them).
    history = getattr(catalog, "history", None)
    unknown_class: frozenset[str] = getattr(catalog, "unknown_class", frozenset())
    carried: Mapping[str, Any] | None = getattr(catalog, "carried", None)
    # Class histories, unknown classes and the classes carried are the catalog's own
    # jurisdiction's.
    home = getattr(catalog, "home", "")
    # The catalog's jurisdiction prints by its name ("California"), from the catalog.
    home_name: str = getattr(catalog, "home_name", "") or ""
    if home and jurisdiction != home:
        history, unknown_class, carried = None, frozenset(), None
    # The catalog's flags for the section (serious, violent…) join those entered.
    known_flags: Mapping[str, frozenset[str]] = getattr(catalog, "flags", None) or {}
    flags = entered | (frozenset() if section is None else known_flags.get(section, frozenset()))
    known_citations: Mapping[str, tuple[tuple[str, str], ...]] = (
        getattr(catalog, "flag_citations", None) or {}
    )
    cited = () if section is None else known_citations.get(section, ())
    return {
        "section": section,
        "in_catalog": catalog is None or (section is not None and section in catalog),
        "class_history": None if history is None or section is None else history.get(section),
        "class_unknown": section is not None and section in unknown_class,
        "flags": flags,
        "flag_citations": tuple(pair for pair in cited if pair[0] in flags),
        "home": (home, home_name) if home and home_name else None,
        "catalog_forms": None if carried is None or section is None else carried.get(section),
        "court_zone": court_zone(jurisdiction),
    }


class CatalogLink:
    """The catalog a case was read with, as the engine's counterfactual uses it
    (``core.model.OffenseFacts``): an offense given another section or jurisdiction
    gets what the catalog says of it, as if it had been entered so."""

    __slots__ = ("catalog",)

    def __init__(self, catalog: Container[str]) -> None:
        self.catalog = catalog

    # The link is how the case was read, not one of its facts: two cases alike but read
    # through different copies of the catalog (the file, its cached sections) are alike.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, CatalogLink)

    def __hash__(self) -> int:
        return hash(CatalogLink)

    def changed(
        self, offense: Offense, *, statute: str | None = None, jurisdiction: str | None = None
    ) -> Offense:
        old = catalog_facts(self.catalog, offense.statute, offense.jurisdiction, frozenset())
        entered = offense.flags - old["flags"]  # the flags the catalog did not add
        statute = offense.statute if statute is None else statute
        jurisdiction = offense.jurisdiction if jurisdiction is None else jurisdiction
        known = catalog_facts(self.catalog, statute, jurisdiction, entered)
        return offense._replace(statute=statute, jurisdiction=jurisdiction, **known)


def _names(reader: _Reader, value: Any, pointer: str, most: int) -> frozenset[str]:
    """A list of lower-case names (``flags``), each at most 40 characters."""
    if not isinstance(value, list):
        raise reader.fail(pointer, f"must be a list of names, not {_kind(value)}")
    if len(value) > most:
        raise reader.fail(pointer, f"has more than {most} entries")
    for index, name in enumerate(value):
        if not isinstance(name, str) or len(name) > 40 or not _NAME.fullmatch(name):
            raise reader.fail(
                f"{pointer}/{index}",
                f"must be a lower-case name like serious, not {_show(name)}",
            )
    return frozenset(value)


def _facts(reader: _Reader, value: Any) -> Mapping[str, Tri]:
    """The case's generic yes/no facts, by name."""
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, dict):
        raise reader.fail("/facts", f"must be an object of named yes/no facts, not {_kind(value)}")
    if len(value) > 100:
        raise reader.fail("/facts", "has more than 100 facts")
    for name in value:
        if len(name) > 60 or not _NAME.fullmatch(name):
            raise reader.fail(
                f"/facts/{name}", "a fact's name must be lower-case letters, digits and _"
            )
    return MappingProxyType({name: reader.tri(v, f"/facts/{name}") for name, v in value.items()})


def _offenses(
    reader: _Reader,
    raw: Mapping[str, Any],
    key: str,
    *,
    pending: bool,
    catalog: Container[str] | None,
) -> tuple[Offense, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise reader.fail(f"/{key}", f"must be a list, not {_kind(value)}")
    if len(value) > 200:
        raise reader.fail(f"/{key}", "has more than 200 entries")
    return tuple(
        _offense(reader, item, f"/{key}/{i}", pending=pending, catalog=catalog)
        for i, item in enumerate(value)
    )


def parse_case(raw: Any, source: str, catalog: Container[str] | None = None) -> Case:
    """Build a Case from decoded JSON, or raise InputError naming the pointer.

    ``catalog`` holds the known canonical sections; offenses outside it are kept and
    marked, so the engine warns and flags the decision for review.
    """
    reader = _Reader(source)
    top = reader.obj(raw, "", TOP_FIELDS, ("decision_time", "detainer", "person"))
    det = reader.obj(
        top["detainer"],
        "/detainer",
        (
            "form",
            "received_at",
            "judicial_warrant",
            "administrative_warrant",
            "issuing_office",
            "subject_id",
        ),
        ("form",),
    )
    detainer = Detainer(
        form=reader.choice(
            det["form"], "/detainer/form", DETAINER_FORMS, ", ".join(DETAINER_FORMS)
        ),
        received_at=reader.optional(det, "received_at", "/detainer", reader.instant),
        judicial_warrant=reader.tri(det.get("judicial_warrant"), "/detainer/judicial_warrant"),
        administrative_warrant=reader.optional(
            det,
            "administrative_warrant",
            "/detainer",
            lambda v, p: reader.choice(v, p, ADMINISTRATIVE_WARRANTS, "I-200, I-205, null"),
        ),
        issuing_office=reader.text(
            det.get("issuing_office"), "/detainer/issuing_office", 200, optional=True
        ),
        subject_id=reader.text(det.get("subject_id"), "/detainer/subject_id", 40, optional=True),
    )
    per = reader.obj(
        top["person"],
        "/person",
        ("name", "date_of_birth", "booking_number"),
        ("name", "booking_number"),
    )
    name = reader.text(per["name"], "/person/name", 200)
    booking = reader.text(per["booking_number"], "/person/booking_number", 32)
    assert name is not None and booking is not None
    if not _BOOKING.fullmatch(per["booking_number"]):
        raise reader.fail(
            "/person/booking_number",
            "must begin with a letter or a digit, and hold only letters, digits, spaces, "
            "'-' and '/' (at most 32 characters)",
        )
    person = Person(
        name=name,
        date_of_birth=reader.optional(per, "date_of_birth", "/person", reader.day),
        booking_number=booking,
    )
    risk_raw = top.get("public_safety_risk")
    risk = PublicSafetyRisk()
    if risk_raw is not None:
        psr = reader.obj(risk_raw, "/public_safety_risk", ("asserted", "reason"), ("asserted",))
        asserted = reader.tri(psr["asserted"], "/public_safety_risk/asserted")
        reason = reader.text(psr.get("reason"), "/public_safety_risk/reason", 2000, optional=True)
        if asserted is True and reason is None:
            raise reader.fail(
                "/public_safety_risk/reason",
                "asserting an unacceptable risk to public safety requires the reason, in words",
            )
        risk = PublicSafetyRisk(asserted=asserted, reason=reason)
    tri = {key: reader.tri(top.get(key), f"/{key}") for key in TRI_FIELDS}
    case = Case(
        decision_time=reader.instant(top["decision_time"], "/decision_time"),
        releasable_at=reader.optional(top, "releasable_at", "", reader.release_instant),
        detainer=detainer,
        person=person,
        convictions=_offenses(reader, top, "convictions", pending=False, catalog=catalog),
        pending_charges=_offenses(reader, top, "pending_charges", pending=True, catalog=catalog),
        public_safety_risk=risk,
        facts=_facts(reader, top.get("facts")),
        outstanding_ct_warrant=tri["outstanding_ct_warrant"],
        gang_member=tri["gang_member"],
        security_risk_group=tri["security_risk_group"],
        tsdb_match=tri["tsdb_match"],
        final_removal_order=tri["final_removal_order"],
        catalog=None if catalog is None else CatalogLink(catalog),
    )
    # Facts that cannot all be true are refused here, where the input can still be fixed
    # (the rule for each is in core/consistency.py); the others go to review.
    for finding in check_facts(case):
        if finding.refused:
            raise reader.fail(finding.pointer, finding.message)
    return case
