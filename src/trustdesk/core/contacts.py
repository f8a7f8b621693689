"""The legality check for a contact with ICE: may the officer give ICE this, now?

Pure logic over data: what each version of the law allows for each disclosure (release
date, custody status, interview access, hold, transfer, confidential information) is
written in the rule pack's ``contacts`` section, with citations; this module only reads
it against the decision on record or, with no decision yet, the gates the officer can
answer now. The ids below are fixed by issue 14's contract and shared with the store,
the CLI, the GUI and the reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from trustdesk.core.decision import Decision
from trustdesk.core.pack import RulePack

CONTACT_KINDS: tuple[str, ...] = (
    "detainer_received",
    "release_info_request",
    "interview_request",
    "inquiry",
    "transfer_arrival",
    "other",
)
DIRECTIONS: tuple[str, ...] = ("from_ice", "to_ice")
CHANNELS: tuple[str, ...] = ("phone", "email", "fax", "in_person", "system", "other")
#: What may be given to or done for ICE; "none" (nothing given) is not a disclosure.
DISCLOSURES: tuple[str, ...] = (
    "release_date",
    "custody_status",
    "interview_access",
    "hold",
    "transfer",
    "confidential",
)
NOTHING_GIVEN = "none"

ALLOWED = "allowed"
NOT_ALLOWED = "not_allowed"
NEVER = "never"
UNKNOWN = "unknown"
VERDICTS: tuple[str, ...] = (ALLOWED, NOT_ALLOWED, NEVER, UNKNOWN)

#: Where the advice comes from: the decision on record, the officer's answers, nothing.
BASES: tuple[str, ...] = ("decision", "gates", "none")


@dataclass(frozen=True, slots=True)
class DisclosureAdvice:
    """Whether one disclosure is allowed, in the officer's words, with its citations."""

    disclosure: str
    verdict: str
    reason: str
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContactAdvice:
    """The advice on every disclosure for one person under one pack."""

    pack_id: str
    basis: str
    items: tuple[DisclosureAdvice, ...]

    def advice_for(self, disclosure: str) -> DisclosureAdvice:
        for item in self.items:
            if item.disclosure == disclosure:
                return item
        raise KeyError(disclosure)

    def not_allowed(self, given: Iterable[str]) -> tuple[DisclosureAdvice, ...]:
        """Those of ``given`` whose verdict is not "allowed".

        "unknown" counts as not allowed for flagging: it needs a reason and supervisor
        review. "none" (nothing given) is never flagged.
        """
        wanted = {g for g in given if g != NOTHING_GIVEN}
        return tuple(
            item for item in self.items if item.disclosure in wanted and item.verdict != ALLOWED
        )


def advise(
    pack: RulePack,
    *,
    decision: Decision | None = None,
    answers: Mapping[str, object] | None = None,
) -> ContactAdvice:
    """The advice on every disclosure for this person under ``pack``.

    ``decision``: the decision on record, if any (it wins over ``answers``).
    ``answers``: with no decision, the gates the officer can answer now, keyed by the
    pack's criterion id (``judicial_warrant``, ``tsdb_match``…): True (the ground holds),
    False (it does not) or None (not known yet).
    """
    # FIRST SLICE: the API is final; the rules from the packs follow.
    basis = "decision" if decision is not None else ("gates" if answers else "none")
    items = tuple(
        DisclosureAdvice(
            disclosure=d,
            verdict=UNKNOWN,
            reason=f"{d.replace('_', ' ').capitalize()}: not yet checked against {pack.id}",
            citations=(),
        )
        for d in DISCLOSURES
    )
    return ContactAdvice(pack_id=pack.id, basis=basis, items=items)
