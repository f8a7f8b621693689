#!/usr/bin/env bash
# Builds the frozen TrustDesk (PyInstaller onedir) into dist/trustdesk/ from this checkout.
#   TRUSTDESK_BUILD_VERSION=0.1.1 scripts/build.sh   a build stating another version
# It uses the project's .venv (scripts/bootstrap.sh) with the optional "build" tools.
# Prints how long the build took and how big the folder is. See packaging/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/bootstrap.sh
if ! .venv/bin/python -c 'import PyInstaller' >/dev/null 2>&1; then
  echo "build: installing PyInstaller into .venv" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[build]'
fi

export TRUSTDESK_BUILD_COMMIT="${TRUSTDESK_BUILD_COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}"
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  TRUSTDESK_BUILD_COMMIT="${TRUSTDESK_BUILD_COMMIT%+modified}+modified"  # not what the commit holds
fi
start=$(date +%s)
rm -rf dist/trustdesk
.venv/bin/pyinstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/pyinstaller/trustdesk.spec
# The frozen program must start and find its bundled data before anyone ships it.
dist/trustdesk/trustdesk --version >/dev/null
echo "build: dist/trustdesk/ ($(du -sh dist/trustdesk | cut -f1), $(find dist/trustdesk -type f | wc -l) files) in $(( $(date +%s) - start )) s"
