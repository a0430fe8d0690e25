"""The restore drill: a backup taken while a real dispatch runs in another process, restored
into a new folder, proven whole; and a damaged backup refused before anything is restored.

On SQLite and on PostgreSQL.  The dispatch is the real command in its own process group
(Prefect, the render pool); the backup is taken once its progress says some letters went
out, and the drill checks the snapshot caught it mid-way (some letters, not all).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.store import ArchiveStore
from registry import complaints
from registry.db import make_engine, session_factory, transaction
from registry.models import Letter
from registry.snapshot import describe
from tests import dispatch_support
from tests.cli_support import Cli, isolated_cli, register_args
from tests.dispatch_support import dispatch_all, dispatching
from tests.factories import AT, complainant_input, complaint_input, national_id, png_bytes

pytestmark = pytest.mark.slow

prefect_api = dispatch_support.prefect_api  # the module's Prefect server (a fixture)

BULK = 80  # accepted complaints made directly, one referral each
AGENCIES = ["شهرداری قزوین", "شهرداری آبیک", "فرمانداری تاکستان", "شهرداری الوند"]


def settings_file(home: Path, url: str) -> None:
    home.mkdir()
    (home / "residegi.toml").write_text(
        f'database_url = "{url}"\ntoday = "1405/09/04"\n'
        '[office]\nsignatory_name = "محمد احمدی"\nphone = "02833330000"\n',
        encoding="utf-8",
    )


def office_with_cases(cli: Cli, tmp_path: Path, url: str) -> None:
    """A small office: two cases with scanned documents (a PDF and a PNG) registered and
    accepted through the command, and BULK accepted complaints awaiting their referral."""
    assert cli("init", "--sample")[0] == 0
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_bytes())
    for n in range(2):
        args = register_args(tmp_path, "--attach", f"other={scan}", "--json")
        args[args.index("--national-id") + 1] = national_id(900 + n)
        code, out, err = cli(*args)
        assert code == 0, err
        tracking = json.loads(out)["tracking_code"]
        assert cli("complaint", "review", tracking, "--accept", "--note", "آزمون")[0] == 0
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        for n in range(BULK):
            data = complaint_input(
                agencies=(AGENCIES[n % 4],),
                complainant=complainant_input(national_id=national_id(n)),
                documents=(),
            )
            complaint = complaints.register_complaint(
                session, data, actor="test", at=AT, duplicate_window_days=0
            ).complaint
            complaints.accept(session, complaint, actor="test", at=AT, note="نمونه آزمون")
    engine.dispose()


def letters_of(url: str) -> dict[str, str | None]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            rows = session.execute(select(Letter.number, Letter.pdf_sha256)).all()
            return {row.number: row.pdf_sha256 for row in rows}
    finally:
        engine.dispose()


def test_restore_drill_backup_while_dispatching(
    migrated_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    prefect_api: str,
    request: pytest.FixtureRequest,
) -> None:
    source = tmp_path / "office"
    settings_file(source, migrated_url)
    cli = isolated_cli(tmp_path, capsys, monkeypatch)
    cli.home = source
    office_with_cases(cli, tmp_path, migrated_url)
    total = BULK + 2

    backup_dir = tmp_path / "backup"
    with dispatching(source, prefect_api) as (process, lines):
        for line in lines:
            if line.startswith("send ") and int(line.split()[1].split("/")[0]) >= 5:
                break
        code, out, err = cli("backup", str(backup_dir), "--json")
        assert code == 0, err
        assert process.wait(timeout=120) == 0
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    assert json.loads(out)["counts"] == manifest["database"]["counts"]
    # Taken mid-way: some letters numbered, not all of them.
    assert 0 < manifest["database"]["counts"]["letter"] < total
    assert manifest["private_key_included"] is False
    assert not (backup_dir / "keys" / "office.p12").exists()

    target = tmp_path / "restored"
    restore_args = ["restore", str(backup_dir), "--home", str(target), "--json"]
    target_url = None
    if migrated_url.startswith("postgresql"):
        target_url = str(request.getfixturevalue("pg_url"))
        restore_args += ["--database-url", target_url]
    code, out, err = cli(*restore_args)
    assert code == 0, (out, err)
    restored = json.loads(out)
    assert restored["counts"] == manifest["database"]["counts"]
    assert restored["verified"] is True
    target_url = target_url or f"sqlite:///{target / 'registry.sqlite3'}"
    assert describe(target_url).counts == manifest["database"]["counts"]
    if target_url.startswith("postgresql"):
        # An operator names the new registry in the restored settings file.
        settings = target / "residegi.toml"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(f'database_url = "{target_url}"\n{text}', encoding="utf-8")

    cli.home = target
    code, _, err = cli("archive", "verify")
    assert code == 0, err
    snapshot_letters = letters_of(target_url)
    assert len(snapshot_letters) == manifest["database"]["counts"]["letter"]

    # The restored office finishes what the snapshot had numbered but not stored, as after
    # a crash: every letter of the snapshot then has exactly the source's PDF.
    dispatch_all(target, prefect_api)
    assert cli("archive", "verify")[0] == 0
    after = letters_of(target_url)
    original = letters_of(migrated_url)
    assert len(original) == total
    source_store = ArchiveStore(str(source / "archive"))
    target_store = ArchiveStore(str(target / "archive"))
    for number in snapshot_letters:
        pdf = after[number]
        assert pdf is not None and pdf == original[number], number
        assert target_store.get(pdf) == source_store.get(pdf)


@pytest.fixture
def office(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """An office with one registered case and its scanned evidence in the archive, and a
    signing key (encrypted: a passphrase is required outside the demo)."""
    monkeypatch.setenv("RESIDEGI_SIGNING_KEY_PASSPHRASE", "گذرواژه آزمون")
    assert cli(*register_args(tmp_path))[0] == 0
    assert cli("keys", "init")[0] == 0
    return cli


def test_damaged_backup_is_refused_before_anything_is_restored(office: Cli, tmp_path: Path) -> None:
    backup_dir = tmp_path / "backup"
    assert office("backup", str(backup_dir))[0] == 0
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["objects"]["count"] >= 1
    assert manifest["certificate"]["file"] == "keys/office.crt"
    assert (backup_dir / "keys" / "office.crt").is_file()
    assert not (backup_dir / "keys" / "office.p12").exists()
    (sha256,) = list(manifest["objects"]["sha256"])[:1]
    damaged = backup_dir / "archive" / "sha256" / sha256[:2] / sha256[2:4] / sha256
    damaged.chmod(0o600)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    target = tmp_path / "restored"
    code, out, err = office("restore", str(backup_dir), "--home", str(target), "--json")
    assert code == 5, (out, err)
    assert json.loads(out)["error"]["code"] == "backup_damaged"
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".restored")]


def test_backup_refuses_a_folder_in_use_and_keeps_the_key_unless_asked(
    office: Cli, tmp_path: Path
) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "x").write_text("x", encoding="utf-8")
    code, out, _ = office("backup", str(used), "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "target_not_empty"
    assert sorted(p.name for p in used.iterdir()) == ["x"]
    with_key = tmp_path / "with-key"
    assert office("backup", str(with_key), "--include-private-key")[0] == 0
    assert (with_key / "keys" / "office.p12").read_bytes() == (
        office.home / "keys" / "office.p12"
    ).read_bytes()
    assert oct(with_key.stat().st_mode & 0o777) == "0o700"
    assert oct((with_key / "manifest.json").stat().st_mode & 0o777) == "0o600"
    target = tmp_path / "restored"
    assert office("restore", str(with_key), "--home", str(target))[0] == 0
    assert (target / "keys" / "office.p12").is_file()
    code, out, _ = office("restore", str(with_key), "--home", str(target), "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "target_not_empty"


def test_restore_of_something_that_is_no_backup(office: Cli, tmp_path: Path) -> None:
    code, out, _ = office("restore", str(tmp_path), "--home", str(tmp_path / "r"), "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "backup_unreadable"
