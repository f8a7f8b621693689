"""The decision store of one data folder: open it, use its repositories, close it."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from trustdesk.store.agency import AgencyRepository
from trustdesk.store.audit import AuditRepository
from trustdesk.store.encoding import utc_text
from trustdesk.store.records import Actor, AuditEvent
from trustdesk.store.users import UserRepository

TYPE_CHECKING = False
if TYPE_CHECKING:
    from trustdesk.store import backup as backups
    from trustdesk.store.backend import Database
    from trustdesk.store.checks import Problem
    from trustdesk.store.contacts import ContactRepository
    from trustdesk.store.database import Database as SqliteDatabase
    from trustdesk.store.decisions import DecisionRepository
    from trustdesk.store.drafts import DraftRepository
    from trustdesk.store.holds import HoldRepository
    from trustdesk.store.identity import StoreSummary
    from trustdesk.store.memo_history import AsOf
    from trustdesk.store.moved import MovedOut
    from trustdesk.store.rescue import LeftAside
    from trustdesk.store.reviews import ReviewRepository
    from trustdesk.store.rollback import Rollback
    from trustdesk.store.search import SearchRepository
    from trustdesk.store.verify import VerifyReport


class Store:
    """Repositories over one open database; every write carries its audit entry."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # What signing in needs; the other repositories are built on first use, so the
        # desktop app's first window does not wait for their modules.
        self.audit = AuditRepository(db)
        self.users = UserRepository(db)
        self.agency = AgencyRepository(db)

    @cached_property
    def decisions(self) -> DecisionRepository:
        from trustdesk.store.decisions import DecisionRepository

        return DecisionRepository(self.db)

    @cached_property
    def reviews(self) -> ReviewRepository:
        from trustdesk.store.reviews import ReviewRepository

        return ReviewRepository(self.db)

    @cached_property
    def holds(self) -> HoldRepository:
        from trustdesk.store.holds import HoldRepository

        return HoldRepository(self.db)

    @cached_property
    def search(self) -> SearchRepository:
        from trustdesk.store.search import SearchRepository

        return SearchRepository(self.db)

    @cached_property
    def contacts(self) -> ContactRepository:
        from trustdesk.store.contacts import ContactRepository

        return ContactRepository(self.db)

    @cached_property
    def drafts(self) -> DraftRepository:
        from trustdesk.store.drafts import DraftRepository

        return DraftRepository(self.db)

    @classmethod
    def open(
        cls,
        data_dir: Path | str | None = None,
        *,
        database: str | None = None,
        window: bool = False,
        moved_ok: bool = False,
    ) -> Store:
        """Open the store: on the PostgreSQL server of ``database`` (a ``postgresql://``
        URL) when given, else (creating it on first use) the SQLite database in
        ``data_dir`` or the default folder. ``data_dir`` keeps the local files either way.
        ``window``: the desktop app's open of a data folder, refused while another
        window has that folder. A folder whose record ``store migrate`` moved onto a
        server is refused (RecordMoved, store/moved.py) unless ``moved_ok``: a use that
        only reads it and records its own check.
        """
        if database:
            from trustdesk.config.dburl import server_url
            from trustdesk.store.postgresql.database import PgDatabase

            return cls(PgDatabase.open(server_url(database), data_dir))
        from trustdesk.store.database import Database as SqliteDatabase

        store = cls(SqliteDatabase.open(data_dir, window=window))
        if not moved_ok:
            try:
                store._refuse_moved()
            except BaseException:
                store.close()  # its locks too: the refusal leaves the folder as it was
                raise
        return store

    def moved(self) -> MovedOut | None:
        """The data folder's record was moved onto a server at this entry; None when
        not (and always on a server: its chain goes on after ``store.migrated_in``)."""
        if self.db.backend != "sqlite":
            return None
        from trustdesk.store.moved import moved_out

        with self.db.reading() as conn:
            return moved_out(conn)

    def _refuse_moved(self) -> None:
        moved = self.moved()
        if moved is not None:
            from trustdesk.store.errors import RecordMoved
            from trustdesk.store.moved import refusal

            raise RecordMoved(refusal(self.data_dir, moved))

    @property
    def backend(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.db.backend

    def waiting_briefly(self) -> contextlib.AbstractContextManager[None]:
        """Writers wait only a moment for their turn meanwhile (backend.Database's)."""
        return self.db.waiting_briefly()

    def server_administrator(self) -> tuple[bool, str] | None:
        """On a database server: (whether this connection's role administers the records,
        the role); None for the data folder's own database (its folder's owner does)."""
        administrator = getattr(self.db, "administrator", None)
        return None if administrator is None else administrator()

    @property
    def data_dir(self) -> Path:
        return self.db.data_dir

    @property
    def path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def integrity_check(self) -> list[str]:
        if self.db.backend != "sqlite":
            # The server checks its own pages (data checksums); reaching it is the test.
            with self.db.reading() as conn:
                conn.execute("SELECT 1").fetchone()
            return ["ok"]
        with self.db.reading() as conn:
            return [row[0] for row in conn.execute("PRAGMA integrity_check")]

    def memo_history(self, audit_seq: int, user_ids: tuple[int, ...]) -> AsOf:
        """The agency profile and the printed names and badges of ``user_ids`` in force
        just before audit entry ``audit_seq``, as far as their history reaches back
        (store/memo_history.py). ``MemoFactsBroken`` when a row it would give is not the
        one its entry vouches for, or is missing."""
        from trustdesk.store import memo_history

        with self.db.reading() as conn:
            return memo_history.as_of(conn, audit_seq, user_ids)

    def check_record(self, audit_seq: int) -> tuple[Problem, ...]:
        """The decision version written at audit entry ``audit_seq`` against that entry.

        Its columns, person, detainer and answers are hashed again and compared with the
        digests the entry recorded: any edit of the stored row is found without replaying
        the whole chain (``verify`` does that, for ``audit verify``). Empty when intact.
        """
        from trustdesk.store.checks import Checker

        with self.db.reading() as conn:
            checker = Checker(conn, upto=audit_seq, after=audit_seq - 1)
            if checker.decision_rows() == 0:
                checker.problem(audit_seq, f"audit entry {audit_seq} wrote no decision record")
        return tuple(checker.problems)

    def verify(self, *, upto: int | None = None) -> VerifyReport:
        """Replay the audit chain and check every record against it (see store.verify).

        The whole record's check ends with the name index (FTS5's own check, a write
        command) and this workstation's anchor, through the writer. On SQLite they run
        in a thread of their own while the snapshot is verified: the index check is
        one long statement that holds no lock Python needs, and run after the
        verification it left a core idle for about a second per 1,000,000 people
        (decision 0055)."""
        from trustdesk.store.verify import Problem, verify

        late: _WriterChecks | None = None
        if upto is None:
            late = _WriterChecks(self.db)
            if self.db.backend == "sqlite":
                late.start()
        reader = self.db.open_reader()
        try:
            with self.db.translating():
                reader.execute("BEGIN")  # one snapshot; saves go on meanwhile
                # A snapshot of committed data: a helper process may share the work.
                report = verify(reader, upto=upto, helper=True)
        finally:
            reader.close()
            if late is not None:
                late.finish()  # its outcome waits for the snapshot's (an error: raised)
        if late is None:
            return report
        damage, rolled_back = late.result()
        if damage is not None and damage in report.problems:
            damage = None  # a table gone, said once (the snapshot's check met it too)
        found = [] if damage is None else [damage]
        if rolled_back is not None:
            # First: it explains whatever else looks missing.
            found.insert(0, Problem(*rolled_back))
            report = replace(report, problems=(found[0], *report.problems, *found[1:]))
        elif found:
            report = replace(report, problems=(*report.problems, *found))
        return report

    def _file_db(self) -> SqliteDatabase:
        # Only after _refuse_on_server: the SQLite database (or a view of it, stoppable).
        return self.db  # type: ignore[return-value]

    def _refuse_on_server(self, what: str) -> None:
        if self.db.backend != "sqlite":
            from trustdesk.store.errors import SERVER_BACKUP_ADVICE, NotOnServer

            raise NotOnServer(
                f"TrustDesk makes no {what} files of {self.db.where()}: {SERVER_BACKUP_ADVICE}"
            )

    def backup(
        self, target: Path, actor: Actor, at: datetime, *, sweep: bool = True
    ) -> backups.BackupInfo:
        """Write a backup to the new file ``target`` and record it in the audit.

        Its start is recorded before anything is copied (``backup.started``, naming the
        file) and its end after (``backup.created``, or ``backup.failed``): a backup killed
        in between (kill -9, a power cut) is in the record, and the next one finds what it
        left (store/backup_unfinished.py; ``sweep``: look first, not done by a restore's
        own copy). What the look found is said in the returned ``notes``."""
        from trustdesk.store import backup as backups
        from trustdesk.store.lock import backup_running

        self._refuse_on_server("backup")
        db = self._file_db()
        target = backups.check_target(db, target)
        notes = self._unfinished_backups(actor, at) if sweep else ()
        with backup_running(db.data_dir):
            about = {"file": str(target)}
            started = self.audit.record(AuditEvent("backup.started", "success", about), actor, at)
            try:
                info = backups.create_backup(db, target, at)
            except BaseException as exc:
                failed = {"started_seq": started.seq, "reason": backups.failure_reason(exc)}
                # Not recorded (the database itself failing): the start stays open, and
                # the next backup finds what this one left.
                with contextlib.suppress(Exception):
                    self.audit.record(AuditEvent("backup.failed", "failure", failed), actor, at)
                raise
            event = AuditEvent(
                "backup.created",
                "success",
                {
                    "file_sha256": info.sha256,
                    "size": info.size,
                    "head_seq": info.head_seq,
                    "head_hash": info.head_hash,
                    "decisions": info.decisions,
                    "started_seq": started.seq,
                },
            )
            try:
                self.audit.record(event, actor, at)
            except BaseException:
                # An unrecorded copy of the records must not exist.
                info.path.unlink(missing_ok=True)
                raise
        return replace(info, notes=notes)

    def _unfinished_backups(self, actor: Actor, at: datetime) -> tuple[str, ...]:
        """Record (``backup.unfinished``) each earlier backup that started and never ended,
        with what it left, deleting its partial copies; what to tell the person. Only while
        no backup runs anywhere on the folder (else nothing is looked at this time)."""
        from trustdesk.store import backup_unfinished as unfinished
        from trustdesk.store.lock import no_backup_running

        notes = []
        with no_backup_running(self.data_dir) as none_running:
            if not none_running:
                return ()
            for start in unfinished.open_starts(self.audit):
                found = unfinished.look(start, self.audit)
                about = found.audit_objects()
                self.audit.record(AuditEvent("backup.unfinished", "failure", about), actor, at)
                notes.append(found.words())
        return tuple(notes)

    def server_time(self) -> datetime | None:
        """A database server's clock now; None for the data folder's own file (this
        machine's clock is the only one)."""
        server_time = getattr(self.db, "server_time", None)
        return None if server_time is None else server_time()

    def anchor_problem(self) -> tuple[int, str] | None:
        """(entry, what is wrong) when the record no longer holds the chain head this
        workstation last saw (put back to an older backup, or rewritten); None when it
        does, or nothing is anchored yet. Two small reads: a desk asks at each refresh."""
        with self.db.reading() as conn:
            return self.db.anchor.problem(conn)

    def re_anchor(self, reason: str, actor: Actor, at: datetime) -> None:
        """Anchor this workstation on the chain now in place (shorter after a restore), and
        record that it was done, with the head it replaces."""
        with self.db.reading() as conn:
            before, now = self.db.anchor.reset(conn)
        about: dict[str, object] = {"reason": reason}
        if now is not None:
            about.update(seq=now.seq, hash=now.hash)
        if before is not None:
            about.update(previous_seq=before.seq, previous_hash=before.hash)
        self.audit.record(AuditEvent("anchor.reset", "success", about), actor, at)

    def summary(self) -> StoreSummary:
        """What this store holds (identity, counts, dates, chain head), for a restore."""
        from trustdesk.store.identity import summarize

        with self.db.reading() as conn:
            return summarize(conn)

    def restore(
        self,
        check: backups.BackupCheck,
        actor: Actor,
        at: datetime,
        *,
        other_store_ok: bool = False,
        discard_newer: bool = False,
        left_aside: LeftAside | None = None,
    ) -> backups.BackupInfo:
        """Replace the live database with a checked backup; the old one is kept as a backup.

        A backup of another store (another agency's records, or records whose identity
        cannot be confirmed) is refused unless ``other_store_ok``; the refusal is audited.
        A backup that lacks entries the live chain holds (an older backup: its decisions,
        memos… would leave the record) is refused unless ``discard_newer`` (decision
        0066). Both the kept copy and the restored database record what replaced what,
        and what left the record. ``left_aside``: what left the record of a changed
        database set aside before this restore into a fresh one (confirmed by the caller),
        recorded as this restore's, with the file that holds it. Returns the backup made of
        the database that was replaced.
        """
        self._refuse_on_server("restore")
        # Other programs with the folder open would go on writing into the replaced file.
        with self._file_db().alone("restore a backup"):
            return self._restore(
                check,
                actor,
                at,
                other_store_ok=other_store_ok,
                discard_newer=discard_newer,
                left_aside=left_aside,
            )

    def _restore(
        self,
        check: backups.BackupCheck,
        actor: Actor,
        at: datetime,
        *,
        other_store_ok: bool,
        discard_newer: bool,
        left_aside: LeftAside | None = None,
    ) -> backups.BackupInfo:
        from trustdesk.store import backup as backups
        from trustdesk.store.errors import OtherStore

        self._refuse_on_server("restore")
        self._refuse_damaged()
        live = self.summary()
        other = not live.empty and not live.same_store(check.summary)
        identities = {
            **live.audit_objects("replaced"),
            **check.summary.audit_objects("backup"),
            "other_store": other,
        }
        if other and not other_store_ok:
            refused = AuditEvent(
                "restore.refused", "failure", {"reason": "other store", **identities}
            )
            self.audit.record(refused, actor, at)
            raise OtherStore(other_store_message(check, live))
        # A copy of these records shares their chain up to the older head of the two. An
        # entry of the backup that differs from this store's own at the same position
        # means records this store never held: the backup was altered (its chain rewritten
        # consistently, which its own checks cannot see), or it comes from a history an
        # earlier restore left behind (decision 0061).
        diverged = None if other or live.empty else self._diverged_at(check)
        # What the live record holds that the backup does not: it would leave the record
        # (kept only in the copy of the replaced database), and memos printed from it
        # would no longer match (decision 0066).
        rollback = None if other or live.empty else self.rollback_of(check)
        aside = left_aside if live.empty else None
        if rollback is None and aside is not None:
            rollback = aside.rollback
        if aside is not None:
            discard_newer = True  # what left the file set aside was confirmed before it was
        lost = {} if rollback is None else rollback.audit_objects()
        leaving = (
            ""
            if rollback is None
            else f" Restoring it would take out of the live record {rollback.words()}."
        )
        if diverged is not None and not other_store_ok:
            refused = AuditEvent(
                "restore.refused",
                "failure",
                {"reason": "chain differs", "entry": diverged, **identities, **lost},
            )
            self.audit.record(refused, actor, at)
            raise OtherStore(
                f"{check.path} cannot be restored: its audit entry {diverged} differs from "
                "this store's own entry at that position, so it holds records this store "
                "never held (the backup was altered, or it comes from a history an earlier "
                f"restore left behind).{leaving} The live database was not changed. If this "
                "backup is really the one to restore, run the restore again with "
                "--replace-with-other-store"
            )
        # Checked after the backup itself (prepare_restore verifies it), so that a backup
        # that cannot be restored anyway is not first refused for what it lacks.
        prepared = backups.prepare_restore(check, self.data_dir)
        try:
            if rollback is not None and diverged is None and not discard_newer:
                self._refuse_rollback(check, rollback, identities, actor, at)
            # A restore killed before its swap left its prepared copy; under the folder
            # held alone, any other such copy is a dead one's (recorded just below).
            cleared = backups.clear_prepared(self.data_dir, keep=prepared)
            about = {
                "file_sha256": check.sha256,
                "backup_head_seq": check.head_seq,
                "backup_head_hash": check.head_hash,
                "backup_made_at": check.made_at,
                **identities,
                "confirmed_other_store": other and other_store_ok,
                "confirmed_discard_newer": rollback is not None,
                **lost,
            }
            if cleared:
                about["killed_restore_copies_removed"] = cleared
            self.audit.record(AuditEvent("restore.replacing", "success", about), actor, at)
            stamp = utc_text(at).replace(":", "").replace("-", "").replace(".", "")
            replaced = self.backup(
                self.data_dir / f"trustdesk-replaced-{stamp}.db", actor, at, sweep=False
            )
            done = {
                **about,
                "replaced_file": replaced.path.name,
                "replaced_file_sha256": replaced.sha256,
                "replaced_head_seq": replaced.head_seq,
            }
            if aside is not None and aside.kept_in is not None:
                done["rolled_back_kept_in"] = aside.kept_in  # where what left is (not the copy)
            if aside is not None and not aside.counted:
                done["rolled_back_uncounted"] = True  # its log could not say what left it
            # Recorded in the file that goes in, before it goes in: a restore stopped right
            # after the swap (killed, a power cut) left no trace of itself in the record
            # it made, nor of what left (a hostile pass).
            backups.record_in(prepared, AuditEvent("restore.completed", "success", done), actor, at)
            backups.swap_in(self._file_db(), prepared)
        finally:
            prepared.unlink(missing_ok=True)
        self.re_anchor("restore", actor, at)
        return replaced

    def _refuse_rollback(
        self,
        check: backups.BackupCheck,
        rollback: Rollback,
        identities: dict[str, object],
        actor: Actor,
        at: datetime,
    ) -> None:
        """Refuse (audited) an older backup's restore unconfirmed: say what would leave."""
        from trustdesk.store.errors import RestoreRefused

        about = {"reason": "newer records", **identities, **rollback.audit_objects()}
        self.audit.record(AuditEvent("restore.refused", "failure", about), actor, at)
        raise RestoreRefused(
            f"{check.path} is older than the live record: restoring it would take out of "
            f"the live record {rollback.words()}, and memos printed from them would no "
            "longer be found in it. The live database was not changed. If these records "
            "are really to leave it (they are kept in a copy of the replaced database), "
            "run the restore again with --discard-newer"
        )

    def rollback_of(self, check: backups.BackupCheck) -> Rollback | None:
        """The live entries the backup ``check`` does not hold (None: it holds them all)."""
        from trustdesk.store.rollback import rollback_of

        self._refuse_on_server("restore")
        with self._file_db().reading() as conn:
            return rollback_of(conn, check.path, check.head_seq)

    def _diverged_at(self, check: backups.BackupCheck) -> int | None:
        """The position up to which the backup and the live chain must agree (the older
        head of the two), if their entries there differ; None if they agree."""
        from trustdesk.store import backup as backups

        head = self.audit.head()[0]
        seq = min(head, check.head_seq)
        if seq < 1:
            return None
        mine = self.audit.entry(seq)
        theirs = backups.hash_at(check, seq)
        return None if mine is not None and mine.hash == theirs else seq

    def _refuse_damaged(self) -> None:
        """Raise DatabaseCorrupt if SQLite finds the live database damaged, before a
        restore writes anything into it: the damaged file is then set aside exactly as it
        was found (services.records.restore_over_damaged), this restore's entries in the
        restored database alone. The copy kept of a sound database is then checked whole
        (SQLite's integrity_check, in backup); this is the cheaper check of every page."""
        from trustdesk.store.errors import RESTORE_ADVICE, DatabaseCorrupt

        with self.db.reading() as conn:
            found = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if found != ["ok"]:
            raise DatabaseCorrupt(
                f"{self.db.where()} is damaged (SQLite's check found: {found[0]}); "
                f"nothing was written into it. To restore over it, {RESTORE_ADVICE}."
            )


def other_store_message(check: backups.BackupCheck, live: StoreSummary) -> str:
    """The refusal of another store's backup: whose records each holds, and the way on."""
    theirs = check.summary
    why = (
        f"it holds the records of {theirs.agency or 'an agency not named'} (store "
        f"{theirs.store_id or 'unknown: ' + str(theirs.problem)}), not this data folder's "
        f"{live.agency or 'agency not named'} (store "
        f"{live.store_id or 'unknown: ' + str(live.problem)})"
    )
    return (
        f"{check.path} cannot be restored: {why}. The live database was not changed. If "
        "these records are really to be replaced by that store's, run the restore again "
        "with --replace-with-other-store"
    )


class _WriterChecks:
    """``Store.verify``'s checks through the writer (the name index, the anchor), in a
    thread beside the snapshot's verification (``start``) or in the caller's
    (``result`` without ``start``)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.thread: threading.Thread | None = None
        self.found: tuple[Any, tuple[int, str] | None] | None = None
        self.error: BaseException | None = None

    def _run(self) -> None:
        from trustdesk.store.schema_gone import schema_gone
        from trustdesk.store.verify import Problem, search_index_problem

        rolled_back = None
        try:
            with self.db.transaction() as writer:
                # The anchor first: it alone finds a chain rewritten or rolled back whole,
                # and it reads only the log; a table of the name index's check renamed
                # away must not take its finding with it.
                rolled_back = self.db.anchor.problem(writer)
                index = search_index_problem(writer)
        except BaseException as exc:  # handed to the caller by result()
            gone = schema_gone(exc) if isinstance(exc, Exception) else None
            if gone is None:
                self.error = exc
                return
            index = Problem(None, gone)
        self.found = (index, rolled_back)

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="verify-writer-checks")
        self.thread.start()

    def finish(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def result(self) -> tuple[Any, tuple[int, str] | None]:
        if self.thread is None:
            self._run()
        if self.error is not None:
            raise self.error
        assert self.found is not None
        return self.found
