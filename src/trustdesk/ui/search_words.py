"""The words the finder and the person's page show for record kinds and outcomes (apart,
so that the person's page needs nothing else of the finder: no import circle)."""

from __future__ import annotations

KIND_TEXT = {"decision": "Decision", "hold": "Hold", "contact": "ICE contact"}
OUTCOME_TEXT = {
    "honor": "HONOR",
    "decline": "DECLINE",
    "open": "hold open",
    "ice_took_custody": "ICE took custody",
    "released_at_expiry": "released at expiry",
    "released_other": "released otherwise",
    "allowed": "allowed",
    "not_allowed": "⚠ not allowed",
}
