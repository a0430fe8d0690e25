"""The office's holiday table: seeding once per year, adding, removing, listing."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from registry import holidays
from registry.errors import InvalidInput, NotFound, Refused
from registry.jalali import format_jalali
from registry.models import Event
from tests.replies_support import THU_FRI, J, at_noon

AT = at_noon("1405/01/20")


def test_seed_is_idempotent_keeps_estimates_and_respects_the_offices_edits(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        added = holidays.seed_holidays(session, (1405,), at=AT, actor="t")
        listed = holidays.list_holidays(session, 1405)
        assert added == len(listed) > 20
        nowruz = [format_jalali(h.date) for h in listed if "نوروز" in h.name]
        assert nowruz == ["1405/01/01", "1405/01/02", "1405/01/03", "1405/01/04"]
        assert any(h.estimated for h in listed)  # lunar dates the package marks as estimates
        holidays.remove_holiday(session, J("1405/01/25"), at=AT, actor="t", weekend=THU_FRI)
        # Seeding again (init does, every time) adds nothing back.
        assert holidays.seed_holidays(session, (1405,), at=AT, actor="t") == 0
        assert J("1405/01/25") not in {h.date for h in holidays.list_holidays(session)}
        # A new year is seeded; a day the office already entered is kept as it is.
        holidays.add_holiday(
            session, J("1406/01/01"), "نوروز (دفتر)", at=AT, actor="t", weekend=THU_FRI
        )
        assert holidays.seed_holidays(session, (1405, 1406), at=AT, actor="t") > 20
        mine = [h for h in holidays.list_holidays(session, 1406) if h.date == J("1406/01/01")]
        assert [(h.name, h.source) for h in mine] == [("نوروز (دفتر)", "office")]
        calendar = holidays.working_calendar(session, THU_FRI)
        assert not calendar.is_working_day(J("1405/01/03"))
        assert calendar.is_working_day(J("1405/01/25"))
        actions = session.scalars(select(Event.action).order_by(Event.id)).all()
        assert actions.count("holidays_seeded") == 2


def test_add_and_remove_refusals(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        holidays.add_holiday(
            session,
            J("1405/02/06"),
            "تعطیلی آلودگی هوا",
            at=AT,
            actor="t",
            weekend=THU_FRI,
            estimated=True,
        )
        assert holidays.list_holidays(session)[0].label_fa() == "تعطیلی آلودگی هوا (تخمینی)"
        with pytest.raises(Refused, match="holiday_exists"):
            holidays.add_holiday(
                session, J("1405/02/06"), "دیگر", at=AT, actor="t", weekend=THU_FRI
            )
        with pytest.raises(InvalidInput, match="field_required"):
            holidays.add_holiday(session, J("1405/02/07"), "  ", at=AT, actor="t", weekend=THU_FRI)
        with pytest.raises(NotFound, match="holiday_not_found"):
            holidays.remove_holiday(session, J("1405/02/07"), at=AT, actor="t", weekend=THU_FRI)
        assert holidays.list_holidays(session, 1404) == []
