"""Forty simulated working days over twenty referrals with the default ladder.

Each working day the clock moves, the chase runs (twice: it must be idempotent) and some
agencies reply.  Every step, first reminder, second reminder, escalation, must happen
exactly once, on its working day; a reply stops the ladder; the outstanding report must
say, each day, exactly which referrals are still waiting and how late they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from generators.batch import RenderPool
from office import chasing, pipeline
from office.runtime import Runtime
from registry import complaints
from registry.calendar import WorkingCalendar
from registry.clock import Clock
from registry.db import transaction
from registry.holidays import working_calendar
from registry.jalali import from_jalali
from registry.kinds import DocumentKind, LetterKind, LetterState, ReplyOutcome
from registry.models import Letter
from registry.outstanding import outstanding_replies
from registry.replies import record_reply
from registry.settings import Settings
from tests.factories import complainant_input, complaint_input, national_id, seed_agencies

pytestmark = pytest.mark.slow

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
START = from_jalali(1405, 9, 1)  # a Saturday; Aban is past, no holiday until Dey
AGENCIES = ["شهرداری قزوین", "شهرداری آبیک", "شهرداری تاکستان", "فرمانداری البرز"]
# Which referrals get a reply, on which working day after sending: before the due date,
# after the first reminder, after the second; the rest never answer.
REPLY_ON = {0: 4, 1: 4, 2: 9, 3: 14, 4: 14, 5: 19, 6: 19, 7: 21}


def moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 30), TEHRAN)


@pytest.fixture
def batch(migrated_url: str, tmp_path: Path) -> Iterator[pipeline.Batch]:
    settings = Settings(
        home=tmp_path, database_url=migrated_url, office={"signatory_name": "محمد احمدی"}
    )
    runtime = Runtime(settings, fixed_clock=Clock(fixed_now=moment(START)))
    with transaction(runtime.sessions) as session:
        seed_agencies(session)
        for n in range(20):
            data = complaint_input(
                agencies=(AGENCIES[n % 4],),
                complainant=complainant_input(national_id=national_id(100 + n)),
            )
            complaint = complaints.register_complaint(
                session, data, actor="test", at=moment(START), duplicate_window_days=0
            ).complaint
            complaints.accept(session, complaint, actor="test", at=moment(START))
    yield pipeline.Batch(runtime, "دبیرخانه")
    runtime.engine.dispose()


def reply(batch: pipeline.Batch, referral_id: int, today: dt.date) -> None:
    with transaction(batch.runtime.sessions) as session:
        letter = session.get_one(Letter, referral_id)
        document = complaints.NewDocument(
            kind=DocumentKind.AGENCY_REPLY,
            sha256=f"{referral_id:064x}",
            original_name="reply.pdf",
            media_type="application/pdf",
            size=10,
        )
        record_reply(
            session,
            letter,
            their_number=f"{referral_id}/ش",
            their_date=today,
            document=document,
            at=moment(today),
            actor="test",
            today=today,
            outcome=ReplyOutcome.ACCEPTED,
        )


def test_forty_working_days_of_chasing(batch: pipeline.Batch) -> None:
    settings = batch.runtime.settings
    with RenderPool[int](1) as pool:
        ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
        pipeline.render_and_send(batch, pool, ids)
    with batch.runtime.sessions() as session:
        calendar: WorkingCalendar = working_calendar(session, settings.weekend_python_days)
        due = {r.id: r.due_date for r in session.scalars(select(Letter)) if r.due_date}
    # The ladder, worked out here independently of the code under test.
    expected: dict[tuple[int, str], dt.date] = {}
    for index, referral_id in enumerate(ids):
        due_date = due[referral_id]
        assert due_date == calendar.add_working_days(START, 10)
        first = calendar.add_working_days(due_date, 3)
        # The settings say 5, but a reminder gives 5 working days to reply: the next step
        # comes the working day after that deadline, never on it (issue 12, item 9).
        second = calendar.add_working_days(first, 6)
        escalation = calendar.add_working_days(second, 6)
        replied = REPLY_ON.get(index)
        reply_day = calendar.add_working_days(START, replied) if replied is not None else None
        for step, day in (("first", first), ("second", second), ("escalation", escalation)):
            if reply_day is None or day < reply_day:
                expected[(referral_id, step)] = day
    made: dict[tuple[int, str], dt.date] = {}
    day = START
    for _ in range(40):
        day = calendar.add_working_days(day, 1)
        batch.runtime.fixed_clock = Clock(fixed_now=moment(day))
        for index, referral_id in enumerate(ids):
            if REPLY_ON.get(index) is not None and (
                calendar.add_working_days(START, REPLY_ON[index]) == day
            ):
                reply(batch, referral_id, day)
        chasing.chase(batch)
        assert chasing.chase(batch).sent == []  # a second run the same day does nothing
        with batch.runtime.sessions() as session:
            for letter in session.scalars(select(Letter).where(Letter.chases_id.is_not(None))):
                assert letter.state is LetterState.SENT
                assert letter.chases_id is not None
                step = (
                    "escalation"
                    if letter.kind is LetterKind.ESCALATION
                    else ("first" if letter.facts["ordinal"] == 1 else "second")
                )
                key = (letter.chases_id, step)
                assert made.setdefault(key, letter.date) == letter.date  # exactly once
            rows = outstanding_replies(
                session,
                today=day,
                calendar=calendar,
                zone=TEHRAN,
                first_after=3,
                second_after=batch.runtime.settings.chase_second_gap,
                escalate_after=batch.runtime.settings.chase_escalate_gap,
            )
        waiting = {
            referral_id
            for index, referral_id in enumerate(ids)
            if REPLY_ON.get(index) is None
            or calendar.add_working_days(START, REPLY_ON[index]) > day
        }
        assert {row.letter_id for row in rows} == waiting
        for row in rows:
            late = max(0, calendar.working_days_between(due[row.letter_id], day))
            assert row.working_days_late == late
            assert len(row.chasers) == sum(
                1 for (ref, _), d in made.items() if ref == row.letter_id
            )
    assert made == expected
    assert {step for _, step in made} == {"first", "second", "escalation"}
