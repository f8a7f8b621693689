"""Base exception of the decision core."""


class CoreError(Exception):
    """Expected trouble in the decision core (e.g. no law in force on a date)."""


class NoRulePackError(CoreError):
    """No rule pack governs the decision date."""
