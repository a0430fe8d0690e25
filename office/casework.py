"""A case's letters to the complainant: the review's rejection or request for documents,
and the final answer.  Each change of state and its letter's number commit together; the
letter is then rendered, archived and sent, and a rerun finishes a letter a crash left.
"""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from office.pipeline import Batch, Seal, deliver, move_complaint_to, number_case_letter
from registry import complaint_queries, complaints, drafts
from registry.db import transaction
from registry.errors import InvalidInput
from registry.kinds import (
    Classification,
    ComplaintState,
    DocumentKind,
    DraftState,
    LetterKind,
    LetterState,
    Priority,
)
from registry.letter_facts import (
    Facts,
    final_answer_facts,
    missing_documents_facts,
    receipt_facts,
    rejection_facts,
    replies_summary,
)
from registry.models import Complaint, Letter, LetterDraft
from registry.people import display_name
from registry.references import Cited, answers, replies_answered
from registry.register import LetterIdentity
from registry.settings import OfficeProfile, Settings
from registry.states import TRANSITIONS, ensure_transition

if TYPE_CHECKING:
    from archive.attachments import Attachment


@dataclass(frozen=True)
class Reviewed:
    """A case after a review, an answer or an inspection step: its state, the letter that
    step sent (if any) and what the reviewer should still read."""

    tracking_code: str
    state: ComplaintState
    warnings: list[str]
    letter_number: str | None = None
    # The letter's draft waiting for approval and signature instead (office's settings).
    draft: int | None = None

    def as_record(self) -> dict[str, Any]:
        """The step's result under the ``--json`` contract."""
        return {
            "tracking_code": self.tracking_code,
            "state": self.state.value,
            "warnings": self.warnings,
            "letter_number": self.letter_number,
            "draft": self.draft,
        }


@dataclass(frozen=True)
class Marking:
    """What the reviewer chose for a case besides the decision: its priority (the reply
    deadline and the mark in its letters' box) and classification (who sees it, the mark at
    the top and bottom of its letters' pages)."""

    priority: Priority = Priority.NORMAL
    classification: Classification = Classification.NORMAL

    def apply(self, complaint: Complaint) -> None:
        """Set them on ``complaint`` in the caller's transaction, before its letter is
        numbered (its facts freeze them)."""
        complaint.priority = self.priority
        complaint.classification = self.classification


class _ComplainantFacts(Protocol):
    """A ``registry.letter_facts`` builder of a letter to the complainant, its own details
    already given (``functools.partial``)."""

    def __call__(
        self,
        complaint: Complaint,
        identity: LetterIdentity,
        office: OfficeProfile,
        /,
        *,
        zone: zoneinfo.ZoneInfo,
    ) -> Facts: ...


def _to_complainant(
    batch: Batch,
    session: Session,
    kind: LetterKind,
    complaint: Complaint,
    facts: _ComplainantFacts,
    references: Sequence[Cited] = (),
    draft: LetterDraft | None = None,
) -> Letter:
    """Number the letter of ``kind`` to ``complaint``'s complainant in the caller's
    transaction, its facts built by ``facts`` with the office profile and time zone, citing
    ``references``."""
    office, zone = batch.runtime.settings.office, batch.runtime.clock.zone
    return number_case_letter(
        batch,
        session,
        kind,
        complaint,
        recipient=display_name(complaint.complainant),
        facts=lambda identity: facts(complaint, identity, office, zone=zone),
        references=references,
        draft=draft,
    )


def _draft_to_complainant(
    batch: Batch, session: Session, kind: LetterKind, complaint: Complaint, params: dict[str, Any]
) -> LetterDraft:
    """The letter of ``kind`` to the complainant drafted (once: a draft already waiting is
    the one), with what the path was asked; nothing is numbered."""
    waiting = drafts.open_draft_of(session, kind, complaint)
    if waiting is not None:
        return waiting
    return drafts.new_draft(
        session,
        kind=kind,
        batch=secrets.token_hex(4),
        complaint=complaint,
        agency=None,
        recipient=display_name(complaint.complainant),
        actor=batch.actor,
        at=batch.runtime.clock.now(),
        params=params,
    )


def _full_text(batch: Batch, tracking: str, summary: str | None) -> Attachment | None:
    """The complaint's full text as the referral's attachment, rendered before the
    acceptance's transaction: for a complaint with a reviewer's summary that is not
    anonymous (an anonymous complaint's own words go to no agency)."""
    if summary is None or not summary.strip():
        return None
    from archive.attachments import Attachment
    from archive.store import sha256_of
    from generators.complaint_text import FILE_NAME, render_complaint_text
    from registry.jalali import format_jalali

    runtime = batch.runtime
    office = runtime.settings.office
    with runtime.sessions() as session:
        complaint = complaint_queries.get_complaint(session, tracking)
        if complaint.anonymous or complaint.state is not ComplaintState.REGISTERED:
            return None  # nothing to attach (a refused acceptance says why)
        registered = complaint.registered_at.astimezone(runtime.clock.zone)
        pdf = render_complaint_text(
            office={"governorate": office.governorate, "office": office.name},
            tracking_code=complaint.tracking_code,
            subject=complaint.subject,
            text=complaint.text,
            registered_on=format_jalali(registered.date()),
            registered_at=registered.isoformat(),
        )
    return Attachment(
        data=pdf, media_type="application/pdf", original_name=FILE_NAME, sha256=sha256_of(pdf)
    )


def accept(
    batch: Batch,
    tracking: str,
    *,
    note: str | None = None,
    summary: str | None = None,
    forward: Sequence[int] = (),
    marking: Marking | None = None,
) -> Reviewed:
    """Accept for referral with the reviewer's ``summary`` and, for an anonymous complaint,
    the documents that may be forwarded (no letter: the referrals go out with the next
    dispatch).  With a summary, the complaint's full text is filed on the case as a PDF
    (``DocumentKind.COMPLAINT_TEXT``) that the referrals carry as an attachment."""
    from archive.intake import file_made_file

    full_text = _full_text(batch, tracking, summary)
    with transaction(batch.runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking)
        at = batch.runtime.clock.now()
        outcome = complaints.accept(
            session,
            complaint,
            actor=batch.actor,
            at=at,
            note=note,
            summary=summary,
            forward=forward,
        )
        if marking is not None:
            marking.apply(complaint)
        if full_text is not None:
            text_file = (DocumentKind.COMPLAINT_TEXT, full_text)
            file_made_file(
                session, batch.runtime.store, complaint, text_file, actor=batch.actor, at=at
            )
        return Reviewed(complaint.tracking_code, outcome.state, outcome.warnings)


def competent_body(settings: Settings, code: str | None) -> str | None:
    """The competent body a rejection points to, from the office's table (setting
    ``office.competent_bodies``); InvalidInput for a code not in it."""
    if code is None:
        return None
    bodies = settings.office.competent_bodies
    if code not in bodies:
        raise InvalidInput("unknown_competent_body", value=code, allowed=", ".join(sorted(bodies)))
    return bodies[code]


def reject(
    batch: Batch,
    tracking: str,
    *,
    reason: str,
    refer_to: str | None = None,
    marking: Marking | None = None,
) -> Reviewed:
    """Reject the complaint and send the complainant the rejection letter with the reason
    and, with ``refer_to`` (a code of the ``office.competent_bodies`` table), the body
    competent to hear it."""
    authority = competent_body(batch.runtime.settings, refer_to)
    with transaction(batch.runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking)
        outcome = complaints.reject(
            session, complaint, reason=reason, actor=batch.actor, at=batch.runtime.clock.now()
        )
        if marking is not None:
            marking.apply(complaint)
        params = {"reason": reason.strip(), "competent_authority": authority}
        code = complaint.tracking_code
        if LetterKind.REJECTION in batch.approval_kinds:
            # The head's signature numbers and sends it (office.drafts.sign).
            draft = _draft_to_complainant(batch, session, LetterKind.REJECTION, complaint, params)
            return Reviewed(code, outcome.state, outcome.warnings, draft=draft.id)
        letter_id = _rejection(batch, session, complaint, params).id
    (number,) = deliver(batch, [letter_id])
    return Reviewed(code, outcome.state, outcome.warnings, number)


def _rejection(
    batch: Batch,
    session: Session,
    complaint: Complaint,
    params: dict[str, Any],
    draft: LetterDraft | None = None,
) -> Letter:
    facts = partial(
        rejection_facts,
        reason=params["reason"],
        competent_authority=params["competent_authority"],
    )
    return _to_complainant(batch, session, LetterKind.REJECTION, complaint, facts, draft=draft)


def number_signed_rejection(batch: Batch, session: Session, draft: LetterDraft) -> Letter | None:
    """The rejection letter numbered from its signed draft in the caller's transaction;
    None when its complaint is no longer rejected or closed (reopened meanwhile)."""
    complaint = draft.complaint
    # Closed after the delivery period meanwhile, it still owes the complainant its letter.
    if complaint is None or complaint.state not in (ComplaintState.REJECTED, ComplaintState.CLOSED):
        return None
    return _rejection(batch, session, complaint, draft.params or {}, draft)


def ask_for_documents(
    batch: Batch,
    tracking: str,
    *,
    missing: Sequence[DocumentKind],
    note: str | None = None,
    marking: Marking | None = None,
) -> Reviewed:
    """Mark the complaint incomplete and send the complainant the list of missing documents."""
    with transaction(batch.runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking)
        outcome = complaints.mark_incomplete(
            session,
            complaint,
            missing=missing,
            actor=batch.actor,
            at=batch.runtime.clock.now(),
            note=note,
        )
        if marking is not None:
            marking.apply(complaint)
        facts = partial(missing_documents_facts, missing=list(complaint.missing_kinds or []))
        letter = _to_complainant(batch, session, LetterKind.MISSING_DOCUMENTS, complaint, facts)
        letter_id, code = letter.id, complaint.tracking_code
    (number,) = deliver(batch, [letter_id])
    return Reviewed(code, outcome.state, outcome.warnings, number)


def _live_answer(session: Session, complaint: Complaint) -> Letter | None:
    return session.scalars(
        select(Letter).where(
            Letter.complaint_id == complaint.id,
            Letter.kind == LetterKind.FINAL_ANSWER,
            Letter.state != LetterState.VOID,
        )
    ).first()


def answer(batch: Batch, tracking: str, *, decision: str, seal: Seal) -> Reviewed:
    """The final answer: numbered with the decision and the agencies' replies, rendered,
    archived, sent; the complaint moves to answered in the same transaction as the sending.

    A complaint may be answered once it replied or its report is ready.  If a crash left a
    numbered final answer, it is that letter that is finished, not a second one.  ``seal``
    (``answer_seal``) embeds the case data and signs the PDF before it is archived.
    """
    with transaction(batch.runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking)
        ensure_transition(complaint, ComplaintState.ANSWERED)
        letter = _live_answer(session, complaint)
        code = complaint.tracking_code
        if letter is None and LetterKind.FINAL_ANSWER in batch.approval_kinds:
            text = complaints.required_text(decision, "decision")
            draft = drafts.open_draft_of(session, LetterKind.FINAL_ANSWER, complaint)
            if draft is None or draft.state is not DraftState.SIGNED:
                # Waits for its signature, which numbers and sends it (office.drafts.sign).
                kind = LetterKind.FINAL_ANSWER
                draft = draft or _draft_to_complainant(
                    batch, session, kind, complaint, {"decision": text}
                )
                return Reviewed(code, complaint.state, [], draft=draft.id)
            letter = _final_answer(batch, session, complaint, draft.params or {}, draft)
        if letter is None:
            params = {"decision": complaints.required_text(decision, "decision")}
            letter = _final_answer(batch, session, complaint, params)
        letter_id = letter.id

    answered = move_complaint_to(batch, ComplaintState.ANSWERED)
    numbers = deliver(batch, [letter_id], answered, seal=seal)
    return Reviewed(code, ComplaintState.ANSWERED, [], numbers[0] if numbers else None)


def _final_answer(
    batch: Batch,
    session: Session,
    complaint: Complaint,
    params: dict[str, Any],
    draft: LetterDraft | None = None,
) -> Letter:
    facts = partial(
        final_answer_facts,
        decision=params["decision"],
        replies_summary=replies_summary(session, complaint),
    )
    # عطف: the agencies' replies it answers (their papers in the incoming register).
    cited = [answers(paper) for paper in replies_answered(session, complaint)]
    kind = LetterKind.FINAL_ANSWER
    return _to_complainant(batch, session, kind, complaint, facts, cited, draft)


def number_signed_answer(batch: Batch, session: Session, draft: LetterDraft) -> Letter | None:
    """The final answer numbered from its signed draft in the caller's transaction; None
    when its complaint can no longer be answered or already has its answer."""
    complaint = draft.complaint
    if complaint is None or (complaint.state, ComplaintState.ANSWERED) not in TRANSITIONS:
        return None
    if _live_answer(session, complaint) is not None:
        return None
    return _final_answer(batch, session, complaint, draft.params or {}, draft)


def answer_seal(batch: Batch) -> Seal:
    """Signing with the office's key (loaded once), at the letter's own time."""
    from generators.keys import load_signing_key
    from generators.sealing import seal_answer

    settings = batch.runtime.settings
    passphrase = settings.signing_key_passphrase
    key = load_signing_key(
        settings.resolved_signing_key_path,
        passphrase.get_secret_value() if passphrase else None,
    )
    return lambda facts, pdf: seal_answer(pdf, facts, key, tsa_url=settings.tsa_url)


def issue_receipt(batch: Batch, tracking: str) -> tuple[str, bytes]:
    """The registration receipt: numbered, archived and handed over; returns its number and
    the archived PDF (to print for the complainant).  It promises the answer within the
    ``expected_answer_days`` setting's working days."""
    days = batch.runtime.settings.expected_answer_days
    with transaction(batch.runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking)
        facts = partial(receipt_facts, expected_answer_days=days)
        letter_id = _to_complainant(batch, session, LetterKind.RECEIPT, complaint, facts).id
    (number,) = deliver(batch, [letter_id])
    with batch.runtime.sessions() as session:
        pdf_sha256 = session.get_one(Letter, letter_id).pdf_sha256
    return number, batch.runtime.store.get(pdf_sha256 or "")
