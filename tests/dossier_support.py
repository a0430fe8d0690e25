"""A whole case for the dossier, fixity and bag tests (and the dossier benchmark).

The complaint is filed with real files through ``archive.intake`` (so scans get their
derived PDFs), its letters are real PDFs rendered by the generators (rendered once per
kind and reused: a letter's bytes do not matter to a dossier, only that they are a real
letter), stored with ``archive.letters.store_letter``, sent, and answered by replies whose
documents are stored like any other.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image
from pypdf import PdfWriter
from sqlalchemy.orm import Session

from archive.attachments import Attachment
from archive.intake import file_complaint, store_files
from archive.letters import store_letter
from archive.store import ArchiveStore, sha256_of
from registry import complaints, deadlines, holidays, replies
from registry.kinds import ComplaintState, DocumentKind, LetterKind, LetterState, ReplyOutcome
from registry.models import Agency, Complaint, Letter
from registry.samples import scan_jpeg, scan_png
from registry.states import transition
from tests.factories import AT, complaint_input, seed_agencies
from tests.replies_support import TEHRAN, THU_FRI, J, agency, at_noon, numbered

OFFICE = {
    "ministry": "وزارت کشور",
    "governorate": "استانداری قزوین",
    "office": "دفتر بازرسی، مدیریت عملکرد و امور حقوقی",
}
PDF = "application/pdf"


@functools.lru_cache(maxsize=16)
def letter_files(kind: str) -> tuple[bytes, bytes]:
    """A real letter of ``kind`` (PDF/A and DOCX), rendered once per process."""
    from generators.batch import render_letter_files
    from generators.samples import sample_facts

    files = render_letter_files(kind, sample_facts(kind).model_dump(mode="json"))
    return files.pdf, files.docx


def pdf_bytes(pages: int = 1, seed: int = 0) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"scan {seed}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def tiff_bytes(pages: int = 3, seed: int = 0) -> bytes:
    frames = [Image.new("L", (200 + 10 * n, 280), 200 + (seed + n) % 50) for n in range(pages)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], dpi=(150, 150))
    return buffer.getvalue()


def attachment(name: str, data: bytes, media_type: str) -> Attachment:
    return Attachment(data=data, media_type=media_type, original_name=name, sha256=sha256_of(data))


def scan(kind: str, seed: int) -> tuple[str, bytes, str]:
    rng = random.Random(seed)
    if kind == "png":
        return f"scan-{seed}.png", scan_png(rng, 6 + seed % 10), "image/png"
    if kind == "jpg":
        return f"scan-{seed}.jpg", scan_jpeg(rng, 6 + seed % 10), "image/jpeg"
    if kind == "tif":
        return f"scan-{seed}.tif", tiff_bytes(2, seed), "image/tiff"
    return f"scan-{seed}.pdf", pdf_bytes(1 + seed % 2, seed), PDF


@dataclass
class Case:
    complaint: Complaint
    letters: list[Letter]
    documents: int  # documents filed with the complaint and with replies


def build_case(
    session: Session,
    store: ArchiveStore,
    *,
    files: Sequence[str] = ("pdf", "png", "jpg", "tif"),
    referrals: int = 2,
    reminders_each: int = 1,
    reply_files: Sequence[str] = ("png",),
    kinds: Sequence[str] = ("referral", "reminder"),
) -> Case:
    """A complaint with ``files`` (pdf/png/jpg/tif), ``referrals`` letters to one agency,
    each chased ``reminders_each`` times, every referral answered with ``reply_files``
    (one reply each, cycling through them)."""
    seed_agencies(session)
    attached = [
        (DocumentKind.EVIDENCE if n == 0 else DocumentKind.OTHER, attachment(*scan(kind, n)))
        for n, kind in enumerate(files)
    ]
    complaint = file_complaint(
        session,
        store,
        complaint_input(documents=()),
        attached,
        actor="test",
        at=AT,
        duplicate_window_days=0,
    ).complaint
    complaints.accept(session, complaint, actor="test", at=AT)
    transition(session, complaint, ComplaintState.AWAITING_REPLY, actor="test", at=AT)
    calendar = holidays.working_calendar(session, THU_FRI)
    target = agency(session)
    letters: list[Letter] = []
    day = J("1405/09/06")
    for n in range(referrals):
        referral = _letter(session, store, LetterKind.REFERRAL, day, complaint, target, None)
        deadlines.mark_sent(
            session, referral, at=at_noon(day), zone=TEHRAN, calendar=calendar,
            deadline_days=10, actor="test",
        )  # fmt: skip
        letters.append(referral)
        for _ in range(reminders_each):
            reminder = _letter(
                session, store, LetterKind.REMINDER, day, complaint, target, referral
            )
            letters.append(reminder)
        if reply_files:
            name, data, media_type = scan(reply_files[n % len(reply_files)], 100 + n)
            file = attachment(name, data, media_type)
            replies.record_reply(
                session, referral, their_number=f"8/{4500 + n}", their_date=day,
                document=_new_document(file), at=at_noon(day) + dt.timedelta(hours=1),
                actor="test", today=J("1405/12/01"), outcome=ReplyOutcome.PARTIAL,
                summary="در دست بررسی است.",
            )  # fmt: skip
            store_files(
                session, store, complaint, [(DocumentKind.AGENCY_REPLY, file)], actor="t", at=AT
            )
        day += dt.timedelta(days=1)
    session.flush()
    documents = len(files) + (referrals if reply_files else 0)
    return Case(complaint=complaint, letters=letters, documents=documents)


def _new_document(file: Attachment) -> complaints.NewDocument:
    return complaints.NewDocument(
        kind=DocumentKind.AGENCY_REPLY,
        sha256=file.sha256,
        original_name=file.original_name,
        media_type=file.media_type,
        size=len(file.data),
    )


def _letter(
    session: Session,
    store: ArchiveStore,
    kind: LetterKind,
    day: dt.date,
    complaint: Complaint,
    to: Agency,
    chases: Letter | None,
) -> Letter:
    letter = numbered(session, kind=kind, on=day, complaint=complaint, to=to, chases=chases)
    letter.state = LetterState.NUMBERED  # numbered() marks it stored; store it for real
    pdf, docx = letter_files(kind.value)
    store_letter(session, store, letter, pdf=pdf, docx=docx, actor="test", at=at_noon(day))
    return letter
