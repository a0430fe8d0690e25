"""How outstanding_replies reads the register: ids in chunks, the ladder's own calendar walk."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from registry import holidays, outstanding
from registry.calendar import WorkingCalendar
from registry.errors import InvalidInput
from registry.kinds import LetterKind
from registry.outstanding import OutstandingRow, next_chase_step, outstanding_replies
from tests.replies_support import (
    FRI_ONLY,
    HOLIDAYS_1405,
    TEHRAN,
    THU_FRI,
    J,
    awaiting_complaint,
    put_holidays,
    sent,
)

R, E = LetterKind.REMINDER, LetterKind.ESCALATION


@pytest.mark.parametrize("weekend", [THU_FRI, FRI_ONLY])
def test_ladder_walk_is_the_calendars_count(weekend: frozenset[int]) -> None:
    calendar = WorkingCalendar.from_holidays(HOLIDAYS_1405, weekend=weekend)
    start = J("1404/12/20")  # across Nowruz and the spring holidays of 1405
    for offset in range(120):
        day = start + dt.timedelta(days=offset)
        for n in range(12):
            assert outstanding._add_working_days(calendar, day, n) == calendar.add_working_days(
                day, n
            )
    with pytest.raises(InvalidInput):
        outstanding._add_working_days(calendar, start, -1)


def test_rows_read_in_chunks_are_the_same(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    today = J("1405/03/20")
    with sessions.begin() as session:
        put_holidays(session)
        calendar = holidays.working_calendar(session, THU_FRI)
        referrals = [
            sent(session, calendar, on=day, complaint=awaiting_complaint(session))
            for day in ("1405/02/01", "1405/02/05", "1405/02/05", "1405/03/01", "1405/03/18")
        ]
        for day, kind in (("1405/02/20", R), ("1405/02/27", R), ("1405/03/03", E)):
            sent(session, calendar, on=day, kind=kind, chases=referrals[0])
        sent(session, calendar, on="1405/02/22", kind=R, chases=referrals[1])
        # Late in the UTC evening is the next day in Tehran; left unflushed on purpose.
        referrals[2].sent_at = dt.datetime.combine(J("1405/02/05"), dt.time(22), tzinfo=dt.UTC)

        def rows() -> list[OutstandingRow]:
            return outstanding_replies(
                session,
                today=today,
                calendar=calendar,
                zone=TEHRAN,
                first_after=3,
                second_after=5,
                escalate_after=5,
            )

        whole = rows()
        monkeypatch.setattr(outstanding, "_ARRAY_CHUNK", 1)
        monkeypatch.setattr(outstanding, "_IN_CHUNK", 1)
        one_by_one = rows()

        assert one_by_one == whole
        assert sorted(row.letter_id for row in whole) == sorted(r.id for r in referrals)
        by_id = {row.letter_id: row for row in whole}
        for referral in referrals:
            row = by_id[referral.id]
            assert referral.complaint is not None
            assert row.tracking_code == referral.complaint.tracking_code
            assert row.due_date == referral.due_date
            late = calendar.working_days_between(row.due_date, today) if row.due_date else 0
            assert row.working_days_late == max(0, late)
            assert row.next_step == next_chase_step(
                row.due_date,
                row.chasers,
                calendar,
                first_after=3,
                second_after=5,
                escalate_after=5,
                today=today,
            )
        assert [c.kind for c in by_id[referrals[0].id].chasers] == [R, R, E]
        assert by_id[referrals[0].id].next_step is None
        assert by_id[referrals[2].id].sent == J("1405/02/06")
        assert by_id[referrals[1].id].sent == J("1405/02/05")
