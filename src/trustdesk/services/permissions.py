"""Who may do what: the role × operation matrix, checked by the services on every call."""

from __future__ import annotations

from enum import StrEnum

OFFICER = "officer"
SUPERVISOR = "supervisor"
ADMINISTRATOR = "administrator"
AUDITOR = "auditor"
ROLES = (OFFICER, SUPERVISOR, ADMINISTRATOR, AUDITOR)


class Operation(StrEnum):
    DECISION_CREATE = "decision.create"
    DECISION_AMEND = "decision.amend"
    DECISION_REVIEW = "decision.review"
    DECISION_VIEW = "decision.view"
    DECISION_LIST = "decision.list"
    HOLD_CLOSE = "hold.close"
    USER_LIST = "user.list"
    USER_MANAGE = "user.manage"
    AUDIT_VERIFY = "audit.verify"
    AUDIT_EXPORT = "audit.export"
    BACKUP_CREATE = "backup.create"
    BACKUP_RESTORE = "backup.restore"
    MEMO_PRINT = "memo.print"
    MEMO_VERIFY = "memo.verify"
    MANAGE_SETTINGS = "settings.manage"
    DRAFT_USE = "draft.use"
    CONTACT_RECORD = "contact.record"
    CONTACT_REVIEW = "contact.review"
    KEPT_DISCARD = "kept.discard"


#: Plain words for refusals ("… may not create decisions").
DESCRIPTIONS = {
    Operation.DECISION_CREATE: "record decisions",
    Operation.DECISION_AMEND: "amend decisions",
    Operation.DECISION_REVIEW: "review decisions (supervisors only)",
    Operation.DECISION_VIEW: "view decisions",
    Operation.DECISION_LIST: "list or search decisions and holds",
    Operation.HOLD_CLOSE: "close holds",
    Operation.USER_LIST: "list user accounts",
    Operation.USER_MANAGE: "manage user accounts (administrators only)",
    Operation.AUDIT_VERIFY: "verify the audit trail",
    Operation.AUDIT_EXPORT: "export the audit trail",
    Operation.BACKUP_CREATE: "make backups (administrators only)",
    Operation.BACKUP_RESTORE: (
        "restore backups or accept the record now in place as this workstation's anchor "
        "(administrators only)"
    ),
    Operation.MEMO_PRINT: "print decision memos (officers and supervisors only)",
    Operation.MEMO_VERIFY: "verify memos",
    Operation.MANAGE_SETTINGS: "change the agency settings (administrators only)",
    Operation.DRAFT_USE: "keep review drafts (officers and supervisors only)",
    Operation.CONTACT_RECORD: "record contacts with ICE (officers and supervisors only)",
    Operation.CONTACT_REVIEW: "review flagged contacts with ICE (supervisors only)",
    Operation.KEPT_DISCARD: (
        "discard a kept decision the record refused (supervisors and administrators only)"
    ),
}

_ALL = frozenset(ROLES)
_DESK = frozenset({OFFICER, SUPERVISOR})

#: Least privilege: administrators run the system but do not read case files; auditors
#: read everything and change nothing (their own checks are still recorded).
MATRIX: dict[Operation, frozenset[str]] = {
    Operation.DECISION_CREATE: _DESK,
    Operation.DECISION_AMEND: _DESK,
    Operation.DECISION_REVIEW: frozenset({SUPERVISOR}),
    Operation.DECISION_VIEW: frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    Operation.DECISION_LIST: frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    Operation.HOLD_CLOSE: _DESK,
    Operation.USER_LIST: frozenset({SUPERVISOR, ADMINISTRATOR, AUDITOR}),
    Operation.USER_MANAGE: frozenset({ADMINISTRATOR}),
    Operation.AUDIT_VERIFY: frozenset({SUPERVISOR, ADMINISTRATOR, AUDITOR}),
    Operation.AUDIT_EXPORT: frozenset({ADMINISTRATOR, AUDITOR}),
    Operation.BACKUP_CREATE: frozenset({ADMINISTRATOR}),
    Operation.BACKUP_RESTORE: frozenset({ADMINISTRATOR}),
    # A memo prints the whole case file, so only those who may view decisions *and*
    # create records print one: not administrators (who do not read case files) and not
    # auditors (who change nothing). Anyone may check a memo: the answer reveals no facts.
    Operation.MEMO_PRINT: _DESK,
    Operation.MEMO_VERIFY: _ALL,
    Operation.MANAGE_SETTINGS: frozenset({ADMINISTRATOR}),
    # A draft is a case file in the making: only those who decide cases keep one.
    Operation.DRAFT_USE: _DESK,
    # Whoever speaks with ICE at the desk records it; a contact that gave ICE something
    # the law did not allow goes to a supervisor.
    Operation.CONTACT_RECORD: _DESK,
    Operation.CONTACT_REVIEW: frozenset({SUPERVISOR}),
    # A decision kept offline that the record refused is set aside only by someone who
    # answers for the desk's paperwork, with a reason, in the audit.
    Operation.KEPT_DISCARD: frozenset({SUPERVISOR, ADMINISTRATOR}),
}

assert set(MATRIX) == set(Operation) and all(roles <= _ALL for roles in MATRIX.values())


def allowed(role: str, operation: Operation) -> bool:
    return role in MATRIX[operation]
