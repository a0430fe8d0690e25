"""Jalali parsing, formatting, names and the office's "today"."""

from __future__ import annotations

import datetime as dt

import pytest

from registry.errors import InvalidInput
from registry.jalali import (
    DEFAULT_TIME_ZONE,
    format_jalali,
    format_jalali_fa,
    from_jalali,
    jalali_month_name,
    jalali_parts,
    jalali_weekday_name,
    jalali_year,
    jalali_year_bounds,
    office_today,
    parse_jalali_date,
)

UTC = dt.UTC
TEHRAN_FIXED = dt.timezone(dt.timedelta(hours=3, minutes=30))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Nowruz 1405: the equinox is on 2026-03-20 after noon Tehran time.
        ("1405/01/01", dt.date(2026, 3, 21)),
        ("1404/01/01", dt.date(2025, 3, 21)),
        # 1403 is a leap year: 30 Esfand exists (several libraries got this wrong).
        ("1403/12/30", dt.date(2025, 3, 20)),
        ("1404/12/29", dt.date(2026, 3, 20)),
        ("1405/09/04", dt.date(2026, 11, 25)),
        ("۱۴۰۵/۰۹/۰۴", dt.date(2026, 11, 25)),
        ("١٤٠٥/٠٩/٠٤", dt.date(2026, 11, 25)),
        ("1405-9-4", dt.date(2026, 11, 25)),
        ("۱۴۰۵-۹-۴", dt.date(2026, 11, 25)),
        ("  1405/09/04\n", dt.date(2026, 11, 25)),
        ("\u200f۱۴۰۵/۰۹/۰۴\u200e", dt.date(2026, 11, 25)),
        ("1405/06/31", dt.date(2026, 9, 22)),
    ],
)
def test_parse_accepts(text: str, expected: dt.date) -> None:
    assert parse_jalali_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1404/12/30",  # 1404 is not a leap year
        "1405/12/30",  # nor is 1405
        "1405/13/01",
        "1405/00/10",
        "1405/01/00",
        "1405/01/32",
        "1405/07/31",  # months 7-11 have 30 days
        "",
        "   ",
        "abc",
        "05/09/04",
        "01405/09/04",
        "1405/09",
        "1405/9/4/1",
        "1405/09-04",  # mixed separators
        "1405.09.04",
        "14050904",
        "1405/123/4",
        "1405/ 9/4",
        "2026-11-25x",
    ],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_jalali_date(text)
    assert caught.value.code == "invalid_jalali_date"
    assert caught.value.params == {"value": text}


def test_from_jalali_rejects_missing_day() -> None:
    with pytest.raises(InvalidInput) as caught:
        from_jalali(1404, 12, 30)
    assert caught.value.code == "invalid_jalali_date"
    assert from_jalali(1403, 12, 30) == dt.date(2025, 3, 20)


@pytest.mark.parametrize(
    ("day", "ascii_form", "persian_form"),
    [
        (dt.date(2026, 3, 21), "1405/01/01", "۱۴۰۵/۰۱/۰۱"),
        (dt.date(2026, 11, 25), "1405/09/04", "۱۴۰۵/۰۹/۰۴"),
        (dt.date(2025, 3, 20), "1403/12/30", "۱۴۰۳/۱۲/۳۰"),
        (dt.date(2026, 3, 20), "1404/12/29", "۱۴۰۴/۱۲/۲۹"),
    ],
)
def test_format(day: dt.date, ascii_form: str, persian_form: str) -> None:
    assert format_jalali(day) == ascii_form
    assert format_jalali_fa(day) == persian_form


def test_round_trip_every_day_1403_to_1406() -> None:
    day, last = dt.date(2024, 3, 20), dt.date(2028, 3, 20)
    seen = 0
    while day <= last:
        assert parse_jalali_date(format_jalali(day)) == day
        assert parse_jalali_date(format_jalali_fa(day)) == day
        day += dt.timedelta(days=1)
        seen += 1
    assert seen == 1462


@pytest.mark.parametrize(
    ("year", "first", "last", "length"),
    [
        (1403, dt.date(2024, 3, 20), dt.date(2025, 3, 20), 366),
        (1404, dt.date(2025, 3, 21), dt.date(2026, 3, 20), 365),
        (1405, dt.date(2026, 3, 21), dt.date(2027, 3, 20), 365),
    ],
)
def test_year_bounds(year: int, first: dt.date, last: dt.date, length: int) -> None:
    assert jalali_year_bounds(year) == (first, last)
    assert (last - first).days + 1 == length
    assert jalali_year(first) == jalali_year(last) == year
    assert jalali_year(first - dt.timedelta(days=1)) == year - 1
    assert jalali_year(last + dt.timedelta(days=1)) == year + 1


def test_parts() -> None:
    assert jalali_parts(dt.date(2026, 11, 25)) == (1405, 9, 4)


MONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]


@pytest.mark.parametrize(("month", "name"), list(enumerate(MONTHS, start=1)))
def test_month_names(month: int, name: str) -> None:
    assert jalali_month_name(from_jalali(1405, month, 1)) == name
    assert jalali_month_name(from_jalali(1405, month, 29)) == name


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (dt.date(2026, 3, 21), "شنبه"),
        (dt.date(2026, 3, 22), "یک\u200cشنبه"),
        (dt.date(2026, 3, 23), "دوشنبه"),
        (dt.date(2026, 3, 24), "سه\u200cشنبه"),
        (dt.date(2026, 3, 25), "چهارشنبه"),
        (dt.date(2026, 3, 26), "پنج\u200cشنبه"),
        (dt.date(2026, 3, 27), "جمعه"),
    ],
)
def test_weekday_names(day: dt.date, name: str) -> None:
    assert jalali_weekday_name(day) == name


def test_datetime_is_not_a_date_here() -> None:
    with pytest.raises(TypeError):
        format_jalali(dt.datetime(2026, 3, 21, 12, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("now", "tz_name", "expected"),
    [
        # Summer: Iran has had no DST since 1402, so the boundary is 20:30 UTC all year.
        (dt.datetime(2026, 6, 21, 20, 29, 59, tzinfo=UTC), "Asia/Tehran", "1405/03/31"),
        (dt.datetime(2026, 6, 21, 20, 30, 0, tzinfo=UTC), "Asia/Tehran", "1405/04/01"),
        (dt.datetime(2026, 6, 21, 23, 59, 59, tzinfo=UTC), "Asia/Tehran", "1405/04/01"),
        (dt.datetime(2026, 6, 21, 20, 30, 0, tzinfo=UTC), "UTC", "1405/03/31"),
        # Winter.
        (dt.datetime(2026, 1, 10, 20, 29, 59, tzinfo=UTC), "Asia/Tehran", "1404/10/20"),
        (dt.datetime(2026, 1, 10, 20, 30, 0, tzinfo=UTC), "Asia/Tehran", "1404/10/21"),
        # New Year's Eve (Gregorian) on a UTC machine: Tehran is already in 2027.
        (dt.datetime(2026, 12, 31, 21, 0, tzinfo=UTC), "Asia/Tehran", "1405/10/11"),
        # Nowruz starts at Tehran midnight, i.e. 20:30 UTC the evening before.
        (dt.datetime(2026, 3, 20, 20, 30, tzinfo=UTC), "Asia/Tehran", "1405/01/01"),
        (dt.datetime(2026, 3, 20, 20, 29, tzinfo=UTC), "Asia/Tehran", "1404/12/29"),
        # Summer 1401 still had DST (+04:30): history comes from the zone database.
        (dt.datetime(2022, 6, 21, 19, 45, tzinfo=UTC), "Asia/Tehran", "1401/04/01"),
        (dt.datetime(2022, 6, 21, 19, 29, tzinfo=UTC), "Asia/Tehran", "1401/03/31"),
        # An aware time in another offset is converted, not read as wall time.
        (dt.datetime(2026, 3, 21, 0, 10, tzinfo=TEHRAN_FIXED), "UTC", "1404/12/29"),
        (dt.datetime(2026, 3, 21, 0, 10, tzinfo=TEHRAN_FIXED), "Asia/Tehran", "1405/01/01"),
    ],
)
def test_office_today(now: dt.datetime, tz_name: str, expected: str) -> None:
    assert format_jalali(office_today(tz_name, now=now)) == expected


def test_office_today_override_wins() -> None:
    training = parse_jalali_date("1405/02/10")
    now = dt.datetime(2026, 6, 21, 21, 0, tzinfo=UTC)
    assert office_today("Asia/Tehran", now=now, override=training) == training


def test_office_today_real_clock_is_a_date() -> None:
    today = office_today(DEFAULT_TIME_ZONE)
    assert type(today) is dt.date
    assert abs((today - dt.datetime.now(UTC).date()).days) <= 1


@pytest.mark.parametrize("tz_name", ["Mars/Olympus", "", "../etc", "Asia"])
def test_office_today_rejects_unknown_zone(tz_name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        office_today(tz_name, now=dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert caught.value.code == "invalid_time_zone"
    assert caught.value.params == {"value": tz_name}


def test_office_today_checks_the_zone_under_the_training_clock() -> None:
    with pytest.raises(InvalidInput) as caught:
        office_today("Nowhere/Qazvin", override=parse_jalali_date("1405/02/10"))
    assert caught.value.code == "invalid_time_zone"


def test_office_today_rejects_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        office_today("Asia/Tehran", now=dt.datetime(2026, 1, 1, 12, 0))
