"""`rules list` on both backends names a signed import whose key was revoked since (it
stays in force, decision 0031). On a database server the list read who signed each
import from the data folder's own file, which holds none there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from storekit import PASSWORDS, in_process_cli

from test_cli_pack_signing import PASSPHRASE, PUBLISHER, edition


@pytest.fixture
def cli_on_either(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database: str | None,
) -> Any:
    """``cli`` on the folder's own file or on a database server (``database``)."""
    monkeypatch.setenv("TRUSTDESK_KEY_PASSPHRASE", PASSPHRASE)
    run = in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS, database)
    assert run("users", "add", "chief", "--role", "administrator", new=PASSWORDS["chief"])[0] == 0
    return run


def test_the_list_says_a_pack_stays_in_force_after_its_key_is_revoked(
    cli_on_either: Any, tmp_path: Path
) -> None:
    # On a server store `rules list` read who signed each import from the folder's own
    # file, which holds none: the revoked key went unmentioned.
    cli = cli_on_either
    pub = tmp_path / "publisher"
    pub.mkdir()
    key = pub / "sao.key"
    code, out, err = cli("rules", "keygen", "--publisher", PUBLISHER, "-o", str(key))
    assert code == 0, err
    fingerprint = out.split("Fingerprint: ", 1)[1].splitlines()[0]
    signed = pub / "ct-2025-edition.tdpack"
    assert cli("rules", "sign", str(edition(pub)), "--key", str(key), "-o", str(signed))[0] == 0
    admin = ("--as", "chief")
    assert cli("rules", "trust", str(pub / "sao.key.pub"), *admin, who="chief")[0] == 0
    code, _out, err = cli("rules", "import", str(signed), *admin, who="chief")
    assert code == 0, err
    code, out, err = cli("rules", "untrust", fingerprint, *admin, who="chief")
    assert code == 0 and "Revoked" in out, err
    code, out, err = cli("rules", "list")
    assert code == 0 and "warning" not in err, err
    assert "State's Attorneys' edition" in out
    assert f"with key {fingerprint}, REVOKED on " in out and "stays in force" in out, out
