"""The service's figures in words and pictures: the Persian lines, the charts (SVG) and the
printable monthly report, one set that the desk, the command line and the PDF all show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generators.charts import Bar, bar_chart, format_number_fa
from office.runtime import Runtime
from office.stats import Figures, PeriodKind
from registry.jalali import format_jalali
from registry.text import to_persian_digits

__all__ = ["AgencyLine", "agency_lines", "charts", "report_pdf", "served_lines"]


def served_lines(figures: Figures) -> list[tuple[str, str]]:
    """The service card's figures as (Persian name, value in Persian digits)."""
    s = figures.served
    return [
        ("شاکیان پاسخ‌گرفته", to_persian_digits(s.complainants)),
        ("پرونده‌های پاسخ‌داده", to_persian_digits(s.cases)),
        ("میانه روز تا پاسخ (تقویمی)", format_number_fa(s.median_days)),
        ("میانگین روز تا پاسخ (تقویمی)", format_number_fa(s.average_days)),
        ("میانه روز کاری تا پاسخ", format_number_fa(s.median_working_days)),
        ("میانگین روز کاری تا پاسخ", format_number_fa(s.average_working_days)),
        ("مراجعه حضوری به ازای هر پرونده", format_number_fa(s.visits_per_case, 2)),
        ("پرونده‌های ثبت‌شده در دوره", to_persian_digits(figures.registered)),
    ]


@dataclass(frozen=True)
class AgencyLine:
    """One agency's reply latency, every value already in Persian digits."""

    agency: str
    replies: str
    median: str
    p90: str
    due: str
    overdue: str
    share: str


def agency_lines(figures: Figures) -> list[AgencyLine]:
    """The per-agency table in Persian digits (the share as a percentage)."""
    return [
        AgencyLine(
            agency=row.agency,
            replies=to_persian_digits(row.replies),
            median=format_number_fa(row.median_working_days),
            p90=format_number_fa(row.p90_working_days),
            due=to_persian_digits(row.due),
            overdue=to_persian_digits(row.overdue),
            share="—"
            if row.overdue_share is None
            else format_number_fa(100 * row.overdue_share, 0) + "٪",
        )
        for row in figures.agencies
    ]


def charts(figures: Figures) -> list[str]:
    """The period's charts as SVG text: cases served by month (a season or a year), the
    agencies' median reply time, the cases by state, the commonest subjects."""
    drawn = []
    if figures.period.kind is not PeriodKind.MONTH:
        drawn.append(
            bar_chart(
                "پرونده‌های پاسخ‌داده به تفکیک ماه",
                [Bar(month.label_fa, cases) for month, _, cases in figures.by_month],
            )
        )
    answered = [row for row in figures.agencies if row.median_working_days is not None]
    drawn.append(
        bar_chart(
            "میانه روزهای کاری پاسخ دستگاه‌ها",
            [Bar(row.agency, row.median_working_days or 0.0) for row in answered],
            colour="#8f5a2f",
        )
    )
    drawn.append(
        bar_chart(
            "پرونده‌های ثبت‌شده در دوره به تفکیک وضعیت کنونی",
            [
                Bar(state.label_fa, count)
                for state, count in sorted(figures.states.items(), key=lambda item: -item[1])
            ],
            colour="#3f7f4f",
        )
    )
    drawn.append(
        bar_chart(
            "موضوعات پرتکرار",
            [Bar(subject, count) for subject, count in figures.subjects],
            colour="#6f4f8f",
        )
    )
    return drawn


def report_data(runtime: Runtime, figures: Figures) -> dict[str, Any]:
    """What the printable report shows: the office's heading, the period, the lines, the
    agencies' table and the charts."""
    office = runtime.settings.office
    period = figures.period
    return {
        "office": {
            "ministry": office.ministry,
            "governorate": office.governorate,
            "office": office.name,
        },
        "period": f"{period.kind.label_fa} {period.label_fa}"
        if period.kind is not PeriodKind.YEAR
        else period.label_fa,
        "first": format_jalali(period.first),
        "last": format_jalali(period.last),
        "today": format_jalali(figures.today),
        "lines": served_lines(figures),
        "agencies": agency_lines(figures),
        "charts": charts(figures),
    }


def report_pdf(runtime: Runtime, figures: Figures) -> bytes:
    """The printable report of ``figures`` as PDF bytes (the same figures, the same bytes)."""
    from generators.stats_report import render_stats_report

    return render_stats_report(report_data(runtime, figures), figures.period.code)
