"""When the system fails under a command: one Persian line naming what failed and what to
do, exit 1, never a traceback, nothing half-written (issue 17, item 7 and item 3).

A full or read-only disk is a real small tmpfs where this machine lets the test mount one
(root in CI); the same refusals are also reached without one (an injected ENOSPC, a free
space bound above any disk's), so they are tested everywhere.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from registry import complaints
from registry.errors import InvalidInput
from registry.models import Complaint, Holiday
from tests.cli_support import Cli, register_args
from tests.factories import AT, complaint_input, seed_agencies

RESIDEGI = str(Path(sys.executable).with_name("residegi"))


def one_line_error(out: str, err: str, code: str) -> None:
    """The command said exactly one thing: the error ``code``, with no traceback."""
    assert "Traceback" not in out + err
    error = json.loads(out)["error"]
    assert error["code"] == code, error
    assert "\n" not in error["message"]


def count_complaints(home: Path) -> int:
    import sqlite3

    connection = sqlite3.connect(home / "registry.sqlite3")
    try:
        return int(connection.execute("SELECT count(*) FROM complaint").fetchone()[0])
    finally:
        connection.close()


@contextlib.contextmanager
def small_disk(where: Path, size: str = "2m") -> Iterator[Path]:
    """A small tmpfs mounted at ``where``; skipped (with the reason) where mounting is not
    allowed: the injected variants below cover the same code paths everywhere."""
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave_kb: int) -> None:
    """Fill the file system of ``disk`` until ``leave_kb`` are left."""
    free_kb = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize // 1024
    with (disk / "filler").open("wb") as handle:
        handle.write(b"\0" * max(0, (free_kb - leave_kb) * 1024))


def remount_read_only(disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)


# -- the data folder is not what it should be -------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("init",), ("complaint", "list"), ("search", "قزوین"), ("archive", "verify")],
    ids=lambda args: "-".join(args),
)
def test_a_file_as_home_is_named_not_traced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    from cli.main import main

    home = tmp_path / "not-a-folder"
    home.write_bytes(b"notes")
    code = main(["--home", str(home), *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 1
    one_line_error(out, err, "home_not_a_folder")
    assert home.read_bytes() == b"notes"


@pytest.mark.parametrize(
    "args", [("complaint", "list"), ("search", "قزوین"), ("archive", "verify")]
)
def test_a_corrupted_registry_is_named_not_traced(cli: Cli, args: tuple[str, ...]) -> None:
    registry = cli.home / "registry.sqlite3"
    garbage = os.urandom(64 * 1024)
    registry.write_bytes(garbage)
    code, out, err = cli(*args, "--json")
    assert code == 1
    one_line_error(out, err, "registry_damaged")
    assert registry.read_bytes() == garbage


def test_a_read_only_data_folder_is_named_even_for_reading(cli: Cli, tmp_path: Path) -> None:
    with small_disk(tmp_path / "ro") as disk:
        home = disk / "home"
        shutil.copytree(cli.home, home)
        remount_read_only(disk)
        cli.home = home
        for args in (("complaint", "list"), ("search", "قزوین"), ("init",)):
            code, out, err = cli(*args, "--json")
            assert code == 1, args
            one_line_error(out, err, "folder_read_only")


# -- a full disk -------------------------------------------------------------------------------


def test_a_full_disk_during_registration_records_nothing(cli: Cli, tmp_path: Path) -> None:
    from PIL import Image

    big = tmp_path / "big.png"
    Image.frombytes("RGB", (400, 400), os.urandom(400 * 400 * 3)).save(big)  # ~480 KB
    with small_disk(tmp_path / "full") as disk:
        home = disk / "home"
        shutil.copytree(cli.home, home)
        fill(disk, leave_kb=200)
        cli.home = home
        code, out, err = cli(*register_args(tmp_path, "--attach", f"other={big}", "--json"))
        assert code == 1
        one_line_error(out, err, "disk_full")
        (disk / "filler").unlink()
        assert count_complaints(home) == 0


def test_an_injected_enospc_during_registration_records_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    # The archive's write of the scan fails as on a full disk (os.fsync is where a full
    # disk shows on a buffered write).
    monkeypatch.setattr("archive.store.os.fsync", full)
    code, out, err = cli(*register_args(tmp_path, "--json"))
    monkeypatch.undo()
    assert code == 1
    one_line_error(out, err, "disk_full")
    assert count_complaints(cli.home) == 0


def _dispatch(home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RESIDEGI_", "PREFECT_"))}
    return subprocess.run(
        [RESIDEGI, "--home", str(home), "letter", "dispatch", "--json"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,  # it used to take minutes: Prefect's server retried on the full disk
        check=False,
    )


def test_a_flow_on_a_full_disk_fails_at_once(cli: Cli, tmp_path: Path) -> None:
    with small_disk(tmp_path / "full", size="4m") as disk:
        home = disk / "home"
        shutil.copytree(cli.home, home)
        fill(disk, leave_kb=300)
        done = _dispatch(home)
        assert done.returncode == 1, done.stderr
        one_line_error(done.stdout, done.stderr, "disk_full_before")
        assert not (home / "prefect" / "prefect.db").exists()


def test_a_flow_on_a_read_only_disk_fails_at_once(cli: Cli, tmp_path: Path) -> None:
    with small_disk(tmp_path / "ro", size="4m") as disk:
        home = disk / "home"
        shutil.copytree(cli.home, home)
        remount_read_only(disk)
        done = _dispatch(home)
        assert done.returncode == 1, done.stderr
        one_line_error(done.stdout, done.stderr, "folder_read_only")


def test_a_flow_is_refused_below_the_free_space_bound(cli: Cli) -> None:
    done = _dispatch(cli.home, RESIDEGI_MIN_FREE_DISK_MB=str(10**12))
    assert done.returncode == 1, done.stderr
    one_line_error(done.stdout, done.stderr, "disk_full_before")
    assert not (cli.home / "prefect" / "prefect.db").exists()


# -- NUL characters: refused alike on both databases ------------------------------------------


def test_nul_in_a_text_file_is_refused_at_the_input_check(cli: Cli, tmp_path: Path) -> None:
    text = tmp_path / "text.txt"
    text.write_bytes("متن شکایت\x00 با نویسه تهی".encode())
    args = register_args(tmp_path, "--json")
    at = args.index("--text")
    args[at : at + 2] = ["--text-file", str(text)]
    code, out, err = cli(*args)
    assert code == 2
    one_line_error(out, err, "text_has_nul")
    assert count_complaints(cli.home) == 0


@pytest.mark.parametrize("field", ["text", "address"])
def test_nul_is_refused_before_either_database(sessions: sessionmaker[Session], field: str) -> None:
    from tests.factories import complainant_input

    with sessions() as session, session.begin():
        seed_agencies(session)
    data = (
        complaint_input(text="متن\x00")
        if field == "text"
        else complaint_input(complainant=complainant_input(address="قزوین\x00"))
    )
    with pytest.raises(InvalidInput) as refused, sessions() as session, session.begin():
        complaints.register_complaint(session, data, actor="t", at=AT, duplicate_window_days=0)
    assert refused.value.code == "text_has_nul"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == 0


def test_no_nul_reaches_either_database_whatever_the_path(
    sessions: sessionmaker[Session],
) -> None:
    import datetime as dt

    with pytest.raises(InvalidInput) as refused, sessions() as session, session.begin():
        session.add(Holiday(day=dt.date(2026, 3, 21), name="نوروز\x00", source="test"))
    assert refused.value.code == "text_has_nul"


# -- bounds on what one command may ask of the machine -----------------------------------------


def test_workers_beyond_twice_the_cores_are_refused_before_any_starts(cli: Cli) -> None:
    limit = 2 * (os.cpu_count() or 1)
    code, out, err = cli("letter", "dispatch", "--workers", str(limit + 1), "--json")
    assert code == 2
    one_line_error(out, err, "workers_too_many")
    assert not (cli.home / "prefect" / "prefect.db").exists()


def test_a_tiff_of_huge_pages_is_refused_from_its_headers(cli: Cli, tmp_path: Path) -> None:
    import time

    from PIL import Image

    pages = [Image.new("1", (6000, 6000), 1) for _ in range(8)]  # 288 Mpx, a few KB
    scan = tmp_path / "pages.tif"
    pages[0].save(scan, save_all=True, append_images=pages[1:], compression="group4")
    assert scan.stat().st_size < 200_000
    started = time.perf_counter()
    code, out, err = cli(*register_args(tmp_path, "--attach", f"other={scan}", "--json"))
    assert code == 2
    one_line_error(out, err, "attachment_too_many_pixels")
    assert time.perf_counter() - started < 10  # refused before a page is decoded
    assert count_complaints(cli.home) == 0
