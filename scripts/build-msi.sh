#!/usr/bin/env bash
# Turn the Windows onedir (dist/windows/trustdesk/, from scripts/build-windows.sh) into
# dist/TrustDesk-<version>-x64.msi with wixl (msitools), from packaging/windows/trustdesk.wxs.
#
# Environment:
#   TRUSTDESK_BUILD_VERSION  the version (default: __version__ in src/trustdesk/__init__.py);
#                            the MSI's ProductVersion is its first three numbers
#   TRUSTDESK_PUBLISHER      the publisher shown in Apps / Add or Remove Programs
#   TRUSTDESK_ONEDIR         another onedir to package
#   TRUSTDESK_SIGN_PFX, TRUSTDESK_SIGN_PASSWORD_FILE  optional code signing: see
#                            packaging/windows/README.md ("Signing")
#   TRUSTDESK_SIGN_TIMESTAMP_URL  optional RFC 3161 time-stamp server for the signature
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ONEDIR=$(realpath "${TRUSTDESK_ONEDIR:-$ROOT/dist/windows/trustdesk}")
WORK=$ROOT/build/windows/msi
PUBLISHER=${TRUSTDESK_PUBLISHER:-TrustDesk Project}

say() { printf '[build-msi] %s\n' "$*"; }
die() { printf '[build-msi] error: %s\n' "$*" >&2; exit 1; }

command -v wixl >/dev/null || die "wixl is missing: apt-get install wixl (scripts/build-windows.sh installs it)"
[[ -f $ONEDIR/trustdesk.exe ]] || die "no Windows onedir at $ONEDIR: run scripts/build-windows.sh first"

version=${TRUSTDESK_BUILD_VERSION:-$(sed -n 's/^[[:space:]]*__version__ = "\(.*\)"/\1/p' src/trustdesk/__init__.py)}
# Windows Installer compares only major.minor.build, each a number (255.255.65535 at most).
msi_version=$(grep -oE '^[0-9]+(\.[0-9]+){0,2}' <<<"$version" || true)
[[ -n $msi_version ]] || die "version '$version' does not start with a number"
while [[ $(tr -cd . <<<"$msi_version" | wc -c) -lt 2 ]]; do msi_version+=.0; done

# The Start-menu shortcut opens the windowed program when the build has one.
gui_exe=trustdesk.exe
for name in TrustDeskApp.exe; do
    [[ -f $ONEDIR/$name ]] && gui_exe=$name
done

rm -rf "$WORK"
mkdir -p "$WORK"
# The file list, as WiX's heat would make it: one component per file, its GUID derived
# from the path (Guid="*"), so a file keeps its component from one version to the next.
(cd "$ONEDIR/.." && find "$(basename "$ONEDIR")" -type f | LC_ALL=C sort) \
    | wixl-heat -p "$(basename "$ONEDIR")/" --directory-ref INSTALLDIR \
        --component-group AppFiles --var var.SourceDir --win64 >"$WORK/files.wxs"

out=$ROOT/dist/TrustDesk-$version-x64.msi
say "building $(basename "$out") (ProductVersion $msi_version, $(grep -c '<File ' "$WORK/files.wxs") files)"
# wixl finds sources only by relative paths.
wixl -a x64 -o "$out" \
    -D Version="$msi_version" -D Publisher="$PUBLISHER" -D SourceDir="$(realpath --relative-to=. "$ONEDIR")" \
    -D GuiExe="$gui_exe" -D Win64=yes \
    packaging/windows/trustdesk.wxs "$WORK/files.wxs" 2>&1 | grep -v '^$' || true
[[ -s $out ]] || die "wixl made no MSI"

if [[ -n ${TRUSTDESK_SIGN_PFX:-} ]]; then
    command -v osslsigncode >/dev/null || die "signing needs osslsigncode (apt-get install osslsigncode)"
    [[ -f ${TRUSTDESK_SIGN_PASSWORD_FILE:-} ]] || die "TRUSTDESK_SIGN_PASSWORD_FILE must name the file holding the .pfx password"
    args=(sign -pkcs12 "$TRUSTDESK_SIGN_PFX" -readpass "$TRUSTDESK_SIGN_PASSWORD_FILE"
        -n "TrustDesk $version" -h sha256)
    [[ -n ${TRUSTDESK_SIGN_TIMESTAMP_URL:-} ]] && args+=(-ts "$TRUSTDESK_SIGN_TIMESTAMP_URL")
    osslsigncode "${args[@]}" -in "$out" -out "$out.signed" >/dev/null
    mv "$out.signed" "$out"
    say "signed with $TRUSTDESK_SIGN_PFX"
fi
say "built $out ($(du -h "$out" | cut -f1))"
