"""Errors of the service layer: one line saying what was refused and what to do."""

from __future__ import annotations


class ServiceError(Exception):
    """Expected refusal of an operation (permission, password, input)."""


class PermissionDenied(ServiceError):
    """The user's role does not allow the operation (the denial is audited)."""


class AuthenticationFailed(ServiceError):
    """Wrong user name or password, or an account that may not log on."""


class AccountLocked(AuthenticationFailed):
    """Too many failed log-ons: locked until an administrator unlocks it."""


class PasswordRejected(ServiceError):
    """A new password breaks the password rules."""


class InvalidRequest(ServiceError):
    """The request itself is not acceptable (bad name, missing reason, own review…)."""


class AccountRecordAltered(AuthenticationFailed):
    """An account's row differs from its audit-chained record: changed outside TrustDesk."""
