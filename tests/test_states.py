"""The state machine: every transition of DESIGN's table, and a refusal from each state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from registry.errors import Refused
from registry.kinds import ComplaintState as S
from registry.models import Event
from registry.states import OPEN_STATES, TRANSITIONS, allowed_targets, transition
from tests.factories import AT, registered, seed_agencies

TABLE = {
    S.REGISTERED: {S.ACCEPTED, S.INCOMPLETE, S.REJECTED, S.WITHDRAWN},
    S.INCOMPLETE: {S.REGISTERED, S.WITHDRAWN},
    S.ACCEPTED: {S.AWAITING_REPLY, S.WITHDRAWN},
    S.AWAITING_REPLY: {S.REPLIED, S.UNDER_INSPECTION, S.WITHDRAWN},
    S.REPLIED: {S.UNDER_INSPECTION, S.ANSWERED, S.WITHDRAWN},
    S.UNDER_INSPECTION: {S.REPORT_READY, S.WITHDRAWN},
    S.REPORT_READY: {S.ANSWERED, S.WITHDRAWN},
    S.ANSWERED: {S.CLOSED, S.WITHDRAWN},
    S.REJECTED: {S.CLOSED, S.WITHDRAWN},
    S.CLOSED: {S.ACCEPTED},
    S.WITHDRAWN: {S.ACCEPTED},
}


def test_table_is_designs_table() -> None:
    assert {state: set(allowed_targets(state)) for state in S} == TABLE
    assert set(TRANSITIONS) == {(a, b) for a, targets in TABLE.items() for b in targets}
    assert S.CLOSED not in OPEN_STATES and S.WITHDRAWN not in OPEN_STATES


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        seed_agencies(session)
        session.commit()
        yield session


@pytest.mark.parametrize(("source", "target"), sorted(TRANSITIONS, key=str))
def test_each_transition_moves_and_writes_an_event(session: Session, source: S, target: S) -> None:
    complaint = registered(session)
    complaint.state = source
    event = transition(session, complaint, target, actor="بازرس", at=AT, note="n")
    session.flush()
    assert complaint.state is target
    stored = session.scalars(select(Event).where(Event.id == event.id)).one()
    assert (stored.before, stored.after, stored.actor, stored.note) == (
        source.value,
        target.value,
        "بازرس",
        "n",
    )


@pytest.mark.parametrize("source", list(S))
def test_a_move_outside_the_table_is_refused_and_changes_nothing(
    session: Session, source: S
) -> None:
    complaint = registered(session)
    complaint.state = source
    session.flush()
    before = session.scalars(select(Event)).all()
    forbidden = [t for t in S if t not in TABLE[source] and t is not source]
    for target in forbidden:
        with pytest.raises(Refused) as refused:
            transition(session, complaint, target, actor="x", at=AT)
        assert refused.value.code == "illegal_transition"
        assert refused.value.kind.exit_code == 4
        assert complaint.state is source
    assert forbidden  # every state has at least one move it may not make
    assert session.scalars(select(Event)).all() == before
