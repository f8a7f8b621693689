#!/usr/bin/env bash
# Makes tests/data/upgrade/data/ with the CLI of a PREVIOUS TrustDesk release, so the
# upgrade test reads records exactly as that release wrote them.
#
#   git -C <repo> worktree add /tmp/oldrel 2796f55
#   tests/data/upgrade/make-old-release-data.sh /tmp/oldrel [python]
#
# The python given (default: .venv/bin/python of this checkout) needs the old release's
# dependencies; its code is taken from <old checkout>/src only (PYTHONPATH).
set -euo pipefail
old="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
python="${2:-$here/../../../.venv/bin/python}"
data="$here/data"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$data"
export PYTHONPATH="$old/src" TRUSTDESK_CACHE_DIR="$work/cache" TRUSTDESK_DEBUG=""
unset TRUSTDESK_PASSWORD TRUSTDESK_NEW_PASSWORD TRUSTDESK_AGENCY
# The machine config file must not decide where the data goes.
export XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/share"
run() { "$python" -m trustdesk --data-dir "$data" "$@"; }
as() { local who="$1" pw="$2"; shift 2; TRUSTDESK_PASSWORD="$pw" run "$@" --as "$who"; }

"$python" -c 'import trustdesk, sys; sys.exit(not trustdesk.__file__.startswith(sys.argv[1]))' "$old"
TRUSTDESK_NEW_PASSWORD="stone bridge harvest 1" run users add chief --role administrator
for spec in "ann officer quiet orchard window" "sam supervisor silver kettle morning" \
    "aud auditor paper lamp thunder"; do
    read -r name role pw <<<"$spec"
    TRUSTDESK_NEW_PASSWORD="$pw" as chief "stone bridge harvest 1" users add "$name" --role "$role"
done
as chief "stone bridge harvest 1" agency set --name "New Haven Police" \
    --facility "Union Avenue lock-up" --ori CT0009300
for name in 1-ct2014-honor-hold 2-ct2014-decline 3-ct2019-honor-hold 4-ct2019-decline \
    5-ct2025-honor-hold 6-ct2025-decline; do
    as ann "quiet orchard window" decisions add "$here/cases/$name.json"
done
as ann "quiet orchard window" decisions amend 6 "$here/cases/6-ct2025-decline-amended.json" \
    --reason "the detainer came with a judicial warrant, found in the file after booking"
as sam "silver kettle morning" decisions review 2 --approve --reason "no ground applies"
# A memo printed by the old release: it must still verify after the upgrade.
as ann "quiet orchard window" memo 5 -o "$work/memo-5.pdf"
cp "$work/memo-5.pdf" "$here/old-release-memo-5.pdf"
as aud "paper lamp thunder" audit verify
# One file: fold the write-ahead log in, drop everything but the database itself.
"$python" - "$data" <<'PY'
import sqlite3, sys
from pathlib import Path
folder = Path(sys.argv[1])
db = next(p for p in folder.iterdir() if p.suffix in (".sqlite", ".db", ".sqlite3"))
conn = sqlite3.connect(db)
conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
conn.execute("PRAGMA journal_mode=DELETE")
conn.execute("VACUUM")
conn.close()
(folder / "trustdesk.lock").unlink(missing_ok=True)
print(sorted(p.name for p in folder.iterdir()))
PY
