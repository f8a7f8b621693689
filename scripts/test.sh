#!/usr/bin/env bash
# Sets up TrustDesk (first time only) and runs every check: lint, format, types, tests.
# As root on Debian/Ubuntu (CI) it also installs the system packages the tests need: the
# libraries of Qt's offscreen and X11 platform plugins, Xvfb for the screenshot tests,
# poppler-utils (pdftoppm) for the memo rendering test and CUPS with the cups-pdf virtual
# printer for the real-printing tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
scripts/bootstrap.sh --tests || status=$?
if [ "$status" -eq 3 ]; then
  echo "test: running without those system packages; the tests that need them will fail" >&2
elif [ "$status" -ne 0 ]; then
  exit "$status"
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# One worker process per core (pytest-xdist); TRUSTDESK_TEST_WORKERS=0 runs in this one.
.venv/bin/pytest -n "${TRUSTDESK_TEST_WORKERS:-auto}" "$@"
