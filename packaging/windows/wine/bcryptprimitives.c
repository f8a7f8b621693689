/*
 * Test-only stand-in for Windows' bcryptprimitives.dll, which wine 8 lacks.
 *
 * Programs built with Rust 1.78 or later (here: the rpds-py extension that jsonschema
 * loads, and cryptography's _rust extension, which checks signed rule packs) import
 * ProcessPrng from bcryptprimitives.dll for their random numbers; every Windows 10/11
 * has that DLL, wine 8 does not, so the modules fail to load under wine.
 * install-bcryptprimitives.sh (next to this file) compiles it with mingw-w64 and puts it
 * into the wine prefix only, before PyInstaller's analysis (scripts/build-windows.sh) and
 * before the smoke test (scripts/test-windows.sh). It is never part of the onedir or the
 * MSI.
 */
#include <windows.h>

/* advapi32's RtlGenRandom, which wine implements. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
