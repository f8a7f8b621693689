#!/usr/bin/env bash
# The slow proofs of the shared PostgreSQL record (issue 13), run by CI after the main test
# command: 8 desk processes x 1,000 decisions on one server (one linear chain, nothing
# lost), and the server killed with `pg_ctl stop -m immediate` in the middle of saves 50
# times (no acknowledged decision lost, no half record, the desks recover). The normal
# test command runs the same tests small (3 x 50, 5 kills). Sets up .venv and, as root,
# the PostgreSQL server packages first (scripts/bootstrap.sh --tests), as test.sh does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
scripts/bootstrap.sh --tests || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  exit "$status"
fi
TRUSTDESK_LOAD=full .venv/bin/pytest tests/load -q -p no:randomly "$@"
