"""The installed TrustDesk, as a booking desk gets it: ``dpkg -i``, use, upgrade, remove,
purge; every command run through /usr/bin/trustdesk, by root or by an officer's account
in the "trustdesk" group, on the machine-wide record in /var/lib/trustdesk.

The tests run in file order (one life of the package) and are run by
scripts/test-installed.sh, which builds the two packages and cleans up after them.
"""

from __future__ import annotations

import grp
import hashlib
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import zxingcpp

from trustdesk.store.helper_command import HELPER_ARGUMENT

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = "/usr/bin/trustdesk"
DATA = Path("/var/lib/trustdesk")
CONFIG = Path("/etc/trustdesk/config.toml")
DEB = Path(os.environ.get("TRUSTDESK_DEB", "missing"))
DEB_UPGRADE = Path(os.environ.get("TRUSTDESK_DEB_UPGRADE", "missing"))
OFFICER_ACCOUNT = "tdtest-officer"  # an OS account in group trustdesk, made by a fixture
#: Root's home for this test: per-account state (caches, the chain anchor the program
#: keeps per OS account) must neither come from nor stay in the real root's home.
ROOT_HOME = Path("/tmp/tdtest-root-home")
PASSWORDS = {"chief": "granite lantern meadow 7", "ann": "copper violin harbor 4"}
EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.json"))


def deb_version(deb: Path) -> str:
    return subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def run(
    *args: str,
    user: str | None = None,
    password: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """``/usr/bin/trustdesk ARGS`` as root, or as ``user`` through runuser."""
    environment = {
        "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
        "LANG": "C.UTF-8",
        "HOME": str(ROOT_HOME) if user is None else f"/tmp/{user}-home",
        **(env or {}),
    }
    if password is not None:
        environment["TRUSTDESK_PASSWORD"] = password
    command = [PROGRAM, *args]
    if user is not None:
        command = [
            "runuser",
            "-u",
            user,
            "--",
            "env",
            *(f"{k}={v}" for k, v in environment.items()),
            *command,
        ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=environment, check=False
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


def dpkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["dpkg", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def decoded_qr_texts(pdf: Path) -> list[str]:
    """Every QR code zxing-cpp finds on the memo's pages, rendered at 200 dpi."""
    texts = []
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for page in document:
            image = page.render(scale=200 / 72, grayscale=True).to_pil()
            texts += [
                found.text
                for found in zxingcpp.read_barcodes(image)
                if found.format == zxingcpp.BarcodeFormat.QRCode
            ]
    finally:
        document.close()
    return texts


def shown(decision_id: int, user: str | None = None) -> dict[str, Any]:
    out = ok(
        run(
            "decisions",
            "show",
            str(decision_id),
            "--format",
            "json",
            "--as",
            "ann",
            user=user,
            password=PASSWORDS["ann"],
        )
    )
    result: dict[str, Any] = json.loads(out)
    return result


@pytest.fixture(scope="module")
def officer_account() -> Any:
    """An OS account in group trustdesk (created once the package made the group)."""
    home = Path(f"/tmp/{OFFICER_ACCOUNT}-home")
    subprocess.run(
        [
            "useradd",
            "--no-create-home",
            "--home-dir",
            str(home),
            "--shell",
            "/usr/sbin/nologin",
            "--groups",
            "trustdesk",
            OFFICER_ACCOUNT,
        ],
        check=True,
    )
    home.mkdir(mode=0o700, exist_ok=True)
    os.chown(home, *_ids(OFFICER_ACCOUNT))
    yield OFFICER_ACCOUNT
    subprocess.run(["userdel", OFFICER_ACCOUNT], check=False)
    subprocess.run(["rm", "-rf", str(home)], check=False)


def _ids(account: str) -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam(account)
    return entry.pw_uid, entry.pw_gid


def test_preconditions() -> None:
    assert os.geteuid() == 0, "run as root (scripts/test-installed.sh)"
    assert not ROOT_HOME.exists(), f"{ROOT_HOME} is left from another run"
    ROOT_HOME.mkdir(mode=0o700)
    assert DEB.is_file() and DEB_UPGRADE.is_file(), (DEB, DEB_UPGRADE)
    assert dpkg("-s", "trustdesk").returncode != 0, "trustdesk is installed already"
    assert not DATA.exists(), f"{DATA} exists: this test never touches a real record"


def test_install_lays_out_the_package() -> None:
    result = dpkg("-i", str(DEB))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "records in /var/lib/trustdesk" in result.stdout
    assert os.path.islink(PROGRAM) or os.access(PROGRAM, os.X_OK)
    assert Path("/opt/trustdesk/trustdesk").is_file()
    desktop = Path("/usr/share/applications/trustdesk.desktop").read_text(encoding="utf-8")
    assert "Exec=/usr/bin/trustdesk gui" in desktop and "Icon=trustdesk" in desktop
    assert Path("/usr/share/icons/hicolor/scalable/apps/trustdesk.svg").is_file()
    assert 'data_dir = "/var/lib/trustdesk"' in CONFIG.read_text(encoding="utf-8")
    info = DATA.stat()
    assert grp.getgrgid(info.st_gid).gr_name == "trustdesk"
    assert stat.S_IMODE(info.st_mode) == 0o2770  # setgid, group-writable, closed to others
    # pdfium (the app's memo preview and printing) ships inside, beside its bindings.
    assert Path("/opt/trustdesk/_internal/pypdfium2_raw/libpdfium.so").is_file()
    # Every library the Qt plugins link is on the system (the package's Depends).
    plugins = sorted(Path("/opt/trustdesk/_internal/PySide6/Qt/plugins").glob("*/*.so"))
    assert plugins
    linked = subprocess.run(
        ["ldd", *map(str, plugins)], capture_output=True, text=True, check=False
    )
    missing = linked.stdout
    assert "not found" not in missing, missing


def test_version_names_the_build_and_the_shipped_packs() -> None:
    out = ok(run("--version"))
    lines = out.splitlines()
    assert lines[0] == f"trustdesk {deb_version(DEB)}"
    assert lines[1].startswith("build: commit ") and lines[1].endswith("(frozen build)")
    # The packs in force are those of the install's jurisdiction (Connecticut unless
    # configured); another state's shipped packs are not in force here.
    for pack in sorted((ROOT / "resources" / "rules").glob("*.json")):
        digest = hashlib.sha256(pack.read_bytes()).hexdigest()
        line = f"  {pack.stem}  {digest}  (shipped;"
        if json.loads(pack.read_bytes())["jurisdiction"] == "CT":
            assert line in out
        else:
            assert f"  {pack.stem}  " not in out


def test_the_machine_config_names_the_shared_record() -> None:
    # The wrapper sets no folder: IT's /etc/trustdesk/config.toml does, and it is locked.
    out = ok(run("config", "check"))
    assert out.splitlines()[0] == "config file: /etc/trustdesk/config.toml"
    assert re.search(
        r"^data_dir +/var/lib/trustdesk +set by IT in /etc/trustdesk/config\.toml \(locked\)$",
        out,
        re.M,
    ), out
    assert "TRUSTDESK_DATA_DIR" not in Path(PROGRAM).read_text(encoding="utf-8")


def test_the_frozen_build_carries_the_database_client() -> None:
    # psycopg and its bundled libpq are imported only when a server is named: a frozen
    # build that left them out would fail here with an ImportError, not this message.
    result = run(
        "--database",
        "postgresql://127.0.0.1:9/trustdesk?connect_timeout=3",
        "users",
        "list",
        "--as",
        "chief",
        env={"TRUSTDESK_PASSWORD": "unused"},
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "ImportError" not in result.stderr
    assert "the database server cannot be reached" in result.stderr, result.stderr


def test_the_frozen_build_signs_packs(tmp_path: Path) -> None:
    # cryptography (Ed25519) is used only by the pack-signing commands.
    key = tmp_path / "publisher.key"
    passphrase = {"TRUSTDESK_KEY_PASSPHRASE": "installed build passphrase"}
    out = ok(
        run("rules", "keygen", "--publisher", "Installed Test", "-o", str(key), env=passphrase)
    )
    assert "trustdesk-ed25519 " in out
    assert key.stat().st_mode & 0o777 == 0o600


def test_rule_pack_tests_pass() -> None:
    # No validation cache: the packs are checked against their JSON schema by the frozen
    # jsonschema, with its bundled metaschemas.
    out = ok(run("rules", "test", env={"TRUSTDESK_NO_CACHE": "1"}))
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), out


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_evaluate_decides_as_the_source_does(example: Path, tmp_path: Path) -> None:
    # An empty PYTHONTZPATH hides the system's zoneinfo: the bundled tzdata must serve.
    frozen = json.loads(
        ok(run("evaluate", "--format", "json", str(example), env={"PYTHONTZPATH": ""}))
    )
    source = subprocess.run(
        [sys.executable, "-m", "trustdesk", "evaluate", "--format", "json", str(example)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TRUSTDESK_DATA_DIR": str(tmp_path)},
    )
    assert frozen == json.loads(source.stdout)
    expected = {"01": "honor", "02": "decline"}.get(example.name[:2])
    assert expected is None or frozen["decision"] == expected


def test_records_memo_and_gui_on_the_machine_wide_record(
    officer_account: str, tmp_path: Path
) -> None:
    # The first administrator (root, as IT would) and an officer.
    admin = run(
        "users",
        "add",
        "--role",
        "administrator",
        "chief",
        env={"TRUSTDESK_NEW_PASSWORD": PASSWORDS["chief"]},
    )
    assert f"created in {DATA}" in ok(admin)
    ok(
        run(
            "users",
            "add",
            "--role",
            "officer",
            "--as",
            "chief",
            "ann",
            password=PASSWORDS["chief"],
            env={"TRUSTDESK_NEW_PASSWORD": PASSWORDS["ann"]},
        )
    )
    # The officer records a decision from her own OS account: the group shares the record.
    case = ROOT / "resources" / "examples" / "01-judicial-warrant-hold.json"
    staged = Path(f"/tmp/{officer_account}-home/case.json")
    staged.write_bytes(case.read_bytes())
    os.chown(staged, *_ids(officer_account))
    added = ok(
        run(
            "decisions",
            "add",
            "--as",
            "ann",
            str(staged),
            user=officer_account,
            password=PASSWORDS["ann"],
        )
    )
    decision_id = int(added.strip())
    for path in DATA.iterdir():
        if path.is_file():
            mode = path.stat()
            assert grp.getgrgid(mode.st_gid).gr_name == "trustdesk", path
            assert mode.st_mode & 0o060 == 0o060, (path, oct(mode.st_mode))
            assert mode.st_mode & 0o007 == 0, (path, oct(mode.st_mode))
    # Someone outside the group gets a clear refusal, not the records.
    outsider = run("decisions", "list", "--as", "ann", user="nobody", password=PASSWORDS["ann"])
    assert outsider.returncode == 2, (outsider.stdout, outsider.stderr)
    assert outsider.stdout == "" and outsider.stderr.count("\n") == 1, outsider.stderr
    assert str(DATA) in outsider.stderr and "Traceback" not in outsider.stderr

    # The memo, printed by the officer, verified, and its QR code read off the page.
    memo = Path(f"/tmp/{officer_account}-home/memo.pdf")
    printed = ok(
        run(
            "memo",
            str(decision_id),
            "-o",
            str(memo),
            "--as",
            "ann",
            user=officer_account,
            password=PASSWORDS["ann"],
        )
    )
    written = Path(printed.strip().splitlines()[-1])
    assert written.is_file() and written.read_bytes().startswith(b"%PDF")
    verified = ok(
        run("verify", str(written), "--as", "ann", user=officer_account, password=PASSWORDS["ann"])
    )
    assert "MATCH" in verified and "MISMATCH" not in verified
    record = shown(decision_id)["versions"][-1]
    texts = decoded_qr_texts(written)
    assert len(texts) >= 1, "no QR code found on the rendered memo"
    found = re.search(r"SHA256:([0-9A-F]{64})", texts[0])
    assert found is not None, texts
    assert found.group(1).lower() == record["record_sha256"]
    assert f"DECISION:{decision_id} " in texts[0]

    # The desktop app starts offscreen to its ready state and closes, for the officer.
    gui = run(
        "gui", "--exit-when-ready", user=officer_account, env={"QT_QPA_PLATFORM": "offscreen"}
    )
    assert gui.returncode == 0, gui.stderr
    assert "Traceback" not in gui.stderr


def test_the_installed_program_imports_a_signed_pack(tmp_path: Path) -> None:
    """A publisher's signed pack: refused while its key is untrusted, imported once it is
    trusted (the signer shown), and a copy with one byte changed refused. Ed25519 checks
    run in cryptography's Rust extension, which the frozen build must carry whole."""
    publisher = "Installed Test State's Attorney"
    passphrase = {"TRUSTDESK_KEY_PASSPHRASE": "installed build passphrase"}
    chief = PASSWORDS["chief"]
    pack = json.loads((ROOT / "resources" / "rules" / "ct-2025.json").read_text())
    pack["title"] = "Installed test edition"
    pack["lists"][0]["statutes"].remove("53a-196e")
    del pack["lists"][0]["entries"]["53a-196e"]
    pack["last_verified_on"] = "2026-12-01"
    plain = tmp_path / "edition.json"
    plain.write_text(json.dumps(pack, indent=1), encoding="utf-8")
    key, signed = tmp_path / "publisher.key", tmp_path / "edition.tdpack"
    out = ok(run("rules", "keygen", "--publisher", publisher, "-o", str(key), env=passphrase))
    fingerprint = out.split("Fingerprint: ", 1)[1].splitlines()[0]
    out = ok(run("rules", "sign", str(plain), "--key", str(key), "-o", str(signed), env=passphrase))
    assert fingerprint in out

    refused = run("rules", "import", str(signed), "--as", "chief", password=chief)
    assert refused.returncode == 2, (refused.stdout, refused.stderr)
    assert "which your agency does not trust" in refused.stderr and fingerprint in refused.stderr
    assert "Traceback" not in refused.stderr and not (DATA / "rules").exists()

    trusted = ok(run("rules", "trust", f"{key}.pub", "--as", "chief", password=chief))
    assert f"Trusted “{publisher}”, key fingerprint {fingerprint}." in trusted
    imported = ok(run("rules", "import", str(signed), "--as", "chief", password=chief))
    assert f"Signed by “{publisher}” (key fingerprint {fingerprint})" in imported
    assert "Removed: § 53a-196e " in imported
    assert "Imported ct-2025 (Installed test edition)" in imported
    assert "Installed test edition" in ok(run("rules", "list"))

    tampered = bytearray(signed.read_bytes())
    tampered[-10] ^= 0x20
    bad = tmp_path / "tampered.tdpack"
    bad.write_bytes(bytes(tampered))
    refused = run("rules", "import", str(bad), "--as", "chief", password=chief)
    assert refused.returncode == 2 and refused.stdout == "", (refused.stdout, refused.stderr)
    assert f"trustdesk: {bad}: /: does not match its signature" in refused.stderr
    audit = ok(run("audit", "verify", "--as", "chief", password=chief))
    assert "intact" in audit


def test_the_installed_program_is_its_own_verification_helper() -> None:
    """`audit verify` of a large record starts the frozen program again as its helper
    (decision 0054; below 300,000 entries it checks alone, so this record is too small
    to show it): given the helper's argument and a span on stdin, the installed program
    answers exactly what the source tree's worker answers for the same span."""
    database = DATA / "trustdesk.db"
    with sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True) as conn:
        head: int = conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    request = json.dumps({"backend": "sqlite", "target": str(database), "after": 0, "upto": head})
    environment = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(ROOT_HOME)}
    frozen = subprocess.run(
        [PROGRAM, HELPER_ARGUMENT],
        input=request,
        capture_output=True,
        text=True,
        timeout=180,
        env=environment,
        check=False,
    )
    source = subprocess.run(
        [sys.executable, "-m", "trustdesk.store.verify_worker"],
        input=request,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert frozen.returncode == 0, frozen.stderr
    assert source.returncode == 0, source.stderr
    answer = json.loads(frozen.stdout)
    assert answer == json.loads(source.stdout)
    assert answer["entries"] == head and not answer["broken"] and answer["chain_problems"] == []
    assert answer["rows"]["decisions"] >= 1
    assert all(problems == [] for problems in answer["row_problems"].values())
    # The frozen program has the faster reader (decision 0075), and read the span through it.
    assert answer["reader"].startswith("apsw "), answer["reader"]


def test_upgrade_keeps_the_record_and_the_edited_config(officer_account: str) -> None:
    before = shown(1)
    CONFIG.write_text(CONFIG.read_text(encoding="utf-8") + "# edited by IT\n", encoding="utf-8")
    # IT's own choices for the record folder, which every upgrade undid (chown, chmod
    # and a walk of the whole folder): another owner, a file of root's alone. Also the
    # folder opened to everyone, which an upgrade does close (the rest stays).
    os.chown(DATA, _ids(officer_account)[0], -1)
    DATA.chmod(0o2775)
    note = DATA / "it-note.txt"
    note.write_text("kept by IT\n", encoding="utf-8")
    note.chmod(0o600)
    result = dpkg("--force-confold", "-i", str(DEB_UPGRADE))
    assert result.returncode == 0, result.stdout + result.stderr
    info = DATA.stat()
    assert info.st_uid == _ids(officer_account)[0]
    assert grp.getgrgid(info.st_gid).gr_name == "trustdesk"
    assert stat.S_IMODE(info.st_mode) == 0o2770
    assert "was open to every account of this computer" in result.stdout
    assert (note.stat().st_uid, note.stat().st_gid, stat.S_IMODE(note.stat().st_mode)) == (
        0,
        grp.getgrnam("trustdesk").gr_gid,  # (the setgid folder gave it the group)
        0o600,
    )
    os.chown(DATA, 0, -1)
    note.unlink()  # the later tests' folder is as the package left it
    assert ok(run("--version")).splitlines()[0] == f"trustdesk {deb_version(DEB_UPGRADE)}"
    assert deb_version(DEB_UPGRADE) != deb_version(DEB)
    assert CONFIG.read_text(encoding="utf-8").endswith("# edited by IT\n")
    audit = ok(run("audit", "verify", "--as", "chief", password=PASSWORDS["chief"]))
    assert "intact" in audit
    assert shown(1) == before


def _decisions_in(database: Path) -> int:
    # Read-only and immutable: the check must not change the file it checks.
    with sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True) as conn:
        count: int = conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
    return count


def test_remove_keeps_the_record() -> None:
    result = dpkg("-r", "trustdesk")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not Path(PROGRAM).exists() and not Path("/opt/trustdesk").exists()
    assert CONFIG.is_file()  # remove keeps configuration; purge is for that
    assert _decisions_in(DATA / "trustdesk.db") == 1


def test_purge_says_where_the_record_is_and_keeps_it() -> None:
    result = dpkg("--purge", "trustdesk")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the records were NOT deleted; they remain in /var/lib/trustdesk" in result.stdout
    assert not CONFIG.exists()
    assert _decisions_in(DATA / "trustdesk.db") == 1
    assert grp.getgrnam("trustdesk")  # the records' group stays with them
