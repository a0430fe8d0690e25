"""The data folder holds personal data: whatever the umask, nothing residegi creates in it
may be read or written by the group or by others (folders 0700, files 0600 or 0400)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.private import private_dir, private_file, write_private
from tests.cli_support import isolated_cli, register_args


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The usual umask 022 (group and others may read) for the test, restored after."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def exposed(root: Path) -> list[str]:
    """Everything under ``root`` (and ``root`` itself) the group or others may use."""
    found = [root, *root.rglob("*")]
    return [
        f"{path.relative_to(root.parent)} {oct(stat.S_IMODE(path.lstat().st_mode))}"
        for path in found
        if path.lstat().st_mode & 0o077
    ]


@pytest.mark.usefixtures("loose_umask")
def test_registry_archive_settings_and_keys_are_private_under_umask_022(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = isolated_cli(tmp_path, capsys, monkeypatch)
    monkeypatch.setenv("RESIDEGI_TODAY", "1405/09/04")
    receipt = tmp_path / "receipt.pdf"
    assert cli("init", "--sample")[0] == 0
    cli.json(*register_args(tmp_path, "--receipt", str(receipt)))
    monkeypatch.setenv("RESIDEGI_SIGNING_KEY_PASSPHRASE", "گذرواژه آزمون")
    assert cli("keys", "init", "--json")[0] == 0

    home = cli.home
    names = {path.name for path in home.rglob("*")}
    assert {"registry.sqlite3", "residegi.toml", "office.p12", "office.crt"} <= names
    assert any(path.is_file() for path in (home / "archive" / "sha256").rglob("*"))
    assert exposed(home) == []
    # The registry's side files, where SQLite has left them, are its own mode.
    for side in ("registry.sqlite3-wal", "registry.sqlite3-shm"):
        if (home / side).exists():
            assert stat.S_IMODE((home / side).stat().st_mode) == 0o600
    # A file staff asked for outside the data folder is theirs: the umask decides.
    assert stat.S_IMODE(receipt.stat().st_mode) == 0o644


@pytest.mark.usefixtures("loose_umask")
def test_helpers_create_private_folders_and_files(tmp_path: Path) -> None:
    made = private_dir(tmp_path / "a" / "b")
    assert made == [tmp_path / "a", tmp_path / "a" / "b"]
    assert private_dir(tmp_path / "a" / "b") == []
    assert private_file(tmp_path / "a" / "b" / "registry") is True
    assert private_file(tmp_path / "a" / "b" / "registry") is False
    write_private(tmp_path / "a" / "c" / "settings", b"x")
    with pytest.raises(FileExistsError):
        write_private(tmp_path / "a" / "c" / "settings", b"y")
    assert (tmp_path / "a" / "c" / "settings").read_bytes() == b"x"
    assert exposed(tmp_path / "a") == []


def test_an_existing_folder_is_left_as_the_office_made_it(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    shared.chmod(0o750)
    assert private_dir(shared) == []
    assert stat.S_IMODE(shared.stat().st_mode) == 0o750
