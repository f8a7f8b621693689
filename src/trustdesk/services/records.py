"""The records themselves: verifying the audit trail, exporting it, backups and restores."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from trustdesk.exports.cells import FORMULA_LEADS
from trustdesk.services.context import ServiceContext, Session, utc_now
from trustdesk.services.errors import AuthenticationFailed, InvalidRequest, PermissionDenied
from trustdesk.services.file_kinds import AUDIT_FILES, check_named_for
from trustdesk.services.permissions import ADMINISTRATOR, Operation
from trustdesk.store import backup as backups
from trustdesk.store.anchor import Anchor, AnchorProof, prove
from trustdesk.store.audit import COLUMNS
from trustdesk.store.backup import BackupCheck, BackupInfo
from trustdesk.store.encoding import canonical_json
from trustdesk.store.files import check_new, new_file, write_error
from trustdesk.store.identity import StoreSummary
from trustdesk.store.records import Actor, AuditEntry, AuditEvent, User
from trustdesk.store.rollback import Rollback
from trustdesk.store.verify import VerifyReport

if TYPE_CHECKING:
    from trustdesk.services.passwords import PasswordHasher
    from trustdesk.store.rollback import Rollback

EXPORT_FORMATS = ("jsonl", "csv")

#: How a field of the audit CSV may not begin as written: with what a spreadsheet runs as
#: a formula, or with the apostrophe that marks a field neutralised (decision 0090).
_CSV_MARKED = (*FORMULA_LEADS, "'")


def _entry_dict(entry: AuditEntry) -> dict[str, object]:
    return {column: getattr(entry, column) for column in COLUMNS}


def csv_field(value: object) -> str:
    """A field of the audit CSV: the record's text (None empty), with one apostrophe
    before a text a spreadsheet would run as a formula, or read as a number other than
    the text (``_lost_as_a_number``), or that begins with an apostrophe itself. A reader
    takes one leading apostrophe off every field that has one and has the record's text
    exactly. (A kept decision's ``workstation`` is its officer's to write, and Excel ran
    ``=HYPERLINK(…)`` there: a hostile pass.)"""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_CSV_MARKED) or _lost_as_a_number(text) else text


def _lost_as_a_number(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a number that is not ``text``: digits
    with a leading zero (the first entry's ``prev_hash``, 64 zeros, became 0) or more
    than Excel's 15 significant digits. It is marked as a formula is (decision 0090)."""
    return (
        text.isascii()
        and text.isdigit()
        and (len(text) > 15 or (len(text) > 1 and text.startswith("0")))
    )


def _lines(entries: Iterator[AuditEntry], fmt: str) -> Iterator[str]:
    if fmt == "jsonl":
        for entry in entries:
            yield canonical_json(_entry_dict(entry)) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow([csv_field(v) for v in _entry_dict(entry).values()])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


#: What a desk says above every page while the record does not hold the chain head this
#: workstation last saw (``RecordsService.rolled_back``).
ROLLED_BACK = (
    "⚠ The record is not what this workstation last saw: its audit {what}. Holds, "
    "decisions and closures recorded since may be missing from the board, and an overdue "
    "hold among them does not ring: check the paper files for holds not on the board, and "
    "ask an administrator to run `trustdesk audit verify` now. A restore made on purpose "
    "is accepted on this workstation with `trustdesk audit reanchor`."
)


#: How far this desk's clock may be from the record server's before the desk says so (s).
CLOCK_GAP_LIMIT = 60.0
#: A probe whose round trip took longer than this cannot tell the gap (s).
CLOCK_PROBE_LIMIT = 5.0


def _local_now() -> float:
    """This workstation's clock (the one every time the desk records comes from)."""
    return time.time()


def clock_gap_words(gap: float) -> str:
    """What the desk says when its clock is ``gap`` seconds behind (+) or ahead (-)."""
    minutes = max(1, round(abs(gap) / 60))
    amount = f"about {minutes} minute{'s' if minutes != 1 else ''}"
    if gap > 0:
        effect = "hold countdowns here run late and the overdue alarm rings late"
        way = "behind"
    else:
        effect = (
            "hold countdowns here end early, and the times this desk records (a release "
            "falling due after an amendment, a closure) are late by as much"
        )
        way = "ahead of"
    return (
        f"⚠ This workstation's clock is {amount} {way} the record server's: {effect}. "
        "Ask IT to set the clock (it should follow the facility's time server)."
    )


class RecordsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        #: The rollbacks each session was told of (recorded once, not at every refresh).
        self._told: set[tuple[object, ...]] = set()

    def rolled_back(self, session: Session) -> str | None:
        """What to say while the record does not hold the chain head this workstation
        last saw (its anchor): the server put back to an older backup, or the newest
        records deleted, under an open desk. Its board then lost the holds recorded since
        without a word, and an overdue one among them never rang. None while the record
        holds it. The finding is recorded once per session (``anchor.not_found``)."""
        self.ctx.authorize(session, Operation.DECISION_LIST)
        found = self.store.anchor_problem()
        if found is None:
            return None
        seq, what = found
        # Once per session: the words change as the chain grows (this entry among them).
        key = (session.user_id, session.started_at)
        if key not in self._told:
            self.ctx.audit("anchor.not_found", session, "failure", entry=seq, problem=what)
            self._told.add(key)
        return ROLLED_BACK.format(what=what)

    def clock_gap(self) -> str | None:
        """What to say while this workstation's clock is more than ``CLOCK_GAP_LIMIT``
        from the record server's; None on a data folder's own record, or within it. Every
        desk's countdowns and alarms, and the times it records, come from its own clock:
        a desk minutes behind would let an overdue hold pass unrung for as long."""
        before = _local_now()
        server = self.store.server_time()
        after = _local_now()
        if server is None or after - before > CLOCK_PROBE_LIMIT:
            return None
        gap = server.timestamp() - (before + after) / 2
        return clock_gap_words(gap) if abs(gap) > CLOCK_GAP_LIMIT else None

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

    def prove_anchors(
        self, session: Session, anchors: Sequence[tuple[str, Anchor]]
    ) -> list[AnchorProof]:
        """Check that the chain still holds every anchored head (memos, exports, backups,
        anchor files); the result is recorded, with the anchors that failed."""
        self.ctx.authorize(session, Operation.AUDIT_VERIFY)
        proofs = prove(self.store.audit, anchors)
        failed = [proof for proof in proofs if not proof.ok]
        self.ctx.audit(
            "audit.anchors_checked",
            session,
            "failure" if failed else "success",
            anchors=len(proofs),
            failed=len(failed),
            failed_entries=sorted({proof.anchor.seq for proof in failed})[:50],
        )
        return proofs

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
        if target is not None:
            check_new(target.expanduser().absolute())  # a name taken is said first
            check_named_for(target, fmt, AUDIT_FILES)
        head_seq, head_hash = self.store.audit.head()
        count = 0
        digest = None
        if target is None:
            self._stream(session, fmt, (head_seq, head_hash), out)
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

    def _stream(self, session: Session, fmt: str, head: tuple[int, str], out: TextIO) -> None:
        """Write the trail to ``out``. Entries leave the app as they are written, so the
        export is recorded before the first one, and a failure midway is recorded too
        (how many entries went out, and why): a file export, by contrast, leaves nothing
        behind until it is whole, and is recorded then."""
        about: dict[str, Any] = {"format": fmt, "head_seq": head[0], "head_hash": head[1]}
        self.ctx.audit("audit.export_started", session, destination="stream", **about)
        written = 0
        try:
            for line in _lines(self.store.audit.stream(head[0]), fmt):
                out.write(line)
                written += 1
            out.flush()
        except OSError as exc:
            reason = "broken pipe" if isinstance(exc, BrokenPipeError) else exc.strerror
            self.ctx.audit(
                "audit.exported",
                session,
                "failure",
                destination="stream",
                entries_written=written,
                reason=str(reason or exc),
                **about,
            )
            if isinstance(exc, BrokenPipeError):
                raise  # the reader stopped reading (`| head`): not the exporter's fault
            raise write_error("the audit export to the standard output", exc, partly=True) from None

    def backup(self, session: Session, target: Path) -> BackupInfo:
        self.ctx.authorize(session, Operation.BACKUP_CREATE)
        return self.store.backup(target, self.ctx.actor(session), self.ctx.now())

    def check_backup(self, source: Path) -> BackupCheck:
        return backups.check_backup(source)

    def plan_restore(self, session: Session, source: Path) -> tuple[StoreSummary, BackupCheck]:
        """What a restore of ``source`` would replace (these records) and by what."""
        self.ctx.authorize(session, Operation.BACKUP_RESTORE)
        try:
            check = backups.check_backup(source)
        except Exception:
            self.ctx.audit("restore.refused", session, "failure")
            raise
        return self.store.summary(), check

    def would_leave(self, session: Session, check: BackupCheck) -> Rollback | None:
        """What the live record holds that the backup ``check`` does not (None: nothing):
        restoring it takes that out of the record (kept in the copy of the replaced one)."""
        self.ctx.authorize(session, Operation.BACKUP_RESTORE)
        return self.store.rollback_of(check)

    def restore(
        self,
        session: Session,
        source: Path | BackupCheck,
        *,
        other_store_ok: bool = False,
        discard_newer: bool = False,
    ) -> BackupInfo:
        """Replace the live records with a checked backup (the old ones are kept as a backup).

        Another store's backup is refused unless ``other_store_ok``, an older one (the
        live record holds entries it does not) unless ``discard_newer`` (see Store.restore).
        """
        self.ctx.authorize(session, Operation.BACKUP_RESTORE)
        if isinstance(source, BackupCheck):
            check = source
        else:
            try:
                check = backups.check_backup(source)
            except Exception:
                self.ctx.audit("restore.refused", session, "failure")
                raise
        return self.store.restore(
            check,
            self.ctx.actor(session),
            self.ctx.now(),
            other_store_ok=other_store_ok,
            discard_newer=discard_newer,
        )

    def restore_into_empty(self, username: str, password: str, source: Path) -> BackupInfo:
        """Disaster recovery into a data folder with no accounts yet.

        There is no one to log on as here, so the person must be an active administrator
        *of the backup*, proven with their password as stored in it.
        """
        if self.store.users.count():
            raise InvalidRequest("this data folder has accounts; log on to restore (--as)")
        check = backups.check_backup(source)
        user = backup_administrator(check, username, password, self.ctx.hasher)
        actor = Actor(user.id, user.username, self.ctx.workstation)
        return self.store.restore(check, actor, self.ctx.now())


def backup_administrator(
    check: BackupCheck, username: str, password: str, hasher: PasswordHasher
) -> User:
    """The active administrator of the backup ``check`` whose stored password this is."""
    credential = backups.credential_in(check, username.strip().lower())
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
    return user


@dataclass(frozen=True, slots=True)
class DamagedRestore:
    """A restore over a damaged database: where the damaged files went, what came back."""

    kept: tuple[Path, ...]
    damaged: StoreSummary | None
    restored: BackupCheck


def restore_over_damaged(
    data_dir: Path | str | None,
    username: str,
    password: str,
    source: Path,
    *,
    other_store_ok: bool = False,
    readable: bool = False,
    discard_newer: bool = False,
    hasher: PasswordHasher | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> DamagedRestore:
    """Restore ``source`` into a data folder whose database is too damaged to open.

    The damaged database cannot check a password, so the person proves to be an active
    administrator *of the backup*. Whose records the damaged database held is read from
    what is left of it; if that is another store's, or cannot be read, the restore needs
    ``other_store_ok``. The damaged files are kept aside (store.rescue), then the backup
    is restored into a fresh database, whose audit records where they went.

    ``readable``: the database is not damaged in its pages but changed in its tables (a
    table renamed away), so the records in it may be read. Records made after the backup
    then leave the record only with ``discard_newer``, as in a restore over a sound
    database; where they cannot be counted, ``discard_newer`` must say so too.
    """
    from trustdesk.services import context
    from trustdesk.store.errors import OtherStore
    from trustdesk.store.paths import resolve_data_dir
    from trustdesk.store.rescue import LeftAside, damaged_summary, set_aside
    from trustdesk.store.store import Store

    folder = resolve_data_dir(data_dir)
    check = backups.check_backup(source)
    hasher = hasher if hasher is not None else context._default_hasher()
    user = backup_administrator(check, username, password, hasher)
    damaged = damaged_summary(folder)
    if (damaged is None or not damaged.same_store(check.summary)) and not other_store_ok:
        unnamed = "an agency not named"
        whose = (
            "whose records the damaged database held cannot be read"
            if damaged is None
            else f"the damaged database held the records of {damaged.agency or unnamed} "
            f"(store {damaged.store_id or 'unknown'}), the backup those of "
            f"{check.summary.agency or unnamed} (store {check.summary.store_id})"
        )
        raise OtherStore(
            f"{check.path} was not restored: {whose}. Nothing was changed. If this backup "
            "is the one to restore, run the restore again with --replace-with-other-store"
        )
    same = damaged is not None and damaged.same_store(check.summary)
    leaving, counted = (
        _leaving(folder, check, other=not same, other_ok=other_store_ok, newer_ok=discard_newer)
        if readable
        else (None, False)  # damaged in its pages: what left it cannot be counted
    )
    now = clock()
    kept = set_aside(folder, now)
    with Store.open(folder) as store:
        actor = Actor(user.id, user.username, context.ServiceContext(store, hasher).workstation)
        # What left the record of the file set aside is this restore's too (decision 0066:
        # a memo printed from it is then explained, not taken for a forgery).
        aside = LeftAside(kept.files[0].name if kept.files else None, leaving, counted)
        store.restore(check, actor, now, left_aside=aside)
        about: dict[str, object] = {
            "kept_files": [path.name for path in kept.files],
            "kept_sha256": backups.file_sha256(kept.files[0]) if kept.files else None,
            "file_sha256": check.sha256,
            "confirmed_other_store": damaged is None or not damaged.same_store(check.summary),
            **check.summary.audit_objects("backup"),
        }
        if damaged is not None:
            about.update(damaged.audit_objects("damaged"))
        if readable:
            about["confirmed_discard_newer"] = discard_newer
            if leaving is not None:
                about.update(leaving.audit_objects())
        store.audit.record(AuditEvent("restore.over_damaged", "success", about), actor, now)
    return DamagedRestore(kept.files, damaged, check)


def _leaving(
    folder: Path, check: backups.BackupCheck, *, other: bool, other_ok: bool, newer_ok: bool
) -> tuple[Rollback | None, bool]:
    """Over a database changed in its tables (still readable), what the restore would
    take out of its record, checked as over a sound one (``Store.restore``): nothing is
    counted over another store's records (``other``, confirmed by then); a backup whose
    chain differs from the file's holds records this store never held, and is restored
    only with ``other_ok``; entries the backup lacks, or a log that cannot say, leave
    the record only with ``newer_ok`` (--discard-newer). With whether they were counted
    (False: the log could not say)."""
    from trustdesk.store.errors import OtherStore, RestoreRefused
    from trustdesk.store.rescue import rollback_over

    if other:
        return None, True  # another store's records all leave, as its confirmation said
    readable, rollback = rollback_over(folder, check.path, check.head_seq)
    diverged = rollback is not None and rollback.shared_upto < min(
        rollback.head_seq, check.head_seq
    )
    if diverged and other_ok:
        return rollback, True
    if diverged and rollback is not None:
        raise OtherStore(
            f"{check.path} was not restored: its audit entry {rollback.shared_upto + 1} "
            "differs from the changed database's own entry at that position, so it holds "
            "records this store never held. Nothing was changed. If this backup is really "
            "the one to restore, run the restore again with --replace-with-other-store"
        )
    if newer_ok or (readable and rollback is None):
        return rollback, readable
    what = (
        "what it would take out of the live record cannot be read (its audit log is changed)"
        if rollback is None
        else f"restoring it would take out of the live record {rollback.words()}"
    )
    raise RestoreRefused(
        f"{check.path} was not restored over the changed database: {what}. Nothing was "
        "changed. If these records are really to leave it (they are kept in the file set "
        "aside), run the restore again with --discard-newer"
    )
