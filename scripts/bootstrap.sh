#!/usr/bin/env bash
# Creates .venv with TrustDesk and its development tools, installing what a fresh
# Debian/Ubuntu machine lacks (a Python >= 3.11 with venv) when run as root.
# Sourced by run.sh and test.sh; safe to run again (it does nothing when up to date).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

apt_install() {
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing $* with apt-get" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "bootstrap: please install: $* (e.g. sudo apt-get install $*)" >&2
    return 1
  fi
}

PYTHON=$(find_python) || { apt_install python3 python3-venv && PYTHON=$(find_python); } || {
  echo "bootstrap: TrustDesk needs Python 3.11 or newer; install it and run again." >&2
  exit 1
}
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  version=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  apt_install "python${version}-venv" || apt_install python3-venv || exit 1
fi

stamp=.venv/.installed
want=$(sha256sum pyproject.toml | cut -d" " -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  echo "$want" > "$stamp"
fi
