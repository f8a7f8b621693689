"""A desk that saves decisions in a loop, for the load and fault tests (a child process).

Usage: desk_child.py DATABASE_URL DRAFT.json OFFICER_ID COUNT STOP_FILE
Saves COUNT decisions (0: until STOP_FILE exists), each with its own booking number, and
prints ``ok RECORD_ID BOOKING`` only after ``decisions.add`` has returned (the commit is
acknowledged). While the server is unreachable a save fails with ``ServerUnavailable``:
the desk prints ``down BOOKING`` and goes on with the next decision after a short pause
(that booking may or may not have been recorded: the server may have committed it just
before the connection broke). Any other error ends the process with a traceback, which
the test reports. Imports only the store, to start fast.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from storekit import draft_from_json

from trustdesk.store.case_records import PersonFacts
from trustdesk.store.errors import ServerUnavailable
from trustdesk.store.records import Actor
from trustdesk.store.store import Store

PAUSE = 0.05  # seconds between attempts while the server is down


def main() -> None:
    url, draft_path, officer_id, count_text, stop_path = sys.argv[1:6]
    template = draft_from_json(Path(draft_path).read_text(encoding="utf-8"))
    officer = Actor(int(officer_id), f"desk{officer_id}", f"load-{os.getpid()}")
    count, stop = int(count_text), Path(stop_path)
    out = sys.stdout
    store = None
    number = 0
    while (count and number < count) or (not count and not stop.exists()):
        number += 1
        booking = f"LD-{os.getpid()}-{number}"
        value = replace(template, person=PersonFacts(booking, f"Load Test {number}"))
        try:
            if store is None:
                store = Store.open(database=url)
            saved = store.decisions.add(value, officer, datetime.now(UTC))
        except ServerUnavailable:
            out.write(f"down {booking}\n")
            out.flush()
            time.sleep(PAUSE)
            continue
        out.write(f"ok {saved.record.id} {booking}\n")
        out.flush()
    if store is not None:
        store.close()


if __name__ == "__main__":
    main()
