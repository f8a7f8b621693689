"""A verification runs with Python's cyclic garbage collector paused (decision 0076).

The collector ran every 700 new containers while a verification made tens of millions
of row tuples, and walked the entries' objects a part keeps again and again: about 7 %
of a span's CPU. These tests hold the pause to what it promises: off while the record is
checked, in the calling process and in a helper process; as it was afterwards, also when
the check fails or when the caller had switched it off itself.
"""

from __future__ import annotations

import gc
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from test_verify_split import six_decisions

import trustdesk.store.verify as verify_module
from trustdesk.store import verify_worker
from trustdesk.store.store import Store
from trustdesk.store.verify_worker import collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector on for the test, and on again after it whatever it did."""
    gc.enable()
    try:
        yield
    finally:
        gc.enable()


def test_the_collector_is_off_inside_and_on_again_after(collector_on: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_on_again_after_a_failure(collector_on: None) -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the check stopped")
    assert gc.isenabled()


def test_a_caller_that_switched_it_off_keeps_it_off(collector_on: None) -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_a_verification_checks_the_record_with_the_collector_off(
    store: Store, monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    six_decisions(store)
    seen: list[bool] = []
    original = verify_module._verify

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(verify_module, "_verify", watched)
    report = store.verify()
    assert report.ok and report.records > 0
    assert seen == [False]
    assert gc.isenabled()


def test_a_failing_verification_leaves_the_collector_on(
    store: Store, monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("disk gone")

    monkeypatch.setattr(verify_module, "_verify", broken)
    with pytest.raises(OSError, match="disk gone"):
        store.verify()
    assert gc.isenabled()


def test_a_helper_process_checks_its_span_with_the_collector_off(
    store: Store, monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    """The helper's own entry point (``verify_worker.main``), given its request on
    standard input as ``Helper`` writes it, checks the span with the collector off."""
    six_decisions(store)
    reader = store.db.open_reader()
    try:
        where = verify_worker.location(reader)
    finally:
        reader.close()
    assert where is not None
    backend, target = where
    seen: list[bool] = []
    original = verify_worker.check_span

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(verify_worker, "check_span", watched)
    monkeypatch.setattr(verify_worker, "fast_span", lambda *args: None)
    request = {"backend": backend, "target": target, "after": 0, "upto": 3}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(request)))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert verify_worker.main() == 0
    assert seen == [False]
    assert json.loads(out.getvalue())["entries"] == 3
