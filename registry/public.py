"""What the public pages read: a case's states with their moments (for ``/track``) and a
letter by the GUID printed on it (for ``/verify/{guid}``).  Reads only."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.kinds import ComplaintState
from registry.models import Complaint, Event, Letter

__all__ = ["complaint_by_code", "letter_by_guid", "state_history"]

# The Events that put a case into a state: its registration and every state change.
_STATE_ACTIONS = ("complaint_registered", "state_changed")


def complaint_by_code(session: Session, code: str) -> Complaint | None:
    """The complaint with this tracking code in its stored form (12 ASCII digits), with
    its complainant; None when there is none."""
    return session.scalars(
        select(Complaint)
        .where(Complaint.tracking_code == code)
        .options(selectinload(Complaint.complainant))
    ).one_or_none()


def state_history(
    session: Session, complaint: Complaint
) -> list[tuple[ComplaintState, dt.datetime]]:
    """Each state the case entered and when, oldest first (registration included)."""
    rows = session.execute(
        select(Event.after, Event.at)
        .where(
            Event.complaint_id == complaint.id,
            Event.action.in_(_STATE_ACTIONS),
            Event.after.is_not(None),
        )
        .order_by(Event.at, Event.id)
    ).all()
    return [(ComplaintState(after), at) for after, at in rows if after is not None]


def letter_by_guid(session: Session, guid: str) -> Letter | None:
    """The letter that carries ``guid`` (any case of hex digits, braces and dashes as a
    UUID is written); None for none or for text that is not a UUID."""
    try:
        value = str(uuid.UUID(guid.strip()))
    except ValueError:
        return None
    return session.scalars(
        select(Letter).where(Letter.guid == value).options(selectinload(Letter.agency))
    ).one_or_none()
