"""Factories for complainants, complaints and files: valid by default, changed by keyword."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from office.runtime import Runtime
from registry import complaints
from registry.agencies import load_sample
from registry.clock import Clock
from registry.db import transaction
from registry.identity import national_id_check_digit
from registry.kinds import ComplainantKind, DocumentKind, Honorific
from registry.models import Complaint
from registry.settings import Settings

AT = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=3, minutes=30)))


def national_id(seed: int = 1) -> str:
    """A valid national ID that is not all one digit (synthetic)."""
    rng = random.Random(seed)
    while True:
        first = f"{rng.randrange(10**8, 10**9):09d}"
        candidate = first + str(national_id_check_digit(first))
        if len(set(candidate)) > 1:
            return candidate


def complainant_input(**changes: Any) -> complaints.ComplainantInput:
    base = complaints.ComplainantInput(
        kind=ComplainantKind.PERSON,
        honorific=Honorific.MRS,
        first_name="زهرا",
        last_name="کریمی",
        national_id=national_id(),
        mobile="09121234567",
        address="قزوین، خیابان فردوسی، کوچه ۱۲",
    )
    return dataclasses.replace(base, **changes)


def new_document(kind: DocumentKind = DocumentKind.EVIDENCE, n: int = 0) -> complaints.NewDocument:
    return complaints.NewDocument(
        kind=kind,
        sha256=f"{n:064x}",
        original_name=f"scan-{n}.pdf",
        media_type="application/pdf",
        size=1000 + n,
    )


def complaint_input(**changes: Any) -> complaints.ComplaintInput:
    base = complaints.ComplaintInput(
        complainant=complainant_input(),
        agencies=("شهرداری قزوین",),
        subject="آسفالت نشدن معابر محله",
        text="خیابان محل سکونت ما سه سال است آسفالت نشده و پیگیری‌ها بی‌نتیجه مانده است.",
        documents=(new_document(DocumentKind.EVIDENCE, 1), new_document(DocumentKind.FOLLOWUP, 2)),
    )
    return dataclasses.replace(base, **changes)


def seed_agencies(session: Session) -> None:
    load_sample(session, at=AT, actor="test")


def registered(
    session: Session, at: dt.datetime = AT, *, duplicate_window_days: int = 90, **changes: Any
) -> Complaint:
    """A registered complaint (agencies must be seeded)."""
    registration = complaints.register_complaint(
        session,
        complaint_input(**changes),
        actor="test",
        at=at,
        duplicate_window_days=duplicate_window_days,
    )
    return registration.complaint


def accepted(
    session: Session, at: dt.datetime = AT, *, duplicate_window_days: int = 90, **changes: Any
) -> Complaint:
    """A registered complaint the inspector accepted: ready to be referred."""
    complaint = registered(session, at, duplicate_window_days=duplicate_window_days, **changes)
    complaints.accept(session, complaint, actor="test", at=at)
    return complaint


# An office profile with the whole letterhead: signatory and telephone.
LETTERHEAD = {"signatory_name": "محمد احمدی", "phone": "02833330000"}


def office_runtime(
    database_url: str, home: Path, *, at: dt.datetime | None, **settings: Any
) -> Runtime:
    """A runtime on ``database_url`` whose clock stands at ``at`` (None: the settings' clock);
    the office profile has a signatory unless ``office=`` says otherwise."""
    office_profile = settings.pop("office", {"signatory_name": "محمد احمدی"})
    return Runtime(
        Settings(home=home, database_url=database_url, office=office_profile, **settings),
        fixed_clock=Clock(fixed_now=at) if at is not None else None,
    )


def seeded_runtime(database_url: str, home: Path, *, at: dt.datetime, **settings: Any) -> Runtime:
    """``office_runtime`` with the sample agencies loaded."""
    runtime = office_runtime(database_url, home, at=at, **settings)
    with transaction(runtime.sessions) as session:
        seed_agencies(session)
    return runtime


def pdf_file(path: Path) -> Path:
    """A small real PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(path)
    return path


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 160)).save(buffer, format="PNG")
    return buffer.getvalue()
