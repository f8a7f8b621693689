"""Before an import: who signed the pack file, is it trusted, and what it changes.

``review_import`` opens the file (a signed envelope or a plain pack), refuses a signed
one whose signature does not match its bytes, checks the pack exactly as
``imports.check_import`` does, and compares it with the pack in force for its period: the
one of the same id it would replace, else the one in force on its first day, else the
latest one before it. Nothing is written. Pure: no Qt, no store (the trusted keys and
the accepted imports are handed in).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, tzinfo
from pathlib import Path
from typing import Any

from trustdesk.rules.errors import InputError, RulesError
from trustdesk.rules.imports import MAX_PACK_BYTES, CheckedImport, check_import
from trustdesk.rules.pack_diff import PackDiff, diff_packs
from trustdesk.rules.packs import DEFAULT_JURISDICTION, LoadedPack
from trustdesk.rules.registry import load_rules
from trustdesk.rules.signing import (
    OpenedPack,
    RevokedKeyError,
    Trust,
    TrustedKey,
    read_pack_file,
    trust_of,
)


@dataclass(frozen=True, slots=True)
class ImportReview:
    """A checked pack file: the import it allows, who stands behind it, what it changes."""

    checked: CheckedImport
    opened: OpenedPack
    trust: Trust
    baseline: LoadedPack | None  # the pack it is compared with (None: nothing before it)
    diff: PackDiff | None

    @property
    def sha256(self) -> str:
        return self.checked.loaded.pack.sha256

    def comparison(self) -> str:
        """Which pack the difference is against, in words."""
        new = self.checked.loaded.pack
        base = self.baseline
        if base is None:
            return f"No pack is in force before {new.effective_from}: everything in it is new."
        if base.pack.id == new.id:
            return f"Compared with {base.pack.id}, the version in force now, which it replaces."
        return (
            f"Compared with {base.pack.id} ({base.pack.effective_from} → "
            f"{base.pack.effective_to or 'no end date'}), the pack in force before it."
        )

    def lines(self) -> list[str]:
        """Everything an administrator should read before importing, as text lines."""
        pack = self.checked.loaded.pack
        out = [
            f"Pack: {pack.id} — {pack.title}",
            f"In force from {pack.effective_from} "
            f"{'until ' + str(pack.effective_to) if pack.effective_to else 'with no end date'}; "
            f"last verified {pack.last_verified_on}",
            f"SHA-256: {pack.sha256}",
            f"Signature: {self.trust.describe()}",
            "",
            self.comparison(),
        ]
        if self.diff is not None:
            out += self.diff.lines()
        return out


def review_import(
    source: Path,
    folder: Path,
    trusted: Iterable[TrustedKey],
    *,
    catalog_path: Path | None = None,
    accepted: Mapping[str, str] | None = None,
    today: date | None = None,
    zone: tzinfo = UTC,
    jurisdiction: str = DEFAULT_JURISDICTION,
) -> ImportReview:
    """Open, verify, check and compare ``source``; RulesError (nothing written) if refused.

    A pack signed with a revoked key after its revocation is refused here
    (``RevokedKeyError``), before anything else is read: no override can admit it.
    """
    opened = read_pack_file(source, MAX_PACK_BYTES)
    trust = trust_of(opened, trusted, today, zone)
    if trust.refused:
        raise RevokedKeyError(str(source), "", trust.problem)
    if opened.signature is None:
        checked = check_import(
            source,
            folder,
            catalog_path=catalog_path,
            accepted=accepted,
            jurisdiction=jurisdiction,
        )
    else:
        checked = _check_inner(source, opened.pack, folder, catalog_path, accepted, jurisdiction)
    current = load_rules(
        catalog_path=catalog_path, extra_dir=folder, accepted=accepted, jurisdiction=jurisdiction
    )
    baseline = checked.replaces or _before(current.packs, checked.loaded)
    diff = None
    if baseline is not None:
        names = {entry.section: entry.title for entry in current.catalog}
        diff = diff_packs(_raw(baseline.path), json.loads(checked.data), names)
    return ImportReview(checked, opened, trust, baseline, diff)


def _check_inner(
    source: Path,
    pack: bytes,
    folder: Path,
    catalog_path: Path | None,
    accepted: Mapping[str, str] | None,
    jurisdiction: str,
) -> CheckedImport:
    """``check_import`` of a signed file's pack, its messages naming the signed file."""
    with tempfile.TemporaryDirectory(prefix="trustdesk-pack-") as temp:
        inner = Path(temp) / f"{source.stem}.json"
        inner.write_bytes(pack)
        try:
            return check_import(
                inner,
                folder,
                catalog_path=catalog_path,
                accepted=accepted,
                jurisdiction=jurisdiction,
            )
        except InputError as error:
            where = error.source.replace(str(inner), f"{source} (the signed pack)")
            raise InputError(where, error.pointer, error.reason) from None
        except RulesError as error:
            text = str(error).replace(str(inner), f"{source} (the signed pack)")
            raise type(error)(text) from None


def _before(packs: tuple[LoadedPack, ...], new: LoadedPack) -> LoadedPack | None:
    start = new.pack.effective_from
    covering = [lp for lp in packs if lp.pack.in_force_on(start)]
    if covering:
        return covering[0]
    earlier = [lp for lp in packs if lp.pack.effective_from < start]
    return max(earlier, key=lambda lp: lp.pack.effective_from, default=None)


def _raw(path: Path) -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(path.read_bytes())
    return data
