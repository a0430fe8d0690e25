"""Reply deadlines in the register: mark_sent, due_date_for, extensions, stop-the-clock,
and due dates recomputed when the holiday table changes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from registry import deadline_edits, deadlines, holidays
from registry.calendar import WorkingCalendar
from registry.errors import InvalidInput, Refused
from registry.jalali import format_jalali
from registry.kinds import AgencyKind, LetterKind, LetterState, ReplyOutcome
from registry.models import DeadlineChange, Event, Letter
from registry.register import void_letter
from registry.replies import record_reply
from tests.factories import new_document
from tests.replies_support import (
    FRI_ONLY,
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

PER_KIND = dict.fromkeys(AgencyKind, 10)


def _due(letter: Letter) -> dt.date | None:
    # A call, so that the type checker does not pin the due date after one assert.
    return letter.due_date


def calendar_of(session: Session, weekend: frozenset[int] = THU_FRI) -> WorkingCalendar:
    put_holidays(session)
    return holidays.working_calendar(session, weekend)


@pytest.mark.parametrize(
    ("sent_on", "kind", "agency_days", "weekend", "due"),
    [
        # Across Nowruz 1405 (1404/12/29 oil day, 1405/01/01-04, 01/12, 01/13).
        ("1404/12/25", LetterKind.REFERRAL, None, THU_FRI, "1405/01/17"),
        ("1404/12/25", LetterKind.REFERRAL, None, FRI_ONLY, "1405/01/15"),
        # Lunar: Eid al-Adha 03/06, Ghadir 03/14 (on a Thursday), 15 Khordad 03/15.
        ("1405/03/05", LetterKind.REFERRAL, 7, THU_FRI, "1405/03/17"),
        ("1405/03/05", LetterKind.REFERRAL, 7, FRI_ONLY, "1405/03/16"),
        # Tasua (estimated) and Ashura; Thursday does not matter when it is a holiday.
        ("1405/04/01", LetterKind.REMINDER, None, THU_FRI, "1405/04/09"),
        ("1405/04/01", LetterKind.REMINDER, None, FRI_ONLY, "1405/04/09"),
        # Sent on a Thursday: counting starts on Friday; Imam Sadiq 01/25 skipped.
        ("1405/01/20", LetterKind.ESCALATION, None, THU_FRI, "1405/01/29"),
    ],
)
def test_due_date_of_a_sent_letter(
    sessions: sessionmaker[Session],
    sent_on: str,
    kind: LetterKind,
    agency_days: int | None,
    weekend: frozenset[int],
    due: str,
) -> None:
    with sessions.begin() as session:
        calendar = calendar_of(session, weekend)
        complaint = awaiting_complaint(session)
        to = agency(session)
        to.reply_deadline_days = agency_days
        referral = None
        if kind is not LetterKind.REFERRAL:
            referral = sent(session, calendar, on="1404/12/01", complaint=complaint, to=to)
        letter = sent(
            session, calendar, on=sent_on, kind=kind, complaint=complaint, to=to, chases=referral
        )
        assert format_jalali(letter.due_date) == due  # type: ignore[arg-type]
        assert deadlines.due_date_for(session, letter, calendar) == J(due)
        explanation = deadlines.explain(session, letter, calendar)
        assert explanation.start == J(sent_on)
        assert explanation.due_date == J(due)


def test_reply_deadline_days_per_kind_agency_and_chaser(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        complaint = awaiting_complaint(session)
        to = agency(session)
        referral = numbered(
            session, kind=LetterKind.REFERRAL, on=J("1405/02/01"), complaint=complaint, to=to
        )
        per_kind = {**PER_KIND, AgencyKind.MUNICIPALITY: 12}
        assert deadlines.reply_deadline_days(referral, per_kind, 5) == 12
        to.reply_deadline_days = 7
        assert deadlines.reply_deadline_days(referral, per_kind, 5) == 7
        reminder = numbered(
            session,
            kind=LetterKind.REMINDER,
            on=J("1405/02/20"),
            complaint=complaint,
            to=to,
            chases=referral,
        )
        assert deadlines.reply_deadline_days(reminder, per_kind, 5) == 5
        rejection = numbered(session, kind=LetterKind.REJECTION, on=J("1405/02/01"))
        assert deadlines.reply_deadline_days(rejection, per_kind, 5) is None


def test_day_zero_is_the_office_day_not_the_utc_day(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        calendar = calendar_of(session)
        letter = numbered(
            session,
            kind=LetterKind.REFERRAL,
            on=J("1405/02/01"),
            complaint=awaiting_complaint(session),
            to=agency(session),
        )
        # 21:00 UTC on Monday 1405/01/31 is 00:30 on Tuesday 1405/02/01 in Tehran.
        at = dt.datetime.combine(J("1405/01/31"), dt.time(21, 0), tzinfo=dt.UTC)
        deadlines.mark_sent(
            session, letter, at=at, zone=TEHRAN, calendar=calendar, deadline_days=10, actor="t"
        )
        assert letter.due_date == J("1405/02/15")
        assert deadlines.deadline_terms(session, letter).sent_day == J("1405/02/01")
        assert letter.state is LetterState.SENT and letter.sent_at == at


def test_mark_sent_refusals(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        calendar = calendar_of(session)
        complaint, to = awaiting_complaint(session), agency(session)

        def send(letter: Letter, days: int | None = 10) -> None:
            deadlines.mark_sent(
                session,
                letter,
                at=at_noon("1405/02/01"),
                zone=TEHRAN,
                calendar=calendar,
                deadline_days=days,
                actor="t",
            )

        letter = numbered(
            session, kind=LetterKind.REFERRAL, on=J("1405/02/01"), complaint=complaint, to=to
        )
        letter.state = LetterState.NUMBERED
        with pytest.raises(Refused, match="letter_not_stored"):
            send(letter)
        letter.state = LetterState.STORED
        for days in (None, 0):
            with pytest.raises(InvalidInput, match="invalid_deadline_days"):
                send(letter, days)
        send(letter)
        with pytest.raises(Refused, match="letter_already_sent"):
            send(letter)
        other = numbered(
            session, kind=LetterKind.REFERRAL, on=J("1405/02/01"), complaint=complaint, to=to
        )
        void_letter(session, other, reason="اشتباه", actor="t", at=at_noon("1405/02/01"))
        with pytest.raises(Refused, match="letter_void"):
            send(other)
        rejection = numbered(session, kind=LetterKind.REJECTION, on=J("1405/02/01"))
        with pytest.raises(InvalidInput, match="invalid_deadline_days"):
            send(rejection, 10)
        send(rejection, None)
        assert rejection.due_date is None and rejection.state is LetterState.SENT
        with pytest.raises(Refused, match="no_reply_deadline"):
            deadlines.explain(session, rejection, calendar)
        with pytest.raises(ValueError, match="aware"):
            deadlines.mark_sent(
                session,
                other,
                at=dt.datetime(2026, 4, 21),
                zone=TEHRAN,
                calendar=calendar,
                deadline_days=10,
                actor="t",
            )


def test_extension_and_stop_the_clock(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        calendar = calendar_of(session)
        letter = sent(session, calendar, on="1405/02/01")  # Tuesday; due 1405/02/15
        assert letter.due_date == J("1405/02/15")
        now = at_noon("1405/02/05")
        moved = deadline_edits.extend_deadline(
            session, letter, 3, "درخواست دستگاه", at=now, actor="t", calendar=calendar
        )
        assert (moved.before, moved.after) == (J("1405/02/15"), J("1405/02/20"))
        # Stop the clock from Saturday 02/05 (a working day) ...
        paused = deadline_edits.pause_deadline(
            session,
            letter,
            J("1405/02/05"),
            "نقص مدارک شاکی",
            at=now,
            actor="t",
            calendar=calendar,
            today=J("1405/02/05"),
        )
        assert paused.after is None
        assert deadlines.due_date_for(session, letter, calendar) is None
        assert _due(letter) is None
        explanation = deadlines.explain(session, letter, calendar)
        assert explanation.paused_since == J("1405/02/05")
        assert explanation.remaining == 12  # only Wednesday 02/02 counted before the pause
        # ... and restart it on Saturday 02/12: 02/05-02/11 did not count (5 working days).
        resumed = deadline_edits.resume_deadline(
            session,
            letter,
            J("1405/02/12"),
            "مدارک رسید",
            at=at_noon("1405/02/12"),
            actor="t",
            calendar=calendar,
            today=J("1405/02/12"),
        )
        assert resumed.after == J("1405/02/27")
        assert deadlines.due_date_for(session, letter, calendar) == J("1405/02/27")
        kinds = [c.kind.value for c in deadlines.deadline_changes(session, letter)]
        assert kinds == ["start", "extension", "pause"]
        actions = session.scalars(
            select(Event.action).where(Event.letter_id == letter.id).order_by(Event.id)
        ).all()
        assert actions[-3:] == ["deadline_extended", "deadline_paused", "deadline_resumed"]
        lines = deadlines.explain(session, letter, calendar).lines_fa()
        assert any("مهلت متوقف بود" in line for line in lines)
        assert lines[-1].startswith("سررسید پاسخ: ۱۴۰۵/۰۲/۲۷")


def test_deadline_change_refusals(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        calendar = calendar_of(session)
        letter = sent(session, calendar, on="1405/02/01")  # due 1405/02/15
        now, today = at_noon("1405/02/05"), J("1405/02/05")

        def pause(day: str, reason: str = "علت", today: dt.date = today) -> None:
            deadline_edits.pause_deadline(
                session, letter, J(day), reason, at=now, actor="t", calendar=calendar, today=today
            )

        def resume(day: str, today: dt.date = today) -> None:
            deadline_edits.resume_deadline(
                session, letter, J(day), "علت", at=now, actor="t", calendar=calendar, today=today
            )

        for days, reason, code in [
            (0, "علت", "invalid_extension_days"),
            (2, "  ", "reason_required"),
        ]:
            with pytest.raises(InvalidInput, match=code):
                deadline_edits.extend_deadline(
                    session, letter, days, reason, at=now, actor="t", calendar=calendar
                )
        with pytest.raises(InvalidInput, match="date_in_future"):
            pause("1405/02/06")
        with pytest.raises(InvalidInput, match="pause_before_sent"):
            pause("1405/01/30")
        with pytest.raises(Refused, match="deadline_not_paused"):
            resume("1405/02/05")
        with pytest.raises(Refused, match="deadline_passed"):
            pause("1405/02/16", today=J("1405/02/20"))
        pause("1405/02/03")
        with pytest.raises(Refused, match="deadline_already_paused"):
            pause("1405/02/05")
        with pytest.raises(InvalidInput, match="resume_before_pause"):
            resume("1405/02/03")
        with pytest.raises(InvalidInput, match="date_in_future"):
            resume("1405/02/09")
        resume("1405/02/05")
        with pytest.raises(Refused, match="pause_overlaps"):
            pause("1405/02/04")
        assert session.scalars(
            select(DeadlineChange.kind).where(DeadlineChange.letter_id == letter.id)
        ).all() == ["start", "pause"]


@pytest.mark.parametrize("state", ["replied", "void", "unsent"])
def test_closed_letters_take_no_deadline_change(
    sessions: sessionmaker[Session], state: str
) -> None:
    with sessions.begin() as session:
        calendar = calendar_of(session)
        letter = sent(session, calendar, on="1405/02/01")
        code = {"replied": "letter_replied", "void": "letter_void", "unsent": "letter_not_sent"}
        if state == "replied":
            record_reply(
                session,
                letter,
                their_number="۱۲/۳۴",
                their_date=J("1405/02/03"),
                document=new_document(),
                at=at_noon("1405/02/05"),
                actor="t",
                today=J("1405/02/05"),
                outcome=ReplyOutcome.ACCEPTED,
            )
        elif state == "void":
            void_letter(session, letter, reason="اشتباه", actor="t", at=at_noon("1405/02/02"))
        else:
            letter = numbered(
                session,
                kind=LetterKind.REFERRAL,
                on=J("1405/02/01"),
                complaint=letter.complaint,
                to=letter.agency,
            )
        with pytest.raises(Refused, match=code[state]):
            deadline_edits.extend_deadline(
                session, letter, 2, "علت", at=at_noon("1405/02/05"), actor="t", calendar=calendar
            )


def test_holiday_added_after_sending_moves_open_due_dates_only(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        calendar = calendar_of(session)
        complaint = awaiting_complaint(session)
        open_one = sent(session, calendar, on="1405/02/01", complaint=complaint)
        replied = sent(session, calendar, on="1405/02/01", complaint=complaint)
        reminder = sent(
            session, calendar, on="1405/02/01", kind=LetterKind.REMINDER, chases=replied
        )
        later = sent(session, calendar, on="1405/02/20", complaint=complaint)  # due 03/03
        record_reply(
            session,
            replied,
            their_number="۵۵",
            their_date=J("1405/02/02"),
            document=new_document(),
            at=at_noon("1405/02/02"),
            actor="t",
            today=J("1405/02/02"),
        )
        assert open_one.due_date == replied.due_date == J("1405/02/15")
        # A one-day closure (say, for air pollution) on Sunday 1405/02/06:
        edit = holidays.add_holiday(
            session,
            J("1405/02/06"),
            "تعطیلی به علت آلودگی هوا",
            at=at_noon("1405/02/05"),
            actor="t",
            weekend=THU_FRI,
        )
        assert [(m.letter.number, m.before, m.after) for m in edit.moved] == [
            (open_one.number, J("1405/02/15"), J("1405/02/16"))
        ]
        assert open_one.due_date == J("1405/02/16")
        assert replied.due_date == J("1405/02/15")  # replied: its due date stays
        assert reminder.due_date == J("1405/02/08")  # its referral was replied
        assert later.due_date == J("1405/03/03")  # sent after the closure
        event = session.scalars(
            select(Event).where(
                Event.letter_id == open_one.id, Event.action == "due_date_recomputed"
            )
        ).one()
        assert (event.before, event.after) == ("1405/02/15", "1405/02/16")
        # Removing it moves the open letter back.
        edit = holidays.remove_holiday(
            session, J("1405/02/06"), at=at_noon("1405/02/05"), actor="t", weekend=THU_FRI
        )
        assert [m.after for m in edit.moved] == [J("1405/02/15")]
        assert open_one.due_date == J("1405/02/15")
