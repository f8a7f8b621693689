"""A password in a libpq service file other users can read is refused, as one in the
config file is: libpq reads a service file whatever its mode (it checks only the pgpass
file's), and a service file is usually left 0644 (the IT guide's own is)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trustdesk import config
from trustdesk.cli import main

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")

SECRET = "s3cretPW"
URL = "postgresql:///?service=trustdesk"


def _services(tmp_path: Path, text: str, mode: int) -> Path:
    path = tmp_path / "pg_service.conf"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def _env(tmp_path: Path, services: Path, **more: str) -> dict[str, str]:
    empty = tmp_path / "config.toml"
    empty.touch()
    return {"TRUSTDESK_CONFIG": str(empty), "PGSERVICEFILE": str(services), **more}


WITH_PASSWORD = (
    "# the facility's server\n[other]\nhost=elsewhere\n\n"
    f"[trustdesk]\nhost=db.example\ndbname=trustdesk\nuser=desk_b1\npassword={SECRET}\n"
)


def test_a_password_in_a_service_file_others_can_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    services = _services(tmp_path, WITH_PASSWORD, 0o644)
    for given in ({"TRUSTDESK_DATABASE": URL}, {"TRUSTDESK_DATABASE": "postgresql:///trustdesk",
                                                "PGSERVICE": "trustdesk"}):  # fmt: skip
        with pytest.raises(config.ConfigError) as raised:
            config.load(None, _env(tmp_path, services, **given))
        assert raised.value.problems == [
            f"the service file {services} holds a password for service trustdesk, and other "
            "users of this computer can read it (mode 0644); put the password in a password "
            "file readable by its owner only (passfile=, mode 0600), or make the service "
            f"file so: chmod 600 {services}"
        ]
    for name, value in _env(tmp_path, services, TRUSTDESK_DATABASE=URL).items():
        monkeypatch.setenv(name, value)
    assert main(["config", "check"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "holds a password for service trustdesk" in err and SECRET not in err


def test_a_service_file_readable_by_its_owner_only_or_without_a_password_is_taken(
    tmp_path: Path,
) -> None:
    services = _services(tmp_path, WITH_PASSWORD, 0o600)
    settings = config.load(None, _env(tmp_path, services, TRUSTDESK_DATABASE=URL))
    assert settings["database"].value == URL
    services.write_text(WITH_PASSWORD.replace(f"password={SECRET}\n", ""), encoding="utf-8")
    services.chmod(0o644)
    assert config.load(None, _env(tmp_path, services, TRUSTDESK_DATABASE=URL))
    # Another service's password is not this desk's concern.
    services.write_text(f"[other]\npassword={SECRET}\n[trustdesk]\nhost=db\n", encoding="utf-8")
    assert config.load(None, _env(tmp_path, services, TRUSTDESK_DATABASE=URL))
