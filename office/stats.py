"""The service's figures for a Jalali month, season or year (docs/stats.md defines each).

The service card states them as estimates (about 121 complainants a period, 31 days to the
answer, 3 visits in person); here they come from the registry: ``figures`` runs the
aggregate queries of ``registry.figures`` for one period and returns them with the period;
the desk, the command line, the CSV and the printable report all show that one result.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from office.access import Action, Actor, require, visible_levels
from office.runtime import Runtime
from registry import figures as sql
from registry.errors import InvalidInput
from registry.jalali import format_jalali, from_jalali, jalali_parts
from registry.kinds import ComplaintState
from registry.text import to_ascii_digits, to_persian_digits

__all__ = [
    "CSV_KEYS",
    "Figures",
    "Period",
    "PeriodKind",
    "figures",
    "parse_period",
]

MONTHS_FA = (
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
)
SEASONS_FA = ("بهار", "تابستان", "پاییز", "زمستان")


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"

    @property
    def label_fa(self) -> str:
        return {"month": "ماه", "season": "فصل", "year": "سال"}[self.value]


@dataclass(frozen=True)
class Period:
    """A Jalali month (number 1-12), season (1-4, three months each) or year (number 0)."""

    kind: PeriodKind
    year: int
    number: int = 0

    @property
    def months(self) -> tuple[int, ...]:
        if self.kind is PeriodKind.MONTH:
            return (self.number,)
        if self.kind is PeriodKind.SEASON:
            return tuple(range(3 * self.number - 2, 3 * self.number + 1))
        return tuple(range(1, 13))

    @property
    def first(self) -> dt.date:
        return from_jalali(self.year, self.months[0], 1)

    @property
    def last(self) -> dt.date:
        month = self.months[-1]
        following = from_jalali(self.year + 1, 1, 1) if month == 12 else None
        following = following or from_jalali(self.year, month + 1, 1)
        return following - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        """As the command line takes it: 1405/09, 1405/S3, 1405."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}/{self.number:02d}"
        if self.kind is PeriodKind.SEASON:
            return f"{self.year}/S{self.number}"
        return str(self.year)

    @property
    def label_fa(self) -> str:
        if self.kind is PeriodKind.MONTH:
            name = MONTHS_FA[self.number - 1]
        elif self.kind is PeriodKind.SEASON:
            name = SEASONS_FA[self.number - 1]
        else:
            name = "سال"
        return f"{name} {to_persian_digits(self.year)}"

    def month_periods(self) -> list[Period]:
        return [Period(PeriodKind.MONTH, self.year, month) for month in self.months]

    def bounds(self, zone: str) -> sql.Bounds:
        return sql.Bounds(self.first, self.last, zone)

    @classmethod
    def of_day(cls, kind: PeriodKind, day: dt.date) -> Period:
        """The period of ``kind`` that holds ``day``."""
        year, month, _ = jalali_parts(day)
        number = {PeriodKind.MONTH: month, PeriodKind.SEASON: (month + 2) // 3}.get(kind, 0)
        return cls(kind, year, number)


_PERIOD = re.compile(r"([0-9]{4})(?:[/-](?:([0-9]{1,2})|[sS]([1-4])))?")


def parse_period(text: str) -> Period:
    """``1405/09`` (a month), ``1405/S3`` (a season) or ``1405`` (a year), Persian or ASCII
    digits; InvalidInput ``invalid_period`` otherwise."""
    match = _PERIOD.fullmatch(to_ascii_digits(text.strip()))
    refused = InvalidInput("invalid_period", field="period", value=to_persian_digits(text))
    if match is None or not 1 <= int(match.group(1)) <= 3000:
        raise refused
    year = int(match.group(1))
    if match.group(2) is not None:
        if not 1 <= int(match.group(2)) <= 12:
            raise refused
        return Period(PeriodKind.MONTH, year, int(match.group(2)))
    if match.group(3) is not None:
        return Period(PeriodKind.SEASON, year, int(match.group(3)))
    return Period(PeriodKind.YEAR, year)


@dataclass(frozen=True)
class Figures:
    """One period's figures, as every shell shows them."""

    period: Period
    today: dt.date
    served: sql.Served
    agencies: list[sql.AgencyLatency]
    states: dict[ComplaintState, int]
    subjects: list[tuple[str, int]]
    # Season and year: (month, complainants served, cases served) for each month.
    by_month: list[tuple[Period, int, int]]

    @property
    def registered(self) -> int:
        return sum(self.states.values())

    def as_json(self) -> dict[str, Any]:
        """Stable snake_case keys, ASCII digits, Jalali dates, days rounded to 0.1."""
        s = self.served
        return {
            "period": {
                "kind": self.period.kind.value,
                "code": self.period.code,
                "first": format_jalali(self.period.first),
                "last": format_jalali(self.period.last),
            },
            "today": format_jalali(self.today),
            "served": {
                "complainants": s.complainants,
                "cases": s.cases,
                "median_days": _round(s.median_days),
                "average_days": _round(s.average_days),
                "median_working_days": _round(s.median_working_days),
                "average_working_days": _round(s.average_working_days),
                "visits_per_case": _round(s.visits_per_case, 2),
            },
            "agencies": [
                {
                    "agency": row.agency,
                    "replies": row.replies,
                    "median_working_days": _round(row.median_working_days),
                    "p90_working_days": _round(row.p90_working_days),
                    "due": row.due,
                    "overdue": row.overdue,
                    "overdue_share": _round(row.overdue_share, 3),
                }
                for row in self.agencies
            ],
            "registered": self.registered,
            "states": {state.value: count for state, count in sorted(self.states.items())},
            "subjects": [{"subject": text, "cases": cases} for text, cases in self.subjects],
            "by_month": [
                {"month": month.code, "complainants": people, "cases": cases}
                for month, people, cases in self.by_month
            ],
        }

    def csv_rows(self) -> list[list[Any]]:
        """``CSV_KEYS`` and one row per figure (ASCII digits; an empty value: no data)."""
        data = self.as_json()
        code = self.period.code
        rows: list[list[Any]] = [list(CSV_KEYS)]
        for measure, value in data["served"].items():
            rows.append([code, "served", "", measure, value])
        rows.append([code, "registered", "", "cases", self.registered])
        for row in data["agencies"]:
            for measure, value in row.items():
                if measure != "agency":
                    rows.append([code, "agency", row["agency"], measure, value])
        for state, count in data["states"].items():
            rows.append([code, "state", state, "cases", count])
        for row in data["subjects"]:
            rows.append([code, "subject", row["subject"], "cases", row["cases"]])
        for row in data["by_month"]:
            rows.append([code, "month", row["month"], "complainants", row["complainants"]])
            rows.append([code, "month", row["month"], "cases", row["cases"]])
        return [["" if value is None else value for value in row] for row in rows]


CSV_KEYS = ["period", "section", "item", "measure", "value"]


def _round(value: float | None, digits: int = 1) -> float | None:
    # Half up, as the page rounds (generators.charts.format_number_fa): 29.25 -> 29.3.
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))


def figures(runtime: Runtime, actor: Actor, period: Period | None = None) -> Figures:
    """The figures of ``period`` (default: the current Jalali month in the office's zone),
    each one aggregate query on the registry; roles head and admin."""
    require(actor, Action.READ_STATS)
    today = runtime.clock.today()
    period = period or Period.of_day(PeriodKind.MONTH, today)
    zone = runtime.settings.timezone
    bounds = period.bounds(zone)
    with runtime.sessions() as session:
        sql.without_jit(session)
        calendar = sql.CalendarSql.of(session, zone, runtime.settings.weekend_python_days)
        # A season's or a year's months are counted with the period's own figures.
        months = period.month_periods() if period.kind is not PeriodKind.MONTH else []
        served = sql.served(session, calendar, bounds, [month.bounds(zone) for month in months])
        by_month = [
            (month, people, cases)
            for month, (people, cases) in zip(months, served.by_bucket, strict=True)
        ]
        return Figures(
            period=period,
            today=today,
            served=served,
            agencies=sql.agency_latency(session, calendar, bounds, today),
            states=sql.cases_by_state(session, bounds),
            subjects=sql.top_subjects(session, bounds, visible_levels(actor, runtime.settings)),
            by_month=by_month,
        )
