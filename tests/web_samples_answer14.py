"""Cases at each step of inspection and the final answer (answer14), for the role matrix
(tests/test_web_roles.py) and the pages' own tests (tests/test_web_answer14.py).

Each case starts as a referral sent straight in the registry (tests/web_samples_replies14.py)
and moves on through ``office`` as the desk moves it: the agency's reply recorded, an
inspection assigned with findings, an answer drafted.  Each POST sample makes a fresh one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archive.attachments import check_upload
from office import answer_desk, inspection, replies
from office.setup import install_trial_key_if_missing
from registry.kinds import ReplyOutcome
from tests.web_samples_replies14 import referral
from tests.web_samples_web13a import pdf_bytes
from tests.web_support import DeskUnderTest

Submission = tuple[dict[str, str], dict[str, Any], dict[str, Any] | None]

FINDINGS = "بازدید از محل انجام شد؛ معابر آسفالت نشده است.\n\nنتیجه: شکایت وارد است."
DECISION = (
    "پس از بررسی پاسخ شهرداری، شکایت شما وارد دانسته شد و آسفالت معابر تا پایان ماه انجام می‌شود."
)


def replied_case(desk: DeskUnderTest) -> str:
    """A fresh case whose agency replied (state replied), its tracking code."""
    runtime = desk.runtime
    letter = referral(desk, days_ago=2)
    scan = check_upload(pdf_bytes(), "reply.pdf", runtime.settings.attachment_max_bytes)
    replies.record(
        runtime,
        "tester",
        letter.number,
        file=scan,
        their_number="۴۵۶۷/ش",
        their_date=runtime.clock.today(),
        outcome=ReplyOutcome.ACCEPTED,
        summary="شهرداری آسفالت معابر را در برنامه گذاشت.",
    )
    return letter.tracking


def under_inspection(desk: DeskUnderTest) -> str:
    """A fresh case under inspection with findings that end in a conclusion."""
    tracking = referral(desk, days_ago=2).tracking
    inspection.inspect(
        desk.runtime,
        "tester",
        tracking,
        inspector="رضا محمدی",
        inspection_date=None,
        agency_name=None,
        findings=FINDINGS,
    )
    return tracking


def drafted(desk: DeskUnderTest) -> tuple[str, int]:
    """A fresh replied case with its answer drafted: its tracking code and the draft's id."""
    tracking = replied_case(desk)
    draft = answer_desk.draft_answer(desk.runtime, "tester", tracking, decision=DECISION)
    return tracking, draft.id


def _inspect(desk: DeskUnderTest) -> Submission:
    tracking = referral(desk, days_ago=2).tracking
    form = {"inspector": "رضا محمدی", "inspector_honorific": "mr", "findings": FINDINGS}
    return {"tracking": tracking}, form, None


def _report(desk: DeskUnderTest) -> Submission:
    return {"tracking": under_inspection(desk)}, {"conclusion": ""}, None


def _draft(desk: DeskUnderTest) -> Submission:
    return {"tracking": replied_case(desk)}, {"decision": DECISION}, None


def _sign(desk: DeskUnderTest) -> Submission:
    install_trial_key_if_missing(desk.runtime)  # unencrypted: nothing to type
    tracking, draft = drafted(desk)
    return {"tracking": tracking}, {"draft": str(draft), "passphrase": ""}, None


PATH_VALUES: dict[str, Callable[[DeskUnderTest], dict[str, str]]] = {}

POST_SAMPLES: dict[str, Callable[[DeskUnderTest], Submission]] = {
    "/complaints/{tracking}/inspect": _inspect,
    "/complaints/{tracking}/report": _report,
    "/complaints/{tracking}/answer": _draft,
    "/complaints/{tracking}/answer/sign": _sign,
}
