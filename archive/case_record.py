"""A case as data: the JSON a dossier's bag carries, and what its cover page shows.

The JSON follows the CLI's ``--json`` contract: stable snake_case keys, ASCII digits,
Jalali dates ``YYYY/MM/DD``, times ISO-8601 with the office's offset.  It is the office's
own record, so it holds the complainant in full (anonymity concerns letters to agencies,
not the archive).  The cover's data is the same facts in Persian words and digits.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.jalali import format_jalali
from registry.jalali import format_jalali_or_none as _jalali
from registry.kinds import LETTER_KIND_FA, ComplainantKind
from registry.models import Complaint, Event, Letter, Reply
from registry.people import display_name
from registry.records import (
    complainant_detail,
    document_record,
    iso_time,
    letter_record,
    reply_record,
)
from registry.text import to_persian_digits
from registry.tracking import format_tracking_code

if TYPE_CHECKING:
    from archive.dossier import PlacedEntry

__all__ = [
    "case_json",
    "case_letters",
    "case_replies",
    "cover_data",
    "letter_title",
    "reply_title",
]

IDENTITY_LABEL_FA = {
    ComplainantKind.PERSON: "کد ملی",
    ComplainantKind.LEGAL: "شناسه ملی",
    ComplainantKind.FOREIGN: "شماره گذرنامه یا فیدا",
}


def case_letters(session: Session, complaint: Complaint) -> list[Letter]:
    """The case's letters in the order they were issued."""
    return list(
        session.scalars(
            select(Letter)
            .where(Letter.complaint_id == complaint.id)
            .options(selectinload(Letter.agency))
            .order_by(Letter.issued_at, Letter.id)
        )
    )


def case_replies(session: Session, complaint: Complaint) -> list[Reply]:
    """The agencies' replies to the case's letters, superseded ones too, as recorded."""
    return list(
        session.scalars(
            select(Reply)
            .join(Letter, Letter.id == Reply.letter_id)
            .where(Letter.complaint_id == complaint.id)
            .options(selectinload(Reply.document), selectinload(Reply.letter))
            .order_by(Reply.recorded_at, Reply.id)
        )
    )


def letter_title(letter: Letter) -> str:
    """«نامه ۱۴۰۵/ص/۱۲ (ارجاع شکایت) به شهرداری قزوین», as the index and bookmarks show it."""
    kind = LETTER_KIND_FA.get(letter.kind, letter.kind.value)
    return to_persian_digits(f"نامه {letter.number} ({kind}) به {letter.recipient}")


def reply_title(reply: Reply, cited: Letter | None) -> str:
    """«پاسخ شهرداری قزوین به نامه …، شماره … مورخ …»."""
    agency = reply.letter.agency.name if reply.letter.agency else reply.letter.recipient
    number = cited.number if cited is not None else reply.letter.number
    title = (
        f"پاسخ {agency} به نامه {number}، شماره {reply.their_number}"
        f" مورخ {format_jalali(reply.their_date)}"
    )
    if reply.outcome is not None:
        title += f" ({reply.outcome.short_fa})"
    return to_persian_digits(title)


def case_json(session: Session, complaint: Complaint, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    """The whole case as JSON-ready data: complaint, complainant, documents, letters,
    replies and the audit trail, every file named by its SHA-256."""
    letters = case_letters(session, complaint)
    numbers = {letter.id: letter.number for letter in letters}
    events = session.scalars(
        select(Event).where(Event.complaint_id == complaint.id).order_by(Event.at, Event.id)
    )
    return {
        "tracking_code": complaint.tracking_code,
        "state": complaint.state.value,
        "agencies": [link.agency.name for link in complaint.agencies],
        "subject": complaint.subject,
        "text": complaint.text,
        "channel": complaint.channel.value,
        "anonymous": complaint.anonymous,
        "registered_at": iso_time(complaint.registered_at, zone),
        "registered_date": _jalali(complaint.registered_at.astimezone(zone).date()),
        "registered_by": complaint.registered_by,
        "missing": complaint.missing_kinds or [],
        "decision": complaint.decision,
        "complainant": complainant_detail(complaint.complainant),
        "documents": [
            {**document_record(d, zone), "added_by": d.added_by} for d in complaint.documents
        ],
        "letters": [
            {
                **letter_record(letter, zone),
                "guid": letter.guid,
                "verification_code": letter.verification_code,
                "pdf_sha256": letter.pdf_sha256,
                "docx_sha256": letter.docx_sha256,
                "facts": letter.facts,
            }
            for letter in letters
        ],
        "replies": [
            {
                **reply_record(reply, numbers),
                "document_sha256": reply.document.sha256,
                "recorded_at": iso_time(reply.recorded_at, zone),
                "recorded_by": reply.recorded_by,
                "superseded": reply.superseded_by_id is not None,
            }
            for reply in case_replies(session, complaint)
        ],
        "events": [
            {
                "at": iso_time(event.at, zone),
                "actor": event.actor,
                "action": event.action,
                "letter": numbers.get(event.letter_id) if event.letter_id else None,
                "before": event.before,
                "after": event.after,
                "note": event.note,
            }
            for event in events
        ],
    }


def cover_data(
    case: Mapping[str, Any],
    complaint: Complaint,
    placed: Sequence[PlacedEntry],
    cover_pages: int,
    office: Mapping[str, str],
    at: dt.datetime,
    zone: zoneinfo.ZoneInfo,
) -> dict[str, Any]:
    """What ``generators.dossier_cover.render_cover`` needs, in the office's words."""
    person = complaint.complainant
    name = display_name(person, representative=True)
    identity = person.national_id or person.foreign_id or ""
    moment = at.astimezone(zone)
    return {
        "office": {
            "ministry": office.get("ministry", ""),
            "governorate": office.get("governorate", ""),
            "office": office.get("office", ""),
        },
        "case": {
            "tracking_code": format_tracking_code(complaint.tracking_code),
            "complainant": name,
            "anonymous": complaint.anonymous,
            "identity": identity,
            "identity_label": IDENTITY_LABEL_FA.get(person.kind, "شناسه"),
            "mobile": person.mobile,
            "address": person.address,
            "agencies": list(case["agencies"]),
            "subject": complaint.subject,
            "registered": case["registered_date"],
            "channel": complaint.channel.label_fa,
            "state": complaint.state.label_fa,
        },
        "entries": [
            {
                "title": p.entry.title,
                "date": format_jalali(p.entry.date) if p.entry.date else "",
                "pages": p.pages,
                "start": p.start,
                "note": p.entry.note or "",
            }
            for p in placed
        ],
        "total_pages": cover_pages + sum(p.pages for p in placed),
        "assembled": format_jalali(moment.date()),
        "assembled_at": moment.isoformat(timespec="seconds"),
    }


__all__ += ["LETTER_KIND_FA"]
