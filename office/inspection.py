"""Inspections: assigning one (with its letter to the inspector) and assembling the report.

The report is assembled, not typed from scratch: the complaint, each letter and the
agency's reply, the inspector's findings and the conclusion, numbered like any letter,
rendered in both formats and archived; the complaint moves to report_ready in the same
transaction as the report is sent.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from archive.intake import FileSpec, attach_files, read_files
from office.access import Action, Actor, require, visible_levels
from office.pipeline import Batch, deliver, ensure_ready, move_complaint_to, number_case_letter
from office.runtime import Runtime
from registry import complaint_queries, drafts
from registry.agencies import find_agency
from registry.db import transaction
from registry.errors import NotFound
from registry.inspections import current_inspection, findings_and_conclusion, record_inspection
from registry.kinds import ComplaintState, DraftState, Honorific, LetterKind, LetterState
from registry.letter_facts import inspection_assignment_facts, inspection_report_facts
from registry.models import Complaint, Inspection, Letter, LetterDraft
from registry.references import follows
from registry.replies import replied_agency_ids
from registry.states import ensure_transition


@dataclass(frozen=True)
class InspectionDone:
    """Where the case stands after ``inspect`` or ``report``, and the letter sent if any."""

    tracking_code: str
    state: ComplaintState
    letter_number: str | None
    # The report's draft waiting for approval and signature instead (office's settings).
    draft: int | None = None


def _ready_batch(runtime: Runtime, actor: str, kind: LetterKind) -> Batch:
    """The batch that sends one letter of ``kind``, refused before anything is written
    when that letter could not be made (``ensure_ready``)."""
    batch = Batch(runtime, actor)
    ensure_ready(batch, [kind])
    return batch


def inspect(
    runtime: Runtime,
    actor: Actor,
    tracking: str,
    *,
    inspector: str,
    inspection_date: dt.date | None,
    agency_name: str | None,
    findings: str | None,
    files: Sequence[FileSpec] = (),
    inspector_honorific: Honorific = Honorific.NONE,
) -> InspectionDone:
    """Assign an inspection of the agency (default: the first that has not replied) and
    send the assignment letter to the inspector; while one is under way, record findings
    and documents instead.  Refused before anything is written when the assignment letter
    could not be made (no signatory, exit 2; its template failing, exit 4)."""
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.INSPECT)
    batch = _ready_batch(runtime, actor, LetterKind.INSPECTION_ASSIGNMENT)
    checked = read_files(
        files, runtime.settings.attachment_max_bytes, runtime.settings.max_image_pixels
    )
    clock = runtime.clock
    zone, office = clock.zone, runtime.settings.office
    with transaction(runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking, levels)
        if agency_name:
            agency = find_agency(session, agency_name)
        else:
            replied = replied_agency_ids(session, complaint)
            links = complaint.agencies
            agency = next((a.agency for a in links if a.agency_id not in replied), links[0].agency)
        inspection, new = record_inspection(
            session,
            complaint,
            inspector=inspector,
            inspection_date=inspection_date or clock.today(),
            agency=agency,
            findings=findings,
            at=clock.now(),
            actor=batch.actor,
            inspector_honorific=inspector_honorific,
        )
        if checked:
            attach_files(
                session, batch.runtime.store, complaint, checked, actor=batch.actor, at=clock.now()
            )
        letter_id = None
        if new:
            letter = number_case_letter(
                batch,
                session,
                LetterKind.INSPECTION_ASSIGNMENT,
                complaint,
                recipient=inspection.inspector,
                agency=agency,
                facts=lambda identity: inspection_assignment_facts(
                    complaint, inspection, agency, identity, office, zone=zone
                ),
            )
            inspection.assignment_letter_id = letter_id = letter.id
        code, state = complaint.tracking_code, complaint.state
    numbers = deliver(batch, [letter_id]) if letter_id is not None else []
    return InspectionDone(code, state, numbers[0] if numbers else None)


def report(
    runtime: Runtime, actor: Actor, tracking: str, *, conclusion: str | None = None
) -> InspectionDone:
    """Assemble, number, archive and send the inspection report; report_ready (where the
    office asks approval of reports: drafted instead, and numbered when signed).  Refused
    (exit 4) unless the complaint is under inspection with findings and a conclusion, and
    before anything is written when the report could not be made (as ``inspect``)."""
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.REPORT)
    batch = _ready_batch(runtime, actor, LetterKind.INSPECTION_REPORT)
    with transaction(runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking, levels)
        ensure_transition(complaint, ComplaintState.REPORT_READY)  # only from under_inspection
        inspection = current_inspection(session, complaint)
        if inspection is None:
            raise NotFound("inspection_not_found", tracking_code=complaint.tracking_code)
        code = complaint.tracking_code
        if inspection.report_letter_id is None:
            # Refused (exit 4) without findings, whether drafted or numbered.
            findings_and_conclusion(inspection, conclusion)
            draft = None
            if LetterKind.INSPECTION_REPORT in batch.approval_kinds:
                draft = drafts.open_draft_of(session, LetterKind.INSPECTION_REPORT, complaint)
                if draft is None or draft.state is not DraftState.SIGNED:
                    # Waits for its signature, which numbers and sends it (office.drafts).
                    draft = draft or _draft_report(batch, session, complaint, conclusion)
                    return InspectionDone(code, complaint.state, None, draft.id)
                conclusion = (draft.params or {}).get("conclusion")
            _report(batch, session, complaint, inspection, conclusion, draft)
        letter_id = inspection.report_letter_id
        assert letter_id is not None  # numbered just now, or by a run a crash stopped

    ready = move_complaint_to(batch, ComplaintState.REPORT_READY)
    numbers = deliver(batch, [letter_id], ready)
    return InspectionDone(code, ComplaintState.REPORT_READY, numbers[0] if numbers else None)


def _draft_report(
    batch: Batch, session: Session, complaint: Complaint, conclusion: str | None
) -> LetterDraft:
    """The report drafted with the conclusion asked (the findings are the inspection's)."""
    return drafts.new_draft(
        session,
        kind=LetterKind.INSPECTION_REPORT,
        batch=secrets.token_hex(4),
        complaint=complaint,
        agency=None,
        recipient=batch.runtime.settings.office.name,
        actor=batch.actor,
        at=batch.runtime.clock.now(),
        params={"conclusion": conclusion},
    )


def _report(
    batch: Batch,
    session: Session,
    complaint: Complaint,
    inspection: Inspection,
    conclusion: str | None,
    draft: LetterDraft | None = None,
) -> Letter:
    """Number the report in the caller's transaction (from its signed ``draft``, if any)."""
    zone, office = batch.runtime.clock.zone, batch.runtime.settings.office
    findings, final = findings_and_conclusion(inspection, conclusion)
    assignment = (
        session.get(Letter, inspection.assignment_letter_id)
        if inspection.assignment_letter_id is not None
        else None
    )
    cited = [] if assignment is None or assignment.state is LetterState.VOID else [assignment]
    letter = number_case_letter(
        batch,
        session,
        LetterKind.INSPECTION_REPORT,
        complaint,
        recipient=office.name,
        facts=lambda identity: inspection_report_facts(
            session,
            complaint,
            inspection,
            identity,
            office,
            findings=findings,
            conclusion=final,
            zone=zone,
        ),
        references=[follows(a) for a in cited],
        draft=draft,
    )
    inspection.report_letter_id = letter.id
    return letter


def number_signed_report(batch: Batch, session: Session, draft: LetterDraft) -> Letter | None:
    """The inspection report numbered from its signed draft in the caller's transaction;
    None when its complaint is no longer under inspection or its report is numbered."""
    complaint = draft.complaint
    if complaint is None or complaint.state is not ComplaintState.UNDER_INSPECTION:
        return None
    inspection = current_inspection(session, complaint)
    if inspection is None or inspection.report_letter_id is not None:
        return None
    conclusion = (draft.params or {}).get("conclusion")
    return _report(batch, session, complaint, inspection, conclusion, draft)
