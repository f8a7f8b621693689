"""The rule set a command applies: exactly the one the desktop app applies on the same
data folder (its bundled packs and the agency's imported ones), so that both decide alike.

Kept small and light: ``trustdesk evaluate`` calls it at every start. Finding the default
data folder does not import platformdirs on Linux (``store.paths.default_data_dir``), and
a data folder without imported packs costs one ``stat``.
"""

from __future__ import annotations

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from trustdesk.rules.registry import RuleSet


def data_folder_rules(data_dir: Path | str | None) -> RuleSet:
    """The rules in force on ``data_dir`` (``--data-dir``; None: the per-user data folder).

    A damaged imported pack raises ``RulesError`` naming the file, the JSON pointer and
    the reason (one line, exit 2); the bundled packs never silently stand in for it.
    """
    from trustdesk.rules.registry import rules_for_data_dir
    from trustdesk.store.paths import resolve_data_dir

    return rules_for_data_dir(resolve_data_dir(data_dir))
