"""``trustdesk --version``: the version, the build (commit and date) and every rule pack
in force with its SHA-256, so a desk can say exactly which law it applies.

Only this option loads it; the rule packs are those a decision on this desk applies: the
agency's jurisdiction's (a California agency's are California's), with the imports the
record puts in force (asked of the database server where the record is on one), for the
``--data-dir`` and ``--database`` of the command line, wherever they stand in it.
"""

from __future__ import annotations

import argparse
import sys

from trustdesk.buildinfo import build_info


def version_lines(args: argparse.Namespace) -> tuple[list[str], str | None]:
    """The report's lines, and why the rule packs could not be listed (None when they were)."""
    from trustdesk import config
    from trustdesk.cli.signon import command_rules
    from trustdesk.config.keys import JURISDICTIONS
    from trustdesk.rules.errors import RulesError
    from trustdesk.rules.inventory import describe
    from trustdesk.store.errors import StoreError

    build = build_info()
    lines = [f"trustdesk {build.version}", f"build: {build.describe()}"]
    try:
        config.start(args.data_dir, args.database)
        rules = command_rules(args, fall_back=False)  # what is in force, or why not
        inventory = describe(rules)
    except config.ConfigError as error:
        return lines, "the rule packs could not be listed: " + "; ".join(error.problems)
    except StoreError as error:
        return lines, f"the rule packs in force could not be listed: {error}"
    except (RulesError, OSError) as error:
        return lines, f"the rule packs could not be loaded: {error}"
    state = JURISDICTIONS.get(rules.jurisdiction, rules.jurisdiction)
    lines.append(f"rule packs in force, {state} (SHA-256 of each file):")
    for info in inventory.packs:
        origin = "imported" if info.imported else "shipped"
        lines.append(f"  {info.id}  {info.sha256}  ({origin}; in force {info.in_force})")
    return lines, None


def print_version(args: argparse.Namespace) -> int:
    """Print the report; the exit code (2 when the rule packs cannot be read)."""
    lines, problem = version_lines(args)
    print("\n".join(lines))
    if problem is not None:
        print(f"trustdesk: {problem}", file=sys.stderr)
        return 2
    return 0
