"""``trustdesk --version``: the version, the build (commit and date) and every rule pack
in force with its SHA-256, so a desk can say exactly which law it applies.

Only this option loads it; the rule packs are those of the data folder (``--data-dir``
when given before ``--version``), as every decision applies them.
"""

from __future__ import annotations

import sys

from trustdesk.buildinfo import build_info


def version_lines(data_dir: str | None) -> tuple[list[str], str | None]:
    """The report's lines, and why the rule packs could not be listed (None when they were)."""
    from trustdesk.cli.rulesource import data_folder_rules
    from trustdesk.rules.errors import RulesError
    from trustdesk.rules.inventory import describe

    build = build_info()
    lines = [f"trustdesk {build.version}", f"build: {build.describe()}"]
    try:
        inventory = describe(data_folder_rules(data_dir))
    except (RulesError, OSError) as error:
        return lines, f"the rule packs could not be loaded: {error}"
    lines.append("rule packs in force (SHA-256 of each file):")
    for info in inventory.packs:
        origin = "imported" if info.imported else "shipped"
        lines.append(f"  {info.id}  {info.sha256}  ({origin}; in force {info.in_force})")
    return lines, None


def print_version(data_dir: str | None) -> int:
    """Print the report; the exit code (2 when the rule packs cannot be read)."""
    lines, problem = version_lines(data_dir)
    print("\n".join(lines))
    if problem is not None:
        print(f"trustdesk: {problem}", file=sys.stderr)
        return 2
    return 0
