"""Which facts about each conviction or charge the wizard must ask: those the pack's
conditions test (offense flags such as ``serious``, a reduction to a misdemeanor, a
magistrate's probable-cause finding), read from the compiled conditions, so a pack that
never tests them never asks them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from trustdesk.core.pack import RulePack

#: How a flag reads on a check box; a flag a pack invents reads as its own name.
FLAG_LABELS = {
    "serious": "Serious felony",
    "violent": "Violent felony",
    "wobbler": "Wobbler (felony or misdemeanor)",
    "state_prison": "State-prison felony",
    "registrable_290": "Sex-offender registrant offense",
}
#: Tri-valued offense attributes a pack may test, with the question asked.
TRI_QUESTIONS = {
    "juvenile": "Juvenile adjudication",
    "reduced_to_misdemeanor": "Reduced to a misdemeanor by a later court order",
    "probable_cause_found": "A magistrate found probable cause on this charge",
}
#: An example that helps the question in one jurisdiction.
TRI_EXAMPLES = {("reduced_to_misdemeanor", "CA"): "e.g. Prop 47, PC § 17(b)"}
#: The attributes each list asks when the pack tests them: a reduction concerns a
#: conviction, a probable-cause finding a pending charge. Whether an entry is a juvenile
#: matter is asked of both, whatever the pack (the consistency checks use it too).
FOR_CONVICTIONS = ("juvenile", "reduced_to_misdemeanor")
FOR_CHARGES = ("juvenile", "probable_cause_found")
ALWAYS_ASKED = ("juvenile",)
_CHILDREN = ("parts", "part", "where")


class OffenseInputs(NamedTuple):
    flags: tuple[str, ...]  # in the order the pack first tests them
    tri: tuple[str, ...]  # names of TRI_QUESTIONS to ask
    #: Of ``tri``, those whose answer starts at "No", the case format's reading of a fact
    #: left out: the pack tests them only to send an entry to review (an unsettled
    #: rule), never to decide whether it counts. The others start at "Unknown": the
    #: officer must verify them, or the entry's effect stays unknown.
    presumed_no: tuple[str, ...] = ()


def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag, flag.replace("_", " ").capitalize())


def tri_question(name: str, jurisdiction: str) -> str:
    """The question asked for ``name`` at an agency of ``jurisdiction``."""
    example = TRI_EXAMPLES.get((name, jurisdiction))
    return TRI_QUESTIONS[name] + (f" ({example})" if example else "")


def offense_inputs(pack: RulePack, *, pending: bool) -> OffenseInputs:
    """The flags and yes/no/unknown facts to ask for each item of one list."""
    flags: dict[str, None] = {}
    grounds: set[str] = set()  # attributes that decide whether an entry counts
    review: set[str] = set()  # attributes tested only by unsettled rules

    def walk(node: Any, found: set[str]) -> None:
        if isinstance(node, tuple | list):
            for part in node:
                walk(part, found)
            return
        attr = getattr(node, "attr", None)
        if attr == "flags" and isinstance(getattr(node, "value", None), str):
            if found is grounds:  # a flag only a review rule tests is not asked
                flags[node.value] = None
        elif isinstance(attr, str):
            found.add(attr)
        for name in _CHILDREN:
            child = getattr(node, name, None)
            if child is not None and not isinstance(child, str):
                walk(child, found)
        for rule in getattr(node, "unsettled", None) or ():
            walk(rule.where, review)

    for criterion in pack.criteria:
        walk(criterion.condition, grounds)
    wanted = FOR_CHARGES if pending else FOR_CONVICTIONS
    asked = tuple(a for a in wanted if a in grounds or a in review or a in ALWAYS_ASKED)
    return OffenseInputs(tuple(flags), asked, tuple(a for a in asked if a not in grounds))
