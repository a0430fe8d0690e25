"""The holiday seed from the ``holidays`` package (country IR), as pinned in requirements.lock.

Which lunar dates are "estimated" is the package's word for its version: when an upgrade
confirms more dates, the estimated rows below change with it (on purpose: this test then
says so).
"""

from __future__ import annotations

import datetime as dt

import pytest

from registry.calendar import FRIDAY, Holiday, WorkingCalendar
from registry.errors import InvalidInput
from registry.holiday_seed import SOURCE, official_holidays
from registry.jalali import format_jalali, jalali_year, parse_jalali_date


@pytest.fixture(scope="module")
def seed() -> dict[str, Holiday]:
    return {format_jalali(h.date): h for h in official_holidays(range(1404, 1407))}


SOLAR = [
    ("01/01", "نوروز"),
    ("01/02", "نوروز"),
    ("01/03", "نوروز"),
    ("01/04", "نوروز"),
    ("01/12", "جمهوری اسلامی"),
    ("01/13", "طبیعت"),
    ("03/14", "امام خمینی"),
    ("03/15", "خرداد"),
    ("11/22", "انقلاب اسلامی"),
    ("12/29", "نفت"),
]


@pytest.mark.parametrize("year", [1404, 1405, 1406])
@pytest.mark.parametrize(("month_day", "fragment"), SOLAR)
def test_solar_holidays(seed: dict[str, Holiday], year: int, month_day: str, fragment: str) -> None:
    holiday = seed[f"{year}/{month_day}"]
    assert fragment in holiday.name
    assert holiday.estimated is False


@pytest.mark.parametrize(
    ("day", "fragment", "estimated"),
    [
        ("1404/04/14", "تاسوعا", False),
        ("1404/04/15", "عاشورا", False),
        ("1405/04/03", "تاسوعا", False),
        ("1405/04/04", "عاشورا", False),
        ("1406/03/25", "تاسوعا", True),
        ("1406/03/26", "عاشورا", True),
        ("1405/12/19", "فطر", True),
        ("1406/02/27", "قربان", True),
        ("1404/01/11", "فطر", False),
    ],
)
def test_lunar_holidays(seed: dict[str, Holiday], day: str, fragment: str, estimated: bool) -> None:
    holiday = seed[day]
    assert fragment in holiday.name
    assert holiday.estimated is estimated


def test_names_carry_no_marker(seed: dict[str, Holiday]) -> None:
    for holiday in seed.values():
        assert "تخمینی" not in holiday.name
        assert "estimated" not in holiday.name
        assert holiday.name == holiday.name.strip()
        assert holiday.source == SOURCE
        assert SOURCE.startswith("holidays ")


def test_some_are_estimated_and_persian(seed: dict[str, Holiday]) -> None:
    assert sum(h.estimated for h in seed.values()) >= 10
    assert seed["1405/01/03"].name == "عیدنوروز"


def test_mixed_day_is_certain(seed: dict[str, Holiday]) -> None:
    # Nowruz 1405 coincides with Eid al-Fitr: one entry, names joined, not an estimate.
    holiday = seed["1405/01/01"]
    assert "نوروز" in holiday.name
    assert "فطر" in holiday.name
    assert holiday.estimated is False


def test_sorted_unique_and_inside_the_years() -> None:
    seeded = official_holidays([1406, 1404, 1405, 1405])
    dates = [h.date for h in seeded]
    assert dates == sorted(set(dates))
    assert {jalali_year(d) for d in dates} == {1404, 1405, 1406}
    assert all(type(d) is dt.date for d in dates)


def test_weekend_is_not_a_holiday(seed: dict[str, Holiday]) -> None:
    fridays = [h for h in seed.values() if h.date.weekday() == FRIDAY]
    assert len(fridays) < 20  # three years hold ~156 Fridays
    assert "1405/01/21" not in seed  # an ordinary Friday


@pytest.mark.parametrize(
    ("years", "inside", "outside"),
    [
        ([1405], ["1405/01/01", "1405/12/29"], ["1404/12/29", "1406/01/01"]),
        ([1404], ["1404/01/01", "1404/12/29"], ["1403/12/30", "1405/01/01"]),
        # 1403 is a leap year, and the package lists its 30 Esfand.
        ([1403], ["1403/12/29", "1403/12/30"], ["1404/01/01"]),
        ([1404, 1406], ["1404/01/01", "1406/01/01"], ["1405/01/01"]),
    ],
)
def test_only_the_requested_jalali_years(
    years: list[int], inside: list[str], outside: list[str]
) -> None:
    days = {format_jalali(h.date) for h in official_holidays(years)}
    for day in inside:
        assert day in days
    for day in outside:
        assert day not in days


def test_no_years() -> None:
    assert official_holidays([]) == []


@pytest.mark.parametrize("year", [1300, 0, -1, "1405", 1405.0, True])
def test_invalid_year(year: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        official_holidays([year])  # type: ignore[list-item]
    assert caught.value.code == "invalid_jalali_year"
    assert caught.value.params == {"value": year}


def test_seed_drives_the_calendar() -> None:
    cal = WorkingCalendar.from_holidays(official_holidays([1404, 1405]))
    due = cal.add_working_days(parse_jalali_date("1404/12/25"), 10)
    assert format_jalali(due) == "1405/01/17"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        # An estimated lunar date on a certain solar holiday: the day off is certain.
        ("1407/03/14", "تاسوعای حسینی، رحلت حضرت امام خمینی"),
        ("1407/03/15", "عاشورای حسینی، قیام 15 خرداد"),
    ],
)
def test_estimated_on_a_certain_day_is_certain(day: str, name: str) -> None:
    seeded = {format_jalali(h.date): h for h in official_holidays([1407])}
    assert seeded[day].name == name
    assert seeded[day].estimated is False
