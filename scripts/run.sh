#!/usr/bin/env bash
# Sets up TrustDesk (first time only) and runs it. Until the desktop app exists this is
# the demonstration: the bundled example cases decided and printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
exec .venv/bin/trustdesk demo "$@"
