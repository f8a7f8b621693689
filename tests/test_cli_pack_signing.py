"""The command line, as a publisher and an agency's administrator use it: keygen, sign,
trust, review, import; a tampered or untrusted pack is refused (exit 2, one line) unless
an override with a reason is given, and the override is audited."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from trustdesk import resources

sys.path.insert(0, str(Path(__file__).parent / "store"))
from storekit import PASSWORDS, in_process_cli

PUBLISHER = "Office of the Chief State's Attorney"
PASSPHRASE = "prosecutors keep their keys locked"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    # A script gives the key's passphrase through the environment, never on the command line.
    monkeypatch.setenv("TRUSTDESK_KEY_PASSPHRASE", PASSPHRASE)
    run = in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)
    assert run("users", "add", "chief", "--role", "administrator", new=PASSWORDS["chief"])[0] == 0
    officer = ("users", "add", "ann", "--role", "officer", "--as", "chief")
    assert run(*officer, who="chief", new=PASSWORDS["ann"])[0] == 0
    return run


def edition(folder: Path) -> Path:
    data = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    data["title"] = "State's Attorneys' edition"
    data["lists"][0]["statutes"].remove("53a-196e")
    del data["lists"][0]["entries"]["53a-196e"]  # format 2: entries verify exactly the list
    data["last_verified_on"] = "2026-12-01"
    path = folder / "ct-2025-edition.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def audit(data: Path, event: str) -> list[Any]:
    from trustdesk.store.store import Store

    with Store.open(data) as store:
        return store.audit.of_events(event)


def test_publisher_signs_and_agency_imports(cli: Any, tmp_path: Path) -> None:
    pub = tmp_path / "publisher"
    pub.mkdir()
    key = pub / "sao.key"
    code, out, err = cli("rules", "keygen", "--publisher", PUBLISHER, "-o", str(key))
    assert code == 0, err
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    stored = json.loads(key.read_text())
    assert "private_key" not in stored  # no key in the clear
    assert stored["encrypted_private_key"].startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert stored["encrypted_private_key"] not in out + err  # never printed
    public_line = (pub / "sao.key.pub").read_text().strip()
    assert public_line in out and public_line.endswith(PUBLISHER)
    fingerprint = out.split("Fingerprint: ", 1)[1].splitlines()[0]
    assert len(fingerprint.split()) == 8

    signed = pub / "ct-2025-edition.tdpack"
    code, out, err = cli("rules", "sign", str(edition(pub)), "--key", str(key), "-o", str(signed))
    assert code == 0, err
    assert fingerprint in out and str(signed) in out
    assert cli("rules", "sign", str(edition(pub)), "--key", str(key), "-o", str(signed))[0] == 2

    # Not yet trusted: refused, nothing imported, the refusal audited.
    code, out, err = cli("rules", "import", str(signed), "--as", "chief", who="chief")
    assert code == 2 and "which your agency does not trust" in err and fingerprint in err
    assert len(err.strip().splitlines()) == 1 + err.count("warning")
    assert not (cli.data / "rules").exists()
    assert audit(cli.data, "rules.import_refused")[-1].objects_dict()["problem"] == "untrusted"

    code, out, err = cli("rules", "trust", str(pub / "sao.key.pub"), "--as", "ann", who="ann")
    assert code == 2 and "administrators" in err
    code, out, err = cli("rules", "trust", str(pub / "sao.key.pub"), "--as", "chief", who="chief")
    assert code == 0 and fingerprint in out, err
    code, out, _ = cli("rules", "publishers", "--as", "chief", who="chief")
    assert f"{fingerprint}  {PUBLISHER}  (added by chief on " in out

    code, out, err = cli("rules", "review", str(signed), "--as", "chief", who="chief")
    assert code == 0, err
    assert f"Signed by “{PUBLISHER}” (key fingerprint {fingerprint})" in out
    assert "The key is trusted" in out
    assert "Removed: § 53a-196e " in out
    assert "Last verified on: 2026-11-27 → 2026-12-01" in out
    assert not (cli.data / "rules").exists()

    code, out, err = cli("rules", "import", str(signed), "--as", "chief", who="chief")
    assert code == 0, err
    assert "Removed: § 53a-196e " in out and "Imported ct-2025 (State's Attorneys' edition)" in out
    entry = audit(cli.data, "rules.imported")[-1].objects_dict()
    assert entry["signature"] == "trusted" and entry["key_fingerprint"] == fingerprint

    # One changed byte: refused in one line, exit 2.
    tampered = bytearray(signed.read_bytes())
    tampered[-10] ^= 0x20
    bad = pub / "tampered.tdpack"
    bad.write_bytes(bytes(tampered))
    code, out, err = cli("rules", "import", str(bad), "--as", "chief", who="chief")
    assert code == 2 and out == ""
    assert f"trustdesk: {bad}: /: does not match its signature" in err

    _revoke_and_check(cli, pub, key, fingerprint)


def _revoke_and_check(cli: Any, pub: Path, key: Path, fingerprint: str) -> None:
    """Revoke the key the imported pack was signed with: it stays in force, saying so."""
    code, out, err = cli("rules", "untrust", fingerprint, "--as", "chief", who="chief")
    assert code == 0 and "Revoked" in out, err
    listed = cli("rules", "publishers", "--as", "chief", who="chief")[1]
    assert "No publisher is trusted" in listed and f"{fingerprint}  {PUBLISHER}" in listed
    assert "REVOKED on " in listed and "packs imported before stay in force" in listed
    # The pack imported before the revocation stays in force, and the list says why.
    code, out, err = cli("rules", "list")
    assert code == 0, err
    assert "State's Attorneys' edition" in out
    assert f"with key {fingerprint}, REVOKED on " in out and "stays in force" in out
    # A pack signed with the revoked key now is refused, override or not; audited.
    later = pub / "later.tdpack"
    assert cli("rules", "sign", str(edition(pub)), "--key", str(key), "-o", str(later))[0] == 0
    command = ("rules", "import", str(later), "--override-unsigned", "--reason", "x" * 20)
    code, out, err = cli(*command, "--as", "chief", who="chief")
    assert code == 2 and "REVOKED" in err and "refused" in err, err
    assert audit(cli.data, "rules.import_refused")[-1].objects_dict()["problem"] == "revoked key"
    # A revoked key is never trusted again.
    code, _, err = cli("rules", "trust", str(pub / "sao.key.pub"), "--as", "chief", who="chief")
    assert code == 2 and "never trusted again" in err


def test_keygen_and_sign_take_the_passphrase_never_from_argv(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "p.key"
    monkeypatch.setenv("TRUSTDESK_KEY_PASSPHRASE", "short")
    code, _, err = cli("rules", "keygen", "--publisher", PUBLISHER, "-o", str(key))
    assert code == 2 and "at least 12" in err and not key.exists()
    monkeypatch.delenv("TRUSTDESK_KEY_PASSPHRASE")
    # No terminal and no environment variable: refused, saying how to give it.
    code, _, err = cli("rules", "keygen", "--publisher", PUBLISHER, "-o", str(key))
    assert code == 2 and "TRUSTDESK_KEY_PASSPHRASE" in err and not key.exists()
    monkeypatch.setenv("TRUSTDESK_KEY_PASSPHRASE", PASSPHRASE)
    assert cli("rules", "keygen", "--publisher", PUBLISHER, "-o", str(key))[0] == 0
    monkeypatch.setenv("TRUSTDESK_KEY_PASSPHRASE", PASSPHRASE + " but wrong")
    out_file = tmp_path / "signed.tdpack"
    code, _, err = cli(
        "rules", "sign", str(edition(tmp_path)), "--key", str(key), "-o", str(out_file)
    )
    assert code == 2 and "cannot be opened with that passphrase" in err
    assert len(err.strip().splitlines()) == 1 and not out_file.exists()


def test_a_key_trusted_until_a_date_stops_vouching_after_it(cli: Any, tmp_path: Path) -> None:
    key = tmp_path / "p.key"
    out = cli("rules", "keygen", "--publisher", PUBLISHER, "-o", str(key))[1]
    fingerprint = out.split("Fingerprint: ", 1)[1].splitlines()[0]
    public = str(tmp_path / "p.key.pub")
    code, _, err = cli(
        "rules", "trust", public, "--expires", "2001-01-01", "--as", "chief", who="chief"
    )
    assert code == 2 and "has passed" in err
    code, _, err = cli("rules", "trust", public, "--expires", "soon", "--as", "chief", who="chief")
    assert code == 2 and "YYYY-MM-DD" in err
    code, out, err = cli(
        "rules", "trust", public, "--expires", "2099-12-31", "--as", "chief", who="chief"
    )
    assert code == 0 and "until 2099-12-31" in out, err
    listed = cli("rules", "publishers", "--as", "chief", who="chief")[1]
    assert f"{fingerprint}  {PUBLISHER}" in listed and "trusted, until 2099-12-31" in listed


def test_an_unsigned_pack_needs_the_override_and_a_reason(cli: Any, tmp_path: Path) -> None:
    source = edition(tmp_path)
    code, _, err = cli("rules", "import", str(source), "--as", "chief", who="chief")
    assert code == 2 and "the pack is not signed" in err and "--override-unsigned" in err
    code, _, err = cli(
        "rules", "import", str(source), "--override-unsigned", "--as", "chief", who="chief"
    )
    assert code == 2 and "needs a reason" in err
    assert not (cli.data / "rules").exists()

    why = "Our counsel drafted this edition; no publisher signs it"
    command = ("rules", "import", str(source), "--override-unsigned", "--reason", why)
    code, out, err = cli(*command, "--as", "chief", who="chief")
    assert code == 0, err
    assert "Signature: Not signed" in out and "override recorded in the audit log" in out
    entry = audit(cli.data, "rules.imported")[-1]
    assert entry.actor == "chief"
    objects = entry.objects_dict()
    assert (objects["signature"], objects["override_reason"]) == ("unsigned", why)
    assert objects["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()


def test_a_california_publisher_signs_and_a_california_agency_imports(
    cli: Any, tmp_path: Path
) -> None:
    # `rules sign` checked every pack against Connecticut's catalog (a California pack's
    # own tests failed), and the import checked it against Connecticut's law: a
    # California agency could be sent no signed pack at all.
    pub = tmp_path / "publisher"
    pub.mkdir()
    key = pub / "doj.key"
    assert cli("rules", "keygen", "--publisher", "California DOJ", "-o", str(key))[0] == 0
    data = json.loads(resources.resource("rules", "ca-2018.json").read_text())
    data["title"] = "Department of Justice edition"
    data["last_verified_on"] = "2026-12-05"
    plain = pub / "ca-2018-edition.json"
    plain.write_text(json.dumps(data, indent=1), encoding="utf-8")
    signed = pub / "ca-2018-edition.tdpack"
    code, _out, err = cli("rules", "sign", str(plain), "--key", str(key), "-o", str(signed))
    assert code == 0, err
    assert cli("agency", "jurisdiction", "CA", "--as", "chief", who="chief")[0] == 0
    assert cli("rules", "trust", str(pub / "doj.key.pub"), "--as", "chief", who="chief")[0] == 0
    code, out, err = cli("rules", "import", str(signed), "--as", "chief", who="chief")
    assert code == 0, err
    assert "Imported ca-2018 (Department of Justice edition)" in out
    code, out, _err = cli("rules", "list")
    assert "Department of Justice edition" in out and "ct-2025" not in out
    # A pack for a jurisdiction TrustDesk does not know is refused before signing.
    data["jurisdiction"] = "NY"
    plain.write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = cli("rules", "sign", str(plain), "--key", str(key), "-o", str(pub / "ny"))
    assert code == 2 and "/jurisdiction: is 'NY'; TrustDesk knows CT, CA" in err


def test_a_key_file_that_is_not_text_is_named_as_no_key(cli: Any, tmp_path: Path) -> None:
    """A binary file given as a publisher's public key or a private key showed Python's
    own words, "'utf-8' codec can't decode byte 0xff in position 0" (a hostile pass)."""
    binary = tmp_path / "photo.key"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not a key")
    code, _out, err = cli("rules", "trust", str(binary), "--as", "chief", who="chief")
    assert code == 2 and "is not a publisher's public key (it is not text)" in err
    assert "codec" not in err
    code, _out, err = cli(
        "rules", "sign", "--key", str(binary), "-o", str(tmp_path / "s.json"),
        str(edition(tmp_path)),
    )  # fmt: skip
    assert code == 2 and "is not a TrustDesk private key" in err and "it is not text" in err
    assert "codec" not in err and not (tmp_path / "s.json").exists()
