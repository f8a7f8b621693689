"""Plain names for the JSON pointers a decision trace cites as the facts it rested on."""

from __future__ import annotations

_FIELDS = {
    "detainer": "Detainer",
    "judicial_warrant": "judicial warrant",
    "administrative_warrant": "administrative warrant",
    "form": "form",
    "tsdb_match": "Terrorist Screening Database match",
    "outstanding_ct_warrant": "Outstanding Connecticut arrest warrant",
    "gang_member": "Known gang member",
    "security_risk_group": "DOC Security Risk Group member",
    "final_removal_order": "Final order of removal",
    "public_safety_risk": "Public-safety risk",
    "asserted": "asserted",
    "reason": "reason",
    "bond_posted": "bond posted",
    "under_appeal": "under appeal",
    "juvenile": "juvenile",
    "releasable_at": "Would otherwise be released at",
}
_ITEMS = {"convictions": "Conviction", "pending_charges": "Pending charge"}


def fact_label(pointer: str) -> str:
    """``/convictions/0`` → ``Conviction 1``; ``/detainer/judicial_warrant`` →
    ``Detainer, judicial warrant``; anything unknown is shown as its words."""
    parts = [_unescape(part) for part in pointer.strip("/").split("/") if part]
    words: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if part in _ITEMS and following.isdigit():
            words.append(f"{_ITEMS[part]} {int(following) + 1}")
            index += 2
            continue
        words.append(_FIELDS.get(part, part.replace("_", " ")))
        index += 1
    if not words:
        return "Case"
    label = ", ".join(words)
    return label[0].upper() + label[1:]


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")
