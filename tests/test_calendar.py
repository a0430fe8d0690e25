"""Working-day arithmetic on the Iranian calendar (holidays given here, not from the seed)."""

from __future__ import annotations

import datetime as dt

import pytest

from registry.calendar import (
    DEFAULT_WEEKEND,
    FRIDAY,
    THURSDAY,
    Holiday,
    PausedInterval,
    WorkingCalendar,
)
from registry.errors import InvalidInput, Refused
from registry.jalali import format_jalali, parse_jalali_date


def J(text: str) -> dt.date:  # short: it reads like the Jalali dates in the tables
    return parse_jalali_date(text)


FRI_ONLY = frozenset({FRIDAY})
THU_FRI = frozenset({THURSDAY, FRIDAY})

# 1405/01/01 is a Saturday.  1404/12/29 a Friday.  1405/04/03 a Wednesday.
HOLIDAYS = [
    Holiday(J("1404/12/29"), "روز ملی شدن صنعت نفت ایران"),
    Holiday(J("1405/01/01"), "جشن نوروز"),
    Holiday(J("1405/01/02"), "عیدنوروز"),
    Holiday(J("1405/01/03"), "عیدنوروز"),
    Holiday(J("1405/01/04"), "عیدنوروز"),
    Holiday(J("1405/01/12"), "روز جمهوری اسلامی"),
    Holiday(J("1405/01/13"), "روز طبیعت"),
    Holiday(J("1405/04/03"), "تاسوعای حسینی", estimated=True),
    Holiday(J("1405/04/04"), "عاشورای حسینی"),
]


def calendar(weekend: frozenset[int] = THU_FRI) -> WorkingCalendar:
    return WorkingCalendar.from_holidays(HOLIDAYS, weekend=weekend)


def test_default_weekend_is_thursday_and_friday() -> None:
    assert DEFAULT_WEEKEND == THU_FRI
    assert WorkingCalendar().weekend == THU_FRI


@pytest.mark.parametrize(
    ("day", "weekend", "working"),
    [
        ("1405/01/01", THU_FRI, False),  # Nowruz, a Saturday
        ("1405/01/04", THU_FRI, False),
        ("1405/01/05", THU_FRI, True),  # Wednesday
        ("1405/01/06", THU_FRI, False),  # Thursday
        ("1405/01/06", FRI_ONLY, True),
        ("1405/01/07", FRI_ONLY, False),  # Friday
        ("1405/01/13", FRI_ONLY, False),  # Sizdah-bedar, a Thursday: a holiday either way
        ("1405/04/03", FRI_ONLY, False),  # Tasua
        ("1405/04/06", THU_FRI, True),
    ],
)
def test_is_working_day(day: str, weekend: frozenset[int], working: bool) -> None:
    assert calendar(weekend).is_working_day(J(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "weekend", "due"),
    [
        # Across Nowruz: 26, 27 Esfand; 28 Thu, 29 Fri + oil day; 1-4 Farvardin; ...
        ("1404/12/25", 10, THU_FRI, "1405/01/17"),
        ("1404/12/25", 10, FRI_ONLY, "1405/01/15"),
        ("1404/12/27", 1, THU_FRI, "1405/01/05"),
        ("1404/12/27", 1, FRI_ONLY, "1404/12/28"),
        # Sent on a holiday or a weekend day: counting still starts the next day.
        ("1405/01/01", 1, THU_FRI, "1405/01/05"),
        ("1405/01/01", 3, THU_FRI, "1405/01/09"),
        ("1405/01/07", 1, THU_FRI, "1405/01/08"),
        ("1405/01/06", 1, THU_FRI, "1405/01/08"),
        # n = 0: the sending day itself, whatever it is.
        ("1405/01/07", 0, THU_FRI, "1405/01/07"),
        # Thursday on and off.
        ("1405/01/05", 1, THU_FRI, "1405/01/08"),
        ("1405/01/05", 1, FRI_ONLY, "1405/01/06"),
        # 12 and 13 Farvardin, then Friday.
        ("1405/01/11", 1, THU_FRI, "1405/01/15"),
        ("1405/01/11", 1, FRI_ONLY, "1405/01/15"),
        # Lunar holidays: Tasua (Wed) and Ashura (Thu).
        ("1405/04/01", 2, THU_FRI, "1405/04/06"),
        ("1405/04/02", 1, FRI_ONLY, "1405/04/06"),
        ("1405/04/01", 1, THU_FRI, "1405/04/02"),
        # The default reply deadline from an ordinary week.
        ("1405/01/15", 10, THU_FRI, "1405/01/29"),
    ],
)
def test_add_working_days(start: str, n: int, weekend: frozenset[int], due: str) -> None:
    cal = calendar(weekend)
    got = cal.add_working_days(J(start), n)
    assert format_jalali(got) == due
    assert cal.explain_due_date(J(start), n).due_date == got
    if n > 0:
        assert cal.is_working_day(got)
        assert cal.working_days_between(J(start), got) == n


def test_holiday_added_after_sending_moves_the_due_date() -> None:
    sent = J("1405/01/11")
    before = WorkingCalendar.from_holidays(
        [h for h in HOLIDAYS if h.date != J("1405/01/12")], weekend=THU_FRI
    )
    assert format_jalali(before.add_working_days(sent, 1)) == "1405/01/12"
    after = before.with_holidays(Holiday(J("1405/01/12"), "روز جمهوری اسلامی"))
    assert format_jalali(after.add_working_days(sent, 1)) == "1405/01/15"
    # The first calendar is a value: adding a holiday made a new one.
    assert format_jalali(before.add_working_days(sent, 1)) == "1405/01/12"


def test_calendar_copies_the_callers_mapping() -> None:
    table = {h.date: h for h in HOLIDAYS}
    cal = WorkingCalendar(weekend=THU_FRI, holidays=table)
    extra = J("1405/01/05")
    table[extra] = Holiday(extra, "تعطیلی اضطراری")
    assert cal.is_working_day(extra)
    assert cal == calendar()


def test_same_day_holidays_merge() -> None:
    day = J("1405/01/01")
    cal = WorkingCalendar.from_holidays(
        [Holiday(day, "جشن نوروز"), Holiday(day, "عید سعید فطر", estimated=True)]
    )
    merged = cal.holidays[day]
    assert merged.name == "جشن نوروز، عید سعید فطر"
    assert merged.estimated is False  # the day off is certain, whatever the moon does
    both = cal.with_holidays(Holiday(day, "عید سعید فطر", estimated=True))
    assert both.holidays[day] == merged


def test_holiday_under_the_wrong_key_is_a_bug() -> None:
    with pytest.raises(ValueError, match="filed under"):
        WorkingCalendar(holidays={J("1405/01/05"): HOLIDAYS[1]})


@pytest.mark.parametrize("weekend", [frozenset(range(7)), frozenset({7}), frozenset({-1})])
def test_invalid_weekend(weekend: frozenset[int]) -> None:
    with pytest.raises(InvalidInput) as caught:
        WorkingCalendar(weekend=weekend)
    assert caught.value.code == "invalid_weekend"


def test_negative_working_days() -> None:
    with pytest.raises(InvalidInput) as caught:
        calendar().add_working_days(J("1405/01/15"), -1)
    assert caught.value.code == "invalid_working_days"


def P(first: str, last: str | None) -> PausedInterval:
    return (J(first), None if last is None else J(last))


@pytest.mark.parametrize(
    ("paused", "due"),
    [
        ([], "1405/01/22"),
        ([P("1405/01/17", "1405/01/18")], "1405/01/24"),
        ([P("1405/01/17", "1405/01/18"), P("1405/01/18", "1405/01/19")], "1405/01/25"),
        ([P("1405/01/18", "1405/01/19"), P("1405/01/17", "1405/01/17")], "1405/01/25"),
        ([P("1405/01/01", "1405/01/10")], "1405/01/22"),  # before sending: no effect
        ([P("1405/01/15", "1405/01/15")], "1405/01/22"),  # on day 0: no effect
        ([P("1405/01/20", "1405/01/21")], "1405/01/22"),  # only weekend days
        ([P("1405/01/23", None)], "1405/01/22"),  # stopped after the due date
    ],
)
def test_paused_intervals(paused: list[PausedInterval], due: str) -> None:
    # 1405/01/15 is a Saturday; without pauses 16-19 and 22 count.
    assert format_jalali(calendar().add_working_days(J("1405/01/15"), 5, paused)) == due


@pytest.mark.parametrize(
    ("paused", "since", "remaining"),
    [
        ([P("1405/01/19", None)], "1405/01/19", 2),
        ([P("1405/01/17", "1405/01/17"), P("1405/01/20", None)], "1405/01/20", 2),
        ([P("1405/01/16", None), P("1405/01/20", "1405/01/30")], "1405/01/16", 5),
    ],
)
def test_open_ended_pause_has_no_due_date(
    paused: list[PausedInterval], since: str, remaining: int
) -> None:
    cal = calendar()
    explanation = cal.explain_due_date(J("1405/01/15"), 5, paused)
    assert explanation.due_date is None
    assert explanation.paused_since == J(since)
    assert explanation.remaining == remaining
    assert all(day.date < J(since) for day in explanation.days)
    with pytest.raises(Refused) as caught:
        cal.add_working_days(J("1405/01/15"), 5, paused)
    assert caught.value.code == "deadline_clock_stopped"
    assert caught.value.params == {"since": since, "remaining": remaining}


def test_pause_ending_before_it_starts() -> None:
    with pytest.raises(InvalidInput) as caught:
        calendar().add_working_days(J("1405/01/15"), 5, [P("1405/01/18", "1405/01/17")])
    assert caught.value.code == "invalid_pause_interval"
    assert caught.value.params == {"start": "1405/01/18", "end": "1405/01/17"}


@pytest.mark.parametrize(
    ("a", "b", "paused", "expected"),
    [
        ("1405/01/15", "1405/01/15", [], 0),
        ("1405/01/07", "1405/01/07", [], 0),
        ("1405/01/15", "1405/01/22", [], 5),
        ("1405/01/22", "1405/01/15", [], -5),
        ("1405/01/15", "1405/01/16", [], 1),
        ("1405/01/16", "1405/01/15", [], -1),
        ("1404/12/25", "1405/01/17", [], 10),
        ("1405/01/11", "1405/01/14", [], 0),  # 12, 13 holidays; 14 Friday
        ("1405/01/11", "1405/01/15", [], 1),
        ("1405/01/15", "1405/01/24", [P("1405/01/17", "1405/01/18")], 5),
        ("1405/01/24", "1405/01/15", [P("1405/01/17", "1405/01/18")], -5),
        ("1405/01/15", "1405/01/24", [P("1405/01/19", None)], 3),
        ("1405/01/15", "1405/01/24", [P("1405/01/10", "1405/01/30")], 0),
        # All of 1405: 365 days from a Saturday = 52 weeks of 5 working days + 1 Saturday,
        # minus the 6 holidays on working weekdays (the oil day 1404/12/29 lies outside;
        # Sizdah-bedar and Ashura fall on Thursdays).
        ("1404/12/29", "1405/12/29", [], 52 * 5 + 1 - 6),
    ],
)
def test_working_days_between(a: str, b: str, paused: list[PausedInterval], expected: int) -> None:
    assert calendar().working_days_between(J(a), J(b), paused) == expected


def _naive_count(cal: WorkingCalendar, a: dt.date, b: dt.date, paused: list[PausedInterval]) -> int:
    sign, low, high = (1, a, b) if a <= b else (-1, b, a)
    count = 0
    day = low + dt.timedelta(days=1)
    while day <= high:
        in_pause = any(s <= day and (e is None or day <= e) for s, e in paused)
        if cal.is_working_day(day) and not in_pause:
            count += 1
        day += dt.timedelta(days=1)
    return sign * count


@pytest.mark.parametrize("weekend", [THU_FRI, FRI_ONLY, frozenset()])
@pytest.mark.parametrize(
    "paused",
    [[], [P("1405/01/08", "1405/01/10")], [P("1405/01/05", "1405/01/06"), P("1405/01/20", None)]],
)
def test_fast_count_matches_day_by_day(
    weekend: frozenset[int], paused: list[PausedInterval]
) -> None:
    cal = calendar(weekend)
    window = [J("1404/12/20") + dt.timedelta(days=i) for i in range(45)]
    for a in window:
        for b in window:
            assert cal.working_days_between(a, b, paused) == _naive_count(cal, a, b, paused), (
                format_jalali(a),
                format_jalali(b),
            )


def test_explain_lines() -> None:
    explanation = calendar().explain_due_date(J("1405/04/01"), 3, [P("1405/04/06", "1405/04/06")])
    assert explanation.due_date == J("1405/04/08")
    assert explanation.lines_fa() == [
        "تاریخ ارسال نامه (روز صفر): ۱۴۰۵/۰۴/۰۱ دوشنبه",
        "مهلت پاسخ: ۳ روز کاری؛ شمارش از روز پس از ارسال آغاز می‌شود",
        "۱۴۰۵/۰۴/۰۲ سه‌شنبه: روز کاری ۱ از ۳",
        "۱۴۰۵/۰۴/۰۳ چهارشنبه: شمرده نشد: تعطیل رسمی «تاسوعای حسینی (تخمینی)»",
        "۱۴۰۵/۰۴/۰۴ پنج‌شنبه: شمرده نشد: تعطیل رسمی «عاشورای حسینی»، تعطیل آخر هفته (پنج‌شنبه)",
        "۱۴۰۵/۰۴/۰۵ جمعه: شمرده نشد: تعطیل آخر هفته (جمعه)",
        "۱۴۰۵/۰۴/۰۶ شنبه: شمرده نشد: مهلت متوقف بود",
        "۱۴۰۵/۰۴/۰۷ یک‌شنبه: روز کاری ۲ از ۳",
        "۱۴۰۵/۰۴/۰۸ دوشنبه: روز کاری ۳ از ۳",
        "سررسید پاسخ: ۱۴۰۵/۰۴/۰۸ دوشنبه",
    ]


def test_explain_lines_when_the_clock_is_stopped() -> None:
    explanation = calendar().explain_due_date(J("1405/01/15"), 5, [P("1405/01/19", None)])
    lines = explanation.lines_fa()
    assert lines[-1] == (
        "مهلت از ۱۴۰۵/۰۱/۱۹ چهارشنبه متوقف است و ۲ روز کاری از آن مانده است؛"
        " سررسید پس از ازسرگیری مهلت معلوم می‌شود"
    )
    assert lines[-2] == "۱۴۰۵/۰۱/۱۸ سه‌شنبه: روز کاری ۳ از ۵"


def test_explain_lines_use_persian_digits_only() -> None:
    cal = calendar().with_holidays(Holiday(J("1405/03/15"), "قیام 15 خرداد"))
    lines = cal.explain_due_date(J("1405/03/10"), 10).lines_fa()
    assert any("قیام ۱۵ خرداد" in line for line in lines)
    assert not any(ch in "0123456789" for line in lines for ch in line)


def test_explain_lists_every_calendar_day() -> None:
    explanation = calendar().explain_due_date(J("1404/12/25"), 10)
    dates = [day.date for day in explanation.days]
    assert dates[0] == J("1404/12/26")
    assert dates[-1] == J("1405/01/17")
    assert len(dates) == (J("1405/01/17") - J("1404/12/25")).days
    assert [d.working_day_number for d in explanation.days if d.counted] == list(range(1, 11))


def test_explain_as_json() -> None:
    explanation = calendar().explain_due_date(J("1405/04/02"), 1)
    assert explanation.as_json() == {
        "start": "1405/04/02",
        "counted_from": "sent",
        "working_days": 1,
        "due_date": "1405/04/06",
        "paused_since": None,
        "remaining": 0,
        "days": [
            {
                "date": "1405/04/03",
                "counted": False,
                "working_day_number": None,
                "weekend": False,
                "paused": False,
                "holiday": {"name": "تاسوعای حسینی", "estimated": True},
            },
            {
                "date": "1405/04/04",
                "counted": False,
                "working_day_number": None,
                "weekend": True,
                "paused": False,
                "holiday": {"name": "عاشورای حسینی", "estimated": False},
            },
            {
                "date": "1405/04/05",
                "counted": False,
                "working_day_number": None,
                "weekend": True,
                "paused": False,
                "holiday": None,
            },
            {
                "date": "1405/04/06",
                "counted": True,
                "working_day_number": 1,
                "weekend": False,
                "paused": False,
                "holiday": None,
            },
        ],
    }


def test_explained_from_receipt_names_the_day_of_receipt_as_day_zero() -> None:
    explanation = calendar().explain_due_date(J("1405/04/02"), 1, from_receipt=True)
    lines = explanation.lines_fa()
    assert lines[0].startswith("تاریخ دریافت نامه توسط گیرنده (روز صفر): ۱۴۰۵/۰۴/۰۲")
    assert "شمارش از روز پس از دریافت نامه آغاز می‌شود" in lines[1]
    assert explanation.as_json()["counted_from"] == "receipt"
