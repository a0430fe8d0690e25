"""Reading complaints: one by its tracking code, the list's pages and counts, and the work
queue's shelves, each within the reader's clearance (a complaint classified above it is
not found, exactly as an unknown one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select, union_all
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from registry.errors import NotFound
from registry.kinds import Classification, ComplaintState, LetterKind, LetterState
from registry.models import Complaint, ComplaintAgency, Letter
from registry.tracking import parse_tracking_code


def visible_condition(levels: Collection[Classification] | None) -> ColumnElement[bool] | None:
    """The condition that keeps only complaints classified at one of ``levels`` (the
    acting user's, ``office.access.visible_levels``); None (no condition) when ``levels``
    is None or holds every level, so that a fully cleared reader's queries stay as they
    were."""
    if levels is None or set(levels) >= set(Classification):
        return None
    return Complaint.classification.in_(sorted(level.value for level in levels))


def visible_tracking_codes(
    session: Session, codes: Collection[str], levels: Collection[Classification] | None
) -> set[str]:
    """Those of ``codes`` whose complaints are classified at one of ``levels`` (all of them
    when nothing is hidden), read by the tracking code's unique index a chunk at a time."""
    if visible_condition(levels) is None:
        return set(codes)
    wanted, found = sorted(set(codes)), set()
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        found |= set(
            session.scalars(
                _visible(select(Complaint.tracking_code), levels).where(
                    Complaint.tracking_code.in_(chunk)
                )
            )
        )
    return found


def _visible(query: Select[Any], levels: Collection[Classification] | None) -> Select[Any]:
    condition = visible_condition(levels)
    return query if condition is None else query.where(condition)


def get_complaint(
    session: Session, tracking: str, levels: Collection[Classification] | None = None
) -> Complaint:
    """The complaint with this tracking code (typed in any digits, with or without dashes);
    with ``levels``, one classified at another level is not found either, exactly as an
    unknown code (its existence is not disclosed)."""
    code = parse_tracking_code(tracking)
    complaint: Complaint | None = session.scalars(
        _visible(select(Complaint), levels)
        .where(Complaint.tracking_code == code)
        .options(
            selectinload(Complaint.agencies).selectinload(ComplaintAgency.agency),
            selectinload(Complaint.documents),
            selectinload(Complaint.complainant),
        )
    ).one_or_none()
    if complaint is None:
        raise NotFound("complaint_not_found", tracking_code=tracking)
    return complaint


# Complaints loaded for a list's rows (the list, the work queue, ``complaint list``): with
# their complainants (joined) and their agencies (one more statement, joined to the
# links); the long texts no row shows stay in the database unless asked for.
_AS_ROWS = (
    defer(Complaint.text),
    defer(Complaint.text_norm),
    defer(Complaint.summary),
    defer(Complaint.decision),
    selectinload(Complaint.agencies).joinedload(ComplaintAgency.agency),
    joinedload(Complaint.complainant),
)


def list_complaints(
    session: Session, state: ComplaintState | None = None, limit: int | None = None
) -> list[Complaint]:
    """Complaints, newest first, optionally in one state."""
    query = select(Complaint).options(*_AS_ROWS)
    if state is not None:
        query = query.where(Complaint.state == state)
    query = query.order_by(Complaint.registered_at.desc(), Complaint.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def newest_by_state(
    session: Session,
    states: Sequence[ComplaintState],
    limit: int,
    levels: Collection[Classification] | None = None,
) -> dict[ComplaintState, list[Complaint]]:
    """The ``limit`` newest complaints of each of ``states`` (the work queue's shelves)
    classified at one of ``levels`` (None: any), read in two statements however many
    states: one walk of the state index per state, joined in one query, then the
    complaints themselves."""
    if not states:
        return {}
    newest = union_all(
        *(
            _visible(select(Complaint.id), levels)
            .where(Complaint.state == state)
            .order_by(Complaint.registered_at.desc(), Complaint.id.desc())
            .limit(limit)
            .subquery()
            .select()
            for state in states
        )
    ).subquery()
    rows = session.scalars(
        select(Complaint)
        .where(Complaint.id.in_(select(newest.c.id)))
        .options(*_AS_ROWS)
        .order_by(Complaint.registered_at.desc(), Complaint.id.desc())
    )
    shelves: dict[ComplaintState, list[Complaint]] = {state: [] for state in states}
    for complaint in rows:
        shelves[complaint.state].append(complaint)
    return shelves


def count_by_state(
    session: Session,
    states: Sequence[ComplaintState],
    levels: Collection[Classification] | None = None,
) -> dict[ComplaintState, int]:
    """How many complaints classified at one of ``levels`` (None: any) are in each of
    ``states`` (without a level condition, read from the state index alone)."""
    query = select(Complaint.state, func.count()).where(Complaint.state.in_(list(states)))
    visible = visible_condition(levels)
    if visible is not None:
        query = query.where(visible)
    counted = session.execute(query.group_by(Complaint.state))
    return dict.fromkeys(states, 0) | dict(counted.all())


@dataclass(frozen=True)
class ComplaintFilter:
    """What the complaint list is narrowed to; None: no condition.  ``since`` and
    ``until`` are instants (the office's day boundaries), ``until`` exclusive; ``overdue``:
    only complaints with a referral sent, unanswered and past its due date on ``today``."""

    state: ComplaintState | None = None
    agency_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    overdue_on: dt.date | None = None
    # The classifications the reader may see (None: every one).
    levels: frozenset[Classification] | None = None


def filter_query(query: Select[Any], wanted: ComplaintFilter) -> Select[Any]:
    """``query`` over complaints narrowed to what ``wanted`` admits."""
    query = _visible(query, wanted.levels)
    if wanted.state is not None:
        query = query.where(Complaint.state == wanted.state)
    if wanted.since is not None:
        query = query.where(Complaint.registered_at >= wanted.since)
    if wanted.until is not None:
        query = query.where(Complaint.registered_at < wanted.until)
    if wanted.agency_id is not None:
        # The primary key (complaint_id, agency_id) answers this per complaint.
        query = query.where(
            select(ComplaintAgency.complaint_id)
            .where(
                ComplaintAgency.complaint_id == Complaint.id,
                ComplaintAgency.agency_id == wanted.agency_id,
            )
            .exists()
        )
    if wanted.overdue_on is not None:
        # The open referrals are the partial index ix_letter_awaiting_reply; its predicate's
        # constants go into the SQL text, so that a prepared (generic) plan can use it
        # (registry/outstanding.py says why).
        late = select(Letter.complaint_id).where(
            Letter.kind == literal(LetterKind.REFERRAL, Letter.kind.type, literal_execute=True),
            Letter.state == literal(LetterState.SENT, Letter.state.type, literal_execute=True),
            Letter.replied_at.is_(None),
            Letter.due_date < wanted.overdue_on,
        )
        query = query.where(Complaint.id.in_(late))
    return query


def count_complaints(session: Session, wanted: ComplaintFilter) -> int:
    """How many complaints ``wanted`` admits."""
    return int(session.scalar(filter_query(select(func.count(Complaint.id)), wanted)) or 0)


def filtered_complaints(
    session: Session, wanted: ComplaintFilter, *, offset: int, limit: int | None
) -> list[Complaint]:
    """One page of the complaints ``wanted`` admits (all from ``offset`` when ``limit``
    is None), newest first (ties by id), loaded as list rows (``_AS_ROWS``)."""
    query = (
        filter_query(select(Complaint), wanted)
        .options(*_AS_ROWS)
        .order_by(Complaint.registered_at.desc(), Complaint.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(query))
