"""Sample submissions for the replies, deadlines and chasing pages (replies14), for the
role matrix (tests/test_web_roles.py) and the pages' own tests (tests/test_web_replies.py).

A referral here is made straight in the registry (numbered, marked stored and sent, as
tests/replies_support.py does), never rendered: the pages read and change its deadline
and its replies, not its PDF.  Each POST sample makes a fresh one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flows.chase_process import status_path
from office.deadlines import office_calendar
from registry.db import transaction
from registry.jalali import format_jalali
from registry.text import to_persian_digits
from tests.replies_support import QAZVIN, agency, awaiting_complaint, sent
from tests.web_samples_web13a import pdf_bytes
from tests.web_support import DeskUnderTest

Submission = tuple[dict[str, str], dict[str, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Referral:
    """A referral sent to an agency for a case awaiting its reply."""

    tracking: str
    number: str
    letter_id: int
    sent: dt.date


def referral(desk: DeskUnderTest, *, days_ago: int = 0, to: str = QAZVIN) -> Referral:
    """A fresh case awaiting ``to``'s reply to a referral sent ``days_ago`` days before
    the desk's today (its deadline 10 working days)."""
    runtime = desk.runtime
    on = runtime.clock.today() - dt.timedelta(days=days_ago)
    with transaction(runtime.sessions) as session:
        complaint = awaiting_complaint(session, (to,))
        letter = sent(
            session,
            office_calendar(runtime, session),
            on=on,
            complaint=complaint,
            to=agency(session, to),
        )
        return Referral(complaint.tracking_code, letter.number, letter.id, on)


def reply_form(desk: DeskUnderTest, letter: Referral, **changes: Any) -> dict[str, Any]:
    """A valid reply to ``letter``: its number and the date in Persian digits."""
    form: dict[str, Any] = {
        "number": to_persian_digits(letter.number),
        "their_number": "۴۵۶۷/ش",
        "their_date": to_persian_digits(format_jalali(desk.runtime.clock.today())),
        "outcome": "accepted",
        "summary": "دستگاه انجام کار را پذیرفت.",
    }
    form.update(changes)
    return form


def scan_files() -> dict[str, Any]:
    return {"agency_reply": ("reply.pdf", pdf_bytes(), "application/pdf")}


def _reply(desk: DeskUnderTest) -> Submission:
    return {}, reply_form(desk, referral(desk)), scan_files()


def _case_reply(desk: DeskUnderTest) -> Submission:
    letter = referral(desk)
    return {"tracking": letter.tracking}, reply_form(desk, letter), scan_files()


def _deadline(desk: DeskUnderTest) -> Submission:
    letter = referral(desk)
    form = {"letter": str(letter.letter_id), "change": "extend", "days": "۲", "reason": "درخواست"}
    return {"tracking": letter.tracking}, form, None


def chase_running(desk: DeskUnderTest) -> None:
    """Mark a desk-started chase as running in this very process (alive), so that
    «ارسال» answers as it does while one runs, without starting another."""
    path = status_path(desk.runtime.settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "state": "running",
                "actor": "tester",
                "started": dt.datetime.now(dt.UTC).isoformat(),
                "pid": os.getpid(),
                "host": socket.gethostname(),
            }
        ),
        encoding="utf-8",
    )


def _chase(desk: DeskUnderTest) -> Submission:
    # The matrix checks who may press «ارسال», not the chase itself (tests/test_web_replies.py
    # runs one): a run already going answers the same 303 and starts nothing.
    chase_running(desk)
    return {}, {}, None


PATH_VALUES: dict[str, Callable[[DeskUnderTest], dict[str, str]]] = {}

POST_SAMPLES: dict[str, Callable[[DeskUnderTest], Submission]] = {
    "/replies/new": _reply,
    "/complaints/{tracking}/reply": _case_reply,
    "/complaints/{tracking}/deadline": _deadline,
    "/chase": _chase,
}
