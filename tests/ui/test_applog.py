"""The app's log file: rotation, and no exception messages (they may quote case data)."""

from __future__ import annotations

import logging
from pathlib import Path

from trustdesk.config import logs
from trustdesk.ui import applog


def test_rotates_and_keeps_a_fixed_number_of_files(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(applog, "MAX_BYTES", 2000)
    handler = applog.RotatingLog(tmp_path / "trustdesk.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("trustdesk.test-rotation")
    logger.addHandler(handler)
    try:
        for number in range(400):
            logger.warning("entry %05d %s", number, "x" * 40)
    finally:
        logger.removeHandler(handler)
        handler.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["trustdesk.log", *(f"trustdesk.log.{n}" for n in range(1, 6))]
    assert all(p.stat().st_size < 2200 for p in tmp_path.iterdir())
    assert "entry 00399" in (tmp_path / "trustdesk.log").read_text(encoding="utf-8")


def test_tracebacks_leave_out_the_message(tmp_path: Path) -> None:
    handler = applog.RotatingLog(tmp_path / "trustdesk.log", encoding="utf-8")
    handler.setFormatter(applog._NoMessages("%(message)s"))
    logger = logging.getLogger("trustdesk.test-withheld")
    logger.addHandler(handler)
    # Built on another line: a traceback quotes the source line of the raise.
    message = "booking NH-2026-0412 for María Peña"
    try:
        try:
            raise ValueError(message)
        except ValueError:
            logger.exception("saving failed")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = (tmp_path / "trustdesk.log").read_text(encoding="utf-8")
    assert "saving failed" in text and "ValueError (message withheld)" in text
    assert "test_applog.py" in text  # the frames stay, for the developers
    assert "Peña" not in text and "NH-2026" not in text


def test_log_folder_is_in_the_data_folder_unless_told(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(logs.LOG_DIR_ENV)
    assert logs.log_dir(tmp_path) == tmp_path / "logs"
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "elsewhere"))
    assert logs.log_dir(tmp_path) == tmp_path / "elsewhere"


def test_the_log_folder_takes_a_tilde_and_a_folder_it_cannot_use_is_named(
    monkeypatch,
    tmp_path: Path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    """TRUSTDESK_LOG_DIR=~/trustdesk-logs made a folder named "~" wherever the app was
    started, and one naming a file left the app with no log and no word of it (a
    hostile pass on IT's set-up). `config check` names it."""
    from trustdesk.cli import main

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(logs.LOG_DIR_ENV, "~/trustdesk-logs")
    assert logs.log_dir(tmp_path / "data") == tmp_path / "trustdesk-logs"
    assert logs.log_dir_problem() is None
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "a-file"))
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(config))
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path / "data"), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trustdesk: environment variable TRUSTDESK_LOG_DIR=")
    assert err.endswith(
        f"names {tmp_path / 'a-file'}, which is a file; name a folder for the app's log\n"
    )


def test_a_link_planted_in_the_shared_log_folder_is_not_followed(
    monkeypatch,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """The machine's log folder (``logs/`` of /var/lib/trustdesk) is writable by every
    desk account. One of them replaced ``trustdesk.log`` with a link to a file of another
    officer's; that officer's app then appended its log to the file and made it
    group-writable (a hostile pass). The link is set aside for a log file of its own."""
    import os

    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    data.chmod(0o2770)
    (data / "logs").chmod(0o2770)
    victim = tmp_path / "victim-own-file"
    victim.write_text("mine\n", encoding="utf-8")
    victim.chmod(0o600)
    (data / "logs" / "trustdesk.log").symlink_to(victim)
    monkeypatch.delenv(logs.LOG_DIR_ENV)
    logger = logging.getLogger("trustdesk")
    before = list(logger.handlers)
    try:
        path = applog.set_up_logging(data, "INFO")
        logging.getLogger("trustdesk.test-link").warning("app.started")
    finally:
        for handler in [h for h in logger.handlers if h not in before]:
            logger.removeHandler(handler)
            handler.close()
    assert victim.read_text(encoding="utf-8") == "mine\n"
    assert victim.stat().st_mode & 0o777 == 0o600
    assert path == data / "logs" / "trustdesk.log"
    assert not path.is_symlink()
    assert "app.started" in path.read_text(encoding="utf-8")
    assert os.stat(path).st_mode & 0o060 == 0o060  # still shared with the desk's group


def _set_up_and_log(data: Path, *messages: str) -> Path | None:
    logger = logging.getLogger("trustdesk")
    before = list(logger.handlers)
    try:
        path = applog.set_up_logging(data, "INFO")
        for message in messages:
            logging.getLogger("trustdesk.test-folder-link").warning(message)
    finally:
        for handler in [h for h in logger.handlers if h not in before]:
            logger.removeHandler(handler)
            handler.close()
    return path


def test_a_log_folder_that_is_a_link_is_refused_and_named(
    monkeypatch,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    capsys,
) -> None:
    """Another desk account replaced ``logs/`` of the shared data folder with a link to a
    folder of the officer's own. The file was opened with O_NOFOLLOW, but the folder was
    followed: the officer's app wrote its log there and made it group-writable (a hostile
    pass). Now the app keeps no log and says why, as for any unusable log folder."""
    from trustdesk.cli import main

    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o2770)
    own = tmp_path / "officer-own-folder"
    own.mkdir(mode=0o700)
    (data / "logs").symlink_to(own)
    monkeypatch.delenv(logs.LOG_DIR_ENV, raising=False)

    assert _set_up_and_log(data, "app.started") is None
    assert list(own.iterdir()) == []
    problem = logs.log_dir_problem(data)
    assert problem == (
        f"data folder {data}: the log folder {data / 'logs'} is a link (to {own}), which "
        "another account of this computer may have put there, so the app keeps no log; "
        "remove the link and TrustDesk makes the folder again"
    )
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(config))
    capsys.readouterr()
    assert main(["--data-dir", str(data), "config", "check"]) == 2
    assert capsys.readouterr().err == f"trustdesk: {problem}\n"


def test_a_log_folder_swapped_for_a_link_later_is_not_followed(
    monkeypatch,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """The link planted while the app runs: the next roll of the log went through it."""
    monkeypatch.setattr(applog, "MAX_BYTES", 500)
    monkeypatch.delenv(logs.LOG_DIR_ENV, raising=False)
    data = tmp_path / "data"
    data.mkdir()
    own = tmp_path / "officer-own-folder"
    own.mkdir(mode=0o700)
    logger = logging.getLogger("trustdesk")
    before = list(logger.handlers)
    try:
        assert applog.set_up_logging(data, "INFO") == data / "logs" / "trustdesk.log"
        (data / "logs").rename(data / "logs-moved")
        (data / "logs").symlink_to(own)
        for number in range(40):
            logging.getLogger("trustdesk.test-swap").warning("entry %05d %s", number, "x" * 40)
    finally:
        for handler in [h for h in logger.handlers if h not in before]:
            logger.removeHandler(handler)
            handler.close()
    assert list(own.iterdir()) == []
    moved = sorted(p.name for p in (data / "logs-moved").iterdir())
    assert moved[:2] == ["trustdesk.log", "trustdesk.log.1"]
    assert "entry 00039" in (data / "logs-moved" / "trustdesk.log").read_text(encoding="utf-8")
