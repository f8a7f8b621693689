#!/usr/bin/env bash
# The frozen feature test (CI): builds the onedir and the .deb twice (this version and a
# newer one), then tests/installed installs, uses, upgrades, removes and purges the
# package on THIS machine. Root only, Debian/Ubuntu. Leaves the machine as it found it:
# the package purged, and the record folder, group and test account removed if (and
# only if) this run created them. Refuses to start where TrustDesk is installed or
# /var/lib/trustdesk exists: it never touches a real desk's record.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ "$(id -u)" -eq 0 ] || { echo "test-installed: run as root (it installs a package)" >&2; exit 2; }
if dpkg -s trustdesk >/dev/null 2>&1; then
  echo "test-installed: the trustdesk package is installed here; refusing to test over it" >&2
  exit 2
fi
if [ -e /var/lib/trustdesk ]; then
  echo "test-installed: /var/lib/trustdesk exists (a real record?); refusing to touch it" >&2
  exit 2
fi
rm -rf /tmp/tdtest-officer-home /tmp/tdtest-root-home  # this test's own, from a killed run
group_existed=0
getent group trustdesk >/dev/null && group_existed=1

cleanup() {
  dpkg --purge trustdesk >/dev/null 2>&1 || true
  userdel tdtest-officer >/dev/null 2>&1 || true
  rm -rf /tmp/tdtest-officer-home /tmp/tdtest-root-home /tmp/nobody-home
  rm -rf /var/lib/trustdesk  # made by this run: it did not exist when the run started
  if [ "$group_existed" -eq 0 ]; then groupdel trustdesk >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

step() { echo "test-installed: $1 ($(( $(date +%s) - $2 )) s)"; }
t0=$(date +%s)
scripts/bootstrap.sh --tests || [ $? -eq 3 ]
if ! .venv/bin/python -c 'import zxingcpp, PyInstaller' >/dev/null 2>&1; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[build,installed-tests]'
fi
# The package's Depends, installed only when missing (dpkg -i does not fetch them).
mapfile -t depends < <(grep -v '^#' packaging/debian/depends | grep .)
missing=()
for package in "${depends[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
step "set up" "$t0"

base=$(sed -n 's/^[[:space:]]*__version__ = "\(.*\)"/\1/p' src/trustdesk/__init__.py)
mkdir -p build/installed
t=$(date +%s)
TRUSTDESK_BUILD_VERSION="$base" scripts/build-deb.sh
mv "dist/trustdesk_${base}_amd64.deb" build/installed/
step "built the onedir and trustdesk_${base}_amd64.deb" "$t"
t=$(date +%s)
newer="${base}+upgrade1"
TRUSTDESK_BUILD_VERSION="$newer" scripts/build-deb.sh
mv "dist/trustdesk_${newer}_amd64.deb" build/installed/
step "built the newer trustdesk_${newer}_amd64.deb" "$t"

t=$(date +%s)
TRUSTDESK_INSTALLED_TEST=1 \
TRUSTDESK_DEB="$PWD/build/installed/trustdesk_${base}_amd64.deb" \
TRUSTDESK_DEB_UPGRADE="$PWD/build/installed/trustdesk_${newer}_amd64.deb" \
  .venv/bin/pytest tests/installed -p no:randomly -p no:cacheprovider -v
step "tested the installed package" "$t"
step "total" "$t0"
