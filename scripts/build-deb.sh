#!/usr/bin/env bash
# Builds dist/trustdesk_<version>_amd64.deb from the frozen onedir (scripts/build.sh).
#   scripts/build-deb.sh                       build the onedir, then the package
#   TRUSTDESK_BUILD_VERSION=0.1.1 scripts/build-deb.sh   a newer version (upgrade tests)
#   TRUSTDESK_SKIP_BUILD=1 scripts/build-deb.sh          package dist/trustdesk/ as it is
# Layout: /opt/trustdesk (the app), /usr/bin/trustdesk (wrapper), the desktop entry and
# icons, /etc/trustdesk/config.toml (conffile); maintainer scripts in packaging/debian/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb is needed (Debian/Ubuntu)" >&2; exit 1; }
start=$(date +%s)
if [ "${TRUSTDESK_SKIP_BUILD:-0}" != 1 ]; then
  scripts/build.sh
fi
[ -x dist/trustdesk/trustdesk ] || { echo "build-deb: no dist/trustdesk/; run scripts/build.sh" >&2; exit 1; }

# The version the frozen program states (the build may have been given another one).
version=$(dist/trustdesk/trustdesk --version | sed -n '1s/^trustdesk //p')
if [ -n "${TRUSTDESK_BUILD_VERSION:-}" ] && [ "$version" != "$TRUSTDESK_BUILD_VERSION" ]; then
  echo "build-deb: dist/trustdesk states $version, not $TRUSTDESK_BUILD_VERSION; rebuild it" >&2
  exit 1
fi
deb_version=${version//-/\~}  # a Debian version without a revision may not hold "-"

root=build/deb/root
rm -rf build/deb
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/etc/trustdesk" \
  "$root/usr/share/applications" "$root/usr/share/icons/hicolor/scalable/apps" \
  "$root/usr/share/icons/hicolor/48x48/apps" "$root/usr/share/icons/hicolor/256x256/apps" \
  "$root/usr/share/doc/trustdesk"
cp -a dist/trustdesk "$root/opt/trustdesk"
d=packaging/debian

# The wrapper only sets the umask; /etc/trustdesk/config.toml names the record's folder.
install -m 0755 "$d/trustdesk.sh" "$root/usr/bin/trustdesk"
install -m 0644 "$d/config.toml" "$root/etc/trustdesk/config.toml"
install -m 0644 packaging/config.toml.example "$root/opt/trustdesk/config.toml.example"
install -m 0644 "$d/trustdesk.desktop" "$root/usr/share/applications/trustdesk.desktop"
install -m 0644 packaging/icons/trustdesk.svg "$root/usr/share/icons/hicolor/scalable/apps/trustdesk.svg"
install -m 0644 packaging/icons/trustdesk-48.png "$root/usr/share/icons/hicolor/48x48/apps/trustdesk.png"
install -m 0644 packaging/icons/trustdesk-256.png "$root/usr/share/icons/hicolor/256x256/apps/trustdesk.png"
install -m 0644 packaging/README.md "$root/usr/share/doc/trustdesk/README.md"
install -m 0644 "$d/conffiles" "$root/DEBIAN/conffiles"
install -m 0755 "$d/postinst" "$d/prerm" "$d/postrm" "$root/DEBIAN/"
chmod 0755 "$root/usr/bin/trustdesk"

depends=$(grep -v '^#' "$d/depends" | grep . | paste -sd, | sed 's/,/, /g')
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$deb_version|" -e "s|@INSTALLED_SIZE@|$size|" -e "s|@DEPENDS@|$depends|" \
  "$d/control.in" > "$root/DEBIAN/control"

# Everything readable, nothing group/world-writable in /opt (the records are elsewhere).
chmod -R u+rwX,go+rX,go-w "$root/opt" "$root/usr" "$root/etc"
out="dist/trustdesk_${deb_version}_amd64.deb"
rm -f "$out"
dpkg-deb --build --root-owner-group -Zgzip -z6 "$root" "$out" >/dev/null
echo "build-deb: $out ($(du -h "$out" | cut -f1)) in $(( $(date +%s) - start )) s"
