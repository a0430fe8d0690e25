"""The audit trail: every change writes an Event, and nothing edits or deletes one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from registry.kinds import Channel, ComplaintState
from registry.models import Complaint, Event, Letter

IN_PERSON = Channel.IN_PERSON.value


def is_visit_in_person(action: str, after: str | None, data: dict[str, Any] | None) -> bool:
    """Whether an event is a visit in person after registration (docs/stats.md): documents
    brought in person (an attach recorded before channels were: at the desk), or the
    answer collected in person when the case was closed. Migration 0018 counts the
    events already recorded with the same rule in SQL."""
    channel = (data or {}).get("channel")
    if action == "documents_attached":
        return channel in (None, IN_PERSON)
    return (
        action == "state_changed"
        and after == ComplaintState.CLOSED.value
        and (channel == IN_PERSON)
    )


def record_event(
    session: Session,
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    complaint: Complaint | None = None,
    letter: Letter | None = None,
    before: str | None = None,
    after: str | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one Event in the caller's transaction (it commits or rolls back with the change);
    a visit in person also counts in its complaint's ``in_person_events``."""
    event = Event(
        at=at,
        actor=actor,
        action=action,
        complaint_id=complaint.id if complaint is not None else None,
        letter_id=letter.id if letter is not None else None,
        before=before,
        after=after,
        note=note,
        data=data,
    )
    session.add(event)
    if complaint is not None and is_visit_in_person(action, after, data):
        # One UPDATE adding 1 in the database: two visits recorded at once both count, and
        # the figures read the count instead of the case's events (registry/figures.py).
        session.execute(
            update(Complaint)
            .where(Complaint.id == complaint.id)
            .values(in_person_events=Complaint.in_person_events + 1)
            .execution_options(synchronize_session=False)
        )
        session.expire(complaint, ["in_person_events"])
    return event
