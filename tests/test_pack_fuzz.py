"""Thousands of mutated rule packs: refused with a RulesError, never any other exception.

Every pack that carries an unknown key is refused; other mutations may leave a valid pack
(deleting an optional field), but none may crash the loader.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustdesk import resources
from trustdesk.rules.errors import RulesError
from trustdesk.rules.packs import load_pack


@cache
def original() -> bytes:
    return resources.resource("rules", "ct-2019.json").read_bytes()


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


@cache
def all_paths() -> list[tuple[Any, ...]]:
    return paths(json.loads(original()))


WRONG_VALUES: list[Any] = [None, 3, -1, 1.5, "", "x", [], {}, [1], {"k": 1}, True]

fixture_dir = Path(os.environ.get("TRUSTDESK_CACHE_DIR", "/tmp"))


def load(data: bytes) -> None:
    path = fixture_dir / "fuzz-pack.json"
    path.write_bytes(data)
    load_pack(path)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_structural_mutations_are_refused(data: st.DataObject) -> None:
    pack = json.loads(original())
    target = data.draw(st.sampled_from(all_paths()))
    kind = data.draw(st.sampled_from(["wrong-type", "delete", "unknown-key"]))
    parent: Any = pack
    for part in target[:-1]:
        parent = parent[part]
    last = target[-1]
    current = parent[last]
    if kind == "unknown-key":
        holder = current if isinstance(current, dict) else parent
        if not isinstance(holder, dict):
            return
        holder["unexpected_field"] = 1
    elif kind == "delete":
        if not isinstance(parent, dict):
            return
        del parent[last]
    else:
        value = data.draw(st.sampled_from(WRONG_VALUES))
        if type(value) is type(current):
            return
        parent[last] = copy.deepcopy(value)
    try:
        load(json.dumps(pack).encode())
    except RulesError:
        return
    # Deleting an optional field or changing a value to another allowed one may leave a
    # valid pack; an unknown key never does.
    if kind != "unknown-key":
        return
    raise AssertionError(f"mutation {kind} at {target} was accepted")


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=4))
def test_byte_corruption_never_crashes(flips: list[tuple[int, int]]) -> None:
    data = bytearray(original())
    for position, value in flips:
        data[position % len(data)] = value
    with contextlib.suppress(RulesError):
        load(bytes(data))


@pytest.mark.parametrize(
    ("pack_id", "pointer"),
    [
        ("ct-2019", ("dates_verification",)),
        ("ct-2019", ("criteria", 0, "verification")),
        ("ct-2019", ("actions", 0, "verification")),
        ("ct-2019", ("hold_clock", "verification")),
        ("ct-2025", ("lists", 0, "entries", "53a-71")),
    ],
)
def test_an_impossible_verification_date_is_refused_in_one_line(
    pack_id: str, pointer: tuple[Any, ...]
) -> None:
    """Found by the byte fuzzer: a verification dated 2026-21-27 crashed the loader."""
    pack = json.loads(resources.resource("rules", f"{pack_id}.json").read_bytes())
    target = pack
    for step in pointer:
        target = target[step]
    target.update(status="verified", by="A", title="B", source="C", on="2026-21-27")
    with pytest.raises(RulesError, match="/on: is not a real date: 2026-21-27"):
        load(json.dumps(pack).encode())
