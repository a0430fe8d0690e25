"""Agencies' replies: record one (or one that supersedes the first), and the referrals
still waiting for one — as records, CSV rows, and the printable Persian report.

A reply is recorded as ``reply record`` does it: the file is read and checked before
anything is written, then in one transaction the reply is recorded against the letter it
cites and the file stored in the archive under the case, with the PDF derived from a scan
(archive/intake.py ``store_files``), so that the case's dossier shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from office.access import Action, Actor, require, visible_levels
from office.deadlines import office_calendar
from office.incoming import incoming_terms
from office.letters import letter_by_number
from office.runtime import Runtime
from registry import outstanding, replies
from registry.agencies import find_agency
from registry.complaint_queries import visible_tracking_codes
from registry.db import transaction
from registry.errors import InvalidInput
from registry.jalali import format_jalali_or_none as jalali
from registry.kinds import DocumentKind, ReplyOutcome
from registry.outstanding import ChaseStepKind
from registry.records import reply_record

if TYPE_CHECKING:
    from archive.attachments import Attachment

__all__ = [
    "CSV_KEYS",
    "OutstandingReport",
    "outstanding_pdf",
    "outstanding_record",
    "outstanding_replies",
    "record",
]

CSV_KEYS = [
    "number",
    "kind",
    "date",
    "due_date",
    "recipient",
    "tracking_code",
    "state",
    "agency",
    "sent",
    "working_days_late",
    "working_days_waited",
    "last_chaser",
    "last_chaser_kind",
    "last_chaser_date",
    "next_step",
    "next_step_date",
]
CHASER_FA = {"reminder": "پیگیری", "escalation": "تذکر"}


def record(
    runtime: Runtime,
    actor: Actor,
    number: str,
    *,
    file: Path | Attachment,
    their_number: str,
    their_date: dt.date,
    outcome: ReplyOutcome | None = None,
    summary: str | None = None,
    supersede: bool = False,
    enclosures: int | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Record the agency's reply to our letter ``number`` (a referral, or a reminder or
    escalation of it), with its scan or PDF ``file`` (a path, read and checked here, or an
    attachment already checked).

    Nothing is written when the file is refused (AttachmentRefused, exit 2) or the reply is
    (registry.replies.record_reply: ``reply_exists`` without ``supersede``, a letter not
    sent, a date in the future…).  The file is stored under the case, a scan with its
    derived PDF.  The reply is registered in the incoming register in the same transaction
    (its ``incoming_number``, with ``enclosures`` if counted): a refused reply takes no
    number, a superseding one its own.  The reply's record, with the agency, the case's
    tracking code and state afterwards, and ``superseded`` (whether it replaced a reply).

    ``reason``: why a superseding reply replaces the earlier one, recorded on its event.
    None leaves it unsaid (the command line); given with ``supersede``, it must not be
    blank (``field_required``, the desk asks for one).
    """
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.RECORD_REPLY)
    if supersede and reason is not None and not reason.strip():
        raise InvalidInput("field_required", field="reason")
    from archive.intake import as_new_documents, read_files, store_files

    scan = file.expanduser() if isinstance(file, Path) else file
    files = read_files(
        [(DocumentKind.AGENCY_REPLY, scan)],
        runtime.settings.attachment_max_bytes,
        runtime.settings.max_image_pixels,
    )
    now, today = runtime.clock.now(), runtime.clock.today()
    with transaction(runtime.sessions) as session:
        letter = letter_by_number(runtime, session, number, levels)
        reply = replies.record_reply(
            session,
            letter,
            their_number=their_number,
            their_date=their_date,
            document=as_new_documents(files)[0],
            at=now,
            actor=actor,
            today=today,
            outcome=outcome,
            summary=summary,
            supersede=supersede,
            register=incoming_terms(runtime, today),
            enclosures=enclosures,
            note=((reason or "").strip() or None) if supersede else None,
        )
        complaint = reply.letter.complaint
        assert complaint is not None  # record_reply refuses a letter without a case
        store_files(session, runtime.store, complaint, files, actor=actor, at=now)
        base = reply_record(reply, {reply.letter_id: reply.letter.number, letter.id: letter.number})
        return {
            "number": base["number"],
            "cited": base["cited"],
            "agency": reply.letter.agency.name if reply.letter.agency else None,
            **base,
            "tracking_code": complaint.tracking_code,
            "complaint_state": complaint.state.value,
            "superseded": supersede,
        }


def outstanding_record(row: outstanding.OutstandingRow) -> dict[str, Any]:
    """One outstanding referral under the ``--json`` contract."""
    chaser, step = row.last_chaser, row.next_step
    return {
        "number": row.number,
        "kind": "referral",
        "date": jalali(row.date),
        "due_date": jalali(row.due_date),
        "recipient": row.recipient,
        "tracking_code": row.tracking_code,
        "state": "sent",
        "agency": row.agency,
        "sent": jalali(row.sent),
        "working_days_late": row.working_days_late,
        "working_days_waited": row.working_days_waited,
        "last_chaser": None
        if chaser is None
        else {"number": chaser.number, "kind": chaser.kind.value, "date": jalali(chaser.date)},
        "next_step": None if step is None else step.kind.value,
        "next_step_date": None if step is None else jalali(step.date),
    }


@dataclass(frozen=True)
class OutstandingReport:
    """The referrals still waiting for a reply on ``today`` (most working days late
    first) and the totals by agency; ``agency``, ``overdue`` and ``county`` say what
    was asked."""

    today: dt.date
    letters: list[dict[str, Any]]
    totals: list[dict[str, Any]]
    agency: str | None = None
    overdue: bool = False
    county: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` document: today, the letters, the totals."""
        return {"today": jalali(self.today), "letters": self.letters, "totals": self.totals}

    def csv_rows(self) -> list[list[Any]]:
        """A header of ``CSV_KEYS`` and one flat row per letter (ASCII digits, Jalali
        dates as in JSON, "" for none): for spreadsheets."""
        rows: list[list[Any]] = [list(CSV_KEYS)]
        for rec in self.letters:
            chaser = rec["last_chaser"] or {}
            flat = {
                **rec,
                "last_chaser": chaser.get("number"),
                "last_chaser_kind": chaser.get("kind"),
                "last_chaser_date": chaser.get("date"),
            }
            rows.append(["" if flat[key] is None else flat[key] for key in CSV_KEYS])
        return rows

    def in_words(self) -> list[dict[str, Any]]:
        """The letters with the last chaser and the next step in Persian words, for
        people (``last_chaser_fa``, ``next_step_fa``; None where there is none)."""
        worded = []
        for rec in self.letters:
            chaser, step = rec["last_chaser"], rec["next_step"]
            worded.append(
                {
                    **rec,
                    "last_chaser_fa": None
                    if chaser is None
                    else f"{CHASER_FA[chaser['kind']]} {chaser['number']} ({chaser['date']})",
                    "next_step_fa": None
                    if step is None
                    else f"{ChaseStepKind(step).label_fa} {rec['next_step_date']}",
                }
            )
        return worded


def outstanding_replies(
    runtime: Runtime,
    actor: Actor,
    *,
    overdue: bool = False,
    agency: str | None = None,
    county: str | None = None,
) -> OutstandingReport:
    """The referrals still waiting for a reply today (only those past due with
    ``overdue``; only agency ``agency``'s, NotFound if there is none by that name; only
    those to agencies of ``county``); none of a case ``actor`` may not see, nor in the
    totals."""
    settings = runtime.settings
    today = runtime.clock.today()
    with runtime.sessions() as session:
        only = find_agency(session, agency) if agency else None
        rows = outstanding.outstanding_replies(
            session,
            today=today,
            calendar=office_calendar(runtime, session),
            zone=runtime.clock.zone,
            first_after=settings.chase_first_after,
            second_after=settings.chase_second_gap,
            escalate_after=settings.chase_escalate_gap,
            overdue_only=overdue,
            agency=only,
            county=county or None,
        )
        codes = {row.tracking_code for row in rows if row.tracking_code is not None}
        seen = visible_tracking_codes(session, codes, visible_levels(actor, runtime.settings))
        rows = [row for row in rows if row.tracking_code is None or row.tracking_code in seen]
        name = only.name if only else None
    return OutstandingReport(
        today=today,
        letters=[outstanding_record(row) for row in rows],
        totals=[vars(total) for total in outstanding.agency_totals(rows, today)],
        agency=name,
        overdue=overdue,
        county=county or None,
    )


def outstanding_pdf(runtime: Runtime, report: OutstandingReport) -> bytes:
    """The printable Persian report of ``report``, under the office's heading."""
    from generators.outstanding_report import render_outstanding_report

    office = runtime.settings.office
    data = {
        "office": {
            "ministry": office.ministry,
            "governorate": office.governorate,
            "office": office.name,
        },
        "today": jalali(report.today),
        "agency": report.agency,
        "overdue": report.overdue,
        "county": report.county,
        "letters": [
            {
                **rec,
                "last_chaser": rec["last_chaser_fa"] or "—",
                "next_step": rec["next_step_fa"] or "—",
                "due_date": rec["due_date"] or "—",
            }
            for rec in report.in_words()
        ],
        "totals": report.totals,
    }
    return render_outstanding_report(data)
