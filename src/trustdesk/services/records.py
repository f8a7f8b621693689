"""The records themselves: verifying the audit trail, exporting it, backups and restores."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import AuthenticationFailed, InvalidRequest, PermissionDenied
from trustdesk.services.permissions import ADMINISTRATOR, Operation
from trustdesk.store import backup as backups
from trustdesk.store.audit import COLUMNS
from trustdesk.store.backup import BackupCheck, BackupInfo
from trustdesk.store.encoding import canonical_json
from trustdesk.store.files import new_file
from trustdesk.store.records import Actor, AuditEntry
from trustdesk.store.verify import VerifyReport

EXPORT_FORMATS = ("jsonl", "csv")


def _entry_dict(entry: AuditEntry) -> dict[str, object]:
    return {column: getattr(entry, column) for column in COLUMNS}


def _lines(entries: Iterator[AuditEntry], fmt: str) -> Iterator[str]:
    if fmt == "jsonl":
        for entry in entries:
            yield canonical_json(_entry_dict(entry)) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow(["" if v is None else v for v in _entry_dict(entry).values()])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


class RecordsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def verify(self, session: Session) -> VerifyReport:
        """Check the whole trail; the result itself is recorded (success or failure)."""
        self.ctx.authorize(session, Operation.AUDIT_VERIFY)
        report = self.store.verify()
        first = report.first
        self.ctx.audit(
            "audit.verified",
            session,
            "success" if report.ok else "failure",
            entries=report.entries,
            head_seq=report.head_seq,
            head_hash=report.head_hash,
            problems=len(report.problems),
            first_broken=None if first is None else first.seq,
        )
        return report

    def reanchor(self, session: Session) -> tuple[int, str]:
        """Accept the chain now in place as this workstation's anchor (recorded).

        For a rollback that is known to be legitimate: a backup restored from another
        computer or operating-system account, whose anchor this one never saw.
        """
        self.ctx.authorize(session, Operation.BACKUP_RESTORE)
        self.store.re_anchor("administrator", self.ctx.actor(session), self.ctx.now())
        return self.store.audit.head()

    def export(self, session: Session, fmt: str, target: Path | None, out: TextIO) -> int:
        """Write the trail as JSON lines or CSV to a new file ``target`` (or ``out``)."""
        self.ctx.authorize(session, Operation.AUDIT_EXPORT)
        if fmt not in EXPORT_FORMATS:
            raise InvalidRequest(f"format must be one of {', '.join(EXPORT_FORMATS)}")
        head_seq, head_hash = self.store.audit.head()
        count = 0
        digest = None
        if target is None:
            for line in _lines(self.store.audit.stream(head_seq), fmt):
                out.write(line)
            count = head_seq
        else:
            with new_file(target.expanduser().absolute()) as temp:
                with open(temp, "w", encoding="utf-8", newline="") as handle:
                    for line in _lines(self.store.audit.stream(head_seq), fmt):
                        handle.write(line)
                count = head_seq
            digest = backups.file_sha256(target.expanduser().absolute())
        self.ctx.audit(
            "audit.exported",
            session,
            format=fmt,
            entries=count,
            head_seq=head_seq,
            head_hash=head_hash,
            destination="file" if target is not None else "stream",
            file_sha256=digest,
        )
        return count

    def backup(self, session: Session, target: Path) -> BackupInfo:
        self.ctx.authorize(session, Operation.BACKUP_CREATE)
        return self.store.backup(target, self.ctx.actor(session), self.ctx.now())

    def check_backup(self, source: Path) -> BackupCheck:
        return backups.check_backup(source)

    def restore(self, session: Session, source: Path) -> BackupInfo:
        """Replace the live records with a checked backup (the old ones are kept as a backup)."""
        self.ctx.authorize(session, Operation.BACKUP_RESTORE)
        try:
            check = backups.check_backup(source)
        except Exception:
            self.ctx.audit("restore.refused", session, "failure")
            raise
        return self.store.restore(check, self.ctx.actor(session), self.ctx.now())

    def restore_into_empty(self, username: str, password: str, source: Path) -> BackupInfo:
        """Disaster recovery into a data folder with no accounts yet.

        There is no one to log on as here, so the person must be an active administrator
        *of the backup*, proven with their password as stored in it.
        """
        if self.store.users.count():
            raise InvalidRequest("this data folder has accounts; log on to restore (--as)")
        check = backups.check_backup(source)
        credential = backups.credential_in(check, username.strip().lower())
        hasher = self.ctx.hasher
        if credential is None:
            hasher.dummy_verify(password)
            raise AuthenticationFailed("wrong user name or password (as stored in the backup)")
        if not hasher.verify(password, credential.password_hash):
            raise AuthenticationFailed("wrong user name or password (as stored in the backup)")
        user = credential.user
        if user.role != ADMINISTRATOR or not user.active or user.locked_at is not None:
            raise PermissionDenied(
                f"{user.username} is not an active, unlocked administrator in that backup"
            )
        actor = Actor(user.id, user.username, self.ctx.workstation)
        return self.store.restore(check, actor, self.ctx.now())
