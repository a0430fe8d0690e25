"""Seed data for the office's holiday table, from the ``holidays`` package (country IR).

The package's Iran calendar lists solar (Persian calendar) and lunar (Islamic) holidays and
the closures it knows of.  Lunar dates not yet confirmed carry its "estimated" label
(«(تخمینی)» in Persian); we keep that as ``Holiday.estimated`` and drop the marker from the
name.  The package's IR weekend (Friday) is not used: our weekend is a setting.
The seed is only a starting point; the office edits the table afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from importlib.metadata import version

import holidays as holidays_pkg
from holidays.countries.iran import Iran

from registry.calendar import Holiday
from registry.errors import InvalidInput
from registry.jalali import jalali_year, jalali_year_bounds

__all__ = ["FIRST_SEED_YEAR", "SOURCE", "official_holidays"]

# The package's Iran calendar starts in 1980, i.e. within Jalali 1358; 1359 is the first
# Jalali year it covers whole.
FIRST_SEED_YEAR = 1359
SOURCE = f"holidays {version('holidays')} (IR)"

# Persian names where the package has them; otherwise its default language.
_LANGUAGE = "fa_IR" if "fa_IR" in Iran.supported_languages else None


def official_holidays(jalali_years: Iterable[int]) -> list[Holiday]:
    """The official holidays of the given Jalali years, one per date, sorted by date.

    Covers every Gregorian year that overlaps those Jalali years and keeps only the days
    inside them.  Several holidays on one date become one entry, names joined with «، »;
    it is ``estimated`` only if every one of them is (otherwise the day off is certain).
    A year before 1359 raises ``InvalidInput("invalid_jalali_year")``.
    """
    years = list(jalali_years)
    for year in years:
        if isinstance(year, bool) or not isinstance(year, int) or year < FIRST_SEED_YEAR:
            raise InvalidInput("invalid_jalali_year", value=year)
    if not years:
        return []
    gregorian_years: set[int] = set()
    for year in set(years):
        first, last = jalali_year_bounds(year)
        gregorian_years.update(range(first.year, last.year + 1))
    calendar = holidays_pkg.country_holidays(
        "IR", years=sorted(gregorian_years), language=_LANGUAGE
    )
    # The package's own label, in the language it speaks here: "%s (تخمینی)" or
    # "%s (estimated)".
    prefix, _, suffix = calendar.tr(calendar.estimated_label).partition("%s")
    wanted = set(years)
    seeded: list[Holiday] = []
    for day in sorted(calendar.keys()):
        if jalali_year(day) not in wanted:
            continue
        parts = [_strip_label(name, prefix, suffix) for name in calendar.get_list(day)]
        seeded.append(
            Holiday(
                date=_as_date(day),
                name="، ".join(name for name, _ in parts),
                estimated=all(estimated for _, estimated in parts),
                source=SOURCE,
            )
        )
    return seeded


def _strip_label(name: str, prefix: str, suffix: str) -> tuple[str, bool]:
    """``(name without the estimated label, whether it had it)``."""
    if (prefix or suffix) and name.startswith(prefix) and name.endswith(suffix):
        return name[len(prefix) : len(name) - len(suffix)].strip(), True
    return name.strip(), False


def _as_date(day: dt.date) -> dt.date:
    # The package's keys are dates; make sure a datetime never leaks into our table.
    return dt.date(day.year, day.month, day.day)
