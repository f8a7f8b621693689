"""Long record jobs (verify, export, backup) that report progress and stop when asked.

Each job runs the very ``RecordsService`` method the CLI runs, so the checks, the file
written and the audit entry are identical; only the store it sees differs: one whose
snapshot reads look at the job's cancel flag between SQLite steps (``store.stoppable``).
That is also why a job may run on a worker thread: its long reads use their own
read-only connection, and its few writes wait for the database's writer lock. A stopped
job leaves nothing behind: files are written under a temporary name and published only
when complete (``trustdesk.newfile``), and the audit entry comes after that. A backup
alone records its start before it copies (so a killed one is in the record), and then
its stop too.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from trustdesk.services.bundle import Services
from trustdesk.services.context import Session
from trustdesk.services.jobcontrol import JobCancelled, JobControl
from trustdesk.services.records import RecordsService
from trustdesk.store.backup import BackupInfo
from trustdesk.store.stoppable import Stopped, stoppable
from trustdesk.store.verify import VerifyReport

__all__ = ["JobCancelled", "JobControl", "backup", "export", "verify"]

T = TypeVar("T")


def verify(services: Services, session: Session, control: JobControl) -> VerifyReport:
    return _run(services, control, lambda records: records.verify(session))


def export(
    services: Services, session: Session, fmt: str, target: Path, control: JobControl
) -> int:
    """Export the audit trail to the new file ``target``; the number of entries."""
    total = services.store.audit.head()[0]
    unused = io.StringIO()  # written to only when there is no target

    def work(records: RecordsService) -> int:
        return records.export(session, fmt, target, unused)

    return _run(services, control, work, total)


def backup(services: Services, session: Session, target: Path, control: JobControl) -> BackupInfo:
    def work(records: RecordsService) -> BackupInfo:
        try:
            return records.backup(session, target)
        except Exception as error:
            if control.cancelled():  # its start was recorded, and its stop after it
                raise Stopped(
                    "the backup was stopped; no backup file was kept (its start and its "
                    "stop are in the audit trail)"
                ) from error
            raise

    return _run(services, control, work)


def _run(
    services: Services,
    control: JobControl,
    work: Callable[[RecordsService], T],
    total: int = 0,
) -> T:
    ctx = services.records.ctx
    records = RecordsService(ctx.with_store(stoppable(ctx.store, control, total)))
    if control.cancelled():
        raise JobCancelled("stopped before it began; nothing was written")
    try:
        return work(records)
    except Stopped as stop:
        raise JobCancelled(str(stop)) from None
    except Exception as error:
        # SQLite's "interrupted", or whatever the interruption led to on its way out.
        if control.cancelled():
            raise JobCancelled("stopped; nothing was written and nothing recorded") from error
        raise
