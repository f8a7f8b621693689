"""Issue 15 §3: what a booking desk sees every week is found on the first try.

Each query is what an officer types for a charge the issue names (Title 14 motor vehicle
offenses, Title 21a drugs, Title 29 firearms, Title 46b orders, Title 54 failure to
appear and registration); the top hit must be the section that defines it, with a class
(or "class unknown", which sends the decision to review).
"""

from __future__ import annotations

import pytest

from trustdesk.rules.catalog import OffenseCatalog, load_catalog
from trustdesk.rules.offense_search import search

FIRST_TRY = [
    # Title 14: operating under suspension, DUI, evading, reckless, unreasonable speed,
    # racing, plates and registration, insurance.
    ("operating under suspension", "14-215"),
    ("driving under suspension", "14-215"),
    ("dui", "14-227a"),
    ("operating under the influence", "14-227a"),
    ("evading responsibility", "14-224"),
    ("reckless driving", "14-222"),
    ("unreasonable speed", "14-218a"),
    ("speeding", "14-219"),
    ("racing", "14-224"),
    ("engaging in a race", "14-224"),
    ("misuse of plates", "14-147"),
    ("operating unregistered motor vehicle", "14-12"),
    ("no insurance", "14-213b"),
    # Title 21a: drugs.
    ("possession of narcotics", "21a-279"),
    ("sale of narcotics", "21a-277"),
    ("drug paraphernalia", "21a-267"),
    # Title 29: firearms.
    ("carrying pistol without permit", "29-35"),
    # Title 46b and the Penal Code's order violations.
    ("restraining order", "46b-15"),
    ("protective order", "46b-38c"),
    ("violation of protective order", "53a-223"),
    ("violation of restraining order", "53a-223b"),
    # Title 54 and the Penal Code: failure to appear, registration.
    ("failure to appear 1st", "53a-172"),
    ("failure to appear second degree", "53a-173"),
    ("failure to register as sex offender", "54-251"),
]


@pytest.fixture(scope="module")
def catalog() -> OffenseCatalog:
    return load_catalog()


@pytest.mark.parametrize(("query", "section"), FIRST_TRY, ids=[q for q, _ in FIRST_TRY])
def test_the_charge_is_the_top_hit_with_a_class(
    catalog: OffenseCatalog, query: str, section: str
) -> None:
    hits = search(catalog, query, 1)
    assert hits and hits[0].entry.section == section, [h.entry.section for h in hits]
    entry = hits[0].entry
    assert entry.forms and all(form.classes for form in entry.forms)
