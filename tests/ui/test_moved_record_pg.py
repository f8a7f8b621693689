"""The desktop app started on a data folder whose record `store migrate` moved onto a
server, without the server setting: it said nothing and began a second history of the
same store there. Now it stops with a plain dialog saying where the record lives and how
to go on, and opens nothing (store/moved.py, decision 0082)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from storekit import Clock, open_desk
from uikit import Answers

from trustdesk.store.postgresql.connection import describe
from trustdesk.store.transfer import migrate


def test_the_app_on_a_moved_folder_says_where_the_record_is(
    tmp_path: Path,
    rules: Any,
    pg_cluster: Any,
    monkeypatch: pytest.MonkeyPatch,
    answers: Answers,
) -> None:
    from trustdesk.ui.app import application, run_app

    desk = tmp_path / "desk"
    open_desk(desk, rules, Clock()).services.close()
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    migrate(desk, url, lambda line: None)
    kept = (desk / "trustdesk.db").read_bytes()
    config = tmp_path / "machine" / "config.toml"  # no database setting on this machine
    config.parent.mkdir()
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(config))
    monkeypatch.delenv("TRUSTDESK_DATABASE", raising=False)

    # Were a window opened (as before), it closes at once instead of waiting for a person.
    assert run_app(str(desk), when_ready=application().quit) == 2
    assert len(answers.errors) == 1
    said = answers.errors[0]
    assert said.startswith(f"the record in {desk} was moved on ")
    assert describe(url) in said and "set `database` in the machine config" in said
    assert "Traceback" not in said
    assert (desk / "trustdesk.db").read_bytes() == kept
