"""The archive's pages: search with the matched words marked, a case's dossier as PDF or
as a zipped BagIt package, and checking an uploaded signed PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from office.access import Action, Staff
from office.dossiers import dossier_file
from office.messages import staff_message
from office.search import Found, highlight, search
from office.verify import ARCHIVE_FA, TRUST_FA, read_signed_upload, verify_signed
from registry.errors import InvalidInput, ResidegiError
from registry.jalali import format_jalali
from registry.kinds import ComplaintState
from registry.search import Match
from registry.text import to_persian_digits
from web.desk import Desk, desk, error_text, needs, page

router = APIRouter()

MATCH_FA = {
    Match.TRACKING_CODE.value: "کد رهگیری",
    Match.LETTER_NUMBER.value: "شماره نامه",
    Match.NATIONAL_ID.value: "کد ملی",
    Match.NAME.value: "نام شاکی",
    Match.AGENCY.value: "دستگاه",
    Match.SUBJECT.value: "موضوع",
    Match.TEXT.value: "متن شکایت",
}
SESSION_VERDICT = "verify_verdict"
# What the verdict page shows of a check (kept in the session between POST and GET).
_VERDICT_KEYS = (
    "path",
    "sha256",
    "verdict",
    "trust",
    "intact",
    "modified_after_signing",
    "signer_common_name",
    "signing_time",
    "timestamp_time",
    "signatures",
    "archive",
    "problems",
)


def _hits(found: Found) -> list[dict[str, Any]]:
    """The records with their name, agencies and subject cut into marked pieces."""
    rows = []
    for record in found.records:
        marks = {
            key: highlight(str(record[key]), found.words, found.prefix)
            for key in ("complainant", "subject")
        }
        marks["agencies"] = highlight("، ".join(record["agencies"]), found.words, found.prefix)
        rows.append(
            {
                **record,
                "marks": marks,
                "state_fa": ComplaintState(record["state"]).label_fa,
                "matched_fa": [MATCH_FA[m] for m in record["matched"]],
            }
        )
    return rows


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: str = "",
    staff: Staff = Depends(needs(Action.SEARCH)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The search box and its hits; an HTMX request (typing) gets the hits alone."""
    # Typing asks for the hits alone; a history restore (Back) needs the whole page.
    partial = (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )
    context: dict[str, Any] = {"q": q, "hits": None, "error": None, "more": False}
    status = 200
    if q.strip():
        try:
            found = search(the_desk.runtime, staff, q)
        except ResidegiError as exc:
            context["error"] = error_text(exc)
            # HTMX swaps only a 2xx answer: the refusal is shown all the same.
            status = 200 if partial else 400
        else:
            context.update(hits=_hits(found), more=found.more)
    template = "_search_results.html" if partial else "search.html"
    response = page(request, template, staff, status_code=status, **context)
    response.headers["Vary"] = "HX-Request"
    return response


def _download(the_desk: Desk, staff: Staff, tracking: str, *, bag: bool) -> FileResponse:
    folder = Path(tempfile.mkdtemp(prefix="residegi-dossier-"))
    try:
        path = dossier_file(the_desk.runtime, staff, tracking, folder, bag=bag)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type="application/zip" if bag else "application/pdf",
        filename=path.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/complaints/{tracking}/dossier.pdf")
def dossier_pdf(
    tracking: str,
    staff: Staff = Depends(needs(Action.DOSSIER)),
    the_desk: Desk = Depends(desk),
) -> FileResponse:
    """The case's dossier as one PDF (a download)."""
    return _download(the_desk, staff, tracking, bag=False)


@router.get("/complaints/{tracking}/dossier.zip")
def dossier_zip(
    tracking: str,
    staff: Staff = Depends(needs(Action.DOSSIER)),
    the_desk: Desk = Depends(desk),
) -> FileResponse:
    """The case's BagIt package (case.json, the dossier, every original file), zipped."""
    return _download(the_desk, staff, tracking, bag=True)


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request, staff: Staff = Depends(needs(Action.VERIFY))) -> HTMLResponse:
    """The upload form, with the verdict of the file just sent (once)."""
    verdict = request.session.pop(SESSION_VERDICT, None)
    return page(request, "verify.html", staff, **_verdict_context(verdict), error=None)


def _moment_fa(iso: str | None) -> str | None:
    """An ISO moment as the office reads it: Jalali date and time, Persian digits."""
    if iso is None:
        return None
    moment = dt.datetime.fromisoformat(iso)
    return to_persian_digits(f"{format_jalali(moment.date())} ساعت {moment:%H:%M}")


def _verdict_context(verdict: dict[str, Any] | None) -> dict[str, Any]:
    if verdict is None:
        return {"verdict": None}
    name = {"path": verdict["path"]}
    return {
        "verdict": verdict,
        "signed_at_fa": _moment_fa(verdict["signing_time"]),
        "stamped_at_fa": _moment_fa(verdict["timestamp_time"]),
        "trust_fa": TRUST_FA.get(verdict["trust"], verdict["trust"]),
        "archive_fa": ARCHIVE_FA.get(verdict["archive"], verdict["archive"]),
        "problems_fa": [staff_message(code, name) for code in verdict["problems"]],
    }


@router.post("/verify", response_model=None)
def verify_upload(
    request: Request,
    pdf: Annotated[UploadFile | None, File()] = None,
    staff: Staff = Depends(needs(Action.VERIFY)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Check the uploaded PDF's signature and whether the archive holds it; 303 to the
    verdict.  A file that cannot be read is refused beside the field."""
    runtime = the_desk.runtime
    # The name is only shown; kept short, since the verdict rides in the session cookie.
    name = ((pdf.filename or "upload.pdf") if pdf is not None else "")[-100:]
    try:
        if pdf is None:
            raise InvalidInput("verify_file_missing")
        data = read_signed_upload(pdf.file, name=name, limit=runtime.settings.attachment_max_bytes)
        record = verify_signed(runtime, data, path=name).record
    except ResidegiError as exc:
        return page(
            request, "verify.html", staff, status_code=400, verdict=None, error=error_text(exc)
        )
    request.session[SESSION_VERDICT] = {key: record[key] for key in _VERDICT_KEYS}
    return RedirectResponse("/verify", status_code=303)
