"""Sample submissions for the dispatch book's forms on the case page (dispatchrec16), for
the role matrix (tests/test_web_roles.py) and the pages' own tests.

Each sample is a fresh accepted case with its referral numbered and sent today (through
the register and ``mark_sent``, without rendering: the dispatch book needs a sent letter,
not its PDF); the ``received`` sample's letter has its leaving recorded already.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from office import complaints as office
from office import dispatch_book
from registry import complaint_queries
from registry.db import transaction
from registry.holidays import working_calendar
from registry.kinds import DispatchMethod
from registry.models import Letter
from tests.replies_support import sent
from tests.web_samples_web13a import new_complaint
from tests.web_support import DeskUnderTest

Submission = tuple[dict[str, str], dict[str, Any], dict[str, Any] | None]


def sent_referral(desk: DeskUnderTest) -> dict[str, str]:
    """A fresh accepted case whose referral went out today: its tracking code and the
    letter's id and number."""
    runtime = desk.runtime
    tracking = new_complaint(desk)
    office.review(runtime, "tester", tracking, office.Decision.ACCEPT)
    with transaction(runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking)
        calendar = working_calendar(session, runtime.settings.weekend_python_days)
        agency = complaint.agencies[0].agency
        letter: Letter = sent(
            session, calendar, on=runtime.clock.today(), complaint=complaint, to=agency
        )
        return {"tracking": tracking, "letter": str(letter.id), "number": letter.number}


def _left(desk: DeskUnderTest) -> Submission:
    case = sent_referral(desk)
    form = {"method": "post", "on": "", "tracking": "۱۲۳۴۵۶۷۸۹۰"}
    return {"tracking": case["tracking"], "letter": case["letter"]}, form, None


def _received(desk: DeskUnderTest) -> Submission:
    case = sent_referral(desk)
    dispatch_book.record_left(desk.runtime, "tester", case["number"], method=DispatchMethod.HAND)
    form = {"on": "", "received_by": "دبیرخانه شهرداری"}
    return {"tracking": case["tracking"], "letter": case["letter"]}, form, None


POST_SAMPLES: dict[str, Callable[[DeskUnderTest], Submission]] = {
    "/complaints/{tracking}/letters/{letter}/left": _left,
    "/complaints/{tracking}/letters/{letter}/received": _received,
}
