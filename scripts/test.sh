#!/usr/bin/env bash
# Sets up TrustDesk (first time only) and runs every check: lint, format, types, tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# The memo rendering test turns a PDF page into a PNG with pdftoppm (poppler-utils).
if ! command -v pdftoppm >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test: installing poppler-utils (pdftoppm) with apt-get" >&2
  { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; } ||
    echo "test: could not install poppler-utils; the PNG rendering test will fail" >&2
fi
.venv/bin/pytest "$@"
