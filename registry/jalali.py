"""Jalali (Solar Hijri) dates: parsing, formatting, names, and the office's "today".

Everything is stored as a Gregorian ``datetime.date``; Jalali is only how dates are read
and shown.  jdatetime does the conversion.  Its locale is passed on every object we make
(``locale=FA_LOCALE``) and never set with ``jdatetime.set_locale``: that one is kept per
thread id, ids are recycled, and without it jdatetime falls back to the process's
``LANG`` (research/stack-pitfalls.md, part 5).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import jdatetime

from registry.errors import InvalidInput
from registry.text import strip_bidi_marks, to_ascii_digits, to_persian_digits

__all__ = [
    "DEFAULT_TIME_ZONE",
    "format_jalali",
    "format_jalali_fa",
    "from_jalali",
    "jalali_month_name",
    "jalali_parts",
    "jalali_weekday_name",
    "jalali_year",
    "jalali_year_bounds",
    "office_today",
    "parse_jalali_date",
]

DEFAULT_TIME_ZONE = "Asia/Tehran"

# ASCII only: the input has already gone through to_ascii_digits, and ``\d`` would also
# accept digits of scripts that to_ascii_digits does not translate.
_JALALI_DATE = re.compile(r"([0-9]{4})([/-])([0-9]{1,2})\2([0-9]{1,2})")


def _to_jalali(day: dt.date) -> jdatetime.date:
    # A datetime is a date too, but its Jalali date would depend on a time zone we do
    # not know here; the caller converts first (office_today does).
    if isinstance(day, dt.datetime):
        raise TypeError("expected a datetime.date, got a datetime.datetime")
    return jdatetime.date.fromgregorian(date=day, locale=jdatetime.FA_LOCALE)


def from_jalali(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of Jalali ``year/month/day``.

    Raises ``InvalidInput("invalid_jalali_date")`` if that day does not exist
    (e.g. 1404/12/30: 1404 is not a leap year; 1403/12/30 exists).
    """
    try:
        jalali = jdatetime.date(year, month, day, locale=jdatetime.FA_LOCALE)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InvalidInput(
            "invalid_jalali_date", str(exc), value=f"{year:04d}/{month:02d}/{day:02d}"
        ) from exc
    gregorian: dt.date = jalali.togregorian()
    return gregorian


def parse_jalali_date(text: str) -> dt.date:
    """Parse a Jalali date typed by staff into a Gregorian ``datetime.date``.

    Accepts ``YYYY/MM/DD`` or ``YYYY-MM-DD`` (one separator kind throughout; month and
    day may have one or two digits) in ASCII, Persian or Arabic-Indic digits; surrounding
    spaces and bidi marks are ignored.  Anything else, or a day that does not exist in the
    Jalali calendar, raises ``InvalidInput("invalid_jalali_date", value=text)``.
    """
    cleaned = to_ascii_digits(strip_bidi_marks(text)).strip()
    match = _JALALI_DATE.fullmatch(cleaned)
    if match is None:
        raise InvalidInput("invalid_jalali_date", "not YYYY/MM/DD", value=text)
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    try:
        return from_jalali(year, month, day)
    except InvalidInput as exc:
        # Report the text as typed, not our reformatting of it.
        raise InvalidInput("invalid_jalali_date", exc.detail, value=text) from exc


def jalali_parts(day: dt.date) -> tuple[int, int, int]:
    """``(year, month, day)`` of ``day`` in the Jalali calendar."""
    jalali = _to_jalali(day)
    return jalali.year, jalali.month, jalali.day


def format_jalali(day: dt.date) -> str:
    """``YYYY/MM/DD`` in ASCII digits, zero-padded: the form used in JSON output."""
    year, month, dom = jalali_parts(day)
    return f"{year:04d}/{month:02d}/{dom:02d}"


def format_jalali_or_none(day: dt.date | None) -> str | None:
    """``format_jalali`` of a date that may be missing (a due date while the clock is stopped)."""
    return None if day is None else format_jalali(day)


def format_jalali_fa(day: dt.date) -> str:
    """``YYYY/MM/DD`` in Persian digits (e.g. «۱۴۰۵/۰۹/۰۴»): the form shown to people."""
    return to_persian_digits(format_jalali(day))


def jalali_year(day: dt.date) -> int:
    """The Jalali year that ``day`` falls in."""
    return jalali_parts(day)[0]


def jalali_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of Jalali ``year`` (1 Farvardin to 29 or 30 Esfand)."""
    first = from_jalali(year, 1, 1)
    last = from_jalali(year + 1, 1, 1) - dt.timedelta(days=1)
    return first, last


def jalali_month_name(day: dt.date) -> str:
    """The Persian name of ``day``'s Jalali month (فروردین … اسفند)."""
    name: str = _to_jalali(day).strftime("%B")
    return name


def jalali_weekday_name(day: dt.date) -> str:
    """The Persian name of ``day``'s weekday (شنبه … جمعه, with ZWNJ as in «یک‌شنبه»)."""
    name: str = _to_jalali(day).strftime("%A")
    return name


def office_today(
    tz_name: str,
    now: dt.datetime | None = None,
    override: dt.date | None = None,
) -> dt.date:
    """Today's date in the office's time zone (setting; default ``DEFAULT_TIME_ZONE``).

    ``override`` (the training clock, setting ``RESIDEGI_TODAY`` parsed by the caller)
    wins when given.  Otherwise ``now`` (an aware datetime; the real clock if None) is
    converted to ``tz_name``: on a UTC machine from 20:30 to 24:00 UTC it is already the
    next day in Tehran (+03:30 all year: Iran's last clock change was in
    September 2022, so there is no DST from 1402 on).
    An unknown zone raises ``InvalidInput("invalid_time_zone")``; a naive ``now`` is a
    programming error (``ValueError``).
    """
    # The zone is checked even under the training clock, so a bad setting shows at once.
    try:
        zone = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        # OSError: a key naming a folder of the zone database, e.g. "Asia".
        raise InvalidInput("invalid_time_zone", str(exc), value=tz_name) from exc
    if override is not None:
        if isinstance(override, dt.datetime):
            raise TypeError("override must be a datetime.date, not a datetime")
        return override
    if now is None:
        now = dt.datetime.now(dt.UTC)
    elif now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime; a naive one has no time zone")
    return now.astimezone(zone).date()
