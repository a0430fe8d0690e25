"""Records as the ``--json`` contract gives them: stable snake_case keys, ASCII digits,
Jalali dates ``YYYY/MM/DD``, times ISO-8601 with the office's offset.  The CLI prints them;
a case's archived record (archive/case_record.py) is built from the same ones."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from registry.jalali import format_jalali, jalali_weekday_name
from registry.jalali import format_jalali_or_none as jalali
from registry.models import (
    Agency,
    Complainant,
    Complaint,
    DeadlineChange,
    Document,
    IncomingLetter,
    Letter,
    LetterDispatch,
    Reply,
)
from registry.people import display_name

if TYPE_CHECKING:  # registry.calendar is not loaded by the commands that need no calendar
    from registry.calendar import Holiday


def iso_time(value: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> str | None:
    """ISO-8601 in the office's zone, to the second; None stays None."""
    return value.astimezone(zone).isoformat(timespec="seconds") if value else None


def agency_record(agency: Agency) -> dict[str, Any]:
    head = agency.current_head
    return {
        "id": agency.id,
        "name": agency.name,
        "kind": agency.kind.value,
        "parent": agency.parent.name if agency.parent else None,
        "county": agency.county,
        "head_title": head.title if head else None,
        "head_name": head.name if head else None,
        "head_honorific": head.honorific.value if head else None,
        "reply_deadline_days": agency.reply_deadline_days,
        "active": agency.active,
    }


def document_record(document: Document, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    return {
        "kind": document.kind.value,
        "name": document.original_name,
        "media_type": document.media_type,
        "size": document.size,
        "sha256": document.sha256,
        "added_at": iso_time(document.added_at, zone),
        "forwardable": document.forwardable,
    }


def complainant_detail(person: Complainant) -> dict[str, Any]:
    """Everything recorded of the complainant (not for lists: it holds their contacts)."""
    return {
        "kind": person.kind.value,
        "honorific": person.honorific.value,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "father_name": person.father_name,
        "national_id": person.national_id,
        "foreign_id": person.foreign_id,
        "company_name": person.company_name,
        "mobile": person.mobile,
        "landline": person.landline,
        "address": person.address,
        "postal_code": person.postal_code,
    }


def complaint_record(
    complaint: Complaint, zone: zoneinfo.ZoneInfo, *, detail: bool = False
) -> dict[str, Any]:
    person = complaint.complainant
    record: dict[str, Any] = {
        "tracking_code": complaint.tracking_code,
        "state": complaint.state.value,
        "agencies": [link.agency.name for link in complaint.agencies],
        "subject": complaint.subject,
        "complainant": display_name(person, honorific=False),
        "anonymous": complaint.anonymous,
        "registered_at": iso_time(complaint.registered_at, zone),
        "registered_date": jalali(complaint.registered_at.astimezone(zone).date()),
    }
    if detail:
        record.update(
            {
                "text": complaint.text,
                "summary": complaint.summary,
                "channel": complaint.channel.value,
                "complainant_detail": complainant_detail(person),
                "missing": complaint.missing_kinds or [],
                "decision": complaint.decision,
                "priority": complaint.priority.value,
                "classification": complaint.classification.value,
                "documents": [document_record(d, zone) for d in complaint.documents],
            }
        )
    return record


def letter_record(letter: Letter, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    return {
        "number": letter.number,
        "kind": letter.kind.value,
        "date": jalali(letter.date),
        "due_date": jalali(letter.due_date),
        "recipient": letter.recipient,
        "tracking_code": letter.complaint.tracking_code if letter.complaint else None,
        "state": letter.state.value,
        "issued_at": iso_time(letter.issued_at, zone),
        "sent_at": iso_time(letter.sent_at, zone),
        "void_reason": letter.void_reason,
    }


def dispatch_record(row: LetterDispatch | None) -> dict[str, Any] | None:
    """How a letter left and when it was received (the dispatch book); None before it is
    recorded."""
    if row is None:
        return None
    return {
        "method": row.method.value,
        "left_on": format_jalali(row.left_on),
        "tracking": row.tracking,
        "received_on": jalali(row.received_on),
        "received_by": row.received_by,
        "recorded_by": row.recorded_by,
        "receipt_recorded_by": row.receipt_recorded_by,
    }


def reply_record(reply: Reply, numbers: Mapping[int, str]) -> dict[str, Any]:
    """An agency's reply; ``numbers`` gives our letters' numbers by id (the referral it is
    filed under, and the letter it cited)."""
    return {
        "number": numbers.get(reply.letter_id),
        "cited": numbers.get(reply.cited_letter_id),
        "their_number": reply.their_number,
        "their_date": jalali(reply.their_date),
        "outcome": reply.outcome.value if reply.outcome else None,
        "summary": reply.summary,
        # Its place in the incoming register; None for a reply recorded before it existed.
        "incoming_number": reply.incoming.number if reply.incoming else None,
    }


def incoming_record(paper: IncomingLetter, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    """A paper in the incoming register: its number and day, the sender's number and
    date, what it is about, the letter of ours it answers (عطف) and its case, if any."""
    return {
        "incoming_number": paper.number,
        "date": format_jalali(paper.date),
        "received_at": iso_time(paper.received_at, zone),
        "sender": paper.sender,
        "agency": paper.agency.name if paper.agency else None,
        "their_number": paper.their_number,
        "their_date": format_jalali(paper.their_date),
        "subject": paper.subject,
        "enclosures": paper.enclosures,
        "cites": paper.cites.number if paper.cites else None,
        "tracking_code": paper.complaint.tracking_code if paper.complaint else None,
        "scan": paper.scan_name,
        "scan_sha256": paper.scan_sha256,
        "recorded_by": paper.recorded_by,
        "attached_at": iso_time(paper.attached_at, zone),
    }


def deadline_change_record(change: DeadlineChange) -> dict[str, Any]:
    """One row of a letter's deadline: its start, an extension or a pause."""
    return {
        "kind": change.kind.value,
        "start": jalali(change.start),
        "end": jalali(change.end),
        "days": change.days,
        "reason": change.reason,
        "actor": change.actor,
    }


def holiday_record(holiday: Holiday) -> dict[str, Any]:
    """One official holiday of the office's calendar."""
    return {
        "date": format_jalali(holiday.date),
        "weekday": jalali_weekday_name(holiday.date),
        "name": holiday.name,
        "estimated": holiday.estimated,
        "source": holiday.source,
    }


_HIT_KEYS = ("tracking_code", "state", "agencies", "subject", "complainant", "registered_date")


def search_hit_record(
    complaint: Complaint, matched: Sequence[str], letter: Letter | None, zone: zoneinfo.ZoneInfo
) -> dict[str, Any]:
    """One result of the office's own search (names shown): the case's list keys, what
    matched, and the letter when a letter number was searched for."""
    base = complaint_record(complaint, zone)
    record = {key: base[key] for key in _HIT_KEYS}
    record["matched"] = list(matched)
    record["letter_number"] = letter.number if letter else None
    record["letter_date"] = jalali(letter.date) if letter else None
    return record
