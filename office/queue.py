"""The work queue (کارتابل): what waits for a member of staff, by the roles they hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from office.access import Action, Actor, may, require, visible_levels
from office.runtime import Runtime
from registry import complaint_queries
from registry.kinds import ComplaintState, Role
from registry.records import complaint_record

__all__ = ["QueueSection", "work_queue"]

# The shelf size of one section: the complaint list pages through the rest.
SHOWN = 20
OVERDUE_REPLIES = "overdue_replies"


@dataclass(frozen=True)
class QueueSection:
    """One shelf of the queue: complaints in ``state`` that ``action`` moves on."""

    key: str
    title: str
    state: ComplaintState
    action: Action
    total: int
    complaints: list[dict[str, Any]]
    # Where the whole of the shelf is listed; "" for the complaint list in ``state``.
    more: str = ""


# Which shelves exist, in the order a working day takes them.
_SHELVES: tuple[tuple[str, str, ComplaintState, Action], ...] = (
    ("to_review", "شکایت‌های در انتظار بررسی", ComplaintState.REGISTERED, Action.REVIEW),
    ("to_dispatch", "پذیرفته‌شده، در انتظار نامه ارجاع", ComplaintState.ACCEPTED, Action.DISPATCH),
    ("incomplete", "ناقص، در انتظار مدارک شاکی", ComplaintState.INCOMPLETE, Action.ATTACH),
    # Not a state of its own: cases awaiting a reply with a referral past its due date.
    (
        OVERDUE_REPLIES,
        "پاسخ دستگاه دیر کرده؛ برای پیگیری",
        ComplaintState.AWAITING_REPLY,
        Action.TRACK_REPLIES,
    ),
    ("replied", "همه پاسخ‌ها رسیده؛ آماده پاسخ یا بازرسی", ComplaintState.REPLIED, Action.INSPECT),
    (
        "report_ready",
        "گزارش بازرسی آماده؛ در انتظار پاسخ نهایی",
        ComplaintState.REPORT_READY,
        Action.ANSWER,
    ),
    ("answered", "پاسخ داده‌شده؛ برای بایگانی", ComplaintState.ANSWERED, Action.DOSSIER),
)


def work_queue(runtime: Runtime, actor: Actor) -> list[QueueSection]:
    """The shelves this member of staff's roles act on, each with its count and its newest
    complaints, of those they may see (``visible_levels``).  An archivist sees answered
    cases; an admin, who handles no cases, none."""
    require(actor, Action.READ_CASES)
    shelves = [shelf for shelf in _SHELVES if may(actor, shelf[3])]
    if not isinstance(actor, str) and actor.roles == {Role.ADMIN}:
        shelves = []
    zone = runtime.clock.zone
    states = [shelf[2] for shelf in shelves if shelf[0] != OVERDUE_REPLIES]
    levels = visible_levels(actor, runtime.settings)
    sections = []
    with runtime.sessions() as session:
        counts = complaint_queries.count_by_state(session, states, levels)
        newest = complaint_queries.newest_by_state(session, states, SHOWN, levels)
        for key, title, state, action in shelves:
            more = ""
            if key == OVERDUE_REPLIES:
                late = complaint_queries.ComplaintFilter(
                    overdue_on=runtime.clock.today(), levels=levels
                )
                total = complaint_queries.count_complaints(session, late)
                rows = complaint_queries.filtered_complaints(session, late, offset=0, limit=SHOWN)
                more = "/replies/outstanding?overdue=1"
            else:
                total, rows = counts[state], newest[state]
            sections.append(
                QueueSection(
                    key=key,
                    title=title,
                    state=state,
                    action=action,
                    total=total,
                    complaints=[complaint_record(c, zone) for c in rows],
                    more=more,
                )
            )
    return sections
