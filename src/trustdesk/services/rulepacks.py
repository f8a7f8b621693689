"""Importing an agency's rule pack: administrators only, checked, installed, audited.

Importing a pack changes the law TrustDesk applies, so it is a setting of the agency
(``Operation.MANAGE_SETTINGS``, administrators only); refusals and imports are both
recorded. The audit names packs by id and SHA-256, never by the file's path (paths
often carry a person's name). A replaced imported version is kept (``rules.imports``),
so decisions made under it can still be printed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.permissions import Operation

if TYPE_CHECKING:
    from trustdesk.rules.pack_review import ImportReview
    from trustdesk.rules.registry import RuleSet
    from trustdesk.services.jobcontrol import JobControl
    from trustdesk.services.pack_alerts import ShippedChange
    from trustdesk.services.publishers import PublisherService

#: An override's reason is read by auditors: a few words at least, a paragraph at most.
REASON_MIN, REASON_MAX = 10, 500

# The rules modules are imported inside the methods: ``services.bundle`` builds this
# service for every command and window, and only an import needs them.


class RulesReplaceable(Protocol):
    """Where the rule set in force lives (the desktop app's ``RulesHolder``)."""

    def replace(self, rules: RuleSet) -> None: ...


@dataclass(frozen=True, slots=True)
class ImportedPack:
    pack_id: str
    title: str
    sha256: str
    replaced: str | None  # "ct-2025 (shipped with TrustDesk)" or None for a new version
    rules: RuleSet


class RulePackService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @property
    def folder(self) -> Path:
        """The data folder's ``rules/``: loaded at every start after the bundled packs."""
        from trustdesk.rules.imports import imported_folder

        return imported_folder(self.ctx.store.data_dir)

    def jurisdiction(self) -> str:
        """The agency's jurisdiction's code: a pack of another is refused on import (a
        California agency imports California packs)."""
        from trustdesk.services.jurisdiction import JurisdictionService

        return JurisdictionService(self.ctx).current().code

    def in_force(self) -> dict[str, str]:
        """SHA-256 → pack id of each imported version the audit chain puts in force: only
        files with one of them are applied (a file dropped into ``rules/`` by hand is not)."""
        from trustdesk.store.pack_imports import PUT_IN_FORCE, in_force

        return in_force(self.ctx.store.audit.of_events(*PUT_IN_FORCE))

    def import_signers(self) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
        """Who signed each imported version, and which keys were revoked when, from the
        open store's chain (``store.pack_imports.signers_of``; on a database server too,
        where the data folder holds no database file)."""
        from trustdesk.store.pack_imports import PUBLISHER_UNTRUSTED, RULES_IMPORTED, signers_of

        entries = self.ctx.store.audit.of_events(RULES_IMPORTED, PUBLISHER_UNTRUSTED)
        return signers_of(
            (entry.event, entry.at, entry.objects)
            for entry in entries
            if entry.outcome == "success"
        )

    def replacements(self) -> dict[str, str]:
        """SHA-256 → the version each recorded import or sign-off replaced (read from the
        audit chain; ``pack_alerts`` follows it back to the shipped version an agency's
        pack took the place of)."""
        from trustdesk.store.pack_imports import PUT_IN_FORCE, replacements

        return replacements(self.ctx.store.audit.of_events(*PUT_IN_FORCE))

    def changes_kept(self) -> set[tuple[str, str]]:
        """(agency SHA-256, shipped SHA-256) of each recorded decision to keep the agency's
        version of a pack without a change TrustDesk shipped since (``keep_agency_version``)."""
        from trustdesk.store.pack_imports import SHIPPED_CHANGE_KEPT, changes_kept

        return changes_kept(self.ctx.store.audit.of_events(SHIPPED_CHANGE_KEPT))

    def pending_changes(self, rules: RuleSet) -> list[ShippedChange]:
        """The shipped changes the agency's packs in force do not have and that no
        administrator has recorded keeping them without (what the banner names)."""
        from trustdesk.services.pack_alerts import shipped_changes

        kept = self.changes_kept()
        return [
            change
            for change in shipped_changes(rules, self.replacements())
            if (change.agency, change.shipped) not in kept
        ]

    def keep_agency_version(
        self, session: Session, rules: RuleSet, pack_id: str, reason: str
    ) -> ShippedChange:
        """Record that the agency keeps its version of ``pack_id`` in force without the
        changes of the version TrustDesk ships now, and why (administrators only). The
        administrators' alert then no longer names it; a later shipped version, or another
        agency version, is named again. Nothing else changes: the pack in force stays."""
        from trustdesk.services.errors import InvalidRequest
        from trustdesk.services.review import check_short_text
        from trustdesk.store.pack_imports import SHIPPED_CHANGE_KEPT

        self.ctx.authorize(session, Operation.MANAGE_SETTINGS, {"setting": "rule_pack"})
        change = next((c for c in self.pending_changes(rules) if c.pack_id == pack_id), None)
        if change is None:
            raise InvalidRequest(
                f"rule pack {pack_id} has no shipped change waiting for a decision: the "
                "administrators' alert does not name it (or its keeping is already recorded)"
            )
        text = " ".join(reason.split())
        problem = check_short_text(text, REASON_MAX, "The reason")
        if problem is None and len(text) < REASON_MIN:
            problem = (
                f"The reason is {len(text)} characters; give {REASON_MIN} to {REASON_MAX} "
                "saying why your agency keeps its own version"
            )
        if problem is not None:
            raise InvalidRequest(problem)
        self.ctx.audit(
            SHIPPED_CHANGE_KEPT,
            session,
            pack=change.pack_id,
            sha256=change.agency,
            made_from_sha256=change.made_from,
            shipped_sha256=change.shipped,
            reason=text,
        )
        return change

    @property
    def publishers(self) -> PublisherService:
        """The publishers whose signed packs import without an override."""
        from trustdesk.services.publishers import PublisherService

        return PublisherService(self.ctx)

    def review(self, session: Session, path: Path) -> ImportReview:
        """Who signed ``path``, whether the agency trusts them, and what it would change.

        Nothing is written. A refusal (a signature that does not match, a pack that fails
        its checks) is audited and raises ``RulesError``.
        """
        from trustdesk.rules.errors import InputError, RulesError
        from trustdesk.rules.pack_review import review_import
        from trustdesk.rules.signing import RevokedKeyError, SigningError

        self.ctx.authorize(session, Operation.MANAGE_SETTINGS, {"setting": "rule_pack"})
        try:
            return review_import(
                path,
                self.folder,
                self.publishers.trusted(),
                accepted=self.in_force(),
                today=self.publishers.today(),
                zone=self.publishers.zone(),
                jurisdiction=self.jurisdiction(),
            )
        except RulesError as error:
            problem = "invalid" if isinstance(error, InputError) else "tests failed"
            self.ctx.audit(
                "rules.import_refused",
                session,
                "failure",
                file_sha256=_sha256_of(path),
                pointer=error.pointer if isinstance(error, InputError) else None,
                problem="revoked key"
                if isinstance(error, RevokedKeyError)
                else "signature mismatch"
                if isinstance(error, SigningError)
                else problem,
            )
            raise

    def import_pack(
        self,
        session: Session,
        path: Path,
        rules_holder: RulesReplaceable,
        control: JobControl | None = None,
        *,
        override: str | None = None,
        expect_sha256: str | None = None,
    ) -> ImportedPack:
        """Check ``path`` as the bundled packs are checked, install it and put it in force.

        A pack not signed by a trusted publisher is imported only with ``override``: the
        administrator's reason, recorded with the import. ``expect_sha256``: the pack the
        administrator reviewed (a file changed since is refused). A refusal raises
        ``RulesError`` or ``InvalidRequest`` with nothing changed. ``control`` may stop
        the import up to the moment the file is written.
        """
        from trustdesk.rules.imports import install
        from trustdesk.services.jobcontrol import JobCancelled

        review = self.review(session, path)
        reason = self._admitted(session, review, override, expect_sha256)
        checked = review.checked
        if control is not None and control.cancelled():
            raise JobCancelled("the import was stopped; the rules in force are unchanged")
        installed = install(checked, jurisdiction=self.jurisdiction())
        pack = checked.loaded.pack
        old = checked.replaces
        try:
            self.ctx.audit(
                "rules.imported",
                session,
                pack=pack.id,
                sha256=pack.sha256,
                effective_from=pack.effective_from.isoformat(),
                effective_to=None if pack.effective_to is None else pack.effective_to.isoformat(),
                last_verified_on=pack.last_verified_on.isoformat(),
                replaced_sha256=None if old is None else old.pack.sha256,
                replaced_kept=installed.kept is not None,
                packs_in_force=[lp.pack.id for lp in installed.rules.packs],
                **_signed_by(review),
                override_reason=reason,
            )
        except BaseException:
            # An unrecorded change of the law applied must not stay in place.
            installed.undo()
            raise
        rules_holder.replace(installed.rules)
        return ImportedPack(
            pack.id,
            pack.title,
            pack.sha256,
            None if old is None else f"{old.pack.id} ({_origin(old.path, self.folder)})",
            installed.rules,
        )

    def _admitted(
        self,
        session: Session,
        review: ImportReview,
        override: str | None,
        expect_sha256: str | None,
    ) -> str | None:
        """The override reason to record (None: signed by a trusted publisher), or refused."""
        from trustdesk.services.errors import InvalidRequest

        refusal, problem = None, review.trust.state
        reason = " ".join((override or "").split()) or None
        if expect_sha256 is not None and expect_sha256 != review.sha256:
            refusal = "the file changed after it was reviewed; review it again"
            problem = "changed since reviewed"
        elif review.trust.trusted:
            return None
        elif reason is None:
            sig = review.trust.signature
            how = 'an administrator\'s override with a reason (--override-unsigned --reason "why")'
            refusal = (
                f"the pack is not signed; it imports only with {how}"
                if sig is None
                else f"{review.trust.problem} Import it with {how}"
                if review.trust.problem
                else f"the pack is signed by “{sig.publisher}” with key {sig.fingerprint}, which "
                "your agency does not trust; trust that key first (after checking its "
                f"fingerprint with the publisher), or import it with {how}"
            )
        elif not REASON_MIN <= len(reason) <= REASON_MAX:
            refusal = (
                f"the override's reason is {len(reason)} characters; give {REASON_MIN} to "
                f"{REASON_MAX} saying why this pack may be imported"
            )
        if refusal is not None:
            self.ctx.audit(
                "rules.import_refused",
                session,
                "failure",
                pack=review.checked.loaded.pack.id,
                sha256=review.sha256,
                problem=problem,
                **_signed_by(review),
            )
            raise InvalidRequest(refusal)
        return reason


def _signed_by(review: ImportReview) -> dict[str, Any]:
    sig = review.trust.signature
    return {
        "signature": review.trust.state,
        "publisher": None if sig is None else sig.publisher,
        "key_fingerprint": None if sig is None else sig.fingerprint,
    }


def _origin(path: Path, folder: Path) -> str:
    return "imported earlier" if path.parent == folder else "shipped with TrustDesk"


def _sha256_of(path: Path) -> str | None:
    """The SHA-256 of a refused pack file for the audit trail; None when it cannot be read
    or is no file (a pipe would be drained and ``/dev/zero`` hashed for ever)."""
    from trustdesk.named_file import NotAFile, open_regular

    try:
        with open_regular(path) as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (OSError, NotAFile):
        return None
