"""The case an officer decides: person, detainer, criminal history and answers.

``None`` in a yes/no field means *unknown / not verified*: a real answer that never
establishes a ground and always sends the decision to supervisor review.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

from trustdesk.core.class_periods import ClassHistory

Tri = bool | None

DETAINER_FORMS = ("I-247A", "I-247D", "I-247N", "I-247X", "I-203", "other")
ADMINISTRATIVE_WARRANTS = ("I-200", "I-205")
LEVELS = ("felony", "misdemeanor")
CLASSES = ("A", "B", "C", "D", "E", "unclassified")


class Person(NamedTuple):
    name: str
    date_of_birth: date | None = None
    booking_number: str = ""


class Detainer(NamedTuple):
    form: str
    received_at: datetime | None = None
    judicial_warrant: Tri = None
    administrative_warrant: str | None = None
    issuing_office: str | None = None
    subject_id: str | None = None


class Offense(NamedTuple):
    """A conviction or a pending charge as entered from the record."""

    statute: str
    section: str | None
    level: str
    klass: str
    jurisdiction: str
    date: date | None = None
    bond_posted: Tri = None
    under_appeal: Tri = False
    juvenile: Tri = False
    in_catalog: bool = True
    title: str | None = None
    #: The section's class history from the catalog, when its class has changed.
    class_history: ClassHistory | None = None
    #: The catalog lists the section but no source gives its class.
    class_unknown: bool = False
    #: What the catalog (or the officer) says of the offense: ``serious``, ``violent``,
    #: ``wobbler``… (rule packs test them with ``{"attr": "flags", "has": …}``).
    flags: frozenset[str] = frozenset()
    #: The paragraph of law that gives a flag, where the catalog names it (``("serious",
    #: "Penal Code § 1192.7(c)(19)")``): what a ground met through that flag cites.
    flag_citations: tuple[tuple[str, str], ...] = ()
    #: The conviction was reduced to a misdemeanor (e.g. by a later court order).
    reduced_to_misdemeanor: Tri = False
    #: A magistrate found probable cause on this pending charge (None: not known).
    probable_cause_found: Tri = None

    #: (code, name) of the offense catalog's own jurisdiction (``("CA", "California")``),
    #: from the case reader: an offense of that jurisdiction is printed by its name.
    home: tuple[str, str] | None = None
    #: Every level and class the catalog says the section carries or carried, for an
    #: offense of the catalog's own jurisdiction whose class the sources settle (None:
    #: the catalog cannot say): an entry outside them contradicts the catalog.
    catalog_forms: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    #: The time zone in which the courts of ``jurisdiction`` date their judgments at the
    #: latest (its easternmost part; from the case reader): a date later than the decision
    #: day there is after the decision. None: any zone on Earth.
    court_zone: str | None = None

    def describe(self) -> str:
        named = self.home is not None and self.home[0] == self.jurisdiction
        where = self.home[1] if named and self.home is not None else self.jurisdiction
        klass = "unclassified" if self.klass == "unclassified" else f"class {self.klass}"
        text = f"§ {self.section or self.statute} {klass} {self.level} ({where}"
        if self.date is not None:
            text += f", {self.date.isoformat()}"
        return text + ")"


class PublicSafetyRisk(NamedTuple):
    asserted: Tri = False
    reason: str | None = None


class OffenseFacts(Protocol):
    """What the offense catalog says of an offense's section (``rules/caseio.py``): a
    conviction or charge changed to another section or jurisdiction gets them anew."""

    def changed(
        self, offense: Offense, *, statute: str | None = None, jurisdiction: str | None = None
    ) -> Offense: ...


class Case(NamedTuple):
    decision_time: datetime
    detainer: Detainer
    person: Person
    releasable_at: datetime | None = None
    convictions: tuple[Offense, ...] = ()
    pending_charges: tuple[Offense, ...] = ()
    outstanding_ct_warrant: Tri = None
    gang_member: Tri = None
    security_risk_group: Tri = None
    tsdb_match: Tri = None
    final_removal_order: Tri = None
    public_safety_risk: PublicSafetyRisk = PublicSafetyRisk()
    #: Generic yes/no/unknown answers a pack asks by name (question field ``facts.<name>``).
    facts: Mapping[str, Tri] = MappingProxyType({})
    #: The catalog the case was read with (None: built in code): what the counterfactual
    #: uses to change an offense's section or jurisdiction as the case reader would.
    catalog: OffenseFacts | None = None


#: The prefix of a question field that names a generic case fact.
FACTS_PREFIX = "facts."


def get_field(case: Case, path: str) -> Any:
    """The value of a question's case field (``tsdb_match``, ``detainer.judicial_warrant``,
    ``facts.<name>``…); a fact never answered is unknown (None)."""
    if path.startswith(FACTS_PREFIX):
        return case.facts.get(path[len(FACTS_PREFIX) :])
    value: Any = case
    for part in path.split("."):
        value = getattr(value, part)
    return value


def replace_field(case: Case, path: str, new: Any) -> Case:
    """``case`` with the question field ``path`` set to ``new``."""
    if path.startswith(FACTS_PREFIX):
        facts = dict(case.facts)
        facts[path[len(FACTS_PREFIX) :]] = new
        return case._replace(facts=MappingProxyType(facts))
    return _replace(case, path, new)  # type: ignore[no-any-return]


def _replace(value: Any, path: str, new: Any) -> Any:
    head, _, rest = path.partition(".")
    if not rest:
        return value._replace(**{head: new})
    return value._replace(**{head: _replace(getattr(value, head), rest, new)})
