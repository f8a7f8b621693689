"""Printing a recorded decision as a memo, and checking a memo (file or typed code) later.

A memo is rendered from the record as stored: the stored decision JSON read back
(``core.record.decision_from_json``), the stored case, and the exact rule-pack version
the decision was made under (found by its stored id and SHA-256: the pack in force, a
version an import replaced, or any version TrustDesk ever shipped, see
``RuleSet.pack_version``). Before printing, the stored record must hash to the digests
its audit entry recorded and the engine, run again, must reach the same legal substance
(outcome, grounds, hold);
otherwise printing is refused (audited as ``memo.refused``). A record an older release
wrote prints after an upgrade (docs/decisions/0023-reprinting-old-records.md). The PDF is
written without overwriting anything and its SHA-256 goes into the audit chain
(``memo.printed``) — if that entry cannot be written the file is removed, so no
unrecorded memo exists.

``verify`` answers MATCH only when the file's SHA-256 is a recorded memo hash, the chain
verifies up to that entry and the decision version it names still has the recorded
hash; a typed short code matches when a recorded version's hash has that code and the
chain verifies up to its entry. Every check is recorded (``memo.verified``).

reportlab and the rules are imported inside the methods: other commands stay light.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import InvalidRequest, ServiceError
from trustdesk.services.memo_inputs import (
    MemoFactsRefused,
    as_recorded,
    given_to_ice,
    memo_contacts,
    version_notes,
)
from trustdesk.services.permissions import Operation, allowed
from trustdesk.store.case_records import DecisionRecord
from trustdesk.store.decisions import DECISION_EVENTS
from trustdesk.store.errors import NotFound
from trustdesk.store.records import AuditEntry, AuditEvent

if TYPE_CHECKING:
    from trustdesk.core.decision import Decision
    from trustdesk.core.pack import RulePack
    from trustdesk.memo.viewmodel import AgencyHeader
    from trustdesk.rules.packs import LoadedPack

MEMO_PRINTED = "memo.printed"
MEMO_REFUSED = "memo.refused"
MEMO_VERIFIED = "memo.verified"


def notice_language_list() -> tuple[str, ...]:
    """The notice languages: one per wording file in resources/notices (en and es ship).

    Read on use, not at import: other commands stay light."""
    from trustdesk.memo.wording import LANGUAGES

    return LANGUAGES


class MemoRefused(ServiceError):
    """The record cannot be printed exactly as decided (pack changed, decision differs)."""


class MemoRules(Protocol):
    """What printing needs of the rules (``rules.registry.RuleSet`` fits)."""

    @property
    def sections(self) -> frozenset[str]: ...

    @property
    def catalog(self) -> Any: ...

    def pack(self, pack_id: str) -> LoadedPack: ...

    # Optional: ``pack_version(pack_id, sha256) -> LoadedPack`` (``RuleSet`` has it) finds
    # versions no longer in force; without it only the packs in force are known.


@dataclass(frozen=True, slots=True)
class RenderedMemo:
    """A memo or notice rendered in memory, not yet printed or saved."""

    data: bytes
    pdf_sha256: str
    record: DecisionRecord
    languages: tuple[str, ...]
    kind: str  # "memo" or "notice-en" / "notice-es"
    chain_head: tuple[int, str] | None = None  # the audit chain head it carries


@dataclass(frozen=True, slots=True)
class PrintedMemo:
    path: Path | None  # None when it went to a printer
    pdf_sha256: str
    record: DecisionRecord
    short_code: str
    audit_seq: int
    notice_languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MemoCheck:
    """The answer of a verification: MATCH or MISMATCH, and why."""

    match: bool
    reason: str
    decision_id: int | None = None
    version: int | None = None
    record_sha256: str | None = None
    memo_seq: int | None = None
    #: What the matching record says (None when nothing matched, or when the checker's
    #: role may not read case files: then ``facts_withheld`` is true).
    record: DecisionRecord | None = None
    #: The newest version of the decision: above ``version`` when it was amended later.
    latest_version: int | None = None
    facts_withheld: bool = False
    #: The record no longer holds what the memo was printed from (a restore of an older
    #: backup took it out): not a sign that the memo was changed.
    not_in_record: bool = False

    @property
    def word(self) -> str:
        if self.match:
            return "MATCH"
        return "NOT IN THE RECORD" if self.not_in_record else "MISMATCH"


def parse_decision_ref(text: str) -> tuple[int, int | None]:
    """``42`` (latest version), ``42v2`` or ``42.2`` (version 2 of decision 42)."""
    cleaned = text.strip().lower()
    for sep in ("v", "."):
        if sep in cleaned:
            number, _, version = cleaned.partition(sep)
            if number.isdigit() and version.isdigit() and int(number) and int(version):
                return int(number), int(version)
            break
    else:
        if cleaned.isdigit() and int(cleaned):
            return int(cleaned), None
    raise InvalidRequest(
        f"{text!r} is not a decision: give its number (42) or a version of it (42v2)"
    )


def notice_languages(requested: Iterable[str] | None, required: bool) -> tuple[str, ...]:
    if requested is None:
        return notice_language_list() if required else ()
    chosen = tuple(dict.fromkeys(lang.strip().lower() for lang in requested if lang.strip()))
    known = notice_language_list()
    unknown = [lang for lang in chosen if lang not in known]
    if unknown:
        raise InvalidRequest(
            f"no notice in {', '.join(unknown)}; notices exist in {', '.join(known)}"
        )
    return chosen


def pdf_stem(target: Path) -> tuple[Path, str]:
    """The folder and the name without ``.pdf`` of the file the user asked for.

    A folder or a device named as the file is refused (InvalidRequest): its name was
    taken for the file's, so ``-o /tmp`` wrote ``/tmp.pdf`` and ``-o /dev/full`` wrote
    ``/dev/full.pdf``, a memo with the person's details where nobody looks."""
    import stat

    try:
        mode = target.stat().st_mode
    except OSError:
        mode = None  # nothing there yet (or not readable): the writer says what it finds
    if mode is not None and stat.S_ISDIR(mode):
        raise InvalidRequest(
            f"{target} is a folder; give the PDF file's name in it (for example "
            f"{target / 'memo.pdf'})"
        )
    if mode is not None and not stat.S_ISREG(mode):
        raise InvalidRequest(
            f"{target} is not a file (a device or a pipe); give the name of a PDF file to write"
        )
    name = target.name
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    return target.expanduser().absolute().parent, stem


class MemoService:
    def __init__(self, ctx: ServiceContext, rules: Callable[[], MemoRules]) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self._rules_factory = rules
        self._rules: MemoRules | None = None

    @property
    def rules(self) -> MemoRules:
        if self._rules is None:
            self._rules = self._rules_factory()
        return self._rules

    # --- reading a version back ------------------------------------------------------------

    def _version(self, decision_id: int, version: int | None) -> DecisionRecord:
        if version is None:
            return self.store.decisions.latest(decision_id)
        for record in self.store.decisions.history(decision_id):
            if record.version == version:
                return record
        raise NotFound(f"decision {decision_id} has no version {version}")

    def _refuse(self, session: Session, record: DecisionRecord, reason: str, text: str) -> NoReturn:
        self.ctx.audit(
            MEMO_REFUSED,
            session,
            "failure",
            decision=record.decision_id,
            version=record.version,
            record=record.id,
            reason=reason,
        )
        raise MemoRefused(text)

    def print_memo(
        self,
        session: Session,
        decision_id: int,
        target: Path,
        *,
        agency: AgencyHeader | None = None,
        version: int | None = None,
        languages: Sequence[str] | None = None,
    ) -> PrintedMemo:
        """Render version ``version`` (default: latest) of a decision to a new PDF file.

        ``target`` names the file; if it exists, ``name-2.pdf``… is used (never overwritten).
        ``languages`` None: the notices in every language (English and Spanish ship) when
        the pack requires one; each language gets every document the decision prints (the
        pack's ``required_notices`` and those its action outcomes name; the notice that ICE
        was told the release date only once the contact log shows it was).
        The header and the signers are those kept with the record when it was made and
        reviewed (``memo_inputs.as_recorded``); a record made before they were kept shows
        the stored agency profile, saying so on the memo; ``agency`` is used only while
        none is stored.
        """
        from trustdesk.memo.errors import MemoError
        from trustdesk.memo.files import write_pdf_atomically

        directory, stem = pdf_stem(target)
        rendered = self.render(
            session, decision_id, agency=agency, version=version, languages=languages
        )
        try:
            path = write_pdf_atomically(rendered.data, directory, stem)
        except MemoError as exc:
            raise InvalidRequest(str(exc)) from None
        try:
            return self.record_output(session, rendered, "file", path=path)
        except BaseException:
            path.unlink(missing_ok=True)  # an unrecorded memo must not exist
            raise

    def render(
        self,
        session: Session,
        decision_id: int,
        *,
        agency: AgencyHeader | None = None,
        version: int | None = None,
        languages: Sequence[str] | None = None,
        notice: str | None = None,
        chain_head: tuple[int, str] | None = None,
    ) -> RenderedMemo:
        """The memo's PDF bytes (or, with ``notice``, the notice alone in that language).

        Nothing is recorded: the bytes are for a preview until ``record_output`` says they
        left the app (printer or file). The memo carries the audit chain's head as it is
        now (an anchor on paper); ``chain_head`` renders it with an earlier one, to
        regenerate a memo exactly and compare it with a printed copy.
        """
        self.ctx.authorize(session, Operation.MEMO_PRINT, {"decision": decision_id})
        record = self._version(decision_id, version)

        from trustdesk.memo.build import build_view_model
        from trustdesk.memo.errors import MemoError
        from trustdesk.memo.render import render_memo, render_notice
        from trustdesk.memo.viewmodel import RecordInfo

        rules = self.rules
        where = f"decision {record.decision_id} version {record.version}"
        pack = self._pack_as_decided(session, record, rules, where)
        case, decision = self._as_recorded(session, record, pack, rules, where)
        try:
            # The header and signers as they were at the decision, not as they are now.
            header, officer, supervisor = as_recorded(self.store, record, agency)
        except MemoFactsRefused as error:
            self._refuse(session, record, "memo facts do not verify", f"{where}: {error}")
        head = chain_head if chain_head is not None else self.store.audit.head()
        amendment, replaced_by = version_notes(
            self.store, record, None if head is None else head[0]
        )
        asked = notice is not None or notice_languages(languages or (), False)
        if replaced_by is not None and asked:
            raise InvalidRequest(
                f"{where} was replaced by version {replaced_by.version} of the decision: a "
                "notice to the person must tell them the decision in force, so none was "
                f"printed; print the notice of decision {record.decision_id} (its latest "
                "version)"
            )
        info = RecordInfo(
            str(record.decision_id),
            record.version,
            record.record_sha256,
            record.audit_seq,
            record.recorded_at,
            head,
            amendment=amendment,
            replaced_by=replaced_by,
        )
        # What the contact log says was given to ICE by the head the memo prints: the
        # notice that ICE was told the release date is due only once it was.
        given = (
            () if info.chain_head is None else given_to_ice(self.store, record, info.chain_head[0])
        )
        try:
            vm = build_view_model(
                case,
                decision,
                pack,
                agency=header,
                record=info,
                officer=officer,
                supervisor=supervisor,
                titles=self._titles(case),
                given=given,
            )
            if info.chain_head is not None:  # the history as of the head printed on it
                history = memo_contacts(
                    self.store, record.decision_id, info.chain_head[0], pack.timezone
                )
                vm = replace(vm, contacts=history)
            if notice is not None:
                chosen = notice_languages([notice], True)
                data = render_notice(vm, chosen[0])
            else:
                # A replaced version's memo goes without notices (asked for: refused above).
                required = vm.notice.required and replaced_by is None
                chosen = notice_languages(languages, required)
                data = render_memo(vm, notice_languages=chosen)
        except MemoError as exc:
            raise InvalidRequest(str(exc)) from None
        kind = "memo" if notice is None else f"notice-{chosen[0]}"
        return RenderedMemo(
            data, hashlib.sha256(data).hexdigest(), record, chosen, kind, info.chain_head
        )

    def _as_recorded(
        self, session: Session, record: DecisionRecord, pack: RulePack, rules: MemoRules, where: str
    ) -> tuple[Any, Decision]:
        """The stored case and the decision as recorded, once both are shown to hold.

        The memo shows the stored decision (``decision_from_json``), never a new
        evaluation. Before printing, (1) the stored record (decision JSON included) must
        hash to the digests its audit entry recorded, and (2) the engine,
        run again on the stored case under the pinned pack, must reach the same legal
        substance (outcome, grounds, hold start, expiry and length). Fields an older
        engine did not record, or words it put differently, do not block printing:
        docs/decisions/0023-reprinting-old-records.md.
        """
        from trustdesk.core.evaluate import evaluate
        from trustdesk.core.record import RecordFormatError, decision_from_json, decision_to_json
        from trustdesk.rules.caseio import parse_case
        from trustdesk.rules.errors import InputError

        seq = record.audit_seq
        problems: tuple[object, ...] = (
            ("no audit entry wrote it",) if seq is None else self.store.check_record(seq)
        )
        if problems:
            self._refuse(
                session,
                record,
                "record does not verify",
                f"{where} is not as its audit entry recorded it ({problems[0]}); the memo "
                "would not show the record as decided, so nothing was printed",
            )
        stored = record.decision()
        try:
            decision = decision_from_json(stored)
        except RecordFormatError as error:
            self._refuse(
                session,
                record,
                "record unreadable",
                f"the stored decision of {where} cannot be read ({error}); nothing was printed",
            )
        if (decision.rule_pack, decision.rule_pack_sha256) != (pack.id, pack.sha256):
            self._refuse(
                session,
                record,
                "decision differs",
                f"the stored decision of {where} names another rule pack than its record; "
                "nothing was printed",
            )
        try:
            case = parse_case(record.case(), f"the stored case of {where}", rules.sections)
        except InputError as error:
            # A record stored before a check was added (a disguised name, an impossible
            # date) is not printed as if it were sound: it must be amended first.
            raise InvalidRequest(f"{error}; amend the decision to correct it") from None
        again = decision_to_json(evaluate(pack, case))
        differs = [
            what for what, value in substance(stored).items() if substance(again)[what] != value
        ]
        if differs:
            self._refuse(
                session,
                record,
                "decision differs",
                f"re-evaluating {where} does not give the stored decision (its "
                f"{', '.join(differs)} differ); the memo must show the record exactly as "
                "decided, so nothing was printed",
            )
        return case, decision

    def _pack_as_decided(
        self, session: Session, record: DecisionRecord, rules: MemoRules, where: str
    ) -> RulePack:
        """The exact pack version ``record`` was decided under, or a recorded refusal."""
        from trustdesk.rules.errors import RulesError

        pack_id, sha256 = record.rule_pack, record.rule_pack_sha256
        try:
            current: LoadedPack | None = rules.pack(pack_id)
        except KeyError:
            current = None
        if current is not None and current.pack.sha256 == sha256:
            return current.pack
        version_of = getattr(rules, "pack_version", None)
        try:
            if version_of is not None:
                found: LoadedPack = version_of(pack_id, sha256)
                return found.pack
        except KeyError:
            pass
        except RulesError as error:
            self._refuse(
                session,
                record,
                "rule pack refused",
                f"{where} was decided under rule pack {pack_id} with SHA-256 {sha256[:12]}…, "
                f"but the kept copy of that version is refused ({error}); the memo would not "
                "show the law as applied, so nothing was printed",
            )
        if current is None:
            self._refuse(
                session,
                record,
                "rule pack missing",
                f"{where} was decided under rule pack {pack_id} with SHA-256 {sha256[:12]}…, "
                "which this TrustDesk does not have; print it with the version that has "
                "that pack",
            )
        self._refuse(
            session,
            record,
            "rule pack changed",
            f"{where} was decided under rule pack {pack_id} with SHA-256 {sha256[:12]}…, "
            f"a version this TrustDesk does not know (the pack in force has "
            f"{current.pack.sha256[:12]}…); the memo would not show the law as applied, so "
            "nothing was printed",
        )

    def record_output(
        self,
        session: Session,
        rendered: RenderedMemo,
        destination: str,
        *,
        path: Path | None = None,
    ) -> PrintedMemo:
        """Record in the audit chain that ``rendered`` left the app (``file`` or ``printer``)."""
        from trustdesk.memo.verification import short_code

        self.ctx.authorize(session, Operation.MEMO_PRINT, {"decision": rendered.record.decision_id})
        record = rendered.record
        objects: dict[str, Any] = {
            "decision": record.decision_id,
            "version": record.version,
            "record": record.id,
            "record_sha256": record.record_sha256,
            "pdf_sha256": rendered.pdf_sha256,
            "notices": list(rendered.languages),
        }
        if rendered.chain_head is not None:
            # The head the paper carries, so the memo can be regenerated byte for byte.
            objects["chain_head_seq"], objects["chain_head_hash"] = rendered.chain_head
        if rendered.kind != "memo" or destination != "file":
            objects["document"] = rendered.kind
            objects["destination"] = destination
        entry = self.store.audit.record(
            AuditEvent(MEMO_PRINTED, "success", objects),
            self.ctx.actor(session),
            self.ctx.now(),
        )
        return PrintedMemo(
            path,
            rendered.pdf_sha256,
            record,
            short_code(record.record_sha256),
            entry.seq,
            rendered.languages,
        )

    def _titles(self, case: Any) -> dict[str, str]:
        catalog = self.rules.catalog
        titles: dict[str, str] = {}
        for item in (*case.convictions, *case.pending_charges):
            if not item.section:
                continue
            entry = catalog.get(item.section)
            if entry is not None:
                titles[item.section] = entry.title
        return titles

    # --- verifying ----------------------------------------------------------------------------

    def verify_pdf(self, session: Session, data: bytes) -> MemoCheck:
        """MATCH when ``data`` is a memo printed from this database and its record is intact."""
        user = self.ctx.authorize(session, Operation.MEMO_VERIFY)
        if not looks_like_pdf(data):
            raise InvalidRequest(
                "this is not a PDF file (it does not begin with %PDF-), so it cannot be a "
                "memo; choose the memo's PDF file, or type the code printed on it (--code)"
            )
        digest = hashlib.sha256(data).hexdigest()
        check = self._check_pdf(digest, data)
        self._record_check(session, check, method="file", pdf_sha256=digest)
        return _for_role(check, user.role)

    def verify_code(self, session: Session, typed: str) -> MemoCheck:
        """MATCH when a recorded decision version has this short code and verifies."""
        from trustdesk.memo.verification import parse_short_code

        user = self.ctx.authorize(session, Operation.MEMO_VERIFY)
        try:
            code = parse_short_code(typed)
        except ValueError as exc:
            raise InvalidRequest(f"cannot read the code {typed.strip()!r}: {exc}") from None
        check = self._check_code(code)
        self._record_check(session, check, method="code", code=code)
        return _for_role(check, user.role)

    def _record_check(self, session: Session, check: MemoCheck, **objects: Any) -> None:
        self.ctx.audit(
            MEMO_VERIFIED,
            session,
            "success" if check.match else "failure",
            result=check.word,
            decision=check.decision_id,
            version=check.version,
            memo_seq=check.memo_seq,
            **objects,
        )

    def _check_pdf(self, digest: str, data: bytes) -> MemoCheck:
        from trustdesk.memo.verification import chain_heads_in
        from trustdesk.services.memo_absence import rolled_back_memo

        printed = [
            entry
            for entry in self.store.audit.of_events(MEMO_PRINTED)
            if entry.outcome == "success" and entry.objects_dict().get("pdf_sha256") == digest
        ]
        if not printed:
            # The chain head the memo carries says whether the record still holds what it
            # was printed from; if not, the record was rolled back, not the file changed.
            absent = rolled_back_memo(self.store.audit, chain_heads_in(data))
            if absent is not None:
                return MemoCheck(False, absent, not_in_record=True)
            return MemoCheck(
                False,
                "no memo with this file's SHA-256 was printed from these records: the file "
                "was changed after printing, or it was not printed here",
            )
        entry = printed[-1]
        objects = entry.objects_dict()
        return self._check_record(
            entry, _int(objects.get("decision")), objects.get("record_sha256"), memo=True
        )

    def _check_code(self, code: str) -> MemoCheck:
        from trustdesk.memo.verification import short_code

        found = []
        for entry in self.store.audit.of_events(*DECISION_EVENTS):
            digest = entry.objects_dict().get("record_sha256")
            if isinstance(digest, str) and _code_of(short_code, digest) == code:
                found.append(entry)
        if not found:
            from trustdesk.services.memo_absence import restore_note

            reason = f"no recorded decision has the code {code}"
            note = restore_note(self.store.audit)
            if note:
                reason += (
                    f". {note} A decision recorded after that backup was made is not in the "
                    "record, so neither is its code"
                )
            return MemoCheck(False, reason)
        checks = [
            self._check_record(
                entry,
                _int(entry.objects_dict().get("decision")),
                entry.objects_dict().get("record_sha256"),
                memo=False,
            )
            for entry in found
        ]
        return next((check for check in checks if check.match), checks[0])

    def _check_record(
        self, entry: AuditEntry, decision_id: int | None, digest: object, *, memo: bool
    ) -> MemoCheck:
        what = f"audit entry {entry.seq}"
        if decision_id is None or not isinstance(digest, str):
            return MemoCheck(False, f"{what} does not name a decision record", memo_seq=entry.seq)
        report = self.store.verify(upto=entry.seq)
        if not report.ok:
            first = report.first
            return MemoCheck(
                False,
                f"the audit chain does not verify up to {what}: {first}",
                decision_id,
                memo_seq=entry.seq,
            )
        try:
            versions = self.store.decisions.history(decision_id)
        except NotFound:
            return MemoCheck(False, f"decision {decision_id} is no longer in the records")
        record = next((v for v in versions if v.record_sha256 == digest), None)
        if record is None:
            return MemoCheck(
                False,
                f"no version of decision {decision_id} has the record hash that {what} vouches for",
                decision_id,
                memo_seq=entry.seq,
            )
        kind = "memo" if memo else "code"
        return MemoCheck(
            True,
            f"{kind} of decision {decision_id} version {record.version}, recorded at audit "
            f"entry {entry.seq}; the chain verifies up to it and the record is intact",
            decision_id,
            record.version,
            record.record_sha256,
            entry.seq if memo else None,
            record,
            max(v.version for v in versions),
        )


def substance(decision_json: Mapping[str, Any]) -> dict[str, object]:
    """The legal substance of a recorded decision: what a reprint must still agree with.

    Outcome, grounds, and the hold's start, expiry and length as instants (an offset
    written differently is the same time). Anything else (review reasons, warnings,
    the trace's wording, fields a later engine adds) is shown as recorded.
    """
    from datetime import datetime

    def instant(value: object) -> object:
        return datetime.fromisoformat(value) if isinstance(value, str) else value

    hold = decision_json.get("hold")
    hold = hold if isinstance(hold, dict) else {}
    return {
        "outcome": decision_json.get("decision"),
        "grounds": list(decision_json.get("grounds") or ()),
        "hold start": instant(hold.get("starts_at")),
        "hold expiry": instant(decision_json.get("hold_expires_at")),
        "hold length": hold.get("hours"),
    }


def looks_like_pdf(data: bytes) -> bool:
    """A PDF begins with ``%PDF-`` (readers accept it within the first kilobyte)."""
    return b"%PDF-" in data[:1024]


def _for_role(check: MemoCheck, role: str) -> MemoCheck:
    # A memo is only worth something when the reader compares it with what the record
    # says; but administrators do not read case files, so they are told whom to ask.
    if check.record is None or allowed(role, Operation.DECISION_VIEW):
        return check
    return replace(check, record=None, facts_withheld=True)


def _code_of(short_code: Callable[[str], str], digest: str) -> str | None:
    try:
        return short_code(digest)
    except ValueError:
        return None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def rules_loader(rules: object, data_dir: Path | None = None) -> Callable[[], MemoRules]:
    """The rules to print with: ``rules`` when it is a full rule set, else loaded on use.

    Loaded, they are those of the data folder ``data_dir`` (its imported packs included),
    as the desktop app and the command line apply them; bundled only without a folder.
    """

    def load() -> MemoRules:
        if all(hasattr(rules, name) for name in ("pack", "sections", "catalog")):
            return rules  # type: ignore[return-value]
        from trustdesk.rules.registry import load_rules, rules_for_data_dir
        from trustdesk.store.pack_imports import imported_in_force

        if data_dir is None:
            return load_rules()
        return rules_for_data_dir(data_dir, imported_in_force(data_dir))

    return load


__all__ = [
    "MEMO_PRINTED",
    "MEMO_VERIFIED",
    "MemoCheck",
    "MemoRefused",
    "MemoService",
    "PrintedMemo",
    "RenderedMemo",
    "parse_decision_ref",
    "rules_loader",
]
