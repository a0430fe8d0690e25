"""Outstanding replies and the chaser ladder."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from registry import holidays
from registry.calendar import WorkingCalendar
from registry.kinds import LetterKind
from registry.outstanding import (
    AgencyTotal,
    Chaser,
    ChaseStep,
    ChaseStepKind,
    agency_totals,
    next_chase_step,
    outstanding_replies,
)
from registry.register import void_letter
from registry.replies import record_reply
from tests.factories import new_document
from tests.replies_support import (
    HOLIDAYS_1405,
    TAKESTAN,
    TEHRAN,
    THU_FRI,
    J,
    agency,
    at_noon,
    awaiting_complaint,
    numbered,
    put_holidays,
    sent,
)

CALENDAR = WorkingCalendar.from_holidays(HOLIDAYS_1405, weekend=THU_FRI)
R, E = LetterKind.REMINDER, LetterKind.ESCALATION
FIRST, SECOND, ESCALATE = (
    ChaseStepKind.FIRST_REMINDER,
    ChaseStepKind.SECOND_REMINDER,
    ChaseStepKind.ESCALATION,
)


@pytest.mark.parametrize(
    ("due", "made", "today", "step"),
    [
        # Due Tuesday 1405/02/15; N=3, M=5, K=5 working days (Thursday and Friday off).
        ("1405/02/15", [], "1405/02/15", (FIRST, "1405/02/20", "1405/02/20")),
        ("1405/02/15", [], "1405/02/20", (FIRST, "1405/02/20", "1405/02/20")),
        ("1405/02/15", [], "1405/02/26", (FIRST, "1405/02/20", "1405/02/26")),  # a missed run
        ("1405/02/15", [(R, "1405/02/20")], "1405/02/20", (SECOND, "1405/02/27", "1405/02/27")),
        # The ladder counts from the day the reminder was actually made.
        ("1405/02/15", [(R, "1405/02/22")], "1405/02/22", (SECOND, "1405/02/29", "1405/02/29")),
        (
            "1405/02/15",
            [(R, "1405/02/27"), (R, "1405/02/20")],
            "1405/02/27",
            (ESCALATE, "1405/03/03", "1405/03/03"),
        ),
        # Eid al-Adha (Wednesday 03/06) and the weekend fall in the ladder.
        ("1405/03/05", [], "1405/03/05", (FIRST, "1405/03/11", "1405/03/11")),
        (
            "1405/02/15",
            [(R, "1405/02/20"), (R, "1405/02/27"), (E, "1405/03/03")],
            "1405/03/03",
            None,
        ),
        (None, [], "1405/02/15", None),  # the clock is stopped
    ],
)
def test_next_chase_step_ladder(
    due: str | None,
    made: list[tuple[LetterKind, str]],
    today: str,
    step: tuple[ChaseStepKind, str, str] | None,
) -> None:
    chasers = [Chaser(f"1405/ص/{i}", kind, J(day)) for i, (kind, day) in enumerate(made)]
    got = next_chase_step(
        None if due is None else J(due),
        chasers,
        CALENDAR,
        first_after=3,
        second_after=5,
        escalate_after=5,
        today=J(today),
    )
    expected = None if step is None else ChaseStep(step[0], J(step[1]), J(step[2]))
    assert got == expected
    if got is not None:
        assert got.due_on(J(today)) is (got.date == J(today))


def test_outstanding_rows_sorted_by_lateness_with_totals(sessions: sessionmaker[Session]) -> None:
    today = J("1405/02/26")  # Saturday
    with sessions.begin() as session:
        put_holidays(session)
        calendar = holidays.working_calendar(session, THU_FRI)
        complaint = awaiting_complaint(session, agencies=("شهرداری قزوین", TAKESTAN))
        takestan = agency(session, TAKESTAN)
        a = sent(session, calendar, on="1405/02/01", complaint=complaint)  # due 02/15
        reminder = sent(session, calendar, on="1405/02/20", kind=R, chases=a)
        voided_reminder = sent(session, calendar, on="1405/02/21", kind=R, chases=a)
        void_letter(session, voided_reminder, reason="تکراری", actor="t", at=at_noon("1405/02/21"))
        b = sent(session, calendar, on="1405/02/05", complaint=complaint, to=takestan)  # 02/19
        c = sent(session, calendar, on="1405/02/20", complaint=complaint)  # due 03/03
        replied = sent(session, calendar, on="1405/02/01", complaint=complaint)
        record_reply(
            session,
            replied,
            their_number="۱",
            their_date=J("1405/02/03"),
            document=new_document(),
            at=at_noon("1405/02/03"),
            actor="t",
            today=J("1405/02/03"),
        )
        void = sent(session, calendar, on="1405/02/01", complaint=complaint)
        void_letter(session, void, reason="اشتباه", actor="t", at=at_noon("1405/02/02"))
        numbered(
            session,
            kind=LetterKind.REFERRAL,
            on=J("1405/02/01"),
            complaint=complaint,
            to=agency(session),
        )  # never sent

        rows = outstanding_replies(
            session,
            today=today,
            calendar=calendar,
            zone=TEHRAN,
            first_after=3,
            second_after=5,
            escalate_after=5,
        )
        assert [(r.number, r.working_days_late) for r in rows] == [
            (a.number, 7),
            (b.number, 5),
            (c.number, 0),
        ]
        first = rows[0]
        assert (first.agency, first.sent, first.due_date) == (
            "شهرداری قزوین",
            J("1405/02/01"),
            J("1405/02/15"),
        )
        assert first.tracking_code == complaint.tracking_code
        assert first.last_chaser == Chaser(reminder.number, R, J("1405/02/20"))
        assert first.next_step == ChaseStep(SECOND, J("1405/02/27"), J("1405/02/27"))
        assert rows[1].last_chaser is None
        assert rows[1].next_step == ChaseStep(FIRST, J("1405/02/22"), today)
        assert rows[2].next_step == ChaseStep(FIRST, J("1405/03/09"), J("1405/03/09"))

        assert agency_totals(rows, today) == [
            AgencyTotal(
                "شهرداری قزوین", outstanding=2, overdue=1, working_days_late=7, most_late=7
            ),
            AgencyTotal(TAKESTAN, outstanding=1, overdue=1, working_days_late=5, most_late=5),
        ]
        overdue = outstanding_replies(
            session,
            today=today,
            calendar=calendar,
            zone=TEHRAN,
            first_after=3,
            second_after=5,
            escalate_after=5,
            overdue_only=True,
        )
        assert [r.number for r in overdue] == [a.number, b.number]
        only = outstanding_replies(
            session,
            today=today,
            calendar=calendar,
            zone=TEHRAN,
            first_after=3,
            second_after=5,
            escalate_after=5,
            agency=takestan,
        )
        assert [r.number for r in only] == [b.number]
        # On the due date itself nothing is late yet.
        assert [
            r.working_days_late
            for r in outstanding_replies(
                session,
                today=J("1405/02/15"),
                calendar=calendar,
                zone=TEHRAN,
                first_after=3,
                second_after=5,
                escalate_after=5,
            )
        ][:1] == [0]


def test_nothing_outstanding_on_an_empty_register(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert (
            outstanding_replies(
                session,
                today=J("1405/02/26"),
                calendar=CALENDAR,
                zone=TEHRAN,
                first_after=3,
                second_after=5,
                escalate_after=5,
            )
            == []
        )
