"""Counsel's sign-off: an administrator records that counsel verified chosen pack items.

Signing off changes the law TrustDesk applies no more than an import does, so it is the
same kind of act (``Operation.MANAGE_SETTINGS``, administrators only) and goes the same
way: the revision (``rules.revision``) is checked exactly as an imported pack (schema,
references, its own test cases, no overlap), installed into the data folder's
``rules/`` by ``rules.imports`` (the revision it replaces is kept, so every decision
pinned to it can still be printed), and put in force by its audit entry
``rules.signed_off`` (pack id, both SHA-256, items, who attested, source, date). If the
entry cannot be written the revision is taken back out. Decisions made earlier keep
their pinned pack and flag; only later decisions see the verified items.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.permissions import Operation

if TYPE_CHECKING:
    from pathlib import Path

    from trustdesk.core.pack import RulePack, Verification
    from trustdesk.rules.imports import InstalledImport
    from trustdesk.rules.registry import RuleSet
    from trustdesk.rules.revision import Attestation
    from trustdesk.services.rulepacks import RulesReplaceable


@dataclass(frozen=True, slots=True)
class PackItem:
    """One verifiable datum of a pack, in words, with its verification."""

    id: str
    label: str
    verification: Verification

    @property
    def verified(self) -> bool:
        return self.verification.verified


@dataclass(frozen=True, slots=True)
class SignedOff:
    pack_id: str
    old_sha256: str
    sha256: str
    items: tuple[str, ...]
    rules: RuleSet


def pack_item_rows(pack: RulePack) -> list[PackItem]:
    """Every item of ``pack`` with its label and verification, in reading order."""
    from trustdesk.rules.revision import item_label, pack_items

    return [PackItem(i, item_label(pack, i), pack.verification(i)) for i in pack_items(pack)]


class SignoffService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def sign_off(
        self,
        session: Session,
        rules: RuleSet,
        pack_id: str,
        attestation: Attestation,
        rules_holder: RulesReplaceable,
    ) -> SignedOff:
        """Make, check, install and record the revision of ``pack_id`` with ``attestation``.

        Anything refused raises (``RulesError`` with the file and reason, or
        ``InvalidRequest``) with nothing changed and the refusal audited.
        """
        from dataclasses import replace

        from trustdesk.rules.errors import RulesError
        from trustdesk.rules.revision import check_attestation, resolve_items
        from trustdesk.services.errors import InvalidRequest

        self.ctx.authorize(session, Operation.MANAGE_SETTINGS, {"setting": "rule_pack_signoff"})
        try:
            loaded = rules.pack(pack_id)
        except KeyError:
            known = ", ".join(lp.pack.id for lp in rules.packs)
            raise InvalidRequest(
                f"no rule pack {pack_id!r} is in use; choose one of {known}"
            ) from None
        try:
            items = resolve_items(loaded.pack, attestation.items)
            attestation = replace(attestation, items=items)
            check_attestation(attestation, self.ctx.now().date())
            signed = self._install(loaded.path, loaded.pack.sha256, attestation)
        except RulesError as error:
            self.ctx.audit(
                "rules.signoff_refused",
                session,
                "failure",
                pack=pack_id,
                sha256=loaded.pack.sha256,
                problem=str(error)[:300],
            )
            raise
        installed, new_sha = signed
        try:
            self.ctx.audit(
                "rules.signed_off",
                session,
                pack=pack_id,
                sha256=new_sha,
                replaced_sha256=loaded.pack.sha256,
                items=list(items),
                by=attestation.by,
                title=attestation.title,
                source=attestation.source,
                on=attestation.on.isoformat(),
                note=attestation.note or None,
            )
        except BaseException:
            installed.undo()  # an unrecorded change of the law applied must not stay
            raise
        rules_holder.replace(installed.rules)
        return SignedOff(pack_id, loaded.pack.sha256, new_sha, items, installed.rules)

    def _install(
        self, path: Path, sha256: str, attestation: Attestation
    ) -> tuple[InstalledImport, str]:
        """The revision written next to the data folder, checked as an import, installed."""
        import hashlib

        from trustdesk.rules.errors import InputError
        from trustdesk.rules.imports import check_import, install, write_atomically
        from trustdesk.rules.revision import revise
        from trustdesk.services.rulepacks import RulePackService

        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(str(path), "", f"cannot be read: {exc.strerror or exc}") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise InputError(str(path), "", "changed since it was loaded; restart TrustDesk")
        revised = revise(data, str(path), attestation)
        packs = RulePackService(self.ctx)
        # Staged beside (not inside) the imported-packs folder: the import path refuses a
        # file that is already in that folder.
        staged = self.ctx.store.data_dir / f".signoff-{uuid.uuid4().hex[:12]}.json"
        try:
            write_atomically(staged, revised)
            checked = check_import(
                staged, packs.folder, accepted=packs.in_force(), jurisdiction=packs.jurisdiction()
            )
            # The revision takes the place of the version in force in the folder now. If
            # that is not the version signed off (another desk, or the command line,
            # imported one since this rule set was loaded), the sign-off would put the
            # old text back in force over an import nobody undid.
            now_in_force = None if checked.replaces is None else checked.replaces.pack.sha256
            if now_in_force != sha256:
                pack_id = checked.loaded.pack.id
                what = (
                    f"version {now_in_force[:12]}… of {pack_id} is in force now"
                    if now_in_force is not None
                    else f"no version of {pack_id} is in force now"
                )
                raise InputError(
                    f"rule pack {pack_id}",
                    "",
                    f"changed since the rule packs were loaded: {what}, not the version "
                    f"{sha256[:12]}… shown here; load the rule packs again (restart "
                    "TrustDesk) and sign off the version in force",
                )
            return install(checked, jurisdiction=packs.jurisdiction()), checked.loaded.pack.sha256
        finally:
            with contextlib.suppress(OSError):
                staged.unlink()
