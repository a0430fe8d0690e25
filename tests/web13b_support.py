"""Cases, letters and signed answers for the archive, public and admin pages' tests (and
their entries in the role matrix): filed through ``office`` with real files, as the desk
files them."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from pathlib import Path

from archive.catalogue import ObjectMeta, put
from office import complaints as office_complaints
from office.complaints import Decision
from registry.db import transaction
from registry.jalali import jalali_year
from registry.kinds import DocumentKind, LetterKind
from registry.models import Letter
from registry.public import complaint_by_code
from registry.register import number_letter
from tests.factories import complainant_input, complaint_input, national_id, pdf_file
from tests.web_support import DeskUnderTest

_SEEDS = itertools.count(1000)
MOBILE = "09121234567"


def filed_case(
    desk: DeskUnderTest,
    *,
    first_name: str = "زهرا",
    last_name: str = "کریمی",
    subject: str = "آسفالت نشدن معابر محله",
    mobile: str = MOBILE,
    accept: bool = False,
    receipt: bool = False,
) -> str:
    """A complaint registered through office with one real PDF scan (accepted when asked);
    its tracking code.  Each call is another person, so none is a duplicate."""
    seed = next(_SEEDS)
    scan = pdf_file(desk.home / f"scan-{seed}.pdf")
    person = complainant_input(
        first_name=first_name, last_name=last_name, national_id=national_id(seed), mobile=mobile
    )
    registered = office_complaints.register(
        desk.runtime,
        "tester",
        complaint_input(complainant=person, subject=subject),
        [(DocumentKind.EVIDENCE, scan)],
        receipt=receipt,
    )
    code = str(registered.record["tracking_code"])
    if accept:
        office_complaints.review(desk.runtime, "tester", code, Decision.ACCEPT)
    return code


def referral_letter(desk: DeskUnderTest, tracking: str) -> Letter:
    """A referral of case ``tracking`` numbered to its agency (no files: the public page
    reads the register only)."""
    runtime = desk.runtime
    now = runtime.clock.now()
    with transaction(runtime.sessions) as session:
        complaint = complaint_by_code(session, tracking)
        assert complaint is not None
        agency = complaint.agencies[0].agency
        letter = number_letter(
            session,
            kind=LetterKind.REFERRAL,
            series=runtime.settings.office.series["outgoing"],
            number_template=runtime.settings.office.number_format,
            issued_at=now,
            jalali_year=jalali_year(now.date()),
            date=now.date(),
            recipient=f"{agency.name}",
            actor="tester",
            freeze=lambda identity: {"number": identity.number},
            complaint=complaint,
            agency=agency,
        )
        session.expunge(letter)
        return letter


def archived(desk: DeskUnderTest, data: bytes, kind: str = "final_answer") -> None:
    """Put ``data`` into the desk's archive, as a filed answer is."""
    runtime = desk.runtime
    with transaction(runtime.sessions) as session:
        put(
            session,
            runtime.store,
            data,
            ObjectMeta(media_type="application/pdf", kind=kind),
            stored_by="tester",
            at=dt.datetime.now(dt.UTC),
        )


def blank_pdf(path: Path) -> bytes:
    """A small real PDF that nobody signed, unlike any other (a random title), so that no
    archive holds it."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": secrets.token_hex(8)})
    writer.write(path)
    return path.read_bytes()
