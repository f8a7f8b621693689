#!/usr/bin/env bash
# Sets up TrustDesk (first time only) and opens the desktop app. Arguments go to the
# program: scripts/run.sh --data-dir DIR opens the records in DIR.
# As root on Debian/Ubuntu it also installs the system libraries Qt's windows need.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh --gui

if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}${QT_QPA_PLATFORM:-}" ]; then
  cat >&2 <<'MESSAGE'
run.sh: TrustDesk is set up, but this session has no display to open its window on
(neither DISPLAY nor WAYLAND_DISPLAY is set: a text console, or ssh without -X).
Run scripts/run.sh again from a desktop session. The command line works here:
  .venv/bin/trustdesk --help
MESSAGE
  exit 1
fi
exec .venv/bin/trustdesk "$@"
