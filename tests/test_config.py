"""Machine settings: precedence flag > environment > config file > default for every key,
which are locked, and every kind of bad config with the message a person reads."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trustdesk import config
from trustdesk.cli import main
from trustdesk.config import files as config_files


def _key(name: str) -> str:
    """A publisher's public key line (as ``trustdesk rules keygen`` prints it)."""
    seed = hashlib.sha256(name.encode()).digest()
    raw = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    return f"trustdesk-ed25519 {base64.b64encode(raw).decode()} Publisher {name}"


KA, KB, KC, KD, KE = (_key(name) for name in "ABCDE")

#: For each key: a command-line value, an environment value, a config-file value (TOML),
#: the value each of those resolves to, and the default.
PRECEDENCE = [
    (
        "data_dir",
        ("/flag/data", "/env/data", '"/file/data"'),
        (Path("/flag/data"), Path("/env/data"), Path("/file/data")),
        None,  # the per-user folder, checked below
    ),
    (
        "agency_name",
        ("Flag PD", "Env PD", '"File PD"'),
        ("Flag PD", "Env PD", "File PD"),
        "",
    ),
    (
        "agency_ori",
        ("ct0000001", "CT0000002", '"ct0000003"'),
        ("CT0000001", "CT0000002", "CT0000003"),
        "",
    ),
    ("jurisdiction", ("ca", "CT", '"ca"'), ("CA", "CT", "CA"), "CT"),
    ("idle_lock_minutes", ("5", "10", "15"), (5, 10, 15), 30),
    (
        "default_printer",
        ("Flag-Printer", "Env-Printer", '"File-Printer"'),
        ("Flag-Printer", "Env-Printer", "File-Printer"),
        "",
    ),
    ("log_level", ("debug", "Warning", '"error"'), ("DEBUG", "WARNING", "ERROR"), "INFO"),
    (
        "database",
        ("postgresql://flag/td", "postgresql://env/td", '"postgresql://file/td"'),
        ("postgresql://flag/td", "postgresql://env/td", "postgresql://file/td"),
        "",
    ),
    (
        "trusted_publishers",
        (f"{KA},{KB}", KC, f'["{KD}", "{KE}"]'),
        ((KA, KB), (KC,), (KD, KE)),
        (),
    ),
]
KEY = {key.name: key for key in config.KEYS}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def env_for(path: Path, **variables: str) -> dict[str, str]:
    return {"TRUSTDESK_CONFIG": str(path), "XDG_DATA_HOME": "/xdg", **variables}


def test_the_table_covers_every_key() -> None:
    assert [row[0] for row in PRECEDENCE] == list(config.KEY_NAMES)


@pytest.mark.parametrize(("name", "given", "expected", "default"), PRECEDENCE)
@pytest.mark.parametrize("layers", ["flag env file", "env file", "file", ""])
def test_precedence(
    tmp_path: Path, name: str, given: tuple[str, ...], expected: tuple[Any, ...], default: Any,
    layers: str,
) -> None:  # fmt: skip
    flag, from_env, in_file = given
    present = layers.split()
    path = write(tmp_path, f"{name} = {in_file}\n" if "file" in present else "")
    env = env_for(path, **({KEY[name].env: from_env} if "env" in present else {}))
    flags = {name: flag} if "flag" in present else {}
    setting = config.load(flags, env)[name]
    if "flag" in present:
        assert (setting.value, setting.source, setting.origin) == (
            expected[0],
            "flag",
            KEY[name].flag,
        )
        assert not setting.locked and setting.describe() == f"command line ({KEY[name].flag})"
    elif "env" in present:
        assert (setting.value, setting.source) == (expected[1], "environment")
        assert setting.locked
        assert setting.describe() == (f"set by IT in environment variable {KEY[name].env} (locked)")
    elif "file" in present:
        assert (setting.value, setting.source, setting.origin) == (expected[2], "file", str(path))
        assert setting.locked and setting.describe() == f"set by IT in {path} (locked)"
    else:
        wanted = Path("/xdg/trustdesk") if name == "data_dir" else default
        assert (setting.value, setting.source, setting.locked) == (wanted, "default", False)
        assert setting.describe() == "default"


def test_no_config_file_keeps_the_per_user_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        config.files, "machine_config_path", lambda: Path("/nonexistent/config.toml")
    )
    settings = config.load(None, {"XDG_DATA_HOME": "/home/o/.data"})
    assert settings.file is None
    assert settings.data_dir == Path("/home/o/.data/trustdesk")
    assert not any(s.locked for s in settings)


def test_machine_file_is_read_without_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, 'data_dir = "/var/lib/trustdesk"\nidle_lock_minutes = 10\n')
    monkeypatch.setattr(config.files, "machine_config_path", lambda: path)
    settings = config.load(None, {})
    assert settings.file == path
    assert settings.data_dir == Path("/var/lib/trustdesk") and settings.idle_lock_minutes == 10
    assert settings["data_dir"].describe() == f"set by IT in {path} (locked)"


def test_machine_config_path_per_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config.files.sys, "platform", "linux")
    assert config.machine_config_path() == Path("/etc/trustdesk/config.toml")
    monkeypatch.setattr(config.files.sys, "platform", "win32")
    monkeypatch.setenv("PROGRAMDATA", "D:\\PD")
    assert str(config.machine_config_path()).replace("\\", "/") == "D:/PD/TrustDesk/config.toml"


def test_the_existing_environment_variable_still_sets_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.store.paths import default_data_dir, resolve_data_dir

    monkeypatch.setenv("TRUSTDESK_CONFIG", str(write(tmp_path, 'data_dir = "/from/file"\n')))
    assert default_data_dir() == Path("/from/file")
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", "~/desk")
    assert default_data_dir() == Path("~/desk").expanduser()  # environment beats the file
    assert resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"  # --data-dir beats both


# -- bad config: each case, and the line a person reads ---------------------------------------

BAD_FILES = [
    ("colour = 'red'\n", 'unknown key "colour"; remove it or use one of: data_dir, agency_name'),
    ("agency = 'x'\n", 'unknown key "agency"; did you mean "agency_ori"? remove it'),
    ("idle_lock_minute = 5\n", 'unknown key "idle_lock_minute"; did you mean "idle_lock_minutes"?'),
    ("[agency]\nname = 'x'\n", "unknown table [agency]; the settings are not grouped: write "
     'each one at the top of the file, before any [table], e.g. agency_name = "..."'),
    ("idle_lock_minutes = 45\n", "idle_lock_minutes is 45 minutes, above the CJIS Security "
     "Policy's cap of 30; set 30 or fewer"),
    ("idle_lock_minutes = 0\n", "idle_lock_minutes is 0; set a whole number of minutes from 1 "
     "to 30"),
    ("idle_lock_minutes = '10'\n", "idle_lock_minutes must be a whole number of minutes from 1 "
     "to 30"),
    ("idle_lock_minutes = true\n", "idle_lock_minutes must be a whole number of minutes"),
    ("idle_lock_minutes = 7.5\n", "idle_lock_minutes must be a whole number of minutes"),
    ("data_dir = 5\n", "data_dir must be a folder path in quotes, not a number"),
    ("data_dir = 'data'\n", "data_dir 'data' is not a full path; give the folder from the root"),
    ("data_dir = ''\n", "data_dir is empty; give a folder path in quotes, or remove the line"),
    ("agency_name = ['a']\n", "agency_name must be the agency's name in quotes, not a list"),
    ("agency_name = '" + "x" * 201 + "'\n", "agency_name is 201 characters long; shorten it "
     "to 200"),
    ("agency_ori = 'CT00'\n", "agency_ori 'CT00' is not an NCIC ORI; use 9 characters"),
    ("agency_ori = '123456789'\n", "agency_ori '123456789' is not an NCIC ORI"),
    ("default_printer = 3\n", "default_printer must be text in quotes, not a number"),
    ("log_level = 'loud'\n", "log_level 'LOUD' is not a log level; use one of DEBUG, INFO, "
     "WARNING, ERROR"),
    ("log_level = 1\n", "log_level must be one of"),
    ("database = {}\n", "database must be text in quotes, not a table"),
    ("database = 'sqlite:///x.db'\n", "database 'sqlite:///x.db' is not a PostgreSQL URL"),
    ("trusted_publishers = 'DESPP'\n", "trusted_publishers must be a list of publishers' public "
     "keys in quotes"),
    (f"trusted_publishers = ['{KA}', 2]\n", "trusted_publishers must be a list of public keys "
     "in quotes, not a number"),
    ("trusted_publishers = ['State of Connecticut DESPP']\n", "trusted_publishers entry 'State "
     "of Connecticut DESPP' is not a publisher's public key; give [\"trustdesk-ed25519 <key> "
     "<publisher name>\"]"),
    (f"trusted_publishers = ['trustdesk-ed25519 {KA.split()[1][:20]} Publisher A']\n",
     "trusted_publishers the key of 'Publisher A' is damaged; copy the whole line again"),
    ('data_dir = "/a\n', "not valid TOML (Illegal character '\\n' (at line 1, column 15)); "
     "correct that line"),
    ("idle_lock_minutes 5\n", "not valid TOML (Expected '=' after a key in a key/value pair "
     "(at line 1"),
    # 4 KB of nesting exhausted the reader's recursion: a traceback before every command.
    ("a = " + "[" * 1000 + "]" * 1000 + "\n", "not valid TOML (arrays or tables nested too "
     "deeply; no setting is nested like that): correct the file"),
    ("a = " + "{b = " * 1000 + "1" + "}" * 1000 + "\n", "nested too deeply"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_bad_config_file(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(config.ConfigError) as raised:
        config.load(None, env_for(path))
    assert len(raised.value.problems) == 1
    assert raised.value.problems[0].startswith(f"{path}: ")
    assert message in raised.value.problems[0]


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "idle_lock_minutes = 60\nlog_level = 'chatty'\ncolour = 'red'\n")
    with pytest.raises(config.ConfigError) as raised:
        config.load(None, env_for(path))
    assert [p.split(";")[0] for p in raised.value.problems] == [
        f'{path}: unknown key "colour"',
        f"{path}: idle_lock_minutes is 60 minutes, above the CJIS Security Policy's cap of 30",
        f"{path}: log_level 'CHATTY' is not a log level",
    ]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"agency_name = '\xe9'\n")
    with pytest.raises(config.ConfigError, match="not UTF-8 text; save it as UTF-8"):
        config.load(None, env_for(path))


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    # Notepad and PowerShell 5 save UTF-8 with one; TOML's reader said "Invalid statement
    # (at line 1, column 1)", which sends IT looking at a line that is right.
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbfagency_name = 'NHPD'\n")
    assert config.load(None, env_for(path))["agency_name"].value == "NHPD"
    path.write_bytes(b"\xef\xbb\xbf")
    assert config.load(None, env_for(path))["agency_name"].source == config.DEFAULT


def test_a_folder_is_named_as_a_folder(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError) as raised:
        config.load(None, env_for(tmp_path))
    assert raised.value.problems == [
        f"{tmp_path}: is a folder, not a config file; name the config.toml file in it"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes and devices")
def test_a_device_or_a_pipe_is_refused_without_reading_it(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)  # opening it would wait for a writer for ever
    for path in (Path("/dev/zero"), pipe):
        with pytest.raises(config.ConfigError) as raised:
            config.load(None, env_for(path))
        assert raised.value.problems == [
            f"{path}: is not a regular file (a device, pipe or socket), so it cannot be a "
            "config file; name the machine's config.toml"
        ]


def test_a_huge_file_is_refused_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "# " + "x" * (1024 * 1024) + "\n")
    read_sizes: list[int] = []
    real_read = io.BufferedReader.read

    class Reader(io.BufferedReader):
        def read(self, size: int | None = -1, /) -> bytes:
            read_sizes.append(-1 if size is None else size)
            return real_read(self, size)

    real_open = open
    monkeypatch.setattr(
        config_files,
        "open",
        lambda name, mode: Reader(real_open(name, mode).detach()),
        raising=False,
    )
    with pytest.raises(config.ConfigError) as raised:
        config.load(None, env_for(path))
    assert raised.value.problems[0].startswith(f"{path}: is larger than 1 MiB")
    assert read_sizes == [1024 * 1024 + 1]


def test_named_file_missing(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError) as raised:
        config.load(None, env_for(tmp_path / "nope.toml"))
    assert raised.value.problems == [
        f"TRUSTDESK_CONFIG names {tmp_path / 'nope.toml'}, which does not exist; create it or "
        f"unset TRUSTDESK_CONFIG to use {config.machine_config_path()}"
    ]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "agency_name = 'NHPD'\n")

    def refused(name: object, mode: str) -> object:
        raise PermissionError(13, "Permission denied", str(name))  # (root reads a 000 file)

    monkeypatch.setattr(config_files, "open", refused, raising=False)
    with pytest.raises(config.ConfigError, match=r"cannot be read .*make it readable by every"):
        config.load(None, env_for(path))


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TRUSTDESK_IDLE_LOCK_MINUTES", "45", "environment variable TRUSTDESK_IDLE_LOCK_MINUTES="
         "'45': is 45 minutes, above the CJIS Security Policy's cap of 30"),
        ("TRUSTDESK_IDLE_LOCK_MINUTES", "ten", "must be a whole number of minutes from 1 to 30"),
        ("TRUSTDESK_LOG_LEVEL", "loud", "environment variable TRUSTDESK_LOG_LEVEL='loud': 'LOUD' "
         "is not a log level"),
        ("TRUSTDESK_AGENCY_ORI", "C", "environment variable TRUSTDESK_AGENCY_ORI='C': 'C' is not "
         "an NCIC ORI"),
    ],
)  # fmt: skip
def test_bad_environment(tmp_path: Path, variable: str, value: str, message: str) -> None:
    with pytest.raises(config.ConfigError) as raised:
        config.load(None, env_for(write(tmp_path, ""), **{variable: value}))
    assert message in raised.value.problems[0]


def test_a_good_environment_value_hides_a_bad_file_value_of_the_same_key(tmp_path: Path) -> None:
    # The file is still read for its other keys; a key it sets badly is reported only
    # when that value would be used.
    path = write(tmp_path, "idle_lock_minutes = 99\n")
    env = env_for(path, TRUSTDESK_IDLE_LOCK_MINUTES="20")
    assert config.load(None, env).idle_lock_minutes == 20


# -- the data folder must be writable ---------------------------------------------------------


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    path = write(tmp_path, f"data_dir = '{tmp_path / 'plain'}'\n")
    settings = config.load(None, env_for(path))
    with pytest.raises(config.ConfigError) as raised:
        config.check_data_dir(settings)
    assert raised.value.problems == [
        f"{path}: data_dir names {tmp_path / 'plain'}, which is a file, not a folder; "
        "name a folder instead"
    ]


@pytest.mark.parametrize("exists", [True, False])
def test_data_dir_not_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exists: bool
) -> None:
    folder = tmp_path / "shared"
    if exists:
        folder.mkdir()
    path = write(tmp_path, f"data_dir = '{folder}'\n")
    settings = config.load(None, env_for(path))
    config.check_data_dir(settings)  # writable: fine
    # Tests run as root here, who may write anywhere: the permission answer is patched.
    monkeypatch.setattr(config, "_writable", lambda where: False)
    monkeypatch.setenv("USER", "officer1")
    with pytest.raises(config.ConfigError) as raised:
        config.check_data_dir(settings)
    what = "cannot write to it" if exists else f"cannot create it in {tmp_path}"
    assert raised.value.problems == [
        f"{path}: data_dir names {folder}, but this user (officer1) {what}; give the users of "
        "TrustDesk write access to that folder (on Linux: add them to the trustdesk group), "
        "or set data_dir to a folder they can write"
    ]


def test_a_record_file_in_the_data_dir_that_cannot_be_written_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared folder everyone may write, holding a record root made (0640): "settings
    OK", then every command refused, blaming the folder and --data-dir (a hostile pass
    on IT's set-up). The check names the record file and its owner."""
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "trustdesk.db").write_bytes(b"")
    path = write(tmp_path, f"data_dir = '{folder}'\n")
    settings = config.load(None, env_for(path))
    config.check_data_dir(settings)  # writable: fine
    # Tests run as root here, who may write anything: the permission answer is patched.
    monkeypatch.setattr(config, "_writable_file", lambda where: where.name != "trustdesk.db")
    monkeypatch.setenv("USER", "officer1")
    with pytest.raises(config.ConfigError) as raised:
        config.check_data_dir(settings)
    (problem,) = raised.value.problems
    assert problem.startswith(
        f"{path}: data_dir names {folder}, but this user (officer1) cannot write its record "
        f"file {folder / 'trustdesk.db'} (owner "
    )
    assert problem.endswith("(on Linux: group trustdesk, mode 0660)")


def test_data_dir_given_on_the_command_line_is_left_to_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(config, "_writable", lambda where: False)
    settings = config.load({"data_dir": str(tmp_path)}, env_for(write(tmp_path, "")))
    config.check_data_dir(settings)  # no ConfigError: the store says what is wrong, if anything


# -- the command line -------------------------------------------------------------------------


def run(
    capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, str, str]:  # the exit code, stdout, stderr
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_config_check_ok(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        f"data_dir = '{tmp_path / 'data'}'\nidle_lock_minutes = 12\nagency_name = 'NHPD'\n",
    )
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(path))
    monkeypatch.setenv("TRUSTDESK_LOG_LEVEL", "warning")
    code, out, err = run(capsys, "config", "check")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"config file: {path} (named by TRUSTDESK_CONFIG)"
    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert list(rows) == list(config.KEY_NAMES)
    assert rows["idle_lock_minutes"].split(None, 2)[1:] == ["12", f"set by IT in {path} (locked)"]
    assert rows["log_level"].endswith(
        "set by IT in environment variable TRUSTDESK_LOG_LEVEL (locked)"
    )
    assert rows["default_printer"].split(None, 1)[1].split() == ["(not", "set)", "default"]
    assert lines[-1] == "settings OK"


def test_config_show_names_the_flag_and_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(write(tmp_path, f"data_dir = '{tmp_path}'\n")))
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "mine"), "config", "show")
    assert code == 0
    assert f"data_dir            {tmp_path / 'mine'}  command line (--data-dir)" in out
    assert "env TRUSTDESK_IDLE_LOCK_MINUTES; minutes without use before the app locks" in out
    assert "public keys of the publishers whose signed rule packs import" in out


def test_config_check_and_show_take_the_database_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--database URL config check` said "settings OK" for a URL with a password in it,
    and for a URL that is not PostgreSQL's, and showed the database as not set: the flag
    was not read (a hostile pass). Every other command refuses both."""
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(write(tmp_path, f"data_dir = '{tmp_path}'\n")))
    for url in ("postgresql://desk:S3cret@db.example/trustdesk", "mysql://db/x"):
        code, out, err = run(capsys, "--database", url, "config", "check")
        assert (code, out) == (2, ""), url
        assert err.startswith("trustdesk: ") and "S3cret" not in err
    code, out, _ = run(capsys, "--database", "postgresql://db.example/trustdesk", "config", "show")
    assert code == 0
    assert "postgresql://db.example/trustdesk" in out and "command line (--database)" in out


def test_config_check_bad_exits_2_naming_file_key_and_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "idle_lock_minutes = 31\n")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(path))
    code, out, err = run(capsys, "config", "check")
    assert (code, out) == (2, "")
    assert err == (
        f"trustdesk: {path}: idle_lock_minutes is 31 minutes, above the CJIS Security Policy's "
        "cap of 30; set 30 or fewer\n"
    )


def test_every_command_refuses_to_start_on_bad_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "data_dir = 'relative'\n")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(path))
    for argv in (["evaluate", "-"], ["decisions", "list", "--as", "a"], ["rules", "list"]):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, "")
        assert err.startswith(f"trustdesk: {path}: data_dir 'relative' is not a full path")
        assert "Traceback" not in err


def test_installed_command_exits_2_on_bad_config(tmp_path: Path) -> None:
    path = write(tmp_path, "[agency]\nname = 'NHPD'\n")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("trustdesk")), "demo"],
        capture_output=True,
        text=True,
        env={**os.environ, "TRUSTDESK_CONFIG": str(path)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"trustdesk: {path}: unknown table [agency]")
    assert len(result.stderr.splitlines()) == 1


def test_evaluate_uses_the_data_dir_from_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(write(tmp_path, f"data_dir = '{tmp_path / 'd'}'\n")))
    code, _out, err = run(capsys, "agency", "show")
    # The machine's folder was looked in, not the per-user one (it holds no record yet,
    # and a reading command creates none).
    assert code == 2 and f"no TrustDesk record in {tmp_path / 'd'} " in err, err
    assert not (tmp_path / "d" / "trustdesk.db").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux skips platformdirs")
@pytest.mark.parametrize("config_file", ["absent", "empty"])
def test_evaluate_without_settings_imports_no_toml_parser(tmp_path: Path, config_file: str) -> None:
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "decision_time": "2026-11-20T11:05:00-05:00",
                "detainer": {"form": "I-247A", "judicial_warrant": False},
                "person": {"name": "A B", "booking_number": "B-1"},
                "convictions": [],
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if k != "TRUSTDESK_CONFIG"}
    patch = ""
    if config_file == "absent":  # the machine file, as on a developer's computer
        patch = (
            "import trustdesk.config.files as c, pathlib\n"
            f"c.machine_config_path = lambda: pathlib.Path({str(tmp_path / 'none.toml')!r})\n"
        )
    else:
        (tmp_path / "empty.toml").write_text("\n")
        env["TRUSTDESK_CONFIG"] = str(tmp_path / "empty.toml")
    code = (
        "import sys, io, contextlib\n" + patch + "from trustdesk.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['evaluate', {str(case)!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('tomllib', 'platformdirs', 'difflib')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_config_package_imports_nothing_else_of_trustdesk() -> None:
    import ast

    for source in Path(config.__file__).parent.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        outside = {
            name
            for name in imported
            if name and name.startswith("trustdesk") and not name.startswith("trustdesk.config")
        }
        assert not outside, source.name


# -- the documented samples -------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def uncommented(text: str) -> str:
    """The sample with every commented-out ``key = value`` line switched on (the Windows
    alternative of a key already set is left off)."""
    lines, seen = [], set()
    for line in text.splitlines():
        name = line.removeprefix("# ").split(" = ")[0]
        active = not line.startswith("#")
        if name in config.KEY_NAMES and (active or name not in seen):
            lines.append(line.removeprefix("# "))
            seen.add(name)
    return "\n".join(lines) + "\n"


def test_packaged_sample_is_valid_and_shows_every_key(tmp_path: Path) -> None:
    text = (ROOT / "packaging" / "config.toml.example").read_text(encoding="utf-8")
    as_shipped = config.load(None, env_for(write(tmp_path, text)))
    assert as_shipped.data_dir == Path("/var/lib/trustdesk")
    everything = config.load(None, env_for(write(tmp_path, uncommented(text))))
    assert [s.source for s in everything] == ["file"] * len(config.KEY_NAMES)
    for key in config.KEYS:
        assert key.env in text  # each key's environment variable is documented beside it


def test_readme_sample_is_valid_and_shows_every_key(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    settings = config.load(None, env_for(write(tmp_path, sample)))
    assert [s.source for s in settings] == ["file"] * len(config.KEY_NAMES)
    for key in config.KEYS:
        assert f"`{key.env}`" in readme


# --- the database server setting (decision 0015) -------------------------------------------

SECRET_URL = "postgresql://desk:s3cret@db.example/trustdesk"


def test_a_password_in_a_config_file_is_refused(tmp_path: Path) -> None:
    """Owner-only was accepted: its owner's check passed, and every desk user's TrustDesk
    then stopped with "cannot be read … it holds no secrets" (a hostile pass)."""
    path = write(tmp_path, f'database = "{SECRET_URL}"\n')
    for mode in (0o644, 0o640, 0o600):
        path.chmod(mode)
        with pytest.raises(config.ConfigError) as raised:
            config.load(None, env_for(path))
        (problem,) = raised.value.problems
        assert problem.startswith(f"{path}: database contains a password; the config file is")
        assert ".pgpass" in problem and "s3cret" not in problem


def test_a_password_on_the_command_line_is_refused_but_the_environment_may_hold_one(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "")
    with pytest.raises(config.ConfigError) as raised:
        config.load({"database": SECRET_URL}, env_for(path))
    assert "command line --database contains a password" in raised.value.problems[0]
    settings = config.load(None, env_for(path, TRUSTDESK_DATABASE=SECRET_URL))
    assert settings["database"].value == SECRET_URL
    assert settings["database"].shown() == "postgresql://desk:***@db.example/trustdesk"
    hidden = config.load(
        None, env_for(path, TRUSTDESK_DATABASE=SECRET_URL + "?password=x&sslmode=require")
    )
    assert (
        "s3cret" not in hidden["database"].shown()
        and "password=***&sslmode=require" in hidden["database"].shown()
    )


def test_libpq_options_and_service_urls_pass_through(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    for url in (
        "postgresql://desk@db.example/td?sslmode=verify-full&sslrootcert=/etc/td/ca.pem",
        "postgresql:///?service=trustdesk",
        "postgresql:///trustdesk?service=county",
    ):
        assert config.load({"database": url}, env_for(path))["database"].value == url


def test_a_data_folder_path_that_is_not_utf8_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """TRUSTDESK_DATA_DIR with a Latin-1 byte: `config check` said OK, `users add` saved
    the administrator and then ended in "internal error (UnicodeEncodeError)", and every
    later command too (a hostile pass on IT's set-up)."""
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(write(tmp_path, "")))
    folder = f"{tmp_path}/Polic\udce9a"  # what Python makes of the byte 0xe9
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", folder)
    for argv in (("config", "check"), ("users", "add", "admin", "--role", "administrator")):
        monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", "stone bridge harvest 1")
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, ""), argv
        assert err.startswith("trustdesk: environment variable TRUSTDESK_DATA_DIR=")
        assert "holds bytes that are not UTF-8 text" in err and "internal error" not in err
    assert list(tmp_path.iterdir()) == [tmp_path / "config.toml"]
