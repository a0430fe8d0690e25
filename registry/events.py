"""The audit trail: every change writes an Event, and nothing edits or deletes one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from registry.models import Complaint, Event, Letter


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
    """Append one Event in the caller's transaction (it commits or rolls back with the change)."""
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
    return event
