"""Previews: a case's letter rendered as it would be, without numbering or archiving it.

The preview carries sequence 0 in the register's format and a GUID derived from the case
and kind, so it can never be mistaken for, or collide with, a numbered letter.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from office.access import Actor, visible_levels
from office.pipeline import Batch, stated_reply_days
from office.runtime import Runtime
from office.sheets import document_sheets
from registry import complaint_queries
from registry.agencies import find_agency, superior_of
from registry.errors import InvalidInput, NotFound, Refused
from registry.jalali import jalali_year
from registry.kinds import Classification, DocumentKind, LetterKind, LetterState
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
from registry.references import Cited, answers, chaser_references, reference_facts, replies_answered
from registry.register import LetterIdentity, LetterNumber
from registry.settings import OfficeProfile, Settings

PLACEHOLDER_REASON = "[علت رد، هنگام بررسی نوشته می‌شود]"
PLACEHOLDER_DECISION = "[متن تصمیم دفتر، هنگام پاسخ نوشته می‌شود]"


@dataclass(frozen=True)
class _Case:
    """What a preview builder reads: the case, the agency named (or the first), today's
    identity, and the run's settings."""

    batch: Batch
    session: Session
    kind: LetterKind
    complaint: Complaint
    agency: Agency
    identity: LetterIdentity
    # What a draft's path was asked (its reason, its decision): the draft's own words.
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return self.batch.runtime.settings

    @property
    def office(self) -> OfficeProfile:
        return self.settings.office

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return self.batch.runtime.clock.zone


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


def _draft(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts marked as a draft: the letter prints «پیش‌نویس» where its number goes."""
    return {**facts, "letter": {**facts["letter"], "draft": True}}


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


def _unanswered(case: _Case) -> tuple[Letter, list[Letter]]:
    """The referral a chaser would chase and its reminders so far (void ones aside);
    Refused when the agency's reply is recorded (no letter says no reply came then)."""
    referral = _referral(case.session, case.complaint, case.agency)
    if referral.replied_at is not None:
        raise Refused("preview_already_replied", number=referral.number)
    reminders = list(
        case.session.scalars(
            select(Letter)
            .where(
                Letter.chases_id == referral.id,
                Letter.kind == LetterKind.REMINDER,
                Letter.state != LetterState.VOID,
            )
            .order_by(Letter.issued_at, Letter.id)
        )
    )
    return referral, reminders


def _citing(facts: dict[str, Any], cited: list[Cited]) -> dict[str, Any]:
    """``facts`` with the references numbering would freeze (none: left as they are)."""
    return {**facts, "references": reference_facts(cited)} if cited else facts


def _referral_preview(case: _Case) -> dict[str, Any]:
    days = stated_reply_days(case.settings, case.kind, case.agency)
    return referral_facts(
        case.complaint,
        case.agency,
        case.identity,
        case.office,
        answer_within_days=days,
        zone=case.zone,
        sheets=document_sheets(case.batch.runtime.store, case.complaint),
    )


def _reminder_preview(case: _Case) -> dict[str, Any]:
    """The next reminder: the first, or the second citing the first."""
    referral, reminders = _unanswered(case)
    facts = reminder_facts(
        referral,
        case.identity,
        case.office,
        ordinal=min(len(reminders) + 1, 2),
        answer_within_days=stated_reply_days(case.settings, case.kind),
        zone=case.zone,
        previous=reminders[:1],
    )
    return _citing(facts, chaser_references(referral, reminders[:1]))


def _escalation_preview(case: _Case) -> dict[str, Any]:
    """The escalation listing the reminders actually sent (none yet: it lists none)."""
    referral, reminders = _unanswered(case)
    superior = superior_of(case.agency) or case.agency
    facts = escalation_facts(
        referral,
        reminders,
        superior,
        case.identity,
        case.office,
        answer_within_days=stated_reply_days(case.settings, case.kind),
        zone=case.zone,
    )
    return _citing(facts, chaser_references(referral, reminders))


def _receipt_preview(case: _Case) -> dict[str, Any]:
    return receipt_facts(
        case.complaint,
        case.identity,
        case.office,
        expected_answer_days=case.settings.expected_answer_days,
        zone=case.zone,
    )


def _rejection_preview(case: _Case) -> dict[str, Any]:
    reason = case.params.get("reason") or case.complaint.decision or PLACEHOLDER_REASON
    return rejection_facts(
        case.complaint,
        case.identity,
        case.office,
        reason=reason,
        competent_authority=case.params.get("competent_authority"),
        zone=case.zone,
    )


def _missing_documents_preview(case: _Case) -> dict[str, Any]:
    complaint = case.complaint
    have = {d.kind for d in complaint.documents}
    missing = (
        complaint.missing_kinds
        or [k.value for k in (DocumentKind.EVIDENCE, DocumentKind.FOLLOWUP) if k not in have]
        or [DocumentKind.EVIDENCE.value]
    )
    return missing_documents_facts(
        complaint, case.identity, case.office, missing=missing, zone=case.zone
    )


def _final_answer_preview(case: _Case) -> dict[str, Any]:
    facts = final_answer_facts(
        case.complaint,
        case.identity,
        case.office,
        decision=case.params.get("decision") or PLACEHOLDER_DECISION,
        replies_summary=replies_summary(case.session, case.complaint),
        zone=case.zone,
    )
    return _citing(facts, [answers(p) for p in replies_answered(case.session, case.complaint)])


PREVIEW_FACTS: Mapping[LetterKind, Callable[[_Case], dict[str, Any]]] = {
    LetterKind.REFERRAL: _referral_preview,
    LetterKind.REMINDER: _reminder_preview,
    LetterKind.ESCALATION: _escalation_preview,
    LetterKind.RECEIPT: _receipt_preview,
    LetterKind.REJECTION: _rejection_preview,
    LetterKind.MISSING_DOCUMENTS: _missing_documents_preview,
    LetterKind.FINAL_ANSWER: _final_answer_preview,
}
"""How each previewable kind's facts are built from a case today.  The inspection letters
are not previewable: their facts need an inspection that exists only once it is ordered."""

PREVIEWABLE = tuple(PREVIEW_FACTS)


def preview_facts(
    batch: Batch,
    session: Session,
    kind: LetterKind,
    tracking: str,
    agency_name: str | None,
    params: Mapping[str, Any] | None = None,
    levels: Collection[Classification] | None = None,
) -> dict[str, Any]:
    """The facts ``kind`` would be numbered with for this case today (JSON form); with a
    draft's ``params``, in the words the draft was asked (its reason, its decision); with
    ``levels`` (the reader's), a case classified at another level is not found."""
    build = PREVIEW_FACTS.get(kind)
    if build is None:
        raise InvalidInput("preview_unavailable", kind=kind.value)
    complaint = complaint_queries.get_complaint(session, tracking, levels)
    identity = _identity(batch, kind, complaint)
    agency = find_agency(session, agency_name) if agency_name else complaint.agencies[0].agency
    facts = build(_Case(batch, session, kind, complaint, agency, identity, params or {}))
    return batch.frozen(kind, _draft(facts))


def preview(
    runtime: Runtime,
    actor: Actor,
    kind: LetterKind,
    tracking: str,
    *,
    fmt: str,
    agency: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> bytes:
    """The letter as PDF (not archival) or DOCX bytes; nothing is numbered or stored
    (``params``: a draft's, see ``preview_facts``).  A case ``actor`` may not see is not
    found."""
    from generators import build_context, render_docx, render_pdf

    if fmt not in ("pdf", "docx"):
        raise InvalidInput("invalid_option", field="format", value=fmt, allowed="pdf, docx")
    batch = Batch(runtime, "preview")
    with runtime.sessions() as session:
        facts = preview_facts(
            batch, session, kind, tracking, agency, params, visible_levels(actor, runtime.settings)
        )
    context = build_context(kind.value, facts)
    if fmt == "docx":
        return render_docx(kind.value, context)
    return render_pdf(kind.value, context, archival=False)
