"""A machine config file that someone besides root (or the user) could change is refused:
it decides every desk account's data folder, database server and trusted publishers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trustdesk import config
from trustdesk.cli import main

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX owners and modes")

CONSEQUENCE = (
    "anyone who can change it decides every desk account's data folder, database server and "
    "trusted publishers"
)


def _config(folder: Path) -> Path:
    folder.mkdir(mode=0o755)
    path = folder / "config.toml"
    path.write_text('trusted_publishers = []\ndata_dir = "/var/lib/trustdesk"\n')
    path.chmod(0o644)
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(config.ConfigError) as raised:
        config.load(None, {"TRUSTDESK_CONFIG": str(path)})
    return raised.value.problems


def test_a_config_file_every_user_can_write_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path / "etc")
    path.chmod(0o666)
    assert _problems(path) == [
        f"{path}: every user of this computer can write it; {CONSEQUENCE}; take that away: "
        f"chmod o-w {path}"
    ]
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(path))
    assert main(["config", "check"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "every user of this computer can write it" in err
    path.chmod(0o644)
    assert config.load(None, {"TRUSTDESK_CONFIG": str(path)})["data_dir"].source == config.FILE


def test_a_config_file_in_a_folder_every_user_can_write_is_refused(tmp_path: Path) -> None:
    path = _config(tmp_path / "etc")
    path.parent.chmod(0o777)  # anyone could put another file in its place
    assert _problems(path) == [
        f"{path}: every user of this computer can write its folder {path.parent}; "
        f"{CONSEQUENCE}; take that away: chmod o-w {path.parent}"
    ]
    path.parent.chmod(0o1777)  # sticky, as /tmp: only the file's owner may replace it
    assert config.load(None, {"TRUSTDESK_CONFIG": str(path)})["data_dir"].source == config.FILE


def test_a_config_file_reached_through_a_link_in_a_writable_folder_is_refused(
    tmp_path: Path,
) -> None:
    path = _config(tmp_path / "etc")
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    open_folder.chmod(0o777)
    link = open_folder / "config.toml"
    link.symlink_to(path)
    assert _problems(link)[0].startswith(
        f"{link}: every user of this computer can write its folder {open_folder}; "
    )


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_config_file_owned_by_another_account_is_refused(tmp_path: Path) -> None:
    path = _config(tmp_path / "etc")
    os.chown(path, 65534, -1)  # nobody
    problem = _problems(path)[0]
    assert problem.startswith(f"{path}: it belongs to user ")
    assert problem.endswith(
        f"not to root or to you; {CONSEQUENCE}; give it to root: chown root {path}"
    )
