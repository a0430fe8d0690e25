"""Sample path values and valid submissions for the intake and case pages (web13a), for
the role matrix (tests/test_web_roles.py) and the pages' own tests.

``sent_case`` is one case per desk, made once: registered with its receipt, a PDF and a
PNG scan, accepted and referred (its referral sent, with a deadline), so that every GET
of a case's page and files answers 200.  Each POST sample makes a fresh complaint in the
state its action needs.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from office import complaints as office
from office.cases import case_view
from office.complaints import Upload
from office.pipeline import Batch, number_and_send, pending_referrals
from registry.kinds import DocumentKind
from tests.factories import complainant_input, complaint_input, national_id, png_bytes
from tests.web_support import DeskUnderTest

Submission = tuple[dict[str, str], dict[str, Any], dict[str, Any] | None]

_SENT: dict[Path, dict[str, str]] = {}
_SEED = [1000]


def pdf_bytes() -> bytes:
    """A small real PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def new_complaint(desk: DeskUnderTest, *, evidence: bool = True, receipt: bool = False) -> str:
    """A freshly registered complaint (its own complainant), with a PDF as evidence."""
    _SEED[0] += 1
    data = complaint_input(complainant=complainant_input(national_id=national_id(_SEED[0])))
    uploads = [Upload(DocumentKind.EVIDENCE, "evidence.pdf", pdf_bytes())] if evidence else []
    files = office.check_uploads(desk.runtime, uploads)
    registered = office.register(desk.runtime, "tester", data, files, receipt=receipt)
    return str(registered.record["tracking_code"])


def sent_case(desk: DeskUnderTest) -> dict[str, str]:
    """The desk's one referred case: tracking code, a PDF document's id, a PNG's id and
    its referral's id (see the module docstring)."""
    if desk.home in _SENT:
        return _SENT[desk.home]
    from generators.batch import RenderPool

    runtime = desk.runtime
    tracking = new_complaint(desk, receipt=True)
    uploads = [Upload(DocumentKind.FOLLOWUP, "پیگیری.png", png_bytes())]
    office.attach(runtime, "tester", tracking, office.check_uploads(runtime, uploads))
    office.review(runtime, "tester", tracking, office.Decision.ACCEPT)
    batch = Batch(runtime, "tester")
    with RenderPool[int](1) as pool:
        number_and_send(batch, pool, pending_referrals(batch, None))
    view = case_view(runtime, "tester", tracking)
    pdf = next(d for d in view.documents if d["media_type"] == "application/pdf")
    png = next(d for d in view.documents if d["media_type"] == "image/png")
    referral = next(x for x in view.letters if x["kind"] == "referral")
    _SENT[desk.home] = {
        "tracking": tracking,
        "document": str(pdf["id"]),
        "image": str(png["id"]),
        "letter": str(referral["id"]),
    }
    return _SENT[desk.home]


def _pick(*names: str) -> Callable[[DeskUnderTest], dict[str, str]]:
    def values(desk: DeskUnderTest) -> dict[str, str]:
        case = sent_case(desk)
        return {name: case[name] for name in ("tracking", *names)}

    return values


PATH_VALUES: dict[str, Callable[[DeskUnderTest], dict[str, str]]] = {
    "tracking": _pick(),
    "document": _pick("document"),
    "letter": _pick("letter"),
}


def intake_form(desk: DeskUnderTest) -> Submission:
    _SEED[0] += 1
    form = {
        "kind": "person",
        "honorific": "mr",
        "first_name": "علی",
        "last_name": "رضایی",
        "national_id": national_id(_SEED[0]),
        "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        "address": "قزوین، خیابان پیروزی",
        "agency": ["شهرداری قزوین"],
        "subject": "آسفالت معابر",
        "text": "خیابان ما آسفالت نشده است.",
        "channel": "in-person",
    }
    files = {"evidence": ("scan.pdf", pdf_bytes(), "application/pdf")}
    return {}, form, files


def _review(desk: DeskUnderTest) -> Submission:
    return {"tracking": new_complaint(desk)}, {"decision": "accept", "note": "کامل است"}, None


def _attach(desk: DeskUnderTest) -> Submission:
    files = {"followup": ("followup.pdf", pdf_bytes(), "application/pdf")}
    return {"tracking": new_complaint(desk, evidence=False)}, {}, files


def _withdraw(desk: DeskUnderTest) -> Submission:
    return {"tracking": new_complaint(desk)}, {"reason": "شاکی منصرف شد"}, None


def _reopen(desk: DeskUnderTest) -> Submission:
    tracking = new_complaint(desk)
    office.withdraw(desk.runtime, "tester", tracking, reason="منصرف شد")
    return {"tracking": tracking}, {"reason": "شاکی دوباره پیگیر است"}, None


def _close(desk: DeskUnderTest) -> Submission:
    tracking = new_complaint(desk)
    office.review(desk.runtime, "tester", tracking, office.Decision.REJECT, reason="خارج از صلاحیت")
    return {"tracking": tracking}, {"reason": "پایان کار"}, None


POST_SAMPLES: dict[str, Callable[[DeskUnderTest], Submission]] = {
    "/complaints/new": intake_form,
    "/complaints/{tracking}/review": _review,
    "/complaints/{tracking}/attach": _attach,
    "/complaints/{tracking}/withdraw": _withdraw,
    "/complaints/{tracking}/reopen": _reopen,
    "/complaints/{tracking}/close": _close,
}
