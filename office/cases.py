"""A case as staff see it on one page: the complaint, its documents, letters, replies,
deadlines, inspection, answer and the timeline of who did what, and which of the case's
own actions (review, attach, withdraw, reopen, close, record a reply, edit a deadline) a
member of staff may take now.

Read-only: the desk guards these with its own action; each one takes the acting user
only to find the case among those they may see (``office.access.visible_levels``): a
case classified above their clearance is not found, exactly as an unknown code.  The
files a case holds (documents, letters, the receipt) are handed out through here, checked
to belong to the case and re-hashed on the way out.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from office.access import Action, Actor, may, visible_levels
from office.correspondence import chain
from office.runtime import Runtime
from registry import complaint_queries
from registry.errors import NotFound
from registry.inspections import current_inspection
from registry.kinds import (
    DOCUMENT_KIND_FA,
    ComplaintState,
    DocumentKind,
    DraftState,
    LetterKind,
    LetterState,
)
from registry.models import ArchiveObject, Complaint, Document, Event, Letter, Reply, StaffUser
from registry.records import complaint_record, document_record, letter_record, reply_record
from registry.states import allowed_targets

__all__ = [
    "CaseAction",
    "CaseFile",
    "CaseView",
    "available_actions",
    "case_events",
    "case_view",
    "document_file",
    "letter_file",
    "letter_number",
    "receipt_file",
]

# Chunks of a file handed to the desk: small enough to keep a worker's memory flat.
CHUNK = 64 * 1024
_IMAGES = frozenset({"image/jpeg", "image/png"})

EVENT_FA = {
    "complaint_registered": "ثبت شکایت",
    "state_changed": "تغییر وضعیت",
    "documents_attached": "افزودن مدارک",
    "document_made": "پیوست متن کامل شکایت",
    "letter_numbered": "شماره‌گذاری نامه",
    "letter_stored": "ساخت و بایگانی نامه",
    "letter_sent": "ارسال نامه",
    "letter_voided": "ابطال نامه",
    "reply_recorded": "ثبت پاسخ دستگاه",
    "deadline_extended": "تمدید مهلت",
    "deadline_paused": "توقف مهلت",
    "deadline_resumed": "ازسرگیری مهلت",
    "due_date_recomputed": "بازمحاسبه سررسید",
    "inspection_findings": "ثبت یافته‌های بازرسی",
    "letter_left": "ثبت ارسال نامه",
    "letter_received": "ثبت دریافت نامه",
    "deadline_from_receipt": "شمارش مهلت از دریافت نامه",
    "draft_created": "پیش‌نویس نامه",
    "draft_approved": "پاراف پیش‌نویس",
    "draft_signed": "امضای پیش‌نویس",
    "draft_rejected": "رد پیش‌نویس",
    "answer_drafted": "پیش‌نویس پاسخ نهایی",
    # e2e14: a recorded reply is an incoming letter registered first (registry/incoming.py).
    "incoming_registered": "ثبت نامه وارده",
    "incoming_attached": "پیوست نامه وارده به پرونده",
}


class CaseAction:
    """The case page's own actions, by name (the desk's form names them so)."""

    REVIEW = "review"
    ATTACH = "attach"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"
    CLOSE = "close"
    REPLY = "reply"
    DEADLINE = "deadline"
    INSPECT = "inspect"
    REPORT = "report"
    ANSWER = "answer"  # draft the decision
    SIGN = "sign"  # the head signs the draft


# A reply may be recorded (or a recorded one superseded) while the agencies' replies are
# the case's business; a deadline edited while the case still waits for them.
_REPLY_STATES = frozenset(
    {ComplaintState.AWAITING_REPLY, ComplaintState.REPLIED, ComplaintState.UNDER_INSPECTION}
)

_ANSWERING = ((CaseAction.ANSWER, Action.DRAFT_ANSWER), (CaseAction.SIGN, Action.ANSWER))


def available_actions(state: ComplaintState, actor: Actor) -> frozenset[str]:
    """The case actions the state machine allows from ``state`` and ``actor``'s roles
    allow them to take."""
    targets = set(allowed_targets(state))
    found = set()
    if state is ComplaintState.REGISTERED and may(actor, Action.REVIEW):
        found.add(CaseAction.REVIEW)
    # Documents may be added to any open case (an incomplete one returns to review).
    if ComplaintState.WITHDRAWN in targets and may(actor, Action.ATTACH):
        found.add(CaseAction.ATTACH)
    if ComplaintState.WITHDRAWN in targets and may(actor, Action.WITHDRAW):
        found.add(CaseAction.WITHDRAW)
    if ComplaintState.CLOSED in targets and may(actor, Action.CLOSE):
        found.add(CaseAction.CLOSE)
    # Reopening goes to accepted from a final state; review's accept is not a reopening.
    if state in (ComplaintState.CLOSED, ComplaintState.WITHDRAWN) and may(actor, Action.REOPEN):
        found.add(CaseAction.REOPEN)
    if state in _REPLY_STATES and may(actor, Action.RECORD_REPLY):
        found.add(CaseAction.REPLY)
    if state is ComplaintState.AWAITING_REPLY and may(actor, Action.EDIT_DEADLINE):
        found.add(CaseAction.DEADLINE)
    # Assigning an inspection, then its findings while it is under way (answer14).
    inspecting = ComplaintState.UNDER_INSPECTION in targets or (
        state is ComplaintState.UNDER_INSPECTION
    )
    if inspecting and may(actor, Action.INSPECT):
        found.add(CaseAction.INSPECT)
    if ComplaintState.REPORT_READY in targets and may(actor, Action.REPORT):
        found.add(CaseAction.REPORT)
    if ComplaintState.ANSWERED in targets:
        found |= {a for a, act in _ANSWERING if may(actor, act)}
    return frozenset(found)


@dataclass(frozen=True)
class CaseView:
    """Everything the case page shows, as records (``--json`` keys, ASCII digits)."""

    record: dict[str, Any]
    documents: list[dict[str, Any]]
    letters: list[dict[str, Any]]
    replies: list[dict[str, Any]]
    inspection: dict[str, Any] | None
    answer: dict[str, Any] | None
    events: list[dict[str, Any]]
    receipt_number: str | None
    possible_duplicate_of: str | None = None
    missing_fa: list[str] = field(default_factory=list)

    @property
    def state(self) -> ComplaintState:
        return ComplaintState(self.record["state"])


def _case(runtime: Runtime, session: Session, actor: Actor, tracking: str) -> Complaint:
    """Case ``tracking`` if ``actor`` may see it; NotFound otherwise, as for no such case."""
    return complaint_queries.get_complaint(
        session, tracking, visible_levels(actor, runtime.settings)
    )


def case_view(runtime: Runtime, actor: Actor, tracking: str) -> CaseView:
    """Case ``tracking`` in full (NotFound if there is none that ``actor`` may see)."""
    zone = runtime.clock.zone
    with runtime.sessions() as session:
        complaint = _case(runtime, session, actor, tracking)
        record = complaint_record(complaint, zone, detail=True)
        derived = _derived_pdfs(session, complaint)
        documents = [
            {
                **document_record(d, zone),
                "id": d.id,
                "kind_fa": DOCUMENT_KIND_FA[d.kind],
                "view": _view_of(d, derived),
            }
            for d in complaint.documents
        ]
        letters = _letters(session, complaint)
        numbers = {letter.id: letter.number for letter in letters}
        linked = chain(session, letters)  # what each cites, what answers it, how it left
        letter_records = [_letter_record(letter, zone) | linked[letter.id] for letter in letters]
        replies = [_reply_record(reply, numbers) for reply in _replies(session, complaint)]
        inspection = _inspection(session, complaint, numbers)
        answer = next(
            (
                {
                    "number": letter.number,
                    "id": letter.id,
                    "date": letter_record(letter, zone)["date"],
                    "decision": letter.facts.get("decision"),
                }
                for letter in letters
                if letter.kind is LetterKind.FINAL_ANSWER and letter.state is not LetterState.VOID
            ),
            None,
        )
        receipt = next(
            (
                letter.number
                for letter in reversed(letters)
                if letter.kind is LetterKind.RECEIPT and letter.state is not LetterState.VOID
            ),
            None,
        )
        duplicate = None
        if complaint.possible_duplicate_of_id is not None:
            duplicate = session.scalar(
                select(Complaint.tracking_code).where(
                    Complaint.id == complaint.possible_duplicate_of_id
                )
            )
        events = _events(session, complaint, numbers, zone)
    return CaseView(
        record=record,
        documents=documents,
        letters=letter_records,
        replies=replies,
        inspection=inspection,
        answer=answer,
        events=events,
        receipt_number=receipt,
        possible_duplicate_of=duplicate,
        missing_fa=[DOCUMENT_KIND_FA[DocumentKind(k)] for k in record["missing"]],
    )


def case_events(runtime: Runtime, actor: Actor, tracking: str) -> list[dict[str, Any]]:
    """Case ``tracking``'s timeline, oldest first: when, who (user name and full name),
    what (``action`` and ``action_fa``), the states before and after, the letter, the note."""
    with runtime.sessions() as session:
        complaint = _case(runtime, session, actor, tracking)
        letters = _letters(session, complaint)
        return _events(session, complaint, {x.id: x.number for x in letters}, runtime.clock.zone)


def _letters(session: Session, complaint: Complaint) -> list[Letter]:
    return list(
        session.scalars(
            select(Letter)
            .where(Letter.complaint_id == complaint.id)
            .order_by(Letter.issued_at, Letter.id)
        )
    )


def _letter_record(letter: Letter, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    rendered = letter.state in (LetterState.STORED, LetterState.SENT)
    expects = letter.state is LetterState.SENT and letter.kind.spec.expects_reply
    return {
        **letter_record(letter, zone),
        "id": letter.id,
        "kind_fa": letter.kind.label_fa,
        "state_fa": letter.state.label_fa,
        "pdf": rendered and letter.pdf_sha256 is not None,
        "docx": rendered and letter.docx_sha256 is not None,
        # A sent letter that expects a reply has a deadline to explain.
        "deadline": expects,
        # ... and, until its referral's reply is recorded, a running one.
        "awaiting": expects and (letter.chases or letter).replied_at is None,
    }


def _replies(session: Session, complaint: Complaint) -> list[Reply]:
    return list(
        session.scalars(
            select(Reply)
            .join(Letter, Letter.id == Reply.letter_id)
            .where(Letter.complaint_id == complaint.id)
            .order_by(Reply.recorded_at, Reply.id)
        )
    )


def _reply_record(reply: Reply, numbers: dict[int, str]) -> dict[str, Any]:
    agency = reply.letter.agency
    return {
        **reply_record(reply, numbers),
        "agency": agency.name if agency else reply.letter.recipient,
        "outcome_fa": reply.outcome.short_fa if reply.outcome else None,
        "document_id": reply.document_id,
        "superseded": reply.superseded_by_id is not None,
    }


def _inspection(
    session: Session, complaint: Complaint, numbers: dict[int, str]
) -> dict[str, Any] | None:
    inspection = current_inspection(session, complaint)
    if inspection is None:
        return None
    return {
        "inspector": inspection.inspector,
        "date": inspection.inspection_date,
        "agency": inspection.agency.name if inspection.agency else None,
        "findings": inspection.findings,
        "assignment": numbers.get(inspection.assignment_letter_id or 0),
        "report": numbers.get(inspection.report_letter_id or 0),
    }


def _events(
    session: Session, complaint: Complaint, numbers: dict[int, str], zone: zoneinfo.ZoneInfo
) -> list[dict[str, Any]]:
    condition = Event.complaint_id == complaint.id
    if numbers:
        condition = or_(condition, Event.letter_id.in_(list(numbers)))
    events = list(session.scalars(select(Event).where(condition).order_by(Event.at, Event.id)))
    names = dict(
        session.execute(
            select(StaffUser.username, StaffUser.full_name).where(
                StaffUser.username.in_({e.actor for e in events})
            )
        ).all()
    )
    return [
        {
            "at": event.at.astimezone(zone),
            "actor": event.actor,
            "actor_name": names.get(event.actor),
            "action": event.action,
            "action_fa": EVENT_FA.get(event.action, event.action),
            "before": _state_fa(event.before),
            "after": _state_fa(event.after),
            "letter": numbers.get(event.letter_id) if event.letter_id else None,
            "note": event.note,
        }
        for event in events
    ]


def _state_fa(value: str | None) -> str | None:
    if value is None:
        return None
    for kind in (ComplaintState, LetterState, DraftState):
        try:
            return str(kind(value).label_fa)
        except ValueError:
            continue
    return value


def _derived_pdfs(session: Session, complaint: Complaint) -> dict[str, str]:
    """The PDFs derived from the case's scanned images, by the image's SHA-256."""
    rows = session.execute(
        select(ArchiveObject.derived_from, ArchiveObject.sha256).where(
            ArchiveObject.complaint_id == complaint.id,
            ArchiveObject.role == "derived",
            ArchiveObject.derived_from.is_not(None),
        )
    ).all()
    return {source: sha for source, sha in rows if source is not None}


def _view_of(document: Document, derived: dict[str, str]) -> str:
    """How the page shows a document: ``image`` (JPEG and PNG, which browsers show),
    ``pdf`` (in a frame), ``derived`` (a TIFF, through the PDF it was converted to), or
    ``none``."""
    if document.media_type in _IMAGES:
        return "image"
    if document.media_type == "application/pdf":
        return "pdf"
    return "derived" if document.sha256 in derived else "none"


@dataclass(frozen=True)
class CaseFile:
    """A file of a case to hand out: its media type, name, size and its bytes in chunks,
    already re-hashed against their name."""

    media_type: str
    name: str
    size: int
    sha256: str
    chunks: Iterator[bytes] = field(repr=False)


def document_file(
    runtime: Runtime, actor: Actor, tracking: str, document_id: int, *, as_pdf: bool = False
) -> CaseFile:
    """Document ``document_id`` of case ``tracking`` (NotFound if the case has none by that
    id); with ``as_pdf``, the PDF a scanned image was converted to (a PDF is itself)."""
    with runtime.sessions() as session:
        complaint = _case(runtime, session, actor, tracking)
        document = next((d for d in complaint.documents if d.id == document_id), None)
        if document is None:
            raise NotFound("document_not_found", tracking_code=complaint.tracking_code)
        sha256, media_type, name = document.sha256, document.media_type, document.original_name
        if as_pdf and media_type != "application/pdf":
            derived = _derived_pdfs(session, complaint).get(sha256)
            if derived is None:
                raise NotFound("document_not_found", tracking_code=complaint.tracking_code)
            stem = name.rsplit(".", 1)[0] or name
            sha256, media_type, name = derived, "application/pdf", f"{stem}.pdf"
    return _stream(runtime, sha256, media_type, name)


def letter_number(runtime: Runtime, actor: Actor, tracking: str, letter_id: int) -> str:
    """The number of letter ``letter_id`` of case ``tracking`` (NotFound if the case has
    no letter by that id)."""
    with runtime.sessions() as session:
        complaint = _case(runtime, session, actor, tracking)
        number = session.scalar(
            select(Letter.number).where(Letter.id == letter_id, Letter.complaint_id == complaint.id)
        )
    if number is None:
        raise NotFound("letter_not_found", number=str(letter_id))
    return number


def letter_file(
    runtime: Runtime, actor: Actor, tracking: str, letter_id: int, *, fmt: str
) -> CaseFile:
    """Letter ``letter_id`` of case ``tracking`` as its archived PDF or DOCX
    (``office.letters.export``: refused for a void or not yet rendered letter)."""
    from office.letters import export

    exported = export(runtime, actor, letter_number(runtime, actor, tracking, letter_id), fmt=fmt)
    name = exported.original_name or f"letter.{exported.format}"
    data = exported.data
    return CaseFile(exported.media_type, name, len(data), exported.sha256, iter((data,)))


def receipt_file(runtime: Runtime, actor: Actor, tracking: str) -> CaseFile:
    """Case ``tracking``'s registration receipt (the newest live letter of kind receipt)
    as its archived PDF; NotFound when it has none."""
    with runtime.sessions() as session:
        complaint = _case(runtime, session, actor, tracking)
        letter_id = session.scalar(
            select(Letter.id)
            .where(
                Letter.complaint_id == complaint.id,
                Letter.kind == LetterKind.RECEIPT,
                Letter.state != LetterState.VOID,
            )
            .order_by(Letter.id.desc())
            .limit(1)
        )
        code = complaint.tracking_code
    if letter_id is None:
        raise NotFound("receipt_not_found", tracking_code=code)
    receipt = letter_file(runtime, actor, tracking, letter_id, fmt="pdf")
    return CaseFile(
        receipt.media_type, f"receipt-{code}.pdf", receipt.size, receipt.sha256, receipt.chunks
    )


def _stream(runtime: Runtime, sha256: str, media_type: str, name: str) -> CaseFile:
    """The object read from the store and re-hashed (a case's files are bounded by the
    attachment limit), then handed out in chunks."""
    data = runtime.store.get(sha256)
    chunks = (data[start : start + CHUNK] for start in range(0, len(data), CHUNK))
    return CaseFile(media_type, name, len(data), sha256, chunks)
