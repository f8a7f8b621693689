"""Applying a format-1 rule pack an agency imported before pack format 2 (decision 0031).

The file is read through ``rules.pack_format1``'s fixed reading, then every item is
marked unverified (``pack_format1.all_unverified``). It is applied only when that reading
decides each of the file's own embedded cases as they expect (outcome, grounds, hold
expiry); otherwise it is refused with a message saying to import a format-2 version.
Kept apart from ``pack_format1`` so that module stays free of ``rules.packs`` (which
imports it).
"""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path

from trustdesk.rules.pack_format1 import all_unverified
from trustdesk.rules.packs import LoadedPack, load_pack


def load_imported(
    path: Path, *, catalog: Container[str] | None = None, catalog_fingerprint: str = ""
) -> LoadedPack:
    """An agency's imported format-1 pack, to apply: read as format 2, all unverified.

    InputError (not applied) when the file is not a valid format-1 pack or its reading
    does not reach what one of its own embedded cases expects.
    """
    from trustdesk.core.errors import CoreError
    from trustdesk.core.evaluate import evaluate
    from trustdesk.rules.caseio import parse_case
    from trustdesk.rules.errors import InputError

    source = str(path)
    loaded = load_pack(
        path, catalog=catalog, catalog_fingerprint=catalog_fingerprint, old_formats=True
    )
    for index, test in enumerate(loaded.tests):
        expect = test["expect"]
        try:
            case = parse_case(test["case"], f"{source} /tests/{index}/case", catalog)
            decision = evaluate(loaded.pack, case)
        except (InputError, CoreError) as exc:
            problem = f"cannot be evaluated: {exc}"
        else:
            got = decision.hold_expires_at
            wanted = expect.get("hold_expires_at", got.isoformat() if got else None)
            problem = ""
            if decision.decision != expect["decision"]:
                problem = f"expects {expect['decision']}, the reading gives {decision.decision}"
            elif set(decision.grounds) != set(expect["grounds"]):
                problem = (
                    f"expects grounds {sorted(expect['grounds'])}, got {sorted(decision.grounds)}"
                )
            elif (got.isoformat() if got else None) != wanted:
                problem = f"expects the hold to end {wanted}, got {got}"
        if problem:
            raise InputError(
                source,
                f"/tests/{index}",
                f"is a format-1 pack whose format-2 reading does not decide its own case "
                f"{test.get('name', index)!r} as expected ({problem}); it is not applied: "
                "import a format-2 version of it",
            )
    return LoadedPack(all_unverified(loaded.pack), loaded.tests, path)
