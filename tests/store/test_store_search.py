"""History search: booking number, name (partial, any case, accents optional), dates,
outcome, officer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from storekit import T0, actor, add_user, draft

from trustdesk.store.case_records import PersonFacts
from trustdesk.store.folding import booking_key, fold
from trustdesk.store.search import SearchQuery
from trustdesk.store.store import Store

PEOPLE = [
    ("NH-2026-0412", "María Peña"),
    ("NH-2026-0413", "José Nuñez"),
    ("hfd-26-4410", "Łukasz Østergård"),
    ("BR-1", "Zoë Ångström-Müller"),
    ("BR-2", "Maria Penalver"),
    ("BR-3", "Nguyễn Văn An"),
    ("BR-4", "O'Brien, Siobhán"),
    ("BR-5", "50% Discount_Guy"),
]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("María PEÑA", "maria pena"),
        ("  Łukasz   Østergård ", "lukasz ostergard"),
        ("Straße", "strasse"),
        ("Nguyễn", "nguyen"),
        ("Ærø", "aero"),
        ("ﬁnn", "finn"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_booking_key() -> None:
    assert booking_key(" hfd-26-4410 ") == "HFD-26-4410"


@pytest.fixture
def filled(store: Store) -> Store:
    ann = actor(add_user(store, "ann", "officer"))
    bob = actor(add_user(store, "bob", "officer"))
    for number, (booking, name) in enumerate(PEOPLE):
        store.decisions.add(
            draft(
                person=PersonFacts(booking, name),
                decision_time=T0 + timedelta(days=number),
                outcome="honor" if number % 2 == 0 else "decline",
                opens_hold=number % 2 == 0,
            ),
            ann if number < 4 else bob,
            T0,
        )
    return store


def names(store: Store, **query: object) -> list[str]:
    return sorted(row.name for row in store.search.decisions(SearchQuery(**query)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("pena", ["Maria Penalver", "María Peña"]),
        ("PEÑA", ["Maria Penalver", "María Peña"]),
        ("maría peña", ["Maria Penalver", "María Peña"]),
        ("peña maría", ["Maria Penalver", "María Peña"]),
        ("ía pe", ["Maria Penalver", "María Peña"]),
        ("nunez", ["José Nuñez"]),
        ("ostergard", ["Łukasz Østergård"]),
        ("ÅNGSTRÖM", ["Zoë Ångström-Müller"]),
        ("muller", ["Zoë Ångström-Müller"]),
        ("nguyen van", ["Nguyễn Văn An"]),
        ("an", ["Nguyễn Văn An", "O'Brien, Siobhán", "Zoë Ångström-Müller"]),  # short: a scan
        ("siobhan o'b", ["O'Brien, Siobhán"]),
        ("50%", ["50% Discount_Guy"]),
        ("t_g", ["50% Discount_Guy"]),
        ("%", ["50% Discount_Guy"]),
        ('"', []),
        ("zzz", []),
    ],
)
def test_partial_name_search(filled: Store, fragment: str, expected: list[str]) -> None:
    assert names(filled, name=fragment) == expected


def test_other_filters(filled: Store) -> None:
    assert names(filled, booking_number="hfd-26-4410") == ["Łukasz Østergård"]
    assert names(filled, booking_number="HFD-26-4410 ") == ["Łukasz Østergård"]
    assert names(filled, booking_number="HFD") == []
    assert len(names(filled, outcome="honor")) == 4
    assert names(filled, officer="bob", outcome="decline") == ["50% Discount_Guy", "Nguyễn Văn An"]
    window = names(
        filled, decided_from=T0 + timedelta(days=2), decided_before=T0 + timedelta(days=4)
    )
    assert window == ["Zoë Ångström-Müller", "Łukasz Østergård"]
    assert len(filled.search.decisions(SearchQuery(limit=3))) == 3
    newest = filled.search.decisions(SearchQuery())[0]
    assert newest.name == PEOPLE[-1][1]


def test_a_corrected_name_still_finds_the_decision(filled: Store) -> None:
    first = filled.search.decisions(SearchQuery(name="Penalver"))[0]
    sam = actor(add_user(filled, "sam", "supervisor"))
    filled.decisions.amend(
        first.decision_id,
        draft(person=PersonFacts("BR-2", "Maria Peñalver Ruiz")),
        reason="second surname",
        author=sam,
        at=T0,
    )
    hits = filled.search.decisions(SearchQuery(name="penalver"))
    assert [(h.decision_id, h.version, h.name) for h in hits] == [
        (first.decision_id, 2, "Maria Peñalver Ruiz")
    ]


@pytest.mark.parametrize("fragment", ["pena", "ma", "ostergard", "an"])
def test_both_search_strategies_agree(
    filled: Store, fragment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.store import search

    by_lookup = filled.search.decisions(SearchQuery(name=fragment, limit=3))
    monkeypatch.setattr(search, "LOOKUP_LIMIT", 0)  # many matches: walk by date instead
    assert filled.search.decisions(SearchQuery(name=fragment, limit=3)) == by_lookup


@pytest.mark.sqlite_only("about SQLite's FTS5 index; on a server LIKE uses pg_trgm or scans")
def test_search_without_the_trigram_index_falls_back_to_a_scan(filled: Store) -> None:
    with filled.db.transaction() as conn:
        conn.execute("UPDATE meta SET value = 'none' WHERE key = 'search_index'")
    assert names(filled, name="pena") == ["Maria Penalver", "María Peña"]
    assert names(filled, name="ostergard") == ["Łukasz Østergård"]
