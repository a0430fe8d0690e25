"""The data a letter is rendered from, frozen as JSON when the letter is numbered.

Plain dicts in the shape of ``generators.facts`` (validated there when the letter is
numbered): the registry knows the case, the generators know the page.  Digits stay ASCII;
the generators print them in Persian.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.anonymity import identifying_mentions
from registry.jalali import format_jalali, format_jalali_fa
from registry.kinds import DocumentKind, Honorific, LetterKind, LetterState
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


def verification_facts(office: OfficeProfile) -> Facts:
    """How a reader will check the letter (``generators.facts.Verification``): the public
    address of the verification page and what the QR carries, as the office sets them
    when the letter is numbered."""
    return {
        "base_url": office.public_base_url,
        "qr": office.qr_payload.value,
        "signatory_national_code": office.signatory_national_code,
        "office_email": office.email,
        "office_national_id": office.national_id,
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


def honorific_fa(honorific: Honorific) -> str:
    """«آقای», «خانم» or empty: what the facts carry (the generators add «جناب»/«سرکار»)."""
    return honorific.label_fa if honorific is not Honorific.NONE else ""


def complaint_facts(complaint: Complaint, zone: zoneinfo.ZoneInfo) -> Facts:
    return {
        "tracking_code": complaint.tracking_code,
        "subject": complaint.subject,
        "text": complaint.text,
        "summary": complaint.summary or "",
        "registered_on": format_jalali(complaint.registered_at.astimezone(zone).date()),
        "complainant": complainant_facts(complaint.complainant),
        "anonymous": complaint.anonymous,
        "agencies": [link.agency.name for link in complaint.agencies],
        "priority": complaint.priority.value,
        "classification": complaint.classification.value,
    }


def addressee(agency: Agency) -> Facts:
    """The agency's head as a letter addresses them today."""
    head = agency.current_head
    return {
        "organisation": agency.name,
        "title": head.title if head else agency.name,
        "name": head.name if head else None,
        "honorific": honorific_fa(head.honorific) if head and head.name else "",
    }


def identifies_complainant(document: Document, person: Complainant) -> bool:
    """Whether a document's file name names the complainant (``registry.anonymity``)."""
    return bool(identifying_mentions(document.original_name, identifiers(person)))


def attachment_title(kind: DocumentKind) -> str:
    """What an attachment table calls a document of ``kind``: «تصویر مستندات شکایت»."""
    label = kind.label_fa
    return label if label.startswith("تصویر") else f"تصویر {label}"


def forwarded(complaint: Complaint, document: Document) -> bool:
    """Whether ``document`` goes to the agencies with the referral: every document of a
    named complaint; of an anonymous one, only those the reviewer marked forwardable
    (``complaint review --forward``), never the complaint's full text."""
    if not complaint.anonymous:
        return True
    return bool(document.forwardable) and document.kind is not DocumentKind.COMPLAINT_TEXT


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
        if forwarded(complaint, document)
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
    competent_authority: str | None = None,
) -> Facts:
    """عدم صلاحیت رسیدگی: the complainant told why the office cannot take the case and,
    when the office named one, which body can."""
    return {
        **_to_complainant("rejection", complaint, identity, office, zone),
        "reason": reason,
        "competent_authority": competent_authority,
    }


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
    """پاسخ نهایی: the office's decision, what the agencies answered, where the
    complainant may turn next (setting ``recourse_body``), and a «رونوشت» to each agency,
    except for an anonymous complaint, whose answer goes to the complainant alone."""
    copies = []
    if not complaint.anonymous:
        copies = [
            {
                "recipient": addressee(link.agency)["title"],
                "description": "جهت اطلاع",
                "audience": "agency",
            }
            for link in complaint.agencies
        ]
    return {
        **_to_complainant("final_answer", complaint, identity, office, zone),
        "decision": decision,
        "replies_summary": replies_summary,
        "recourse": office.recourse_body,
        "copies": copies,
    }


def _you(person: Complainant) -> str:
    """How a letter to the complainant calls them: «سرکار عالی», «جنابعالی», «آن شرکت»."""
    if person.company_name:
        return "آن شرکت"
    return {Honorific.MR: "جنابعالی", Honorific.MRS: "سرکار عالی"}.get(person.honorific, "شما")


def _full_stop(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?؟…»)" else f"{text}."


def replies_summary(session: Session, complaint: Complaint) -> str:
    """What each agency answered (or that it did not), one full sentence an agency, in
    Persian, the complainant called as a letter to them calls them («خواسته سرکار عالی»)."""
    you = _you(complaint.complainant)
    sentences = []
    for referral, reply in referrals_with_replies(session, complaint):
        agency = referral.recipient
        if reply is None:
            sentences.append(f"{agency} تاکنون به نامه این دفتر پاسخ نداده است.")
            continue
        said = f"{agency} طی نامه شماره {to_persian_digits(reply.their_number)} مورخ "
        said += format_jalali_fa(reply.their_date)
        if reply.outcome is not None:
            said += " اعلام کرده است که " + reply.outcome.label_fa.replace("شاکی", you, 1)
        else:
            said += " پاسخ داده است"
        said += f": {_full_stop(reply.summary)}" if reply.summary else "."
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
    previous: list[Letter] | None = None,
) -> Facts:
    """پیگیری: the first or second reminder of an unanswered referral; ``previous``, the
    earlier reminders of the same referral, which a second reminder cites."""
    facts = _chaser_base("reminder", referral, identity, office, zone, answer_within_days)
    return {**facts, "ordinal": ordinal, "previous": [letter_ref(r) for r in previous or []]}


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
    """رسید ثبت شکایت: the tracking code and what was received.  No number of days is
    promised (``expected_answer_days`` is the service card's average, not a promise; the
    argument stays for callers and is not frozen)."""
    received = [f"{d.original_name} ({d.kind.label_fa})" for d in complaint.documents]
    return {
        **_to_complainant("receipt", complaint, identity, office, zone),
        "documents_received": received,
    }


def inspector_addressee(
    office: OfficeProfile, inspector: str, honorific: Honorific = Honorific.NONE
) -> Facts:
    return {
        "organisation": office.name,
        "title": "بازرس محترم",
        "name": inspector,
        "honorific": honorific_fa(honorific),
    }


def report_addressee(office: OfficeProfile) -> Facts:
    """Whom the inspection report goes to: the authority the office reports to (settings
    ``office.report_to_*``), never the office's own head, who signs it."""
    return {
        "organisation": office.report_to_organisation,
        "title": office.report_to_title,
        "name": office.report_to_name or None,
        "honorific": honorific_fa(office.report_to_honorific) if office.report_to_name else "",
    }


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
        "recipient": inspector_addressee(
            office, inspection.inspector, inspection.inspector_honorific
        ),
        "agency": addressee(agency),
        "inspection_date": format_jalali(inspection.inspection_date),
    }


def followups(session: Session, referral: Letter) -> list[Facts]:
    """The reminders and escalations that chased ``referral`` (void ones aside), oldest
    first, each with its ordinal among its kind."""
    chasers = session.scalars(
        select(Letter)
        .where(
            Letter.chases_id == referral.id,
            Letter.state != LetterState.VOID,
            Letter.kind.in_((LetterKind.REMINDER, LetterKind.ESCALATION)),
        )
        .order_by(Letter.issued_at, Letter.id)
    )
    found: list[Facts] = []
    seen: dict[LetterKind, int] = {}
    for chaser in chasers:
        seen[chaser.kind] = seen.get(chaser.kind, 0) + 1
        found.append(
            {"kind": chaser.kind.value, "letter": letter_ref(chaser), "ordinal": seen[chaser.kind]}
        )
    return found


def reply_records(session: Session, complaint: Complaint) -> list[Facts]:
    """Each live referral of the case with the reminders and escalations that followed it
    and its agency's current reply (or none)."""
    records = []
    for referral, reply in referrals_with_replies(session, complaint):
        record: Facts = {
            "letter": letter_ref(referral),
            "agency": referral.recipient,
            "followups": followups(session, referral),
        }
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
        "recipient": report_addressee(office),
        "inspector": inspector_addressee(
            office, inspection.inspector, inspection.inspector_honorific
        ),
        "inspection_date": format_jalali(inspection.inspection_date),
        "replies": reply_records(session, complaint),
        "findings": findings,
        "conclusion": conclusion,
    }
