"""The data a letter is rendered from, frozen as JSON when the letter is numbered.

Plain dicts in the shape of ``generators.facts`` (validated there when the letter is
numbered): the registry knows the case, the generators know the page.  Digits stay ASCII;
the generators print them in Persian.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from registry.anonymity import identifying_mentions
from registry.jalali import format_jalali, format_jalali_fa
from registry.kinds import DocumentKind, Honorific
from registry.models import Agency, Complainant, Complaint, Document, Inspection, Letter
from registry.people import display_name, identifiers
from registry.register import LetterIdentity
from registry.replies import referrals_with_replies
from registry.settings import OfficeProfile
from registry.text import to_persian_digits

Facts = dict[str, Any]


def office_facts(office: OfficeProfile) -> Facts:
    return {
        "ministry": office.ministry,
        "governorate": office.governorate,
        "office": office.name,
        "address": office.address,
        "phone": office.phone,
        "signatory_name": office.signatory_name,
        "signatory_title": office.signatory_title,
    }


def identity_facts(identity: LetterIdentity, attachments_count: int = 0) -> Facts:
    return {
        "number": identity.number,
        "issued_at": identity.issued_at.isoformat(),
        "jalali_date": format_jalali(identity.date),
        "guid": identity.guid,
        "verification_code": identity.verification_code,
        "attachments_count": attachments_count,
    }


def complainant_facts(person: Complainant) -> Facts:
    return {
        "honorific": person.honorific.label_fa if person.honorific is not Honorific.NONE else "",
        "first_name": person.first_name,
        "last_name": person.last_name,
        "national_id": person.national_id or person.foreign_id or "",
        "mobile": person.mobile,
        "address": person.address,
        "kind": person.kind.value,
        "company_name": person.company_name,
    }


def complaint_facts(complaint: Complaint, zone: zoneinfo.ZoneInfo) -> Facts:
    return {
        "tracking_code": complaint.tracking_code,
        "subject": complaint.subject,
        "text": complaint.text,
        "registered_on": format_jalali(complaint.registered_at.astimezone(zone).date()),
        "complainant": complainant_facts(complaint.complainant),
        "anonymous": complaint.anonymous,
        "agencies": [link.agency.name for link in complaint.agencies],
    }


def addressee(agency: Agency) -> Facts:
    """The agency's head as a letter addresses them today."""
    head = agency.current_head
    return {
        "organisation": agency.name,
        "title": head.title if head else agency.name,
        "name": head.name if head else None,
    }


def identifies_complainant(document: Document, person: Complainant) -> bool:
    """Whether a document's file name names the complainant (``registry.anonymity``)."""
    return bool(identifying_mentions(document.original_name, identifiers(person)))


def attachment_title(kind: DocumentKind) -> str:
    """What an attachment table calls a document of ``kind``: «تصویر مستندات شکایت»."""
    label = kind.label_fa
    return label if label.startswith("تصویر") else f"تصویر {label}"


def forwarded_documents(
    complaint: Complaint,
    *,
    sheets: Mapping[str, int | None] | None = None,
    print_names: bool = False,
) -> list[Facts]:
    """The complaint's documents as a letter lists them: title by kind, sheet count (from
    ``sheets``, by sha256), the file name printed only when ``print_names``."""
    counts = sheets or {}
    return [
        {
            "name": document.original_name,
            "kind": document.kind.label_fa,
            "title": attachment_title(document.kind),
            "pages": counts.get(document.sha256),
            "print_name": print_names,
            "identifies_complainant": identifies_complainant(document, complaint.complainant),
        }
        for document in complaint.documents
    ]


def referral_facts(
    complaint: Complaint,
    agency: Agency,
    identity: LetterIdentity,
    office: OfficeProfile,
    *,
    answer_within_days: int,
    zone: zoneinfo.ZoneInfo,
    sheets: Mapping[str, int | None] | None = None,
) -> Facts:
    """A referral of ``complaint`` to ``agency``: the complaint, its documents, the deadline.

    The complainant gets a copy for information; the generators drop that copy, and every
    identifying detail, when the complainant asked to stay anonymous towards the agency.
    """
    attachments = forwarded_documents(complaint, sheets=sheets, print_names=office.print_file_names)
    return {
        "kind": "referral",
        "office": office_facts(office),
        "letter": identity_facts(identity, len(attachments)),
        "complaint": complaint_facts(complaint, zone),
        "recipient": addressee(agency),
        "answer_within_days": answer_within_days,
        "attachments": attachments,
        "copies": [
            {
                "recipient": display_name(complaint.complainant),
                "description": "جهت اطلاع",
                "audience": "complainant",
            }
        ],
    }


def _to_complainant(
    kind: str,
    complaint: Complaint,
    identity: LetterIdentity,
    office: OfficeProfile,
    zone: zoneinfo.ZoneInfo,
) -> Facts:
    """The parts every letter addressed to the complainant shares."""
    return {
        "kind": kind,
        "office": office_facts(office),
        "letter": identity_facts(identity),
        "complaint": complaint_facts(complaint, zone),
    }


def rejection_facts(
    complaint: Complaint,
    identity: LetterIdentity,
    office: OfficeProfile,
    *,
    reason: str,
    zone: zoneinfo.ZoneInfo,
) -> Facts:
    """عدم صلاحیت رسیدگی: the complainant told why the office cannot take the case."""
    return {**_to_complainant("rejection", complaint, identity, office, zone), "reason": reason}


def missing_documents_facts(
    complaint: Complaint,
    identity: LetterIdentity,
    office: OfficeProfile,
    *,
    missing: list[str],
    zone: zoneinfo.ZoneInfo,
) -> Facts:
    """نقص مدارک: the documents the complaint lacks, by their Persian names."""
    return {
        **_to_complainant("missing_documents", complaint, identity, office, zone),
        "missing": [DocumentKind(kind).label_fa for kind in missing],
    }


def final_answer_facts(
    complaint: Complaint,
    identity: LetterIdentity,
    office: OfficeProfile,
    *,
    decision: str,
    replies_summary: str,
    zone: zoneinfo.ZoneInfo,
) -> Facts:
    """پاسخ نهایی: the office's decision and what the agencies answered."""
    return {
        **_to_complainant("final_answer", complaint, identity, office, zone),
        "decision": decision,
        "replies_summary": replies_summary,
    }


def replies_summary(session: Session, complaint: Complaint) -> str:
    """What each agency answered (or that it did not), one sentence an agency, in Persian."""
    sentences = []
    for referral, reply in referrals_with_replies(session, complaint):
        agency = referral.recipient
        if reply is None:
            sentences.append(f"{agency} تاکنون به نامه این دفتر پاسخ نداده است.")
            continue
        said = f"{agency} طی نامه شماره {to_persian_digits(reply.their_number)} مورخ "
        said += format_jalali_fa(reply.their_date)
        if reply.outcome is not None:
            said += f" اعلام کرده است که {reply.outcome.label_fa}"
        else:
            said += " پاسخ داده است"
        said += f": {reply.summary}" if reply.summary else "."
        sentences.append(said)
    return " ".join(sentences) or "دستگاهی در این پرونده مکاتبه نشده است."


def letter_ref(letter: Letter) -> Facts:
    return {"number": letter.number, "date": format_jalali(letter.date)}


def _chaser_base(
    kind: str,
    referral: Letter,
    identity: LetterIdentity,
    office: OfficeProfile,
    zone: zoneinfo.ZoneInfo,
    answer_within_days: int,
) -> Facts:
    complaint = referral.complaint
    agency = referral.agency
    if complaint is None or agency is None:
        raise ValueError("a chaser needs a referral with its complaint and agency")
    return {
        "kind": kind,
        "office": office_facts(office),
        "letter": identity_facts(identity),
        "complaint": complaint_facts(complaint, zone),
        "recipient": addressee(agency),
        "referral": letter_ref(referral),
        "answer_within_days": answer_within_days,
    }


def reminder_facts(
    referral: Letter,
    identity: LetterIdentity,
    office: OfficeProfile,
    *,
    ordinal: int,
    answer_within_days: int,
    zone: zoneinfo.ZoneInfo,
) -> Facts:
    """پیگیری: the first or second reminder of an unanswered referral."""
    facts = _chaser_base("reminder", referral, identity, office, zone, answer_within_days)
    return {**facts, "ordinal": ordinal}


def escalation_facts(
    referral: Letter,
    reminders: list[Letter],
    superior: Agency,
    identity: LetterIdentity,
    office: OfficeProfile,
    *,
    answer_within_days: int,
    zone: zoneinfo.ZoneInfo,
) -> Facts:
    """تذکر و گزارش به مقام مافوق: the agency reminded once more, its superior in copy."""
    facts = _chaser_base("escalation", referral, identity, office, zone, answer_within_days)
    return {
        **facts,
        "superior": addressee(superior),
        "reminders": [letter_ref(reminder) for reminder in reminders],
    }


def receipt_facts(
    complaint: Complaint,
    identity: LetterIdentity,
    office: OfficeProfile,
    *,
    expected_answer_days: int,
    zone: zoneinfo.ZoneInfo,
) -> Facts:
    """رسید ثبت شکایت: the tracking code, what was received, when to expect an answer."""
    received = [f"{d.original_name} ({d.kind.label_fa})" for d in complaint.documents]
    return {
        **_to_complainant("receipt", complaint, identity, office, zone),
        "documents_received": received,
        "expected_answer_days": expected_answer_days,
    }


def inspector_addressee(office: OfficeProfile, inspector: str) -> Facts:
    return {"organisation": office.name, "title": "بازرس محترم", "name": inspector}


def inspection_assignment_facts(
    complaint: Complaint,
    inspection: Inspection,
    agency: Agency,
    identity: LetterIdentity,
    office: OfficeProfile,
    *,
    zone: zoneinfo.ZoneInfo,
) -> Facts:
    """ابلاغ بازرسی: the inspector assigned to inspect the agency on a date."""
    return {
        "kind": "inspection_assignment",
        "office": office_facts(office),
        "letter": identity_facts(identity),
        "complaint": complaint_facts(complaint, zone),
        "recipient": inspector_addressee(office, inspection.inspector),
        "agency": addressee(agency),
        "inspection_date": format_jalali(inspection.inspection_date),
    }


def reply_records(session: Session, complaint: Complaint) -> list[Facts]:
    """Each live referral of the case with its agency's current reply (or none)."""
    records = []
    for referral, reply in referrals_with_replies(session, complaint):
        record: Facts = {"letter": letter_ref(referral), "agency": referral.recipient}
        if reply is None:
            record["outcome"] = "پاسخی واصل نشده است"
        else:
            record.update(
                {
                    "reply_number": reply.their_number,
                    "reply_date": format_jalali(reply.their_date),
                    "outcome": reply.outcome.label_fa if reply.outcome else "پاسخ داده شده است",
                    "summary": reply.summary or "",
                }
            )
        records.append(record)
    return records


def inspection_report_facts(
    session: Session,
    complaint: Complaint,
    inspection: Inspection,
    identity: LetterIdentity,
    office: OfficeProfile,
    *,
    findings: list[str],
    conclusion: str,
    zone: zoneinfo.ZoneInfo,
) -> Facts:
    """گزارش بازرسی, assembled: the complaint, each letter and reply, findings, conclusion."""
    return {
        "kind": "inspection_report",
        "office": office_facts(office),
        "letter": identity_facts(identity),
        "complaint": complaint_facts(complaint, zone),
        "recipient": {"organisation": office.name, "title": f"ریاست محترم {office.name}"},
        "inspector": inspector_addressee(office, inspection.inspector),
        "inspection_date": format_jalali(inspection.inspection_date),
        "replies": reply_records(session, complaint),
        "findings": findings,
        "conclusion": conclusion,
    }
