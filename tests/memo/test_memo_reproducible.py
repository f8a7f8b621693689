"""The same view-model always renders to the same bytes, whatever the clock or time zone."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from memokit import SCENARIOS, view_model

from trustdesk.memo.render import render_memo, render_notice
from trustdesk.memo.viewmodel import RecordInfo
from trustdesk.rules.registry import RuleSet

HERE = Path(__file__).resolve().parent


def test_rendering_twice_gives_identical_bytes(rules: RuleSet) -> None:
    vm = view_model(rules, SCENARIOS["ct-2025-honor"])
    assert render_memo(vm, notice_languages=("en", "es")) == render_memo(
        vm, notice_languages=("en", "es")
    )
    assert render_notice(vm, "es") == render_notice(vm, "es")


def test_a_rebuilt_view_model_renders_identically(rules: RuleSet) -> None:
    first = render_memo(view_model(rules, SCENARIOS["ct-2019-decline"]))
    assert render_memo(view_model(rules, SCENARIOS["ct-2019-decline"])) == first


def test_a_different_record_gives_different_bytes(rules: RuleSet) -> None:
    vm = view_model(rules, SCENARIOS["ct-2019-decline"])
    other = replace(vm, created_at=datetime.fromisoformat("2026-11-20T00:00:00+00:00"))
    assert render_memo(other) != render_memo(vm)
    record = RecordInfo("1042", 2, vm.verification.record_sha256, 58, vm.created_at)
    assert render_memo(view_model(rules, SCENARIOS["ct-2019-decline"], record=record)) != (
        render_memo(vm)
    )


def test_same_bytes_in_another_process_time_zone_and_locale(rules: RuleSet) -> None:
    names = ["ct-2014-honor", "ct-2025-honor"]
    here = {
        name: hashlib.sha256(
            render_memo(view_model(rules, SCENARIOS[name]), notice_languages=("en", "es"))
        ).hexdigest()
        for name in names
    }
    probe = (
        "import hashlib, json, sys\n"
        f"sys.path[:0] = [{str(HERE)!r}, {str(HERE.parent)!r}]\n"
        "import locale\n"
        "try:\n    locale.setlocale(locale.LC_ALL, '')\nexcept locale.Error:\n    pass\n"
        "from memokit import SCENARIOS, view_model\n"
        "from trustdesk.memo.render import render_memo\n"
        "from trustdesk.rules.registry import load_rules\n"
        "rules = load_rules()\n"
        f"names = {names!r}\n"
        "print(json.dumps({n: hashlib.sha256(render_memo(view_model(rules, SCENARIOS[n]), "
        "notice_languages=('en', 'es'))).hexdigest() for n in names}))\n"
    )
    env = {
        **os.environ,
        "TZ": "Asia/Kolkata",
        "LC_ALL": "C.UTF-8",
        "SOURCE_DATE_EPOCH": "1234567890",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True, env=env
    )
    assert json.loads(result.stdout.splitlines()[-1]) == here
