"""The service's figures on a fixed scenario, every answer worked out by hand below.

The period is Azar 1405 (1405/09): 2026-11-22 to 2026-12-21; "today" is 2026-12-06 (Azar
15), 10:00 Tehran time. Weekend: Thursday and Friday. Holidays: Mon 2026-11-09 and Tue
2026-12-01 (working weekdays), Fri 2026-11-27 (a weekend day: changes nothing).

    November 2026                     December 2026
    Sa Su Mo Tu We Th Fr              Sa Su Mo Tu We Th Fr
        1  2  3  4  5  6                        1  2  3  4
     7  8  9 10 11 12 13               5  6  7  8  9 10 11
    14 15 16 17 18 19 20              12 13 14 15 16 17 18
    21 22 23 24 25 26 27              19 20 21 22 23 24 25

Times are Tehran times (UTC+3:30); a few sit just after midnight, where the UTC date is
the day before, to show that days are the office's days.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from office import stats
from office.access import Forbidden, Staff
from office.runtime import Runtime
from registry import complaints
from registry.calendar import Holiday as CalendarHoliday
from registry.calendar import WorkingCalendar
from registry.db import transaction
from registry.events import record_event
from registry.figures import zone_offsets
from registry.kinds import Channel, ComplaintState, LetterKind, LetterState, Role
from registry.models import Agency, Complaint, Holiday, Letter
from registry.states import transition
from tests import factories

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
S = ComplaintState
AZAR = stats.Period(stats.PeriodKind.MONTH, 1405, 9)
WEEKDAY_HOLIDAYS = (dt.date(2026, 11, 9), dt.date(2026, 12, 1))


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TEHRAN)


def _case(
    session: Session,
    registered: dt.datetime,
    moves: list[tuple[ComplaintState, dt.datetime]],
    *,
    person: int,
    channel: Channel = Channel.IN_PERSON,
    subject: str = "آسفالت نشدن معابر محله",
) -> Complaint:
    data = factories.complaint_input(
        complainant=factories.complainant_input(national_id=factories.national_id(person)),
        channel=channel,
        subject=subject,
    )
    complaint = complaints.register_complaint(
        session, data, actor="test", at=registered, duplicate_window_days=0
    ).complaint
    for target, when in moves:
        transition(session, complaint, target, actor="test", at=when)
    return complaint


def _answered(when: dt.datetime) -> list[tuple[ComplaintState, dt.datetime]]:
    return [(S.ACCEPTED, when), (S.AWAITING_REPLY, when), (S.REPLIED, when), (S.ANSWERED, when)]


_SEQ = iter(range(1, 1000))


def _referral(
    session: Session,
    agency: str,
    sent: dt.datetime,
    replied: dt.datetime | None,
    due: dt.date,
    *,
    state: LetterState = LetterState.SENT,
) -> None:
    seq = next(_SEQ)
    agency_id = session.scalars(select(Agency.id).where(Agency.name == agency)).one()
    session.add(
        Letter(
            series="ص",
            year=1405,
            seq=seq,
            number=f"1405/ص/{seq}",
            kind=LetterKind.REFERRAL,
            state=state,
            agency_id=agency_id,
            recipient=agency,
            issued_at=sent,
            date=sent.date(),
            guid=f"00000000-0000-0000-0000-{seq:012d}",
            verification_code="X",
            facts={},
            created_by="test",
            sent_at=sent,
            due_date=due,
            replied_at=replied,
        )
    )


def _scenario(session: Session) -> None:
    session.execute(delete(Holiday))
    for day, name in [
        (dt.date(2026, 11, 9), "تعطیل دوشنبه"),
        (dt.date(2026, 11, 27), "تعطیل جمعه"),
        (dt.date(2026, 12, 1), "تعطیل سه‌شنبه"),
    ]:
        session.add(Holiday(day=day, name=name, estimated=False, source="test"))

    # A: person 1, in person; answered Wed 11-25; documents brought in person on 11-05; the
    # answer collected in person when closed on 11-30. Visits: 1 + 1 + 1 = 3.
    a = _case(session, at(11, 2), _answered(at(11, 25, 11)), person=1)
    complaints.attach(session, a, [factories.new_document()], actor="test", at=at(11, 5))
    complaints.close(session, a, actor="test", at=at(11, 30), collected=Channel.IN_PERSON)
    # B: person 1 again (a second case), on the web; documents by mail; answered Tue 12-08.
    # Visits: 0.
    b = _case(session, at(11, 16, 9), _answered(at(12, 8)), person=1, channel=Channel.WEB)
    complaints.attach(
        session, b, [factories.new_document()], actor="test", at=at(11, 20), channel=Channel.MAIL
    )
    # C: person 2, in person on Fri 11-20; answered Sun 11-22 at 01:00 Tehran time, which is
    # 11-21 21:30 UTC (still Aban in UTC; Azar for the office). Visits: 1.
    _case(session, at(11, 20), _answered(at(11, 22, 1)), person=2)
    # D: person 3, by mail on Thu 10-01; rejected, then closed on Thu 12-10: never answered,
    # so served when closed. An attach from before channels were recorded (no channel: at
    # the desk) counts. Visits: 0 + 1 = 1.
    d = _case(
        session,
        at(10, 1),
        [(S.REJECTED, at(10, 3)), (S.CLOSED, at(12, 10))],
        person=3,
        channel=Channel.MAIL,
    )
    record_event(session, at=at(10, 2), actor="test", action="documents_attached", complaint=d)
    # E: person 4, answered 12-22 00:30 Tehran = 12-21 21:00 UTC: Dey for the office. Out.
    _case(session, at(11, 10), _answered(at(12, 22, 0, 30)), person=4)
    # F: person 5, answered in Aban (11-15), closed, reopened and answered again in Azar: it
    # was served on its first answer, in Aban. Out.
    f = _case(session, at(11, 1), [*_answered(at(11, 15)), (S.CLOSED, at(11, 16))], person=5)
    for target in (S.ACCEPTED, S.AWAITING_REPLY, S.REPLIED, S.ANSWERED):
        transition(session, f, target, actor="test", at=at(12, 1))

    # Registered in Azar: G at 11-22 01:00 Tehran (11-21 UTC) still registered; H accepted;
    # I at 12-21 23:50 Tehran rejected; J at 12-22 00:10 Tehran (12-21 UTC) is Dey: out.
    _case(session, at(11, 22, 1), [], person=6, subject="تخلف ساختمانی")
    _case(session, at(12, 5), [(S.ACCEPTED, at(12, 5))], person=7, subject="تخلف ساختماني")
    _case(session, at(12, 21, 23, 50), [(S.REJECTED, at(12, 21, 23, 55))], person=8,
          subject="روشنایی معابر")  # fmt: skip
    _case(session, at(12, 22, 0, 10), [], person=9, subject="روشنایی معابر")

    city, county, province = "شهرداری قزوین", "فرمانداری قزوین", "استانداری قزوین"
    # شهرداری قزوین, replies recorded in Azar (working days from sending to the reply):
    _referral(session, city, at(11, 22), at(11, 24), dt.date(2026, 11, 25))  # Mo Tu: 2
    _referral(session, city, at(11, 18), at(11, 24), dt.date(2026, 11, 26))  # Sa Su Mo Tu: 4
    _referral(session, city, at(11, 17), at(11, 24), dt.date(2026, 12, 15))  # We + 4: 5
    # 11-16..11-18 (3), 11-21..11-25 (5), 11-28..11-30 (3): 11
    _referral(session, city, at(11, 15), at(11, 30), dt.date(2026, 11, 26))
    # 11-21..11-25 (5), 11-28, 11-29, 11-30, 12-02 (12-01 a holiday): 9
    _referral(session, city, at(11, 20), at(12, 3), dt.date(2026, 12, 2))
    _referral(session, city, at(11, 10), None, dt.date(2026, 12, 1))  # due, never answered
    _referral(session, city, at(11, 10), None, dt.date(2026, 12, 10))  # due after today
    _referral(session, city, at(11, 10), at(11, 20), dt.date(2026, 11, 21))  # Aban: out
    _referral(  # void: out
        session, city, at(11, 22), at(11, 25), dt.date(2026, 11, 30), state=LetterState.VOID
    )
    # فرمانداری قزوین: 11-23, 11-24, 11-25 (the reply at 23:30 on the due date is on time): 3
    _referral(session, county, at(11, 22, 9), at(11, 25, 23, 30), dt.date(2026, 11, 25))
    # Replied 12-03 00:30 Tehran (12-02 21:00 UTC): a day after its due date 12-02, so late.
    # 11-24, 11-25, 11-28, 11-29, 11-30, 12-02: 6
    _referral(session, county, at(11, 23), at(12, 3, 0, 30), dt.date(2026, 12, 2))
    # استانداری قزوین: replied in Aban, before its due date in Azar: on time, no latency.
    _referral(session, province, at(11, 1), at(11, 20), dt.date(2026, 11, 23))


@pytest.fixture
def runtime(migrated_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = factories.seeded_runtime(migrated_url, tmp_path / "home", at=at(12, 6))
    with transaction(runtime.sessions) as session:
        _scenario(session)
    yield runtime
    runtime.close()


HEAD = Staff("head", "مدیر", frozenset({Role.HEAD}))


def test_the_service_card_figures_of_azar(runtime: Runtime) -> None:
    figures = stats.figures(runtime, HEAD, AZAR)
    served = figures.served
    # Served in Azar: A, B, C and D (E in Dey, F in Aban): 4 cases, of persons 1, 1, 2, 3.
    assert (served.cases, served.complainants) == (4, 3)
    # Calendar days registration -> answer: A 11-02 -> 11-25 = 23; B 11-16 -> 12-08 = 22;
    # C 11-20 -> 11-22 = 2; D 10-01 -> 12-10 = 30 + 30 + 10 = 70.
    # Sorted 2, 22, 23, 70: median (22 + 23) / 2 = 22.5; average 117 / 4 = 29.25.
    assert served.median_days == pytest.approx(22.5)
    assert served.average_days == pytest.approx(29.25)
    # Working days in (registered, answered]:
    # A (11-02, 11-25]: 23 days = 3 weeks (15) + Tu 11-24, We 11-25 (2) - 11-09 = 16
    # B (11-16, 12-08]: 22 days = 3 weeks (15) + Tu 12-08 (1) - 12-01 = 15
    # C (11-20, 11-22]: Sa 11-21, Su 11-22 = 2
    # D (10-01, 12-10]: 70 days = 10 weeks (50) - 11-09 - 12-01 = 48
    # Sorted 2, 15, 16, 48: median (15 + 16) / 2 = 15.5; average 81 / 4 = 20.25.
    assert served.median_working_days == pytest.approx(15.5)
    assert served.average_working_days == pytest.approx(20.25)
    # Visits in person: A 3, B 0, C 1, D 1: 5 / 4 = 1.25.
    assert served.visits_per_case == pytest.approx(1.25)


def test_the_hand_counts_agree_with_the_working_calendar() -> None:
    """The scenario's working days by hand are also the project's calendar's."""
    holidays = [CalendarHoliday(day, "تعطیل") for day in (*WEEKDAY_HOLIDAYS, dt.date(2026, 11, 27))]
    calendar = WorkingCalendar.from_holidays(holidays, weekend={3, 4})
    for (m1, d1), (m2, d2), expected in [
        ((11, 2), (11, 25), 16),
        ((11, 16), (12, 8), 15),
        ((11, 20), (11, 22), 2),
        ((10, 1), (12, 10), 48),
        ((11, 15), (11, 30), 11),
        ((11, 20), (12, 3), 9),
        ((11, 23), (12, 3), 6),
    ]:
        assert calendar.working_days_between(dt.date(2026, m1, d1), dt.date(2026, m2, d2)) == (
            expected
        )


def test_reply_latency_per_agency(runtime: Runtime) -> None:
    rows = {row.agency: row for row in stats.figures(runtime, HEAD, AZAR).agencies}
    city = rows["شهرداری قزوین"]
    # Latencies 2, 4, 5, 9, 11 (n = 5). Median: rank 1 + 4 * 1/2 = 3: 5.
    # 90th percentile: rank 1 + 4 * 9/10 = 4.6: 9 + 0.6 * (11 - 9) = 10.2.
    assert city.replies == 5
    assert city.median_working_days == pytest.approx(5)
    assert city.p90_working_days == pytest.approx(10.2)
    # Due in Azar before today (11-22 .. 12-05): due 11-25 answered 11-24, due 11-26
    # answered 11-24 (on time); due 11-26 answered 11-30, due 12-02 answered 12-03, due
    # 12-01 never answered (late): 3 of 5 late.
    assert (city.due, city.overdue) == (5, 3)
    assert city.overdue_share == pytest.approx(0.6)
    county = rows["فرمانداری قزوین"]
    # Latencies 3, 6: median 4.5; 90th percentile: rank 1 + 0.9 = 1.9: 3 + 0.9 * 3 = 5.7.
    assert county.replies == 2
    assert county.median_working_days == pytest.approx(4.5)
    assert county.p90_working_days == pytest.approx(5.7)
    # Due 11-25 answered 11-25 23:30 (on time); due 12-02 answered 12-03 00:30 (late): 1 of 2.
    assert (county.due, county.overdue) == (2, 1)
    province = rows["استانداری قزوین"]
    assert (province.replies, province.median_working_days, province.due, province.overdue) == (
        0,
        None,
        1,
        0,
    )
    assert set(rows) == {"شهرداری قزوین", "فرمانداری قزوین", "استانداری قزوین"}


def test_cases_by_state_and_subjects(runtime: Runtime) -> None:
    figures = stats.figures(runtime, HEAD, AZAR)
    # Registered in Azar: G (registered), H (accepted), I (rejected); J is Dey's.
    assert figures.states == {S.REGISTERED: 1, S.ACCEPTED: 1, S.REJECTED: 1}
    assert figures.registered == 3
    # «تخلف ساختمانی» with a Persian or an Arabic yeh is one subject.
    (first, first_count), (second, second_count) = figures.subjects
    assert first.startswith("تخلف ساختما") and first_count == 2
    assert (second, second_count) == ("روشنایی معابر", 1)


def test_a_season_and_a_year_by_month(runtime: Runtime) -> None:
    autumn = stats.figures(runtime, HEAD, stats.parse_period("1405/S3"))
    # Autumn = Mehr, Aban, Azar. Aban (10-23 .. 11-21): F (person 5) served 11-15; Azar: 4
    # cases of 3 persons; Mehr: none. The season: persons 1, 2, 3, 5: 4; 5 cases.
    assert [(m.code, p, c) for m, p, c in autumn.by_month] == [
        ("1405/07", 0, 0),
        ("1405/08", 1, 1),
        ("1405/09", 3, 4),
    ]
    assert (autumn.served.complainants, autumn.served.cases) == (4, 5)
    year = stats.figures(runtime, HEAD, stats.parse_period("۱۴۰۵"))
    # Dey adds E (person 4): 6 cases, persons 1, 2, 3, 4, 5.
    assert (year.served.complainants, year.served.cases) == (5, 6)
    assert [c for _, _, c in year.by_month] == [0, 0, 0, 0, 0, 0, 0, 1, 4, 1, 0, 0]


def test_only_the_head_and_the_admin_see_the_figures(runtime: Runtime) -> None:
    stats.figures(runtime, Staff("admin", "مدیر سامانه", frozenset({Role.ADMIN})), AZAR)
    with pytest.raises(Forbidden):
        stats.figures(runtime, Staff("sara", "سارا", frozenset({Role.INSPECTOR})), AZAR)


def test_the_default_period_is_this_month_and_the_json_and_csv(runtime: Runtime) -> None:
    figures = stats.figures(runtime, HEAD)
    assert figures.period == AZAR
    data = figures.as_json()
    assert data["period"] == {
        "kind": "month",
        "code": "1405/09",
        "first": "1405/09/01",
        "last": "1405/09/30",
    }
    assert data["served"]["median_days"] == 22.5 and data["served"]["visits_per_case"] == 1.25
    rows = figures.csv_rows()
    assert rows[0] == stats.CSV_KEYS
    assert ["1405/09", "served", "", "complainants", 3] in rows
    assert ["1405/09", "agency", "شهرداری قزوین", "p90_working_days", 10.2] in rows
    assert ["1405/09", "agency", "استانداری قزوین", "median_working_days", ""] in rows


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1405/09", stats.Period(stats.PeriodKind.MONTH, 1405, 9)),
        ("۱۴۰۵/۱۲", stats.Period(stats.PeriodKind.MONTH, 1405, 12)),
        ("1405/s4", stats.Period(stats.PeriodKind.SEASON, 1405, 4)),
        ("1405", stats.Period(stats.PeriodKind.YEAR, 1405)),
    ],
)
def test_periods_parse(text: str, expected: stats.Period) -> None:
    assert stats.parse_period(text) == expected


@pytest.mark.parametrize("text", ["1405/13", "1405/00", "1405/S5", "14", "آذر", "1405/09/01"])
def test_a_bad_period_is_refused(text: str) -> None:
    from registry.errors import InvalidInput

    with pytest.raises(InvalidInput):
        stats.parse_period(text)


def test_period_bounds() -> None:
    # Esfand 1403 has 30 days (a leap year), Esfand 1404 29; a season is three months.
    assert stats.parse_period("1403/12").last == dt.date(2025, 3, 20)
    assert stats.parse_period("1404/12").last == dt.date(2026, 3, 20)
    winter = stats.parse_period("1404/S4")
    assert (winter.first, winter.last) == (dt.date(2025, 12, 22), dt.date(2026, 3, 20))
    assert stats.Period.of_day(stats.PeriodKind.SEASON, dt.date(2026, 12, 6)).code == "1405/S3"


def test_zone_offsets_know_tehran_summer_time_until_1401() -> None:
    offsets = dict(zone_offsets("Asia/Tehran"))
    last_change, minutes = max(offsets.items())
    assert minutes == 210 and last_change.year == 2022
    assert 270 in offsets.values()


@pytest.mark.parametrize("zone", ["Asia/Tehran", "Africa/Casablanca", "Europe/Berlin"])
def test_each_offset_change_is_a_real_transition(zone: str) -> None:
    tz = zoneinfo.ZoneInfo(zone)
    changes = zone_offsets(zone)
    for (since, minutes), (_, before) in zip(changes[1:], changes, strict=False):
        just_before = since - dt.timedelta(seconds=1)
        assert since.astimezone(tz).utcoffset() == dt.timedelta(minutes=minutes)
        assert just_before.astimezone(tz).utcoffset() == dt.timedelta(minutes=before)
        assert minutes != before


@pytest.mark.postgres
def test_the_percentile_is_postgresql_percentile_cont(pg_url: str, tmp_path: Path) -> None:
    """The window-function percentile gives what PostgreSQL's own percentile_cont gives."""
    from registry import figures as sql

    runtime = factories.office_runtime(pg_url, tmp_path / "pg", at=at(12, 6))
    runtime.initialise()
    with transaction(runtime.sessions) as session:
        factories.seed_agencies(session)
        _scenario(session)
    with runtime.sessions() as session:
        calendar = sql.CalendarSql.of(session, "Asia/Tehran", frozenset({3, 4}))
        bounds = AZAR.bounds("Asia/Tehran")
        days = (
            calendar.working_ordinal(calendar.local_day(Letter.replied_at))
            - calendar.working_ordinal(calendar.local_day(Letter.sent_at))
        ).label("days")
        base = (
            select(Letter.agency_id, days)
            .where(
                Letter.kind == LetterKind.REFERRAL,
                Letter.state != LetterState.VOID,
                Letter.replied_at >= bounds.start,
                Letter.replied_at < bounds.end,
            )
            .subquery()
        )
        native: dict[Any, tuple[float, float]] = {}
        for found in session.execute(
            select(
                base.c.agency_id,
                func.percentile_cont(0.5).within_group(base.c.days),
                func.percentile_cont(0.9).within_group(base.c.days),
            ).group_by(base.c.agency_id)
        ):
            agency_id, median, p90 = (found[0], str(found[1]), str(found[2]))
            native[agency_id] = (float(median), float(p90))
        ours = sql.agency_latency(session, calendar, bounds, dt.date(2026, 12, 6))
        assert len(native) == 2
        for row in ours:
            if row.replies:
                assert (row.median_working_days, row.p90_working_days) == pytest.approx(
                    native[row.agency_id]
                )
    runtime.close()


def test_office_days_follow_the_zones_summer_time_of_its_day(runtime: Runtime) -> None:
    """Tehran kept summer time (UTC+4:30) until 1401: answered at 00:30 on 2021-07-10 in
    Tehran is 20:00 UTC on the 9th; with +3:30 it would still be the 9th in Tehran."""
    summer = dt.datetime(2021, 7, 10, 0, 30, tzinfo=TEHRAN)
    assert summer.utcoffset() == dt.timedelta(hours=4, minutes=30)
    with transaction(runtime.sessions) as session:
        _case(session, at(7, 1).replace(year=2021), _answered(summer), person=20)
    tir = stats.figures(runtime, HEAD, stats.parse_period("1400/04"))
    # Registered 2021-07-01, answered 2021-07-10: 9 calendar days.
    assert (tir.served.cases, tir.served.median_days) == (1, 9)
