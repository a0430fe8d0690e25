"""Dossiers: cover and index with right page numbers, every document in case order with a
Persian bookmark each, scans shown through their derived PDFs, refusals that write nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.dossier import DossierResult, build_dossier, export_dossier
from archive.errors import DossierOutputRefused, ObjectAltered
from archive.store import ArchiveStore
from generators.dossier_cover import render_cover
from registry.db import transaction
from registry.errors import NotFound
from registry.models import ArchiveObject, Complaint
from registry.text import to_persian_digits
from tests.cli_support import Cli, register_args
from tests.dossier_support import OFFICE, Case, build_case
from tests.factories import AT
from tests.letters_support import normalize, pdf_text

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


@pytest.fixture
def store(tmp_path: Path) -> ArchiveStore:
    return ArchiveStore(str(tmp_path / "archive"))


@pytest.fixture
def case(sessions: sessionmaker[Session], store: ArchiveStore) -> Case:
    with transaction(sessions) as session:
        built = build_case(session, store, referrals=2, reminders_each=1)
        session.expunge_all()
    return built


def _export(
    sessions: sessionmaker[Session],
    store: ArchiveStore,
    tracking: str,
    out: Path,
    bag: Path | None = None,
) -> DossierResult:
    with sessions() as session:
        return export_dossier(
            session, store, tracking, out, render_cover, office=OFFICE, zone=TEHRAN, at=AT, bag=bag
        )


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, 1-based page) of each top-level bookmark."""
    found = []
    for item in reader.outline:
        assert isinstance(item, Destination)
        page = reader.get_destination_page_number(item)
        assert page is not None
        found.append((str(item.title), page + 1))
    return found


def test_dossier_holds_every_document_in_order_with_bookmarks(
    sessions: sessionmaker[Session], store: ArchiveStore, case: Case, tmp_path: Path
) -> None:
    out = tmp_path / "dossier.pdf"
    with sessions() as session:
        complaint = session.get(Complaint, case.complaint.id)
        assert complaint is not None
        dossier = build_dossier(
            session, store, complaint, render_cover, office=OFFICE, zone=TEHRAN, at=AT
        )
    groups = [p.entry.group for p in dossier.placed]
    # 4 files filed, then per referral: the referral, its reminder, the reply.
    assert groups == ["document"] * 4 + ["letter", "letter", "reply"] * 2
    assert len(dossier.placed) == case.documents + len(case.letters)
    reader = PdfReader(io.BytesIO(dossier.pdf))
    assert len(reader.pages) == dossier.total_pages
    # The TIFF scan has two frames: two pages, from its derived PDF.
    assert [p.pages for p in dossier.placed[:4]] == [1, 1, 1, 2]

    outline = _outline(reader)
    assert outline[0] == ("جلد و فهرست پرونده", 1)
    assert len(outline) == 1 + len(dossier.placed)
    for (title, page), placed in zip(outline[1:], dossier.placed, strict=True):
        assert page == placed.start
        assert title.endswith(placed.entry.title)
    assert outline[5][0].startswith("۵. نامه ۱۴۰۵/ص/۱ (ارجاع شکایت)")

    # The index on the cover prints the same start pages, in Persian digits.
    cover = normalize(pdf_text(_first_pages(dossier.pdf, dossier.cover_pages)))
    assert "فهرست اسناد" in cover
    assert to_persian_digits(case.complaint.tracking_code[:4]) in cover
    for placed in dossier.placed:
        assert to_persian_digits(placed.start) in cover
    out.write_bytes(dossier.pdf)


def _first_pages(pdf: bytes, count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages[:count]:
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_page_numbers_hold_when_the_index_runs_over_several_pages(
    sessions: sessionmaker[Session], store: ArchiveStore
) -> None:
    with transaction(sessions) as session:
        built = build_case(session, store, files=("pdf", "png") * 6, referrals=8)
        tracking = built.complaint.tracking_code
    with sessions() as session:
        complaint = session.scalars(
            select(Complaint).where(Complaint.tracking_code == tracking)
        ).one()
        dossier = build_dossier(
            session, store, complaint, render_cover, office=OFFICE, zone=TEHRAN, at=AT
        )
    assert dossier.cover_pages >= 2
    assert dossier.placed[0].start == dossier.cover_pages + 1  # a PDF filed first
    reader = PdfReader(io.BytesIO(dossier.pdf))
    assert len(reader.pages) == dossier.total_pages
    assert _outline(reader)[-1][1] == dossier.placed[-1].start


def test_same_case_same_bytes(
    sessions: sessionmaker[Session], store: ArchiveStore, case: Case, tmp_path: Path
) -> None:
    tracking = case.complaint.tracking_code
    first = _export(sessions, store, tracking, tmp_path / "a.pdf")
    second = _export(sessions, store, tracking, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert first.sha256 == second.sha256


def test_an_altered_object_stops_the_dossier(
    sessions: sessionmaker[Session], store: ArchiveStore, case: Case, tmp_path: Path
) -> None:
    victim = case.letters[0].pdf_sha256
    assert victim is not None
    path = store.path_of(victim)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% appended"))
    out = tmp_path / "dossier.pdf"
    with pytest.raises(ObjectAltered):
        _export(sessions, store, case.complaint.tracking_code, out)
    assert not out.exists()


def test_a_scan_without_derived_pdf_is_listed_not_converted(
    sessions: sessionmaker[Session], store: ArchiveStore, case: Case, tmp_path: Path
) -> None:
    with transaction(sessions) as session:
        for row in session.scalars(select(ArchiveObject).where(ArchiveObject.role == "derived")):
            session.delete(row)
    result = _export(sessions, store, case.complaint.tracking_code, tmp_path / "d.pdf")
    index = result.dossier.index_record()
    scans = [e for e in index if e["title"].endswith((".png", ".jpg", ".tif"))]
    assert scans and all(e["pages"] == 0 and e["start_page"] is None and e["note"] for e in scans)


def test_refusals_write_nothing(
    sessions: sessionmaker[Session], store: ArchiveStore, case: Case, tmp_path: Path
) -> None:
    tracking = case.complaint.tracking_code
    with pytest.raises(DossierOutputRefused):
        _export(sessions, store, tracking, tmp_path / "no" / "such" / "d.pdf")
    busy = tmp_path / "bag"
    busy.mkdir()
    (busy / "x").write_text("taken")
    with pytest.raises(DossierOutputRefused):
        _export(sessions, store, tracking, tmp_path / "d.pdf", bag=busy)
    assert not (tmp_path / "d.pdf").exists()
    with pytest.raises(NotFound):
        _export(sessions, store, "123412341234", tmp_path / "d.pdf")
    left = [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf" or p.name.startswith(".")]
    assert left == []
    assert [p.name for p in busy.iterdir()] == ["x"]


def test_cli_dossier_and_bag(cli: Cli, tmp_path: Path) -> None:
    record = cli.json(*register_args(tmp_path))
    tracking = record["tracking_code"]
    out, bag = tmp_path / "case.pdf", tmp_path / "bag"
    made = cli.json("dossier", tracking, "-o", str(out), "--bag", str(bag))
    assert made["tracking_code"] == tracking and made["documents"] == 1
    assert made["pages"] == len(PdfReader(out).pages) == made["cover_pages"] + 1
    assert made["bag"]["files"] == 3  # case.json, dossier.pdf, the evidence PDF
    case = json.loads((bag / "data" / "case.json").read_text(encoding="utf-8"))
    assert case["tracking_code"] == tracking and case["dossier"]["sha256"] == made["sha256"]
    code, out_text, _ = cli("dossier", "999999999999", "-o", str(tmp_path / "x.pdf"), "--json")
    assert code in (2, 3) and json.loads(out_text)["error"]["code"]
    code, out_text, _ = cli("dossier", tracking, "-o", str(out), "--bag", str(bag), "--json")
    assert code == 2
    assert json.loads(out_text)["error"]["code"] == "dossier_output_refused"


def test_dossier_dates_come_from_the_clock_given(
    sessions: sessionmaker[Session], store: ArchiveStore, case: Case, tmp_path: Path
) -> None:
    later = AT + dt.timedelta(days=40)
    with sessions() as session:
        result = export_dossier(
            session, store, case.complaint.tracking_code, tmp_path / "d.pdf", render_cover,
            office=OFFICE, zone=TEHRAN, at=later,
        )  # fmt: skip
    assert result.dossier.case["registered_date"] == "1405/09/04"
    info = PdfReader(tmp_path / "d.pdf").metadata
    assert info is not None and str(info["/CreationDate"]).startswith("D:20270104")
