"""Complaints: registration, review, documents, withdrawal, reopening and closing (reading
them, by tracking code or as lists: registry/complaint_queries.py).

Every function validates everything before it writes, and writes in the caller's
transaction, so a refusal leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import anonymity, identity
from registry.agencies import find_agency
from registry.errors import InvalidInput, Refused
from registry.events import record_event
from registry.kinds import (
    FILED_DOCUMENT_KINDS,
    Channel,
    ComplainantKind,
    ComplaintState,
    DocumentKind,
    Honorific,
)
from registry.models import Complainant, Complaint, ComplaintAgency, Document
from registry.people import identifiers
from registry.states import illegal_transition, transition
from registry.text import normalize_for_search
from registry.tracking import new_tracking_code

MAX_SUBJECT = 300
MAX_TEXT = 50_000
# The registry's column widths (registry/models.py); an address has no column limit, but
# no postal address runs to a page.
MAX_NAME = 100
MAX_COMPANY_NAME = 200
MAX_ADDRESS = 1_000
# A reviewer's summary is a paragraph or two: what fits a one-page referral.
MAX_SUMMARY = 2_000


@dataclass(frozen=True)
class ComplainantInput:
    """The complainant as staff typed them."""

    kind: ComplainantKind
    first_name: str
    last_name: str
    mobile: str
    address: str
    honorific: Honorific = Honorific.NONE
    national_id: str | None = None  # a person's national ID, or a legal person's company ID
    foreign_id: str | None = None
    company_name: str | None = None
    father_name: str | None = None
    landline: str | None = None
    postal_code: str | None = None


@dataclass(frozen=True)
class NewDocument:
    """A file already read and checked (archive.attachments), to be recorded on a case."""

    kind: DocumentKind
    sha256: str
    original_name: str
    media_type: str
    size: int


@dataclass(frozen=True)
class ComplaintInput:
    complainant: ComplainantInput
    agencies: Sequence[str]
    subject: str
    text: str
    channel: Channel = Channel.IN_PERSON
    anonymous: bool = False
    documents: Sequence[NewDocument] = field(default_factory=tuple)


def required_text(value: str | None, field_name: str, limit: int | None = None) -> str:
    """``value`` stripped, or InvalidInput naming the field when it is empty (or longer
    than ``limit`` characters)."""
    if value is None or not value.strip():
        raise InvalidInput("field_required", field=field_name)
    if "\x00" in value:
        # PostgreSQL cannot store it and SQLite would: refused alike on both, here.
        raise InvalidInput("text_has_nul", field=field_name)
    text = value.strip()
    if limit is not None and len(text) > limit:
        raise InvalidInput("field_too_long", field=field_name, limit=limit)
    return text


def optional_text(value: str | None, field_name: str, limit: int) -> str | None:
    """``value`` stripped, None when empty, InvalidInput when longer than ``limit``."""
    if value is None or not value.strip():
        return None
    return required_text(value, field_name, limit)


def validated_complainant(data: ComplainantInput) -> Complainant:
    """A Complainant row from typed input, every identity field checked and normalized."""
    first = required_text(data.first_name, "first_name", MAX_NAME)
    last = required_text(data.last_name, "last_name", MAX_NAME)
    national_id: str | None = None
    foreign_id: str | None = None
    company_name: str | None = None
    if data.kind is ComplainantKind.PERSON:
        national_id = identity.validate_national_id(required_text(data.national_id, "national_id"))
    elif data.kind is ComplainantKind.FOREIGN:
        foreign_id = identity.validate_foreign_id(required_text(data.foreign_id, "foreign_id"))
    else:
        national_id = identity.validate_company_id(required_text(data.national_id, "national_id"))
        company_name = required_text(data.company_name, "company_name", MAX_COMPANY_NAME)
    return Complainant(
        kind=data.kind,
        national_id=national_id,
        foreign_id=foreign_id,
        company_name=company_name,
        honorific=data.honorific,
        first_name=first,
        last_name=last,
        father_name=optional_text(data.father_name, "father_name", MAX_NAME),
        mobile=identity.normalize_mobile(required_text(data.mobile, "mobile")),
        landline=identity.normalize_landline(data.landline) if data.landline else None,
        address=required_text(data.address, "address", MAX_ADDRESS),
        postal_code=identity.validate_postal_code(data.postal_code) if data.postal_code else None,
        name_norm=normalize_for_search(" ".join(filter(None, [first, last, company_name]))),
    )


def complainant_key(complainant: Complainant) -> str:
    """The person behind a complaint, as the service's figures count complainants
    (docs/stats.md): one row of ``complainant`` per complaint, so the same person filing
    twice is named by the same kind and national ID (a legal person's too) or foreign ID.
    Migration 0018 builds the same text in SQL for the complaints made before it."""
    return f"{complainant.kind.value}:{complainant.national_id or complainant.foreign_id or ''}"


@dataclass(frozen=True)
class Registration:
    complaint: Complaint
    possible_duplicates: list[Complaint]


def register_complaint(
    session: Session,
    data: ComplaintInput,
    *,
    actor: str,
    at: dt.datetime,
    duplicate_window_days: int,
) -> Registration:
    """Register a complaint in state ``registered`` with a fresh tracking code.

    A complaint from the same national ID against one of the same agencies within
    ``duplicate_window_days`` is flagged as a possible duplicate (registered all the same).
    """
    subject = required_text(data.subject, "subject")
    text = required_text(data.text, "text")
    if len(subject) > MAX_SUBJECT:
        raise InvalidInput("field_too_long", field="subject", limit=MAX_SUBJECT)
    if len(text) > MAX_TEXT:
        raise InvalidInput("field_too_long", field="text", limit=MAX_TEXT)
    complainant = validated_complainant(data.complainant)
    _check_filed_kinds(doc.kind for doc in data.documents)
    if not data.agencies:
        raise InvalidInput("agency_required", field="agency")
    agencies = []
    for name in data.agencies:
        agency = find_agency(session, name)
        if agency not in agencies:
            agencies.append(agency)

    duplicates = _possible_duplicates(
        session, complainant.national_id, [a.id for a in agencies], at, duplicate_window_days
    )
    complaint = Complaint(
        tracking_code=_unused_tracking_code(session),
        complainant=complainant,
        complainant_key=complainant_key(complainant),
        subject=subject,
        text=text,
        subject_norm=normalize_for_search(subject),
        text_norm=normalize_for_search(text),
        channel=data.channel,
        anonymous=data.anonymous,
        state=ComplaintState.REGISTERED,
        registered_at=at,
        registered_by=actor,
        possible_duplicate_of_id=duplicates[0].id if duplicates else None,
    )
    complaint.agencies = [
        ComplaintAgency(agency=agency, position=i) for i, agency in enumerate(agencies)
    ]
    session.add(complaint)
    session.flush()
    _add_documents(session, complaint, data.documents, actor=actor, at=at)
    record_event(
        session,
        at=at,
        actor=actor,
        action="complaint_registered",
        complaint=complaint,
        after=ComplaintState.REGISTERED.value,
        data={
            "agencies": [a.name for a in agencies],
            "documents": len(data.documents),
            "possible_duplicate_of": [d.tracking_code for d in duplicates],
        },
    )
    return Registration(complaint=complaint, possible_duplicates=duplicates)


def _unused_tracking_code(session: Session) -> str:
    # Codes are random: a collision is possible, if unlikely, so draw again on one.
    for _ in range(20):
        code = new_tracking_code()
        if (
            session.scalars(select(Complaint.id).where(Complaint.tracking_code == code)).first()
            is None
        ):
            return code
    raise RuntimeError("could not draw an unused tracking code")


def _possible_duplicates(
    session: Session,
    national_id: str | None,
    agency_ids: list[int],
    at: dt.datetime,
    window_days: int,
) -> list[Complaint]:
    if national_id is None or window_days <= 0:
        return []
    since = at - dt.timedelta(days=window_days)
    matching = (
        select(Complaint.id)
        .join(Complainant)
        .join(ComplaintAgency)
        .where(
            Complainant.national_id == national_id,
            ComplaintAgency.agency_id.in_(agency_ids),
            Complaint.registered_at >= since,
        )
    )
    query = (
        select(Complaint).where(Complaint.id.in_(matching)).order_by(Complaint.registered_at.desc())
    )
    return list(session.scalars(query))


def document_row(
    complaint: Complaint, doc: NewDocument, *, actor: str, at: dt.datetime
) -> Document:
    """The registry's row for a checked file filed on ``complaint`` (not yet added)."""
    return Document(
        complaint=complaint,
        kind=doc.kind,
        sha256=doc.sha256,
        original_name=doc.original_name,
        media_type=doc.media_type,
        size=doc.size,
        added_at=at,
        added_by=actor,
    )


def _check_filed_kinds(kinds: Iterable[DocumentKind], field_name: str | None = None) -> None:
    """InvalidInput for a kind staff may not file nor ask for (the complaint's full text is
    the office's own, made at acceptance: ``file_made_document``)."""
    for kind in kinds:
        if kind not in FILED_DOCUMENT_KINDS:
            raise InvalidInput(
                "document_kind_made_by_office", field=field_name or kind.value, kind=kind.label_fa
            )


def _add_documents(
    session: Session,
    complaint: Complaint,
    documents: Sequence[NewDocument],
    *,
    actor: str,
    at: dt.datetime,
) -> list[Document]:
    rows = [document_row(complaint, doc, actor=actor, at=at) for doc in documents]
    session.add_all(rows)
    session.flush()
    return rows


@dataclass(frozen=True)
class ReviewOutcome:
    """What a review did, and what the reviewer should still look at."""

    state: ComplaintState
    warnings: list[str]


def document_kinds(complaint: Complaint) -> set[DocumentKind]:
    return {doc.kind for doc in complaint.documents}


def identifying_mentions(complaint: Complaint) -> list[str]:
    """Which of the complainant's identifiers the complaint's own text contains
    (``registry.anonymity.identifying_mentions``).

    For an anonymous complaint these would reach the agency with the text, so the reviewer
    is warned at acceptance.
    """
    return anonymity.identifying_mentions(complaint.text, identifiers(complaint.complainant))


def _forwardable(complaint: Complaint, forward: Sequence[int]) -> set[int]:
    """The ids of the documents at positions ``forward`` (1-based, as ``complaint show``
    lists them); InvalidInput for a position the case does not have, or for a complaint
    that is not anonymous (all of its documents are forwarded)."""
    if forward and not complaint.anonymous:
        raise InvalidInput("forward_needs_anonymous")
    documents = list(complaint.documents)
    chosen = set()
    for position in forward:
        if not 1 <= position <= len(documents):
            raise InvalidInput(
                "forward_unknown_document", value=position, tracking_code=complaint.tracking_code
            )
        chosen.add(documents[position - 1].id)
    return chosen


def accept(
    session: Session,
    complaint: Complaint,
    *,
    actor: str,
    at: dt.datetime,
    note: str | None = None,
    summary: str | None = None,
    forward: Sequence[int] = (),
) -> ReviewOutcome:
    """Accept a registered complaint for referral (a complaint in any other state is
    refused: a closed or withdrawn one returns by ``reopen``, with its reason).

    Without evidence of the complaint it is refused unless ``note`` records why; a missing
    earlier follow-up with the agency, and an anonymous text that names the complainant,
    are returned as warnings for the reviewer.  ``summary`` is the reviewer's summary the
    referral prints under «خلاصه شکایت» (required for an anonymous complaint, whose own
    text goes to no agency); ``forward``, for an anonymous complaint, the positions of the
    documents that may go to the agency (none otherwise).
    """
    if complaint.state is not ComplaintState.REGISTERED:
        # The table lets a closed or withdrawn case back to accepted, but by reopen only.
        raise illegal_transition(complaint, ComplaintState.ACCEPTED)
    summary_text = optional_text(summary, "summary", MAX_SUMMARY)
    if complaint.anonymous and summary_text is None:
        raise InvalidInput(
            "summary_required_anonymous", field="summary", tracking_code=complaint.tracking_code
        )
    if complaint.anonymous and summary_text is not None:
        # The summary goes to the agency word for word: it must not name the complainant.
        named = anonymity.identifying_mentions(summary_text, identifiers(complaint.complainant))
        if named:
            raise Refused(
                "anonymous_summary_names",
                field="summary",
                tracking_code=complaint.tracking_code,
                detail=named[0],
            )
    chosen = _forwardable(complaint, forward)
    kinds = document_kinds(complaint)
    if DocumentKind.EVIDENCE not in kinds and not (note and note.strip()):
        raise Refused("evidence_missing", tracking_code=complaint.tracking_code)
    complaint.summary = summary_text
    if complaint.anonymous:
        for document in complaint.documents:
            document.forwardable = document.id in chosen
    warnings = []
    if DocumentKind.FOLLOWUP not in kinds:
        warnings.append("followup_missing")
    if complaint.anonymous:
        warnings.extend(
            f"anonymous_text_names_{label}" for label in identifying_mentions(complaint)
        )
    transition(
        session,
        complaint,
        ComplaintState.ACCEPTED,
        actor=actor,
        at=at,
        note=note,
        data={"warnings": warnings} if warnings else None,
    )
    return ReviewOutcome(ComplaintState.ACCEPTED, warnings)


def reject(
    session: Session, complaint: Complaint, *, reason: str, actor: str, at: dt.datetime
) -> ReviewOutcome:
    """Reject a registered complaint as outside the office's remit; the reason is required."""
    reason = required_text(reason, "reason")
    complaint.decision = reason
    transition(session, complaint, ComplaintState.REJECTED, actor=actor, at=at, note=reason)
    return ReviewOutcome(ComplaintState.REJECTED, [])


def mark_incomplete(
    session: Session,
    complaint: Complaint,
    *,
    missing: Sequence[DocumentKind],
    actor: str,
    at: dt.datetime,
    note: str | None = None,
) -> ReviewOutcome:
    """Ask the complainant for the missing documents (at least one kind must be named)."""
    if not missing:
        raise InvalidInput("missing_kinds_required", field="missing")
    _check_filed_kinds(missing, "missing")
    complaint.missing_kinds = sorted({kind.value for kind in missing})
    transition(
        session,
        complaint,
        ComplaintState.INCOMPLETE,
        actor=actor,
        at=at,
        note=note,
        data={"missing": complaint.missing_kinds},
    )
    return ReviewOutcome(ComplaintState.INCOMPLETE, [])


def attach(
    session: Session,
    complaint: Complaint,
    documents: Sequence[NewDocument],
    *,
    actor: str,
    at: dt.datetime,
    channel: Channel = Channel.IN_PERSON,
) -> list[Document]:
    """Add documents to a case; an incomplete complaint goes back to review (registered).

    ``channel`` says how they came (default: brought to the desk); the service's figures
    count documents brought in person as a visit (docs/stats.md)."""
    if not documents:
        raise InvalidInput("attachment_required", field="attach")
    _check_filed_kinds(doc.kind for doc in documents)
    if complaint.state in (ComplaintState.CLOSED, ComplaintState.WITHDRAWN):
        raise Refused("complaint_closed", tracking_code=complaint.tracking_code)
    rows = _add_documents(session, complaint, documents, actor=actor, at=at)
    record_event(
        session,
        at=at,
        actor=actor,
        action="documents_attached",
        complaint=complaint,
        data={
            "documents": [{"kind": d.kind.value, "name": d.original_name} for d in documents],
            "channel": channel.value,
        },
    )
    if complaint.state is ComplaintState.INCOMPLETE:
        complaint.missing_kinds = None
        transition(session, complaint, ComplaintState.REGISTERED, actor=actor, at=at)
    return rows


def file_made_document(
    session: Session, complaint: Complaint, document: NewDocument, *, actor: str, at: dt.datetime
) -> Document:
    """File a document the office made on the case (the complaint's full text, made at
    acceptance): no one brought it, so it is no visit in person (``documents_attached`` is
    for what came from outside), and the case's state is untouched."""
    (row,) = _add_documents(session, complaint, [document], actor=actor, at=at)
    record_event(
        session,
        at=at,
        actor=actor,
        action="document_made",
        complaint=complaint,
        data={"documents": [{"kind": document.kind.value, "name": document.original_name}]},
    )
    return row


def withdraw(
    session: Session, complaint: Complaint, *, reason: str, actor: str, at: dt.datetime
) -> None:
    """The complainant withdraws; any open state, reason required."""
    reason = required_text(reason, "reason")
    transition(session, complaint, ComplaintState.WITHDRAWN, actor=actor, at=at, note=reason)


def reopen(
    session: Session, complaint: Complaint, *, reason: str, actor: str, at: dt.datetime
) -> None:
    """A closed or withdrawn case is accepted again; reason required."""
    reason = required_text(reason, "reason")
    transition(session, complaint, ComplaintState.ACCEPTED, actor=actor, at=at, note=reason)


def close(
    session: Session,
    complaint: Complaint,
    *,
    actor: str,
    at: dt.datetime,
    note: str | None = None,
    collected: Channel | None = None,
) -> None:
    """Close an answered or rejected case; ``collected`` says how the complainant received
    the answer when staff know it (in person counts as a visit, docs/stats.md)."""
    data = {"channel": collected.value} if collected is not None else None
    transition(session, complaint, ComplaintState.CLOSED, actor=actor, at=at, note=note, data=data)
