"""Every file a person names on the command line is read bounded (a hostile review): a
named pipe, ``/dev/zero`` or a folder given as the memo to verify, a rule pack, an
offense catalog or a key is refused in one line, unread and without waiting; a file over
the cap is refused with the limit. Before, ``verify /dev/zero`` was killed for want of
memory, ``rules sign --key /dev/zero`` ended in an internal error, and a pipe made
``verify``, ``rules review|import|migrate|sign|validate`` and ``offenses search`` wait for
ever."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trustdesk import resources

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pipes and devices are POSIX")

PACK = str(resources.resource("rules", "ct-2025.json"))
NOT_A_FILE = "is not a file (a folder, a pipe or a device); name the"
PASSPHRASE = "prosecutors keep their keys locked"
WARNING = "trustdesk: warning: there is only one active administrator"


def _storekit() -> Any:
    folder = str(Path(__file__).resolve().parents[1] / "store")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import storekit

    return storekit


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    kit = _storekit()
    monkeypatch.setenv("TRUSTDESK_KEY_PASSPHRASE", PASSPHRASE)
    run = kit.in_process_cli(tmp_path / "data", monkeypatch, capsys, kit.PASSWORDS)
    assert run("users", "add", "chief", "--role", "administrator", new=kit.ADMIN_PW)[0] == 0
    return run


def _key(cli: Any, tmp_path: Path) -> str:
    key = tmp_path / "sao.key"
    code, _out, err = cli("rules", "keygen", "--publisher", "State's Attorney", "-o", str(key))
    assert code == 0, err
    return str(key)


def _one_line(err: str) -> str:
    # The only-administrator warning may come first; the refusal is one line.
    lines = [line for line in err.strip().splitlines() if not line.startswith(WARNING)]
    assert len(lines) == 1, err
    assert lines[0].startswith("trustdesk") and "Traceback" not in err
    assert "internal error" not in err
    return lines[0]


#: (the command, with X where the hostile file goes; what the file is called in the message)
COMMANDS = [
    (("verify", "--as", "chief", "X"), "memo's PDF"),
    (("rules", "review", "--as", "chief", "X"), "rule pack"),
    (("rules", "import", "--as", "chief", "X"), "rule pack"),
    (("rules", "migrate", "X", "-o", "OUT"), "rule pack"),
    (("rules", "validate", "X"), "rule pack"),
    (("rules", "validate", PACK, "--catalog", "X"), "offense catalog"),
    (("offenses", "search", "--catalog", "X", "53a"), "offense catalog"),
    (("rules", "sign", "--key", "X", "-o", "OUT", PACK), "private key"),
    (("rules", "sign", "--key", "KEY", "-o", "OUT", "X"), "rule pack"),
    (("rules", "trust", "X", "--as", "chief"), "public key"),
    (("evaluate", "X"), "case or rule"),
]


def _args(command: tuple[str, ...], hostile: str, tmp_path: Path, key: str) -> list[str]:
    out = str(tmp_path / "out.json")
    return [{"X": hostile, "OUT": out, "KEY": key}.get(arg, arg) for arg in command]


def _refusal(what: str, hostile: str) -> str:
    # The memo is the services' word (no JSON pointer); the rest are rule data's.
    where = f"{hostile} " if what == "memo's PDF" else f"{hostile}: /: "
    return f"{where}{NOT_A_FILE} {what} file itself"


def _run_apart(cli: Any, args: list[str]) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, under a memory cap and a time limit: the code
    before read ``/dev/zero`` until the memory ran out and waited on a pipe for ever."""
    import resource

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    env = {**os.environ, "TRUSTDESK_PASSWORD": _storekit().ADMIN_PW}
    try:
        return subprocess.run(
            [sys.executable, "-m", "trustdesk", "--data-dir", str(cli.data), *args],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
            check=False, preexec_fn=capped, env=env,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)}: still waiting after 60 s")


@pytest.mark.parametrize(
    ("command", "what"), COMMANDS, ids=[f"{' '.join(c[:2])} {what}" for c, what in COMMANDS]
)
def test_a_pipe_or_a_device_named_as_the_file_is_refused_unread(
    cli: Any, tmp_path: Path, command: tuple[str, ...], what: str
) -> None:
    key = _key(cli, tmp_path) if "KEY" in command else ""
    pipe = tmp_path / "named.json"
    os.mkfifo(pipe)  # nobody writes to it
    for hostile in (str(pipe), "/dev/zero"):
        result = _run_apart(cli, _args(command, hostile, tmp_path, key))
        line = _one_line(result.stderr)
        assert result.returncode == 2 and result.stdout == "", result.stderr
        assert line.endswith(_refusal(what, hostile)), line
        assert not (tmp_path / "out.json").exists()


def test_a_folder_named_as_the_memo_is_named_a_folder(cli: Any, tmp_path: Path) -> None:
    code, _out, err = cli("verify", "--as", "chief", str(tmp_path), who="chief")
    assert code == 2
    refusal = _refusal("memo's PDF", str(tmp_path))
    assert _one_line(err) == f"trustdesk: {refusal}"


def test_a_pipe_with_a_writer_is_refused_before_it_is_read(cli: Any, tmp_path: Path) -> None:
    """``rules review <(cat pack.json)`` read the whole pipe, then refused it."""
    read_end, write_end = os.pipe()
    os.write(write_end, b'{"id": "ct-2025"}')
    os.close(write_end)
    try:
        named = f"/dev/fd/{read_end}"
        code, _out, err = cli("rules", "review", "--as", "chief", named, who="chief")
        assert code == 2 and _one_line(err).endswith(_refusal("rule pack", named)), err
        os.set_blocking(read_end, False)
        assert os.read(read_end, 100) == b'{"id": "ct-2025"}'  # not a byte was taken
    finally:
        os.close(read_end)


def _sparse(path: Path, size: int) -> str:
    with open(path, "wb") as handle:
        handle.truncate(size)
    return str(path)


def test_a_file_over_the_cap_is_refused_with_the_limit(cli: Any, tmp_path: Path) -> None:
    from trustdesk.rules.strict_json import MAX_FILE_BYTES
    from trustdesk.services.memo_file import MAX_MEMO_BYTES

    memo = _sparse(tmp_path / "memo.pdf", MAX_MEMO_BYTES + 1)
    code, _out, err = cli("verify", "--as", "chief", memo, who="chief")
    assert code == 2
    assert _one_line(err) == (
        f"trustdesk: {memo} is larger than 50 MiB, far larger than any memo; name the memo's "
        "PDF file itself"
    )
    big = _sparse(tmp_path / "big.json", MAX_FILE_BYTES + 1)
    out = str(tmp_path / "out.json")
    for args, what in (
        (("rules", "validate", PACK, "--catalog", big), "an offense catalog"),
        (("offenses", "search", "--catalog", big, "53a"), "an offense catalog"),
        (("rules", "sign", "--key", big, "-o", out, PACK), "a private key"),
        (("rules", "trust", big, "--as", "chief"), "a public key"),
    ):
        code, _out, err = cli(*args, who="chief")
        line = _one_line(err)
        assert code == 2, err
        assert f"{big}: /: is larger than 8 MiB, the most {what} file may hold; name the " in line
    assert not (tmp_path / "out.json").exists()


def test_a_folder_windows_will_not_open_is_named_as_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to open a folder as "permission denied" (the Windows smoke test
    met it: a case file's name lost on the way read as the current folder, and said
    "cannot be read: Permission denied"). It is named as a folder, as elsewhere."""
    from trustdesk import named_file

    real = os.open

    def as_windows(path: Any, flags: int, *args: Any) -> int:
        if os.path.isdir(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args)

    monkeypatch.setattr(named_file.os, "open", as_windows)
    with pytest.raises(named_file.NotAFile):
        named_file.read_capped(tmp_path, 10)
    locked = tmp_path / "locked.json"
    locked.write_text("{}", encoding="utf-8")
    locked.chmod(0)
    try:
        if os.geteuid() != 0:  # root reads whatever the mode says
            with pytest.raises(PermissionError):
                named_file.read_capped(locked, 10)
    finally:
        locked.chmod(0o600)


@pytest.mark.parametrize("command", [("evaluate",), ("decisions", "add", "--as", "chief")])
def test_an_empty_case_file_name_is_refused_as_empty(cli: Any, command: tuple[str, ...]) -> None:
    """An empty name was read as the current folder."""
    result = _run_apart(cli, [*command, ""])
    assert result.returncode == 2 and result.stdout == ""
    assert "the case file's name is empty; give the case file's name" in result.stderr
