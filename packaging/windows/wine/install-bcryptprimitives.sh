#!/usr/bin/env bash
# Put the test-only bcryptprimitives.dll stand-in (bcryptprimitives.c, next to this file)
# into the system32 folder of the wine prefix $WINEPREFIX, compiling it with mingw-w64
# (installed when missing, as root). Wine environment only: it goes into the prefix,
# never into dist/. scripts/build-windows.sh runs it before PyInstaller's analysis (so
# that cryptography's and rpds-py's Rust extensions load there, as on Windows) and
# scripts/test-windows.sh before running the program.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${WINEPREFIX:?set WINEPREFIX to the wine prefix}"
system32=$WINEPREFIX/drive_c/windows/system32
dll=$system32/bcryptprimitives.dll
[[ -d $system32 ]] || { echo "no wine prefix at $WINEPREFIX (wineboot first)" >&2; exit 1; }
# Rebuilt when the source is newer than the DLL in the prefix.
[[ -f $dll && ! $here/bcryptprimitives.c -nt $dll ]] && exit 0
if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
    [[ $(id -u) == 0 ]] || { echo "install gcc-mingw-w64-x86-64-win32 (apt) to build $dll" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
        --no-install-recommends gcc-mingw-w64-x86-64-win32 >/dev/null
fi
x86_64-w64-mingw32-gcc -shared -O2 -o "$dll" "$here/bcryptprimitives.c" -ladvapi32 \
    || { echo "cannot build the bcryptprimitives.dll stand-in for wine" >&2; exit 1; }
echo "installed the test-only bcryptprimitives.dll stand-in into $system32"
