"""What the desk's forms share: reading uploads within the limit, and putting a refusal
beside the field it concerns."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from office.access import Forbidden
from office.complaints import Upload
from office.messages import MESSAGES, staff_message
from registry.errors import ErrorKind, ResidegiError
from registry.kinds import DocumentKind
from web.desk import error_text

__all__ = [
    "FormErrors",
    "field_of",
    "form_refusal",
    "kept",
    "read_uploads",
    "refusal",
    "refusal_status",
    "submitted",
    "text_of",
]

# A refusal whose code says which field it concerns, where its parameters do not.
_FIELD_OF_CODE = {
    "invalid_national_id": "national_id",
    "invalid_company_id": "national_id",
    "invalid_mobile": "mobile",
    "invalid_landline": "landline",
    "invalid_postal_code": "postal_code",
    "invalid_foreign_id": "foreign_id",
    "agency_not_found": "agency",
    "agency_name_required": "agency",
    "agency_required": "agency",
    "evidence_missing": "note",
    "missing_kinds_required": "missing",
}

FormErrors = dict[str, str]


def field_of(error: ResidegiError, default: str = "form") -> str:
    """The form field a refusal concerns (``default`` when it names none)."""
    named = error.params.get("field")
    if isinstance(named, str) and named:
        return named
    return _FIELD_OF_CODE.get(error.code, default)


def desk_text(error: ResidegiError) -> str:
    """The Persian sentence for ``error`` as the desk words it (without the command line's
    option names where the table has a desk wording)."""
    desk_code = f"desk.{error.code}"
    if desk_code in MESSAGES:
        return staff_message(desk_code, error.params)
    return error_text(error)


def refusal(error: ResidegiError, default: str = "form") -> FormErrors:
    """``{field: Persian sentence}`` for one refusal."""
    return {field_of(error, default): desk_text(error)}


def form_refusal(error: ResidegiError) -> bool:
    """Whether ``error`` refuses what the form said (shown beside a field), not a missing
    role (403) or a failure of the system (503), which the app's handlers answer."""
    refusable = (ErrorKind.INPUT, ErrorKind.NOT_FOUND, ErrorKind.REFUSED)
    return error.kind in refusable and not isinstance(error, Forbidden)


def refusal_status(error: ResidegiError, field: str) -> int:
    """The status of the page that shows a form's refusal beside ``field``: 409 a rule; 404
    the thing the form acts on gone (a refusal of the whole ``form``); 400 bad input, a
    field's value that names nothing known among it."""
    if error.kind is ErrorKind.REFUSED:
        return 409
    return 404 if error.kind is ErrorKind.NOT_FOUND and field == "form" else 400


def text_of(form: FormData, name: str) -> str:
    """A text field's value ("" when absent, or when a file came under that name)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def read_uploads(
    form: FormData, kinds: tuple[DocumentKind, ...], max_bytes: int
) -> list[Upload]:
    """The files chosen under each kind's input, each read no further than one byte past
    ``max_bytes`` (office refuses a longer one); empty inputs are skipped."""
    uploads = []
    for kind in kinds:
        for item in form.getlist(kind.value):
            if not isinstance(item, UploadFile) or not item.filename:
                continue
            data = await item.read(max_bytes + 1)
            uploads.append(Upload(kind=kind, name=item.filename, data=data))
    return uploads


async def submitted(
    request: Request, kinds: tuple[DocumentKind, ...] = (), max_bytes: int = 1
) -> tuple[FormData, list[Upload]]:
    """The submitted form and the files chosen under ``kinds``' inputs (``read_uploads``);
    the form's spooled files are closed before this returns."""
    form = await request.form()
    try:
        uploads = await read_uploads(form, kinds, max_bytes) if kinds else []
    finally:
        await form.close()
    return form, uploads


def kept(form: FormData, names: tuple[str, ...]) -> dict[str, Any]:
    """What was typed, to fill the form again after a refusal."""
    return {name: text_of(form, name) for name in names}
