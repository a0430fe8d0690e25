"""Inspections: the office inspects where an agency's reply is missing, contradictory or
insufficient; the inspector's findings become the inspection report."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import InvalidInput, Refused
from registry.events import record_event
from registry.kinds import ComplaintState, Honorific
from registry.models import Agency, Complaint, Inspection
from registry.states import transition

_PARAGRAPHS = re.compile(r"\n\s*\n")
CONCLUSION_MARK = "نتیجه"


def current_inspection(session: Session, complaint: Complaint) -> Inspection | None:
    """The complaint's newest inspection, if any."""
    return session.scalars(
        select(Inspection)
        .where(Inspection.complaint_id == complaint.id)
        .order_by(Inspection.id.desc())
    ).first()


def record_inspection(
    session: Session,
    complaint: Complaint,
    *,
    inspector: str,
    inspection_date: dt.date,
    agency: Agency,
    findings: str | None,
    at: dt.datetime,
    actor: str,
    inspector_honorific: Honorific = Honorific.NONE,
) -> tuple[Inspection, bool]:
    """Assign an inspection (the complaint moves to under_inspection) or, while one is under
    way, add its findings.  Returns the inspection and whether it is new (a new one gets
    its assignment letter)."""
    inspector = inspector.strip()
    if not inspector:
        raise InvalidInput("field_required", field="inspector")
    if complaint.state is ComplaintState.UNDER_INSPECTION:
        inspection = current_inspection(session, complaint)
        if inspection is not None:
            if findings and findings.strip():
                inspection.findings = findings.strip()
                record_event(
                    session,
                    at=at,
                    actor=actor,
                    action="inspection_findings",
                    complaint=complaint,
                    data={"inspector": inspection.inspector},
                )
            return inspection, False
    transition(
        session,
        complaint,
        ComplaintState.UNDER_INSPECTION,
        actor=actor,
        at=at,
        data={"inspector": inspector, "agency": agency.name},
    )
    inspection = Inspection(
        complaint_id=complaint.id,
        agency_id=agency.id,
        inspector=inspector,
        inspector_honorific=inspector_honorific,
        inspection_date=inspection_date,
        findings=findings.strip() if findings and findings.strip() else None,
        recorded_at=at,
        recorded_by=actor,
    )
    session.add(inspection)
    session.flush()
    return inspection, True


def findings_and_conclusion(
    inspection: Inspection, conclusion: str | None
) -> tuple[list[str], str]:
    """The findings as paragraphs and the conclusion: ``conclusion`` when given, else the
    findings' last paragraph if it starts with «نتیجه».  Refused without findings, and
    without a conclusion (exit 4): a report is not written from nothing."""
    paragraphs = [p.strip() for p in _PARAGRAPHS.split(inspection.findings or "") if p.strip()]
    if not paragraphs:
        raise Refused("findings_missing", inspector=inspection.inspector)
    if conclusion and conclusion.strip():
        return paragraphs, conclusion.strip()
    if len(paragraphs) > 1 and paragraphs[-1].startswith(CONCLUSION_MARK):
        last = paragraphs[-1][len(CONCLUSION_MARK) :].lstrip(" :：‌")
        return paragraphs[:-1], last or paragraphs[-1]
    raise Refused("conclusion_missing", inspector=inspection.inspector)
