"""``residegi letter export``: the archived bytes of a letter, checked against the catalogue."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from office import pipeline
from office.runtime import Runtime
from registry.db import transaction
from registry.models import ArchiveObject, Letter
from registry.settings import load_settings
from tests.cli_support import Cli, register_args


def referral(cli: Cli, tmp_path: Path, *, send: bool = True) -> str:
    """A complaint accepted and its referral numbered (and, with ``send``, rendered, stored
    and sent as a dispatch does, without Prefect); the referral's number."""
    code = cli.json(*register_args(tmp_path))["tracking_code"]
    cli.json("complaint", "review", code, "--accept")
    runtime = Runtime(load_settings(home=cli.home))
    try:
        batch = pipeline.Batch(runtime, "دبیرخانه")
        ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
        if send:
            pipeline.deliver(batch, ids, pipeline.move_complaint_when_referred(batch))
    finally:
        runtime.close()
    (letter,) = cli.json("letter", "list")
    assert letter["state"] == ("sent" if send else "numbered")
    return str(letter["number"])


def catalogued(cli: Cli, number: str, role: str) -> str:
    runtime = Runtime(load_settings(home=cli.home))
    try:
        with runtime.sessions() as session:
            return session.scalars(
                select(ArchiveObject.sha256).where(
                    ArchiveObject.letter_number == number, ArchiveObject.role == role
                )
            ).one()
    finally:
        runtime.close()


def test_export_pdf_and_docx_of_a_dispatched_letter(cli: Cli, tmp_path: Path) -> None:
    number = referral(cli, tmp_path)
    assert number == "1405/ص/1"
    for fmt, role, magic in (("pdf", "record", b"%PDF-"), ("docx", "editable", b"PK")):
        target = tmp_path / f"letter.{fmt}"
        done = cli.json("letter", "export", number, "-o", str(target), "--format", fmt)
        data = target.read_bytes()
        assert data.startswith(magic)
        assert done == {
            "number": number,
            "format": fmt,
            "file": str(target),
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        }
        assert done["sha256"] == catalogued(cli, number, role)
    assert not [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_export_defaults_to_pdf_accepts_persian_digits_and_either_order(
    cli: Cli, tmp_path: Path
) -> None:
    referral(cli, tmp_path)
    target = tmp_path / "out.pdf"
    target.write_bytes(b"an older file")  # replaced whole
    for typed in ("۱۴۰۵/ص/۱", "1405/1/ص"):
        code, out, err = cli("letter", "export", typed, "-o", str(target))
        assert code == 0, err
        assert "نوشته شد" in out
        assert hashlib.sha256(target.read_bytes()).hexdigest() == catalogued(
            cli, "1405/ص/1", "record"
        )


def test_unknown_number_exits_3_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    referral(cli, tmp_path)
    target = tmp_path / "none.pdf"
    code, out, _ = cli("letter", "export", "1405/ص/99", "-o", str(target), "--json")
    assert code == 3
    assert json.loads(out)["error"]["code"] == "letter_not_found"
    assert not target.exists()


def test_a_void_letter_is_refused(cli: Cli, tmp_path: Path) -> None:
    number = referral(cli, tmp_path)
    cli.json("letter", "void", number, "--reason", "اشتباه در نشانی")
    target = tmp_path / "void.pdf"
    code, _, err = cli("letter", "export", number, "-o", str(target))
    assert code == 4 and "باطل" in err
    assert not target.exists()


def test_a_letter_not_yet_rendered_is_refused(cli: Cli, tmp_path: Path) -> None:
    number = referral(cli, tmp_path, send=False)
    code, out, _ = cli("letter", "export", number, "-o", str(tmp_path / "x.pdf"), "--json")
    assert code == 4
    error = json.loads(out)["error"]
    assert error["code"] == "letter_not_rendered" and "بایگانی" in error["message"]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_altered_archived_bytes_fail_verification(cli: Cli, tmp_path: Path, fmt: str) -> None:
    number = referral(cli, tmp_path)
    role = "record" if fmt == "pdf" else "editable"
    stored = Runtime(load_settings(home=cli.home)).store.path_of(catalogued(cli, number, role))
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes() + b"\n")
    target = tmp_path / f"altered.{fmt}"
    code, out, _ = cli("letter", "export", number, "-o", str(target), "--format", fmt, "--json")
    assert code == 5
    assert json.loads(out)["error"]["code"] == "archive_object_altered"
    assert not target.exists()


def test_bad_format_and_missing_folder_exit_2(cli: Cli, tmp_path: Path) -> None:
    number = referral(cli, tmp_path)
    code, out, _ = cli("letter", "export", number, "-o", str(tmp_path / "a.odt"), "--format", "odt")
    assert code == 2
    code, out, _ = cli("letter", "export", number, "-o", str(tmp_path / "no" / "a.pdf"), "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "output_unwritable"


def test_a_letter_whose_file_the_catalogue_does_not_name_fails_verification(
    cli: Cli, tmp_path: Path
) -> None:
    number = referral(cli, tmp_path)
    runtime = Runtime(load_settings(home=cli.home))
    try:
        with transaction(runtime.sessions) as session:
            letter = session.scalars(select(Letter).where(Letter.number == number)).one()
            letter.docx_sha256 = "0" * 64
    finally:
        runtime.close()
    code, out, _ = cli(
        "letter", "export", number, "-o", str(tmp_path / "x.docx"), "--format", "docx", "--json"
    )
    assert code == 5
    assert json.loads(out)["error"]["code"] == "letter_file_uncatalogued"
