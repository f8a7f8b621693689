"""Output to a Windows pipe or file, which Python writes in the ANSI code page (cp1252):
characters it lacks get a stand-in instead of an internal error, and JSON keeps every
character as an escape. Simulated here with a strict cp1252 stream, as on Windows."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from trustdesk import resources
from trustdesk.cli.console import json_for, stand_in, tolerate

sys.path.insert(0, str(Path(__file__).parent / "store"))
from storekit import FAST_HASHER


def windows_pipe(errors: str = "strict") -> io.TextIOWrapper:
    """A stream as Python opens a Windows pipe: the ANSI code page; "strict" on Windows,
    "surrogateescape" where no locale is set (as under wine)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="cp1252", errors=errors, newline="")


def written(stream: io.TextIOWrapper) -> bytes:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue()


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_a_code_page_stream_writes_stand_ins(errors: str) -> None:
    stream = windows_pipe(errors)
    with pytest.raises(UnicodeEncodeError):
        stream.write("2026-11-27 → 2026-12-01")
    stream = windows_pipe(errors)
    tolerate(stream)
    stream.write("2026-11-27 → 2026-12-01 ✔ Gonçalves Erdős Łukasz")
    # "ç" is in cp1252 and stays; "ő" is not: its base letter; "Ł" has none: "?".
    assert written(stream) == "2026-11-27 -> 2026-12-01 [ok] Gonçalves Erdos ?ukasz".encode(
        "cp1252"
    )


def test_undecodable_bytes_go_out_as_they_came() -> None:
    name = b"report-\x81.txt".decode("cp1252", errors="surrogateescape")  # 0x81: unassigned
    stream = windows_pipe("surrogateescape")
    tolerate(stream)
    stream.write(f"{name} →")
    assert written(stream) == b"report-\x81.txt ->"


def test_utf8_streams_are_left_as_they_are() -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    tolerate(stream)
    assert stream.errors == "strict"
    stream = io.TextIOWrapper(io.BytesIO(), encoding="cp1252", errors="replace")
    tolerate(stream)  # a stream someone configured already is theirs
    assert stream.errors == "replace"
    assert stand_in("→≥") == "->>="


def test_json_keeps_every_character_on_a_code_page_stream() -> None:
    document = {"name": "Gonçalves Łukasz 😀", "outcome": "HOLD → release"}
    stream = windows_pipe()
    text = json_for(document, stream)
    stream.write(text)  # strict: it would raise if a character could not be written
    raw = written(stream)
    assert "Gonçalves".encode("cp1252") in raw  # as on Linux, where the code page has it
    assert b"\\u0141ukasz \\ud83d\\ude00" in raw and b"HOLD \\u2192 release" in raw
    assert json.loads(raw.decode("cp1252")) == document
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    assert json_for(document, utf8) == json.dumps(document, indent=2, ensure_ascii=False)


def test_signed_pack_import_to_a_windows_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review that ``rules import`` prints has "→": the import must still happen."""
    from trustdesk.cli import main
    from trustdesk.services import context as service_context

    monkeypatch.setattr(service_context, "_default_hasher", lambda: FAST_HASHER)
    monkeypatch.setenv("TRUSTDESK_KEY_PASSPHRASE", "a publisher's long passphrase")
    monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", "granite lantern meadow 7")
    monkeypatch.setenv("TRUSTDESK_PASSWORD", "granite lantern meadow 7")
    data = tmp_path / "data"

    def run(*args: str) -> tuple[int, str, str]:
        out, err = windows_pipe(), windows_pipe("surrogateescape")
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        code = main(["--data-dir", str(data), *args])
        return code, written(out).decode("cp1252"), written(err).decode("cp1252")

    pack: dict[str, Any] = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    pack["title"] = "Code page edition"
    pack["last_verified_on"] = "2026-12-01"
    plain = tmp_path / "edition.json"
    plain.write_text(json.dumps(pack), encoding="utf-8")
    key, signed = tmp_path / "p.key", tmp_path / "edition.tdpack"
    assert run("users", "add", "chief", "--role", "administrator")[0] == 0
    assert run("rules", "keygen", "--publisher", "Łódź Publisher", "-o", str(key))[0] == 0
    assert run("rules", "sign", str(plain), "--key", str(key), "-o", str(signed))[0] == 0
    code, out, err = run("rules", "trust", str(tmp_path / "p.key.pub"), "--as", "chief")
    assert code == 0, err
    assert "Trusted “?ódz Publisher”" in out  # Ł: no base letter; ó in cp1252; ź: z

    code, out, err = run("rules", "import", str(signed), "--as", "chief")
    assert code == 0, err
    assert "internal error" not in err
    assert "Last verified on: 2026-11-27 -> 2026-12-01" in out
    assert "Imported ct-2025 (Code page edition)" in out
