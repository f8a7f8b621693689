"""Child process of the crash test: saves decisions in a loop until it is killed.

Usage: crash_child.py DATA_DIR DRAFT.json MODE OFFICER_ID
MODE ``correct`` prints each decision id only after ``decisions.add`` has returned
(the commit is durable); MODE ``broken`` deliberately acknowledges *before* saving, the
bug the crash test must be able to catch. Imports only the store, to start fast, and
prints ``started`` once its imports are done, so the parent can time most kills from there
rather than from the spawn (on a loaded machine the start-up alone can outlast the window).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from storekit import draft_from_json

from trustdesk.store.case_records import PersonFacts
from trustdesk.store.records import Actor
from trustdesk.store.store import Store

STARTED = "started"


def main() -> None:
    data_dir, draft_path, mode, officer_id = sys.argv[1:5]
    template = draft_from_json(Path(draft_path).read_text(encoding="utf-8"))
    officer = Actor(int(officer_id), "ann", "crash-child")
    out = sys.stdout
    out.write(f"{STARTED}\n")
    out.flush()
    store = Store.open(data_dir)
    number = 0
    while True:
        number += 1
        value = replace(
            template, person=PersonFacts(f"CR-{os.getpid()}-{number}", f"Crash Test {number}")
        )
        if mode == "broken":
            expected = store.db.conn.execute(
                "SELECT ifnull(max(id), 0) + 1 FROM decisions"
            ).fetchone()[0]
            out.write(f"{expected}\n")
            out.flush()
            store.decisions.add(value, officer, datetime.now(UTC))
        else:
            saved = store.decisions.add(value, officer, datetime.now(UTC))
            out.write(f"{saved.record.decision_id}\n")
            out.flush()


if __name__ == "__main__":
    main()
