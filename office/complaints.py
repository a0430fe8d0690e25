"""A complaint's own use cases: register (with its receipt), show, list, review, attach,
withdraw, reopen, close.

Each function runs its own short transaction(s) and returns plain records
(``registry.records.complaint_record``) or small frozen dataclasses.  The letters, the
archive and the generators are imported inside the functions that need them, so that a
read (``complaint list``) loads none of them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from office.access import Action, Actor, clearance_of, require, visible_levels
from office.runtime import Runtime
from registry import complaint_queries, complaints
from registry.db import transaction
from registry.errors import Refused
from registry.kinds import Channel, Classification, ComplaintState, DocumentKind, Priority
from registry.records import complaint_record

if TYPE_CHECKING:
    from archive.intake import FileSpec
    from office.casework import Reviewed

__all__ = [
    "PAGE_SIZE",
    "ComplaintPage",
    "Decision",
    "Registered",
    "Upload",
    "attach",
    "check_uploads",
    "close",
    "find_complaints",
    "list_complaints",
    "register",
    "reopen",
    "review",
    "show",
    "withdraw",
]


@dataclass(frozen=True)
class Registered:
    """A new complaint: its record (with ``possible_duplicate_of``), the duplicate window it
    was compared over, and its receipt when one was asked for."""

    record: dict[str, Any]
    duplicate_window_days: int
    receipt_number: str | None = None
    receipt_pdf: bytes | None = field(default=None, repr=False)

    @property
    def possible_duplicate_of(self) -> list[str]:
        """Tracking codes of the same person's complaints about the same agency within
        ``duplicate_window_days`` (registered all the same)."""
        return list(self.record["possible_duplicate_of"])


def register(
    runtime: Runtime,
    actor: Actor,
    data: complaints.ComplaintInput,
    attachments: Sequence[FileSpec] = (),
    *,
    receipt: bool = False,
) -> Registered:
    """Register a complaint with its files, checked and stored in the archive.

    With ``receipt``, the receipt's readiness (signatory, template) is checked before
    anything is read or written, and the receipt is numbered, archived and returned (its
    number and PDF) once the complaint is committed.  A complaint from the same person
    about the same agency within the ``duplicate_window_days`` setting is flagged.
    """
    actor = require(actor, Action.REGISTER)
    from archive.intake import file_complaint, read_files, with_active_content

    if receipt:
        from office.pipeline import Batch, ensure_ready
        from registry.kinds import LetterKind

        ensure_ready(Batch(runtime, actor), [LetterKind.RECEIPT])
    settings = runtime.settings
    files = read_files(attachments, settings.attachment_max_bytes, settings.max_image_pixels)
    window = settings.duplicate_window_days
    with transaction(runtime.sessions) as session:
        registration = file_complaint(
            session,
            runtime.store,
            data,
            files,
            actor=actor,
            at=runtime.clock.now(),
            duplicate_window_days=window,
        )
        record = complaint_record(registration.complaint, runtime.clock.zone)
        record["possible_duplicate_of"] = [
            c.tracking_code for c in registration.possible_duplicates
        ]
        # PDFs that carried JavaScript, open or launch actions, embedded files, …: kept as
        # filed, passed on sanitized; staff are told.
        record["active_content"] = with_active_content(files)
    if not receipt:
        return Registered(record, window)
    from office.casework import issue_receipt
    from office.pipeline import Batch

    number, pdf = issue_receipt(Batch(runtime, actor), record["tracking_code"])
    return Registered(record, window, number, pdf)


def show(runtime: Runtime, actor: Actor, tracking: str) -> dict[str, Any]:
    """One complaint in full: its record with text, complainant's detail and documents
    (NotFound, as for an unknown code, when it is classified above ``actor``'s clearance)."""
    levels = visible_levels(actor, runtime.settings)
    with runtime.sessions() as session:
        complaint = complaint_queries.get_complaint(session, tracking, levels)
        return complaint_record(complaint, runtime.clock.zone, detail=True)


def list_complaints(
    runtime: Runtime,
    actor: Actor,
    state: ComplaintState | None = None,
    limit: int | None = None,
    *,
    agency: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """Complaints' records, newest first (at most ``limit``), narrowed as
    ``find_complaints`` narrows them (to those ``actor`` may see, first); ``agency`` by
    name (NotFound if there is none)."""
    from registry.agencies import find_agency

    with runtime.sessions() as session:
        agency_id = find_agency(session, agency).id if agency else None
        wanted = _filter(runtime, actor, state, agency_id, since, until, overdue)
        rows = complaint_queries.filtered_complaints(session, wanted, offset=0, limit=limit)
        return [complaint_record(c, runtime.clock.zone) for c in rows]


# The complaint list's page: enough to scan, small enough to answer fast on 100,000.
PAGE_SIZE = 50


@dataclass(frozen=True)
class ComplaintPage:
    """One page of the complaint list: its records, the total the filters admit, and
    where the page stands (``page`` counts from 1)."""

    records: list[dict[str, Any]]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages the total fills (at least one, possibly empty)."""
        return max(1, -(-self.total // self.page_size))


def find_complaints(
    runtime: Runtime,
    actor: Actor,
    *,
    state: ComplaintState | None = None,
    agency_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    overdue: bool = False,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> ComplaintPage:
    """The complaints ``actor`` may see in ``state``, about agency ``agency_id``,
    registered from ``since`` to ``until`` (office days, both inclusive), and with
    ``overdue`` only those with a referral unanswered past its due date today: page
    ``page`` of them, newest first, with the total.  A page past the last gives the last."""
    zone = runtime.clock.zone
    wanted = _filter(runtime, actor, state, agency_id, since, until, overdue)
    with runtime.sessions() as session:
        total = complaint_queries.count_complaints(session, wanted)
        last = max(1, -(-total // page_size))
        page = min(max(1, page), last)
        rows = complaint_queries.filtered_complaints(
            session, wanted, offset=(page - 1) * page_size, limit=page_size
        )
        records = [complaint_record(c, zone) for c in rows]
    return ComplaintPage(records, total, page, page_size)


def _filter(
    runtime: Runtime,
    actor: Actor,
    state: ComplaintState | None,
    agency_id: int | None,
    since: dt.date | None,
    until: dt.date | None,
    overdue: bool,
) -> complaint_queries.ComplaintFilter:
    """The registry's filter: the classifications ``actor`` may see, office days as the
    instants that bound them (``until`` inclusive), overdue as of the office's today."""
    zone = runtime.clock.zone
    end = until + dt.timedelta(days=1) if until else None
    return complaint_queries.ComplaintFilter(
        state=state,
        agency_id=agency_id,
        since=dt.datetime.combine(since, dt.time(), zone) if since else None,
        until=dt.datetime.combine(end, dt.time(), zone) if end else None,
        overdue_on=runtime.clock.today() if overdue else None,
        levels=visible_levels(actor, runtime.settings),
    )


@dataclass(frozen=True)
class Upload:
    """A file as the desk received it: its document kind, the name the browser gave, and
    its bytes (read no further than one byte past the attachment limit)."""

    kind: DocumentKind
    name: str
    data: bytes = field(repr=False)


def check_uploads(runtime: Runtime, uploads: Sequence[Upload]) -> list[FileSpec]:
    """Every upload checked as the command line's files are (size, then content); the
    first refusal (AttachmentRefused) names its input as ``field`` (the kind)."""
    from archive.attachments import check_upload
    from archive.errors import AttachmentRefused

    limit = runtime.settings.attachment_max_bytes
    pixels = runtime.settings.max_image_pixels
    checked: list[FileSpec] = []
    for upload in uploads:
        try:
            checked.append((upload.kind, check_upload(upload.data, upload.name, limit, pixels)))
        except AttachmentRefused as exc:
            raise AttachmentRefused(exc.code, **{**exc.params, "field": upload.kind.value}) from exc
    return checked


class Decision(enum.StrEnum):
    """What the initial review decides."""

    ACCEPT = "accept"
    REJECT = "reject"
    INCOMPLETE = "incomplete"


def review(
    runtime: Runtime,
    actor: Actor,
    tracking: str,
    decision: Decision,
    *,
    reason: str | None = None,
    missing: Sequence[DocumentKind] = (),
    note: str | None = None,
    summary: str | None = None,
    forward: Sequence[int] = (),
    refer_to: str | None = None,
    priority: Priority = Priority.NORMAL,
    classification: Classification = Classification.NORMAL,
) -> Reviewed:
    """The initial review of a registered complaint.

    Accept (refused without evidence unless ``note`` says why), reject with ``reason`` (the
    rejection letter is sent), or ask for the ``missing`` documents (the letter is sent).
    A letter's readiness is checked before anything is written.  The warnings the reviewer
    should still read (no earlier follow-up, an anonymous text that names its complainant)
    come back as codes in ``Reviewed.warnings``.  Accepting takes the reviewer's
    ``summary`` (required for an anonymous complaint) and, for an anonymous complaint, the
    positions of the documents to ``forward``; rejecting may name the competent body by its
    code in the ``office.competent_bodies`` setting (``refer_to``).

    Whatever the decision, the reviewer sets the case's ``priority`` and
    ``classification`` (both «عادی» unless chosen), which the review's own letter and every
    later one carry; a reviewer may classify no higher than their own clearance, and a
    case above it is not found.
    """
    name = require(actor, Action.REVIEW)
    from office import casework
    from office.pipeline import Batch, ensure_ready
    from registry.kinds import LetterKind

    clearance = clearance_of(actor, runtime.settings)
    if classification.rank > clearance.rank:
        raise Refused(
            "classification_above_clearance",
            field="classification",
            level=classification.label_fa,
            clearance=clearance.label_fa,
        )
    with runtime.sessions() as session:
        complaint_queries.get_complaint(session, tracking, visible_levels(actor, runtime.settings))
    batch = Batch(runtime, name)
    marking = casework.Marking(priority, classification)
    if decision is Decision.ACCEPT:
        return casework.accept(
            batch, tracking, note=note, summary=summary, forward=forward, marking=marking
        )
    if decision is Decision.REJECT:
        ensure_ready(batch, [LetterKind.REJECTION])
        return casework.reject(
            batch, tracking, reason=reason or "", refer_to=refer_to, marking=marking
        )
    ensure_ready(batch, [LetterKind.MISSING_DOCUMENTS])
    return casework.ask_for_documents(batch, tracking, missing=missing, note=note, marking=marking)


def attach(
    runtime: Runtime,
    actor: Actor,
    tracking: str,
    attachments: Sequence[FileSpec],
    *,
    channel: Channel = Channel.IN_PERSON,
) -> dict[str, Any]:
    """Add checked files to a case (an incomplete one returns to review); its record.
    ``channel`` says how they came (default: brought to the desk in person)."""
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.ATTACH)
    from archive.intake import attach_files, read_files, with_active_content

    files = read_files(
        attachments, runtime.settings.attachment_max_bytes, runtime.settings.max_image_pixels
    )
    with transaction(runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking, levels)
        attach_files(
            session,
            runtime.store,
            complaint,
            files,
            actor=actor,
            at=runtime.clock.now(),
            channel=channel,
        )
        record = complaint_record(complaint, runtime.clock.zone)
    record["active_content"] = with_active_content(files)
    return record


def withdraw(runtime: Runtime, actor: Actor, tracking: str, *, reason: str) -> dict[str, Any]:
    """The complainant withdraws an open case (a reason is required); its record."""
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.WITHDRAW)
    with transaction(runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking, levels)
        complaints.withdraw(session, complaint, reason=reason, actor=actor, at=runtime.clock.now())
        return complaint_record(complaint, runtime.clock.zone)


def reopen(runtime: Runtime, actor: Actor, tracking: str, *, reason: str) -> dict[str, Any]:
    """A closed or withdrawn case back to accepted (a reason is required); its record."""
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.REOPEN)
    with transaction(runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking, levels)
        complaints.reopen(session, complaint, reason=reason, actor=actor, at=runtime.clock.now())
        return complaint_record(complaint, runtime.clock.zone)


def close(
    runtime: Runtime,
    actor: Actor,
    tracking: str,
    *,
    note: str | None = None,
    collected: Channel | None = None,
) -> dict[str, Any]:
    """Close an answered or rejected case; its record. ``collected``: how the complainant
    received the answer, when known (in person counts as a visit in the figures)."""
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.CLOSE)
    with transaction(runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking, levels)
        complaints.close(
            session,
            complaint,
            actor=actor,
            at=runtime.clock.now(),
            note=note,
            collected=collected,
        )
        return complaint_record(complaint, runtime.clock.zone)
