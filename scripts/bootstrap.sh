#!/usr/bin/env bash
# Creates .venv with TrustDesk and its development tools, installing what a fresh
# Debian/Ubuntu machine lacks (a Python >= 3.11 with venv) when run as root.
#   --gui    also the system libraries Qt's windows need (run.sh)
#   --tests  those, plus Xvfb (screenshot tests), pdftoppm (memo rendering test), CUPS
#            with the cups-pdf virtual printer (real-printing tests) and the PostgreSQL
#            server (the store's tests start a throwaway cluster, tests/pgkit.py) (test.sh)
# Run by run.sh and test.sh; safe to run again (it does nothing when up to date).
# Exit status 3: everything is set up except system packages it could not install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

gui=0 tests=0
for arg in "$@"; do
  case "$arg" in
    --gui) gui=1 ;;
    --tests) gui=1 tests=1 ;;
    *) echo "usage: scripts/bootstrap.sh [--gui|--tests]" >&2; exit 2 ;;
  esac
done

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

can_apt() { [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_updated=0
apt_install() {
  if ! can_apt; then
    echo "bootstrap: please install: $* (e.g. sudo apt-get install $*)" >&2
    return 1
  fi
  echo "bootstrap: installing $* with apt-get" >&2
  if [ "$apt_updated" -eq 0 ]; then  # one package-list update per run, however many installs
    apt-get update -qq >/dev/null || return 1
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
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

[ "$gui" -eq 1 ] || exit 0

# --- System packages -------------------------------------------------------------------
# The PySide6 wheels bring Qt but not the system libraries its platform plugins link to
# (offscreen, xcb for X11, wayland), nor libxcb-cursor, which the xcb plugin loads at run
# time since Qt 6.5, nor a font, nor Kerberos (QtNetwork links it). These Debian packages
# provide them (names checked on Debian 12; apt resolves the renamed t64 libraries on
# Ubuntu 24.04). The list is in the README for administrators who prepare images.
QT_PACKAGES=(
  libegl1 libgl1 libglib2.0-0 libfontconfig1 fonts-dejavu-core libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-sync1
  libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1
  libwayland-client0 libwayland-cursor0 libwayland-egl1 libgssapi-krb5-2 libcups2
)

# What is missing, one item a line (nothing when all is present).
missing_system_parts() {
  local qt
  qt="$(.venv/bin/python -c 'import importlib.util as u
print(u.find_spec("PySide6").submodule_search_locations[0])')/Qt"
  ldd "$qt"/plugins/platforms/*.so "$qt"/plugins/printsupport/*.so "$qt"/lib/*.so.6 2>/dev/null | awk '/not found/ {print $1}' | sort -u
  PATH="$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null | grep -q 'libxcb-cursor\.so\.0 ' ||
    echo "libxcb-cursor.so.0"
  find /usr/share/fonts /usr/local/share/fonts -type f \
    \( -name '*.ttf' -o -name '*.otf' -o -name '*.ttc' -o -name '*.pfb' \) -print -quit 2>/dev/null |
    grep -q . || echo "a font (none in /usr/share/fonts)"
  if [ "$tests" -eq 1 ]; then
    command -v Xvfb >/dev/null 2>&1 || echo "Xvfb"
    command -v pdftoppm >/dev/null 2>&1 || echo "pdftoppm"
    # A private cupsd with cups-pdf queues (tests/ui/cupskit.py); pdftops and gs convert.
    for part in /usr/sbin/cupsd /usr/sbin/lpadmin /usr/lib/cups/backend/cups-pdf \
      /usr/lib/cups/filter/pdftops /usr/bin/gs; do
      [ -e "$part" ] || echo "$part"
    done
    # PostgreSQL 15 or later: initdb and pg_ctl from Debian's server package.
    ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null |
      awk -F/ '$5 >= 15 {found = 1} END {exit !found}' || echo "PostgreSQL >= 15 server"
    # One store test runs a server whose messages are Spanish (lc_messages): its locale.
    locale -a 2>/dev/null | grep -qix 'es_ES.utf-\?8' || echo "the es_ES.UTF-8 locale"
  fi
}

# The locale is made, not installed: from the sources of Debian's "locales" package.
make_test_locale() {
  [ "$tests" -eq 1 ] || return 0
  locale -a 2>/dev/null | grep -qix 'es_ES.utf-\?8' && return 0
  localedef -i es_ES -c -f UTF-8 es_ES.UTF-8 >/dev/null 2>&1 ||
    echo "bootstrap: could not make the es_ES.UTF-8 locale (localedef)" >&2
}

packages=("${QT_PACKAGES[@]}")
[ "$tests" -eq 0 ] || packages+=(xvfb poppler-utils cups cups-client printer-driver-cups-pdf postgresql locales)

# Checking takes about a second (ldd over Qt's libraries); skip it while neither the
# virtual environment nor the system's packages have changed since it last passed.
checked=.venv/.system-packages
key="gui=$gui tests=$tests $want $(stat -c %Y /var/lib/dpkg/status 2>/dev/null || echo unknown)"
if grep -qxF "$key" "$checked" 2>/dev/null; then
  exit 0
fi
missing=$(missing_system_parts)
if [ -n "$missing" ] && can_apt; then
  echo "bootstrap: missing system libraries or tools:" $missing >&2
  if ! apt_install "${packages[@]}"; then
    # A name unknown to this release must not keep the others out: one at a time.
    for package in "${packages[@]}"; do
      apt_install "$package" || echo "bootstrap: could not install $package" >&2
    done
  fi
  make_test_locale
  # dpkg may leave the linker's cache to a trigger not yet run; the check reads that cache.
  PATH="$PATH:/sbin:/usr/sbin" ldconfig 2>/dev/null || true
  missing=$(missing_system_parts)
fi
if [ -n "$missing" ]; then
  echo "bootstrap: still missing:" $missing >&2
  echo "bootstrap: as root, install the Debian/Ubuntu packages ${packages[*]}" >&2
  exit 3
fi
key="gui=$gui tests=$tests $want $(stat -c %Y /var/lib/dpkg/status 2>/dev/null || echo unknown)"
[ "${key##* }" = unknown ] || echo "$key" >> "$checked"
