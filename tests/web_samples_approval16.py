"""The role matrix's sample values for the drafts page (approval16): a draft's id, and a
valid submission for each of its POST routes, each on a draft of its own (a complaint
registered, accepted and its referral drafted afresh)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from office import complaints
from office import drafts as office
from office.pipeline import Batch, pending_referrals
from registry.models import Complaint
from tests.web_samples_web13a import new_complaint
from tests.web_support import DeskUnderTest

Submission = tuple[dict[str, str], dict[str, Any], dict[str, Any] | None]
_BATCHES = itertools.count(1)
_KEPT: dict[int, str] = {}


def new_draft(desk: DeskUnderTest) -> tuple[str, str]:
    """A fresh referral draft of a fresh accepted complaint: (draft id, batch code)."""
    runtime = desk.runtime
    tracking = new_complaint(desk)
    complaints.review(runtime, "tester", tracking, complaints.Decision.ACCEPT)
    with runtime.sessions() as session:
        complaint_id = session.scalar(
            select(Complaint.id).where(Complaint.tracking_code == tracking)
        )
    batch = Batch(runtime, "tester")
    pending = [p for p in pending_referrals(batch, None) if p.complaint_id == complaint_id]
    code = f"s{next(_BATCHES)}"
    (draft,) = office.draft_referrals(batch, pending, code)
    return str(draft), code


def kept_draft(desk: DeskUnderTest) -> dict[str, str]:
    """One draft per desk that no sample decides: the GET pages' (the list, its preview)."""
    key = id(desk)
    if key not in _KEPT:
        _KEPT[key] = new_draft(desk)[0]
    return {"draft": _KEPT[key]}


PATH_VALUES: dict[str, Callable[[DeskUnderTest], dict[str, str]]] = {"draft": kept_draft}


def _approve(desk: DeskUnderTest) -> Submission:
    draft, _ = new_draft(desk)
    return {}, {"draft": draft}, None


def _sign(desk: DeskUnderTest) -> Submission:
    # The whole batch at once: the head approves and signs it in one decision.
    _, code = new_draft(desk)
    return {}, {"batch": code}, None


def _reject(desk: DeskUnderTest) -> Submission:
    draft, code = new_draft(desk)
    return {}, {"draft": draft, "batch": code, "reason": "گیرنده نادرست است"}, None


POST_SAMPLES: dict[str, Callable[[DeskUnderTest], Submission]] = {
    "/drafts/approve": _approve,
    "/drafts/sign": _sign,
    "/drafts/reject": _reject,
}
