"""The pages anyone may open without a login: where a complaint stands (``/track``) and
what a letter is, with its code, and whether a PDF is the archived one (``/verify/{guid}``).
Nothing personal is shown on either."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse

from office.letter_check import (
    CopyCheck,
    LetterCodeRequired,
    PublicLetter,
    check_copy,
    public_letter,
)
from office.public import TrackRefused, track
from office.verify import TRUST_FA
from registry.errors import InvalidInput, ResidegiError
from registry.jalali import format_jalali
from registry.text import to_persian_digits
from web.desk import Desk, desk, error_text, page

router = APIRouter()


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/track", response_class=HTMLResponse)
def track_form(request: Request) -> HTMLResponse:
    """The form: the tracking code and the last four digits of the mobile."""
    return page(request, "track.html", None, tracking="", errors={}, refused=None, tracked=None)


@router.post("/track", response_class=HTMLResponse)
def track_answer(
    request: Request,
    tracking: Annotated[str, Form(max_length=60)] = "",
    mobile_last4: Annotated[str, Form(max_length=20)] = "",
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The state and its dates for the right pair; one and the same refusal for a wrong
    pair and for too many tries (the answer is the page itself: nothing is changed)."""
    context: dict[str, Any] = {"tracking": tracking, "errors": {}, "refused": None, "tracked": None}
    status = 200
    try:
        context["tracked"] = track(
            the_desk.runtime, tracking, mobile_last4, address=_address(request)
        )
    except InvalidInput as exc:
        field = "mobile_last4" if exc.code == "track_last4_invalid" else "tracking"
        context["errors"] = {field: error_text(exc)}
        status = 400
    except TrackRefused as exc:
        context["refused"] = error_text(exc)
        status = 400
    return page(request, "track.html", None, status_code=status, **context)


def _moment_fa(moment: dt.datetime | None) -> str | None:
    """A moment as the office reads it: Jalali date and time, Persian digits."""
    if moment is None:
        return None
    return to_persian_digits(f"{format_jalali(moment.date())} ساعت {moment:%H:%M}")


def _letter_page(
    request: Request,
    guid: str,
    code: str | None,
    *,
    letter: PublicLetter | None = None,
    refused: str | None = None,
    checked: CopyCheck | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    seal = letter.seal if letter is not None else None
    return page(
        request,
        "letter_public.html",
        None,
        status_code=status_code,
        guid=guid,
        code=code or "",
        letter=letter,
        refused=refused,
        checked=checked,
        error=error,
        trust_fa=TRUST_FA.get(seal.trust, seal.trust) if seal else None,
        sealed_at_fa=_moment_fa(seal.signed_at) if seal else None,
    )


@router.get("/verify/{guid}", response_class=HTMLResponse)
def letter_page(
    request: Request,
    guid: str,
    c: Annotated[str | None, Query(max_length=60)] = None,
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """With the letter's code (``?c=``, as its QR carries it): its number, date, kind,
    sender, recipient's office, signatory and seal, SHA-256 and whether it is void, and a
    form to hand in its PDF.  Without it, or with a wrong one, a form asking for the code:
    one and the same page for a missing code, a wrong one, an unknown GUID and too many
    tries from this address."""
    try:
        letter = public_letter(the_desk.runtime, guid, c, address=_address(request))
    except LetterCodeRequired as exc:
        return _letter_page(request, guid[:60], None, refused=error_text(exc))
    return _letter_page(request, guid, c, letter=letter)


@router.post("/verify/{guid}", response_class=HTMLResponse)
def letter_copy_check(
    request: Request,
    guid: str,
    c: Annotated[str, Form(max_length=60)] = "",
    pdf: Annotated[UploadFile | None, File()] = None,
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """Whether the PDF handed in is the archived one, byte for byte (200 when it is, 400
    with the reason when it is not); the code is checked again, with the same refusal."""
    try:
        letter = public_letter(the_desk.runtime, guid, c, address=_address(request))
    except LetterCodeRequired as exc:
        return _letter_page(request, guid[:60], None, refused=error_text(exc))
    try:
        checked = check_copy(letter, pdf.file if pdf is not None else None)
    except ResidegiError as exc:
        # No file, or a letter not yet archived: said beside the field.
        return _letter_page(request, guid, c, letter=letter, error=error_text(exc), status_code=400)
    status = 200 if checked.verified else 400
    return _letter_page(request, guid, c, letter=letter, checked=checked, status_code=status)
