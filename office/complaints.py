"""A complaint's own use cases: register (with its receipt), show, list, review, attach,
withdraw, reopen, close.

Each function runs its own short transaction(s) and returns plain records
(``registry.records.complaint_record``) or small frozen dataclasses.  The letters, the
archive and the generators are imported inside the functions that need them, so that a
read (``complaint list``) loads none of them.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from office.runtime import Runtime
from registry import complaints
from registry.db import transaction
from registry.kinds import ComplaintState, DocumentKind
from registry.records import complaint_record

if TYPE_CHECKING:
    from archive.intake import FileSpec
    from office.casework import Reviewed

__all__ = [
    "Decision",
    "Registered",
    "attach",
    "close",
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
    actor: str,
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
    from archive.intake import file_complaint, read_files

    if receipt:
        from office.pipeline import Batch, ensure_ready
        from registry.kinds import LetterKind

        ensure_ready(Batch(runtime, actor), [LetterKind.RECEIPT])
    settings = runtime.settings
    files = read_files(attachments, settings.attachment_max_bytes)
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
    if not receipt:
        return Registered(record, window)
    from office.casework import issue_receipt
    from office.pipeline import Batch

    number, pdf = issue_receipt(Batch(runtime, actor), record["tracking_code"])
    return Registered(record, window, number, pdf)


def show(runtime: Runtime, tracking: str) -> dict[str, Any]:
    """One complaint in full: its record with text, complainant's detail and documents."""
    with runtime.sessions() as session:
        complaint = complaints.get_complaint(session, tracking)
        return complaint_record(complaint, runtime.clock.zone, detail=True)


def list_complaints(
    runtime: Runtime, state: ComplaintState | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Complaints' records, newest first; only those in ``state`` when given."""
    with runtime.sessions() as session:
        zone = runtime.clock.zone
        return [
            complaint_record(c, zone) for c in complaints.list_complaints(session, state, limit)
        ]


class Decision(enum.StrEnum):
    """What the initial review decides."""

    ACCEPT = "accept"
    REJECT = "reject"
    INCOMPLETE = "incomplete"


def review(
    runtime: Runtime,
    actor: str,
    tracking: str,
    decision: Decision,
    *,
    reason: str | None = None,
    missing: Sequence[DocumentKind] = (),
    note: str | None = None,
    summary: str | None = None,
    forward: Sequence[int] = (),
    refer_to: str | None = None,
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
    """
    from office import casework
    from office.pipeline import Batch, ensure_ready
    from registry.kinds import LetterKind

    batch = Batch(runtime, actor)
    if decision is Decision.ACCEPT:
        return casework.accept(batch, tracking, note=note, summary=summary, forward=forward)
    if decision is Decision.REJECT:
        ensure_ready(batch, [LetterKind.REJECTION])
        return casework.reject(batch, tracking, reason=reason or "", refer_to=refer_to)
    ensure_ready(batch, [LetterKind.MISSING_DOCUMENTS])
    return casework.ask_for_documents(batch, tracking, missing=missing, note=note)


def attach(
    runtime: Runtime, actor: str, tracking: str, attachments: Sequence[FileSpec]
) -> dict[str, Any]:
    """Add checked files to a case (an incomplete one returns to review); its record."""
    from archive.intake import attach_files, read_files

    files = read_files(attachments, runtime.settings.attachment_max_bytes)
    with transaction(runtime.sessions) as session:
        complaint = complaints.get_complaint(session, tracking)
        attach_files(session, runtime.store, complaint, files, actor=actor, at=runtime.clock.now())
        return complaint_record(complaint, runtime.clock.zone)


def withdraw(runtime: Runtime, actor: str, tracking: str, *, reason: str) -> dict[str, Any]:
    """The complainant withdraws an open case (a reason is required); its record."""
    with transaction(runtime.sessions) as session:
        complaint = complaints.get_complaint(session, tracking)
        complaints.withdraw(session, complaint, reason=reason, actor=actor, at=runtime.clock.now())
        return complaint_record(complaint, runtime.clock.zone)


def reopen(runtime: Runtime, actor: str, tracking: str, *, reason: str) -> dict[str, Any]:
    """A closed or withdrawn case back to accepted (a reason is required); its record."""
    with transaction(runtime.sessions) as session:
        complaint = complaints.get_complaint(session, tracking)
        complaints.reopen(session, complaint, reason=reason, actor=actor, at=runtime.clock.now())
        return complaint_record(complaint, runtime.clock.zone)


def close(
    runtime: Runtime, actor: str, tracking: str, *, note: str | None = None
) -> dict[str, Any]:
    """Close an answered or rejected case; its record."""
    with transaction(runtime.sessions) as session:
        complaint = complaints.get_complaint(session, tracking)
        complaints.close(session, complaint, actor=actor, at=runtime.clock.now(), note=note)
        return complaint_record(complaint, runtime.clock.zone)
