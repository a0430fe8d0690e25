"""``archive verify``: a deleted, an altered and an unreferenced object are caught; nothing
is rewritten in place; derived PDFs of scans are made at intake, deterministically."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.derived import image_to_pdf
from archive.errors import DerivationFailed, FixityFailed
from archive.fixity import verify_archive
from archive.store import ArchiveStore, sha256_of
from registry.db import transaction
from registry.models import ArchiveObject, Letter
from tests.cli_support import Cli, register_args
from tests.dossier_support import build_case, scan, tiff_bytes


@pytest.fixture
def store(tmp_path: Path) -> ArchiveStore:
    return ArchiveStore(str(tmp_path / "archive"))


def _case(sessions: sessionmaker[Session], store: ArchiveStore) -> None:
    with transaction(sessions) as session:
        build_case(session, store, referrals=1, reminders_each=0)


def _object_file(store: ArchiveStore, sha256: str) -> Path:
    return store.path_of(sha256)


def _make_writable_and(path: Path, change: str) -> None:
    path.chmod(0o644)  # objects are read-only from birth; a vandal would change that first
    if change == "delete":
        path.unlink()
    else:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))


def test_a_sound_archive_verifies(sessions: sessionmaker[Session], store: ArchiveStore) -> None:
    _case(sessions, store)
    with sessions() as session:
        report = verify_archive(session, store)
        rows = session.scalar(select(ArchiveObject.id).order_by(ArchiveObject.id.desc()))
    assert report.ok, report.findings
    assert report.objects_checked == len(list(store.iter_objects())) > 5
    assert report.catalogue_rows == rows
    report.raise_if_failed()  # nothing to raise


def test_deleted_altered_and_unreferenced_objects_are_reported(
    sessions: sessionmaker[Session], store: ArchiveStore
) -> None:
    _case(sessions, store)
    with sessions() as session:
        letter = session.scalars(select(Letter)).first()
        assert letter is not None and letter.pdf_sha256 and letter.docx_sha256
        deleted, altered = letter.pdf_sha256, letter.docx_sha256
    _make_writable_and(_object_file(store, deleted), "delete")
    _make_writable_and(_object_file(store, altered), "alter")
    stray = store.put_bytes(b"put in the store, catalogued nowhere")

    with sessions() as session:
        report = verify_archive(session, store)
    found = {(f.kind, f.sha256) for f in report.findings}
    assert found == {("missing", deleted), ("altered", altered), ("unreferenced", stray)}
    assert report.counts()["missing"] == report.counts()["altered"] == 1
    with pytest.raises(FixityFailed) as caught:
        report.raise_if_failed()
    assert caught.value.kind.exit_code == 5
    assert caught.value.code == "archive_fixity_failed"


def test_records_that_name_uncatalogued_objects_are_reported(
    sessions: sessionmaker[Session], store: ArchiveStore
) -> None:
    _case(sessions, store)
    ghost = "ab" * 32
    with transaction(sessions) as session:
        letter = session.scalars(select(Letter)).one()
        letter.pdf_sha256 = ghost
    with sessions() as session:
        report = verify_archive(session, store)
    [finding] = report.findings
    assert (finding.kind, finding.sha256) == ("letter_uncatalogued", ghost)
    assert finding.detail["file"] == "pdf"


def test_nothing_is_rewritten_in_place(
    sessions: sessionmaker[Session], store: ArchiveStore
) -> None:
    """Inode and mtime of every existing object survive more puts, the same case's files
    again, and a full verify."""
    _case(sessions, store)
    before = {
        sha: (store.path_of(sha).stat().st_ino, store.path_of(sha).stat().st_mtime_ns)
        for sha in store.iter_objects()
    }
    for sha in list(before):
        assert store.put_bytes(store.get(sha)) == sha  # the same bytes again: untouched
    store.put_bytes(b"a new object")
    with sessions() as session:
        assert verify_archive(session, store).counts()["unreferenced"] == 1
    after = {
        sha: (store.path_of(sha).stat().st_ino, store.path_of(sha).stat().st_mtime_ns)
        for sha in before
    }
    assert after == before


def test_scans_get_their_derived_pdf_at_intake(
    sessions: sessionmaker[Session], store: ArchiveStore
) -> None:
    _case(sessions, store)
    with sessions() as session:
        rows = list(session.scalars(select(ArchiveObject).order_by(ArchiveObject.id)))
    originals = {r.sha256: r for r in rows if r.media_type.startswith("image/")}
    derived = [r for r in rows if r.role == "derived"]
    assert {r.derived_from for r in derived} == set(originals)
    for row in derived:
        original = originals[row.derived_from or ""]
        assert row.media_type == "application/pdf"
        assert row.complaint_id == original.complaint_id and row.kind == original.kind
        pdf = store.get(row.sha256)
        assert pdf == image_to_pdf(store.get(original.sha256), original.media_type)
        assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1


def test_derived_pdf_is_lossless_deterministic_and_one_page_per_frame() -> None:
    _, jpeg, _ = scan("jpg", 7)
    pdf = image_to_pdf(jpeg, "image/jpeg")
    assert pdf == image_to_pdf(jpeg, "image/jpeg")
    assert jpeg in pdf  # embedded as it came: no re-encoding
    assert sha256_of(jpeg) in pdf.decode("latin-1")  # it names its original
    tiff = tiff_bytes(pages=3)
    reader = PdfReader(io.BytesIO(image_to_pdf(tiff, "image/tiff")))
    assert len(reader.pages) == 3
    # 150 dpi: 200 pixels wide is 96 points
    assert float(reader.pages[0].mediabox.width) == pytest.approx(96.0)
    with Image.open(io.BytesIO(tiff)) as image:
        image.seek(1)
        frame = image.convert("L")
    [shown] = reader.pages[1].images
    assert shown.image is not None
    assert shown.image.convert("L").tobytes() == frame.tobytes()


def test_underivable_input_is_refused() -> None:
    with pytest.raises(DerivationFailed):
        image_to_pdf(b"%PDF-1.4", "application/pdf")
    with pytest.raises(DerivationFailed):
        image_to_pdf(b"\x89PNG\r\n\x1a\nnot really", "image/png")


def test_cli_archive_verify_exit_codes_and_json(cli: Cli, tmp_path: Path) -> None:
    png = tmp_path / "scan.png"
    _, data, _ = scan("png", 3)
    png.write_bytes(data)
    cli.json(*register_args(tmp_path, "--attach", f"other={png}"))
    clean = cli.json("archive", "verify")
    assert clean["ok"] is True and clean["objects_checked"] == 3  # pdf, png, png's pdf
    store = ArchiveStore(str(cli.home / "archive"))
    stray = store.put_bytes(b"nobody's")
    code, out, _ = cli("archive", "verify", "--json")
    assert code == 5
    record = json.loads(out)
    assert record["ok"] is False and record["error"]["code"] == "archive_fixity_failed"
    assert record["error"]["message"]
    assert [(f["kind"], f["sha256"]) for f in record["findings"]] == [("unreferenced", stray)]
    code, out, err = cli("archive", "verify")
    assert code == 5 and stray in out and "خطا" in err
