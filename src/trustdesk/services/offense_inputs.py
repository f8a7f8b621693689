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
    "reduced_to_misdemeanor": "Reduced to a misdemeanor (e.g. Prop 47, PC § 17(b))",
    "probable_cause_found": "A magistrate found probable cause on this charge",
}
#: The attributes each list asks: a reduction concerns a conviction, a probable-cause
#: finding a pending charge.
FOR_CONVICTIONS = ("reduced_to_misdemeanor",)
FOR_CHARGES = ("probable_cause_found",)
_CHILDREN = ("parts", "part", "where")


class OffenseInputs(NamedTuple):
    flags: tuple[str, ...]  # in the order the pack first tests them
    tri: tuple[str, ...]  # names of TRI_QUESTIONS the pack tests


def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag, flag.replace("_", " ").capitalize())


def offense_inputs(pack: RulePack, *, pending: bool) -> OffenseInputs:
    """The flags and yes/no/unknown facts to ask for each item of one list."""
    flags: dict[str, None] = {}
    attrs: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, tuple | list):
            for part in node:
                walk(part)
            return
        attr = getattr(node, "attr", None)
        if attr == "flags" and isinstance(getattr(node, "value", None), str):
            flags[node.value] = None
        elif isinstance(attr, str):
            attrs.add(attr)
        for name in _CHILDREN:
            child = getattr(node, name, None)
            if child is not None and not isinstance(child, str):
                walk(child)

    for criterion in pack.criteria:
        walk(criterion.condition)
    wanted = FOR_CHARGES if pending else FOR_CONVICTIONS
    return OffenseInputs(tuple(flags), tuple(a for a in wanted if a in attrs))
