"""The complaint state machine: DESIGN's table, and the one function that moves a complaint."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from registry.errors import Refused
from registry.events import record_event
from registry.kinds import ComplaintState as S
from registry.models import Complaint, Event

# (from, to) -> the command that makes the move; nothing else is allowed.
TRANSITIONS: dict[tuple[S, S], str] = {
    (S.REGISTERED, S.ACCEPTED): "complaint review",
    (S.REGISTERED, S.INCOMPLETE): "complaint review",
    (S.REGISTERED, S.REJECTED): "complaint review",
    (S.INCOMPLETE, S.REGISTERED): "complaint attach",
    (S.ACCEPTED, S.AWAITING_REPLY): "letter dispatch",
    (S.AWAITING_REPLY, S.REPLIED): "reply record",
    (S.AWAITING_REPLY, S.UNDER_INSPECTION): "inspect",
    (S.REPLIED, S.UNDER_INSPECTION): "inspect",
    (S.UNDER_INSPECTION, S.REPORT_READY): "report",
    (S.REPLIED, S.ANSWERED): "answer",
    (S.REPORT_READY, S.ANSWERED): "answer",
    (S.ANSWERED, S.CLOSED): "complaint close",
    (S.REJECTED, S.CLOSED): "complaint close",
    (S.CLOSED, S.ACCEPTED): "complaint reopen",
    (S.WITHDRAWN, S.ACCEPTED): "complaint reopen",
}
FINAL_STATES = frozenset({S.CLOSED, S.WITHDRAWN})
# Reaching one of these for the first time is when a case was served (its ``served_at``).
SERVED_STATES = frozenset({S.ANSWERED, S.CLOSED})
OPEN_STATES = frozenset(S) - FINAL_STATES
for _open in OPEN_STATES:
    TRANSITIONS[(_open, S.WITHDRAWN)] = "complaint withdraw"


def allowed_targets(current: S) -> list[S]:
    """The states a complaint in ``current`` may move to, in the table's order."""
    return [target for (source, target) in TRANSITIONS if source is current]


def illegal_transition(complaint: Complaint, target: S) -> Refused:
    """The refusal (``illegal_transition``, exit 4) to move ``complaint`` from its state to
    ``target``."""
    return Refused(
        "illegal_transition",
        tracking_code=complaint.tracking_code,
        from_state=complaint.state.value,
        to_state=target.value,
    )


def ensure_transition(complaint: Complaint, target: S) -> None:
    """Refused (``illegal_transition``) unless the table lets ``complaint`` move to
    ``target`` now; nothing is written."""
    if (complaint.state, target) not in TRANSITIONS:
        raise illegal_transition(complaint, target)


def transition(
    session: Session,
    complaint: Complaint,
    target: S,
    *,
    actor: str,
    at: dt.datetime,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Move ``complaint`` to ``target`` if the table allows it, writing the Event; else Refused."""
    current = complaint.state
    ensure_transition(complaint, target)
    complaint.state = target
    if target in SERVED_STATES and complaint.served_at is None:
        # The first answer (or closing, for a case never answered) serves the complainant;
        # a reopened case answered again keeps its first date (docs/stats.md).
        complaint.served_at = at
    return record_event(
        session,
        at=at,
        actor=actor,
        action="state_changed",
        complaint=complaint,
        before=current.value,
        after=target.value,
        note=note,
        data=data,
    )
