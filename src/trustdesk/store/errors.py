"""Errors of the decision store, each a plain one-line message: what, where, how to fix."""

from __future__ import annotations

#: What every damage message advises; ``trustdesk restore`` does exactly this on a data
#: folder whose database is damaged (see store/rescue.py), so the advice always works.
RESTORE_ADVICE = (
    "restore the latest backup with `trustdesk restore BACKUP --as ADMIN` (ADMIN: an "
    "administrator of that backup; the damaged files are kept beside it as "
    "trustdesk-damaged-….db)"
)


class StoreError(Exception):
    """Expected trouble with the database or the data folder."""


class NotATrustDeskDatabase(StoreError):
    """The file is empty, not SQLite, or another application's database."""


class NewerSchema(StoreError):
    """The database was written by a newer TrustDesk than this one."""


class DatabaseCorrupt(StoreError):
    """SQLite reports damage (truncated file, malformed pages, failed integrity check)."""


class AlreadyOpen(StoreError):
    """Another TrustDesk is already using the data folder (one writer only)."""


class DiskFull(StoreError):
    """The disk (or the database's size limit) is full; nothing was recorded."""


class ReadOnly(StoreError):
    """The data folder or the database file cannot be written."""


class NetworkPathRefused(StoreError):
    """The data folder is on a network file system, where SQLite locking is unreliable."""


class NotFound(StoreError):
    """No record with the given id."""


class Conflict(StoreError):
    """The record changed meanwhile (e.g. amended by someone else); reload and retry."""


class JurisdictionChanged(Conflict):
    """The agency's jurisdiction in the record is no longer the one the desk decided
    under (changed at another desk since it signed in): nothing saved; sign in again."""


class DraftGone(Conflict):
    """A new decision saved from a review's draft that is no longer in the record (its
    decision saved already, on another desk or before, or the draft discarded): nothing
    is recorded, so one review is not recorded twice (decision 0087)."""


class FileExists(StoreError):
    """A file the user named already exists; TrustDesk never overwrites a file."""


class RestoreRefused(StoreError):
    """The backup file fails a check; the live database was left untouched."""


class OtherStore(RestoreRefused):
    """The backup holds another store's records (another agency's, or of unknown origin)."""


class RecordMoved(StoreError):
    """The data folder's record was moved onto a database server (``store migrate``):
    TrustDesk does no more work in it (store/moved.py)."""


class AuditWriteFailed(StoreError):
    """The audit entry could not be written, so the action it records was not done."""


class ServerUnavailable(StoreError):
    """The database server cannot be reached (refused, lost, shut down); the transaction
    under way was rolled back whole. The next operation connects again."""


class ServerRefused(ServerUnavailable):
    """The database server answered and refused the log-on (account, password, database
    name, access rules): a setting to correct, and said so. A desk still treats it as
    the record out of reach (a kind of ``ServerUnavailable``): what the officers decide
    meanwhile is kept on the workstation, and recorded once IT has corrected it."""


class NotOnServer(StoreError):
    """A file-level operation (backup, restore) asked of a store on a database server."""


#: Why TrustDesk makes no backup files of a server's store, and what does instead.
SERVER_BACKUP_ADVICE = (
    "on a database server, back up and restore with the server's own tools (pg_dump / "
    "pg_restore, or the county's database backup); see the README's Database server section"
)


class StoreIOError(StoreError):
    """Any other input/output failure reported by SQLite or the operating system."""
