"""Render sample memos (honored and declined, under each rule pack) for a person to read.

Run: .venv/bin/python bench/sample_memos.py [FOLDER]   (default build/samples/, or make samples)
Writes, for each sample, the memo with both notices appended, the memo alone and each
notice alone, never overwriting a file already there.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from memo_samples import samples
from trustdesk.memo.files import write_pdf_atomically
from trustdesk.memo.render import render_memo, render_notice
from trustdesk.rules.registry import load_rules

DEFAULT = Path(__file__).resolve().parents[1] / "build" / "samples"


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: sample_memos.py [FOLDER]", file=sys.stderr)
        return 2
    folder = Path(argv[0]) if argv else DEFAULT
    folder.mkdir(parents=True, exist_ok=True)
    rules = load_rules()
    for name, vm in samples(rules):
        written = [
            write_pdf_atomically(render_memo(vm, notice_languages=("en", "es")), folder, name),
            write_pdf_atomically(render_memo(vm), folder, f"{name}-memo-only"),
            *(
                write_pdf_atomically(
                    render_notice(vm, language), folder, f"{name}-notice-{language}"
                )
                for language in ("en", "es")
            ),
        ]
        print(f"{name:<18} {vm.decision.headline:<32} " + ", ".join(p.name for p in written))
    print(f"samples written to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
