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


def data_folder_rules(
    data_dir: Path | str | None,
    jurisdiction: str | None = None,
    accepted: dict[str, str] | None = None,
    *,
    strict: bool = False,
) -> RuleSet:
    """The rules in force on ``data_dir`` (``--data-dir``; None: the per-user data folder).

    An imported pack comes into force only when the audit chain records its import
    (``store.pack_imports``); that is read, over a read-only connection, only when the
    folder of imported packs holds a file. A file that is not applied (put there by
    hand, changed, or damaged) is named on stderr with the fix, and the packs that are
    fine stay in force. ``jurisdiction``: whose packs and catalog (None: the default).
    ``accepted``: the imported versions in force as the open store's chain records them
    (``RulePackService.in_force``: on a database server too), instead of reading the
    folder's own database file. ``strict``: a record that cannot say which imports are
    in force stops the command (``--version``, which says what is in force) instead of
    leaving them all out with a warning.
    """
    import sys

    from trustdesk.rules.registry import IMPORTED_FOLDER, imported_pack_paths, rules_for_data_dir
    from trustdesk.store.paths import resolve_data_dir

    folder = resolve_data_dir(data_dir)
    if accepted is None and imported_pack_paths(folder / IMPORTED_FOLDER):
        from trustdesk.store.errors import StoreError
        from trustdesk.store.pack_imports import imported_in_force

        try:
            accepted = imported_in_force(folder)
        except StoreError as error:
            if strict:
                raise
            print(
                f"trustdesk: warning: the imported rule packs cannot be checked against the "
                f"audit trail, so none is applied: {error}",
                file=sys.stderr,
            )
    if jurisdiction is None:
        rules = rules_for_data_dir(folder, accepted or {})
    else:
        rules = rules_for_data_dir(folder, accepted or {}, jurisdiction)
    for message in rules.skipped:
        print(f"trustdesk: warning: {message}", file=sys.stderr)
    return rules
