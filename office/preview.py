"""Previews: a case's letter rendered as it would be, without numbering or archiving it.

The preview carries sequence 0 in the register's format and a GUID derived from the case
and kind, so it can never be mistaken for, or collide with, a numbered letter.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from office.pipeline import Batch
from registry import complaints
from registry.agencies import find_agency, superior_of
from registry.errors import InvalidInput, NotFound
from registry.jalali import jalali_year
from registry.kinds import DocumentKind, LetterKind, LetterState
from registry.letter_facts import (
    escalation_facts,
    final_answer_facts,
    missing_documents_facts,
    receipt_facts,
    referral_facts,
    rejection_facts,
    reminder_facts,
    replies_summary,
)
from registry.models import Agency, Complaint, Letter
from registry.register import LetterIdentity, LetterNumber

PLACEHOLDER_REASON = "[علت رد، هنگام بررسی نوشته می‌شود]"
PLACEHOLDER_DECISION = "[متن تصمیم دفتر، هنگام پاسخ نوشته می‌شود]"
EXPECTED_ANSWER_DAYS = 31
PREVIEWABLE = (
    LetterKind.REFERRAL,
    LetterKind.REMINDER,
    LetterKind.ESCALATION,
    LetterKind.RECEIPT,
    LetterKind.REJECTION,
    LetterKind.MISSING_DOCUMENTS,
    LetterKind.FINAL_ANSWER,
)


def _identity(batch: Batch, kind: LetterKind, complaint: Complaint) -> LetterIdentity:
    office = batch.runtime.settings.office
    now = batch.runtime.clock.now()
    number = LetterNumber(jalali_year(now.date()), office.series["outgoing"], 0)
    return LetterIdentity(
        number=number.format(office.number_format),
        issued_at=now,
        date=now.date(),
        guid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"residegi:preview:{complaint.id}:{kind}")),
        verification_code="PREVIEW",
    )


def _referral(session: Session, complaint: Complaint, agency: Agency) -> Letter:
    referral = session.scalars(
        select(Letter).where(
            Letter.complaint_id == complaint.id,
            Letter.agency_id == agency.id,
            Letter.kind == LetterKind.REFERRAL,
            Letter.state == LetterState.SENT,
        )
    ).first()
    if referral is None:
        raise NotFound("preview_needs_referral", tracking_code=complaint.tracking_code)
    return referral


def preview_facts(
    batch: Batch, session: Session, kind: LetterKind, tracking: str, agency_name: str | None
) -> dict[str, Any]:
    """The facts ``kind`` would be numbered with for this case today (JSON form)."""
    if kind not in PREVIEWABLE:
        raise InvalidInput("preview_unavailable", kind=kind.value)
    settings = batch.runtime.settings
    office, zone = settings.office, batch.runtime.clock.zone
    complaint = complaints.get_complaint(session, tracking)
    identity = _identity(batch, kind, complaint)
    agency = find_agency(session, agency_name) if agency_name else complaint.agencies[0].agency
    facts: dict[str, Any]
    if kind is LetterKind.REFERRAL:
        days = agency.reply_deadline_days or settings.reply_deadline_days[agency.kind]
        facts = referral_facts(
            complaint, agency, identity, office, answer_within_days=days, zone=zone
        )
    elif kind is LetterKind.RECEIPT:
        facts = receipt_facts(
            complaint, identity, office, expected_answer_days=EXPECTED_ANSWER_DAYS, zone=zone
        )
    elif kind is LetterKind.REJECTION:
        reason = complaint.decision or PLACEHOLDER_REASON
        facts = rejection_facts(complaint, identity, office, reason=reason, zone=zone)
    elif kind is LetterKind.MISSING_DOCUMENTS:
        have = {d.kind for d in complaint.documents}
        missing = (
            complaint.missing_kinds
            or [k.value for k in (DocumentKind.EVIDENCE, DocumentKind.FOLLOWUP) if k not in have]
            or [DocumentKind.EVIDENCE.value]
        )
        facts = missing_documents_facts(complaint, identity, office, missing=missing, zone=zone)
    elif kind is LetterKind.FINAL_ANSWER:
        facts = final_answer_facts(
            complaint,
            identity,
            office,
            decision=PLACEHOLDER_DECISION,
            replies_summary=replies_summary(session, complaint),
            zone=zone,
        )
    else:
        referral = _referral(session, complaint, agency)
        days = settings.reminder_deadline_days
        if kind is LetterKind.REMINDER:
            facts = reminder_facts(
                referral, identity, office, ordinal=1, answer_within_days=days, zone=zone
            )
        else:
            superior = superior_of(agency) or agency
            facts = escalation_facts(
                referral,
                [referral],
                superior,
                identity,
                office,
                answer_within_days=days,
                zone=zone,
            )
    return batch.frozen(kind, facts)


def preview(
    batch: Batch, kind: LetterKind, tracking: str, *, fmt: str, agency: str | None = None
) -> bytes:
    """The letter as PDF (not archival) or DOCX bytes; nothing is numbered or stored."""
    from generators import build_context, render_docx, render_pdf

    with batch.runtime.sessions() as session:
        facts = preview_facts(batch, session, kind, tracking, agency)
    context = build_context(kind.value, facts)
    if fmt == "docx":
        return render_docx(kind.value, context)
    return render_pdf(kind.value, context, archival=False)
