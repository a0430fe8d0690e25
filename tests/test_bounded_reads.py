"""Files named by staff are read with a bound: a device, a FIFO or a folder is refused without
blocking or filling the memory, a file over the limit before it is read (issue 17, item 4);
and ``--text`` with ``--text-file`` is refused rather than one silently dropped."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from archive.attachments import read_attachment
from archive.errors import AttachmentRefused
from generators.errors import SigningKeyUnreadable
from generators.keys import load_certificate, load_signing_key
from registry.complaints import MAX_TEXT
from registry.errors import InvalidInput
from registry.files import FileRefused, read_bounded, read_text_file
from tests.cli_support import Cli, register_args

DEV_ZERO = Path("/dev/zero")
TIMEOUT = 30.0  # seconds; a regression blocks or reads for ever, a refusal takes milliseconds


def _without_text(args: list[str]) -> list[str]:
    at = args.index("--text")
    return args[:at] + args[at + 2 :]


def _in_thread(call: Callable[[], Any]) -> Any:
    """``call()``'s result, or a test failure when it has not returned within TIMEOUT."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the test below
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    if worker.is_alive():
        pytest.fail(f"still reading after {TIMEOUT} s: the read is not bounded")
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A FIFO without a writer; afterwards a writer comes and goes, so that a reader blocked
    on it (a regression) gets its end of file instead of hanging the test run."""
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    yield path
    with contextlib.suppress(OSError):  # no reader waiting: nothing to release
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def _error(out: str) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(out)["error"]
    return error


# --- the reader ---------------------------------------------------------------------------


def test_a_regular_file_up_to_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"x" * 10)
    assert read_bounded(path, 10) == b"x" * 10
    with pytest.raises(FileRefused) as caught:
        read_bounded(path, 9)
    assert (caught.value.reason, caught.value.size, caught.value.limit) == ("too_large", 10, 9)


def test_a_device_is_refused_without_reading() -> None:
    with pytest.raises(FileRefused) as caught:
        _in_thread(lambda: read_bounded(DEV_ZERO, 100))
    assert caught.value.reason == "not_a_file"


def test_a_fifo_is_refused_without_blocking(fifo: Path) -> None:
    with pytest.raises(FileRefused) as caught:
        _in_thread(lambda: read_bounded(fifo, 100))
    assert caught.value.reason == "not_a_file"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileRefused) as caught:
        read_bounded(tmp_path, 100)
    assert caught.value.reason == "not_a_file"


def test_a_socket_is_refused() -> None:
    # A socket's path must be short (about 100 bytes), shorter than pytest's tmp_path may be.
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        path = Path(folder) / "s"
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(path))
            with pytest.raises(FileRefused) as caught:
                read_bounded(path, 100)
    assert caught.value.reason == "not_a_file"


def test_a_missing_file_is_the_systems_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "missing", 100)


def test_a_file_that_grows_while_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.txt"
    path.write_bytes(b"y" * 50)
    real_fstat, inode = os.fstat, path.stat().st_ino

    def before_it_grew(fd: int, /) -> os.stat_result:
        fields = list(real_fstat(fd))
        if fields[1] == inode:
            fields[6] = 5  # the size when it was checked
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", before_it_grew)
    with pytest.raises(FileRefused) as caught:
        read_bounded(path, 10)
    assert caught.value.reason == "too_large"


def test_an_oversized_text_is_refused_from_its_size_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "long.txt"
    with path.open("wb") as handle:
        handle.truncate(4 * MAX_TEXT + 1)  # sparse: the size is all there is to see

    def must_not_read(fd: int, size: int, /) -> bytes:
        raise AssertionError("read a file whose size already refused it")

    monkeypatch.setattr(os, "read", must_not_read)
    with pytest.raises(InvalidInput) as caught:
        read_text_file(path, field="text", max_chars=MAX_TEXT)
    assert caught.value.code == "field_too_long"
    assert caught.value.params == {"field": "text", "limit": MAX_TEXT}


def test_text_over_the_limit_in_characters_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("ب" * 11, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_text_file(path, field="decision", max_chars=10)
    assert caught.value.code == "field_too_long"
    path.write_text("ب" * 10, encoding="utf-8")
    assert read_text_file(path, field="decision", max_chars=10) == "ب" * 10


def test_an_attachment_named_as_a_device_is_refused() -> None:
    with pytest.raises(AttachmentRefused) as caught:
        _in_thread(lambda: read_attachment(DEV_ZERO, 1024))
    assert (caught.value.code, caught.value.params["reason"]) == (
        "attachment_missing",
        "not_a_file",
    )


def test_key_and_certificate_files_are_read_with_the_bound(fifo: Path) -> None:
    with pytest.raises(SigningKeyUnreadable):
        _in_thread(lambda: load_signing_key(fifo, None))
    with pytest.raises(FileRefused):
        _in_thread(lambda: load_certificate(fifo))


# --- the command --------------------------------------------------------------------------


def _limit_memory() -> None:  # pragma: no cover - runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def test_text_file_dev_zero_is_refused_quickly(cli: Cli, tmp_path: Path) -> None:
    # In a child process with a memory ceiling: a regression would read /dev/zero until the
    # memory runs out, which must fail this test, not the machine.
    args = ["--home", str(cli.home), *_without_text(register_args(tmp_path))]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RESIDEGI_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cli.main import main; sys.exit(main(sys.argv[1:]))",
            *args,
            "--text-file",
            str(DEV_ZERO),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "پرونده معمولی نیست" in done.stderr
    assert "Traceback" not in done.stderr
    assert cli.json("complaint", "list") == []


def test_text_file_fifo_is_refused_without_blocking(cli: Cli, tmp_path: Path, fifo: Path) -> None:
    args = [*_without_text(register_args(tmp_path)), "--text-file", str(fifo)]
    got, _, err = _in_thread(lambda: cli(*args))
    assert got == 2
    assert "پرونده معمولی نیست" in err
    assert cli.json("complaint", "list") == []


@pytest.mark.parametrize("option", ["--text-file", "--findings-file", "answer"])
def test_a_folder_as_a_text_file_is_refused(cli: Cli, tmp_path: Path, option: str) -> None:
    if option == "--text-file":
        args = [*_without_text(register_args(tmp_path)), "--text-file", str(tmp_path)]
    else:
        code = cli.json(*register_args(tmp_path))["tracking_code"]
        args = (
            ["answer", code, "--text-file", str(tmp_path)]
            if option == "answer"
            else ["inspect", code, "--inspector", "رضا کریمی", "--findings-file", str(tmp_path)]
        )
    got, out, _ = cli(*args, "--json")
    assert got == 2
    assert _error(out)["code"] == "not_a_regular_file"
    assert all(row["state"] == "registered" for row in cli.json("complaint", "list"))


def test_an_oversized_text_file_is_refused_before_it_is_read(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024**3)  # sparse 64 GiB: reading it would never end well
    real_read = os.read
    read: list[int] = []

    def counted(fd: int, size: int, /) -> bytes:
        data = real_read(fd, size)
        if os.fstat(fd).st_ino == path.stat().st_ino:
            read.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counted)
    for method in ("read_text", "read_bytes", "open"):
        monkeypatch.setattr(Path, method, _refuse_whole_read(path, getattr(Path, method)))
    got, out, _ = _in_thread(
        lambda: cli(*_without_text(register_args(tmp_path)), "--text-file", str(path), "--json")
    )
    assert got == 2
    assert _error(out)["code"] == "field_too_long"
    assert "۵۰۰۰۰" in _error(out)["message"]
    assert read == []
    assert cli.json("complaint", "list") == []


def _refuse_whole_read(path: Path, real: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise AssertionError(f"{path} read whole")
        return real(self, *args, **kwargs)

    return guarded


def test_text_and_text_file_together_are_refused(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "text.txt"
    path.write_text("متن دیگری از پرونده", encoding="utf-8")
    got, out, err = cli(*register_args(tmp_path), "--text-file", str(path))
    assert got == 2
    assert "نه با هر دو" in err
    got, out, _ = cli(*register_args(tmp_path), "--text-file", str(path), "--json")
    assert (got, _error(out)["code"]) == (2, "text_and_text_file")
    assert cli.json("complaint", "list") == []


def test_text_file_alone_is_still_the_text(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "text.txt"
    path.write_text("متن شکایت از پرونده", encoding="utf-8")
    record = cli.json(*_without_text(register_args(tmp_path)), "--text-file", str(path))
    assert cli.json("complaint", "show", record["tracking_code"])["text"] == "متن شکایت از پرونده"


def test_verify_refuses_a_device_and_a_folder(cli: Cli, tmp_path: Path) -> None:
    for path in (DEV_ZERO, tmp_path):
        got, out, _ = _in_thread(partial(cli, "verify", str(path), "--json"))
        assert got == 2
        assert _error(out)["code"] == "not_a_regular_file"
    got, out, _ = cli("verify", str(tmp_path / "missing.pdf"), "--json")
    assert (got, _error(out)["code"]) == (3, "file_not_found")


def test_an_oversized_settings_file_is_refused_before_it_is_read(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = cli.home / "residegi.toml"
    with settings.open("wb") as handle:
        handle.truncate(64 * 1024**3)  # sparse 64 GiB
    for method in ("read_text", "read_bytes", "open"):
        monkeypatch.setattr(Path, method, _refuse_whole_read(settings, getattr(Path, method)))
    got, out, _ = _in_thread(partial(cli, "complaint", "list", "--json"))
    assert (got, _error(out)["code"]) == (2, "invalid_settings")


def test_a_fifo_as_the_settings_file_is_ignored(cli: Cli) -> None:
    settings = cli.home / "residegi.toml"
    settings.unlink(missing_ok=True)
    os.mkfifo(settings)
    try:
        got, out, _ = _in_thread(partial(cli, "complaint", "list", "--json"))
    finally:
        with contextlib.suppress(OSError):  # release a reader blocked on it (a regression)
            os.close(os.open(settings, os.O_WRONLY | os.O_NONBLOCK))
    assert (got, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("option", "limit"),
    [("--first-name", 100), ("--last-name", 100), ("--father-name", 100), ("--address", 1000)],
)
def test_names_and_address_longer_than_their_columns_are_refused(
    cli: Cli, tmp_path: Path, option: str, limit: int
) -> None:
    """PostgreSQL would refuse them with a traceback (SQLite stores them): a Persian line."""
    args = register_args(tmp_path)
    if option in args:
        args[args.index(option) + 1] = "ن" * (limit + 1)
    else:
        args += [option, "ن" * (limit + 1)]
    code, out, _ = cli(*args, "--json")
    assert (code, _error(out)["code"]) == (2, "field_too_long")
    assert cli.json("complaint", "list") == []


def test_an_actor_name_longer_than_its_column_is_refused(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli(*register_args(tmp_path), "--as", "ک" * 101, "--json")
    assert (code, _error(out)["code"]) == (2, "field_too_long")
    assert cli.json("complaint", "list") == []
