"""The data a letter is rendered from, frozen as JSON when the letter is numbered.

Plain dicts in the shape of ``generators.facts`` (validated there when the letter is
numbered): the registry knows the case, the generators know the page.  Digits stay ASCII;
the generators print them in Persian.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from registry.jalali import format_jalali
from registry.kinds import Honorific
from registry.models import Agency, Complainant, Complaint, Document
from registry.register import LetterIdentity
from registry.settings import OfficeProfile
from registry.text import normalize_for_search

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
    """Whether a document's file name names the complainant (name, ID or mobile)."""
    name = normalize_for_search(document.original_name)
    needles = [normalize_for_search(person.full_name), person.national_id or "", person.mobile]
    return any(len(needle) >= 3 and needle in name for needle in needles)


def forwarded_documents(complaint: Complaint) -> list[Facts]:
    return [
        {
            "name": document.original_name,
            "kind": document.kind.label_fa,
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
) -> Facts:
    """A referral of ``complaint`` to ``agency``: the complaint, its documents, the deadline.

    The complainant gets a copy for information; the generators drop that copy, and every
    identifying detail, when the complainant asked to stay anonymous towards the agency.
    """
    attachments = forwarded_documents(complaint)
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
                "recipient": _complainant_label(complaint.complainant),
                "description": "جهت اطلاع",
                "audience": "complainant",
            }
        ],
    }


def _complainant_label(person: Complainant) -> str:
    if person.company_name:
        return person.company_name
    honorific = person.honorific.label_fa
    return f"{honorific} {person.full_name}".strip()


def jalali_of(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return format_jalali(moment.astimezone(zone).date())
