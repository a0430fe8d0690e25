"""The service's figures (/stats, roles head and admin): a Jalali month, season or year
chosen on the page, the figures in Persian digits with their charts, the same figures as
CSV (/stats.csv) and as the printable report (/stats/report.pdf)."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from office.access import Action, Staff
from office.stats import MONTHS_FA, SEASONS_FA, Period, PeriodKind, figures, parse_period
from office.stats_report import agency_lines, charts, report_pdf, served_lines
from registry.errors import InvalidInput
from registry.jalali import jalali_parts
from registry.text import to_ascii_digits
from web.desk import Desk, desk, error_text, needs, page

router = APIRouter()


def _chosen(the_desk: Desk, kind: str, year: str, month: str, season: str) -> Period:
    """The period the chooser names (its fields empty: this month); InvalidInput
    ``invalid_period`` for a period that is none."""
    today = the_desk.runtime.clock.today()
    if not (kind or year or month or season):
        return Period.of_day(PeriodKind.MONTH, today)
    year = to_ascii_digits(year.strip()) or str(jalali_parts(today)[0])
    if kind == PeriodKind.YEAR.value:
        return parse_period(year)
    if kind == PeriodKind.SEASON.value:
        return parse_period(f"{year}/S{to_ascii_digits(season.strip())}")
    if kind in ("", PeriodKind.MONTH.value):
        return parse_period(f"{year}/{to_ascii_digits(month.strip())}")
    raise InvalidInput("invalid_period", field="period", value=kind)


def _query(period: Period) -> str:
    fields = f"kind={period.kind.value}&year={period.year}"
    if period.kind is PeriodKind.MONTH:
        fields += f"&month={period.number}"
    elif period.kind is PeriodKind.SEASON:
        fields += f"&season={period.number}"
    return fields


@router.get("/stats", response_class=HTMLResponse)
def stats_page(
    request: Request,
    kind: str = "",
    year: str = "",
    month: str = "",
    season: str = "",
    staff: Staff = Depends(needs(Action.READ_STATS)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The chooser and, for a valid period, its figures and charts."""
    chooser = {"kind": kind or "month", "year": year, "month": month, "season": season}
    try:
        period = _chosen(the_desk, kind, year, month, season)
    except InvalidInput as exc:
        return page(
            request,
            "stats.html",
            staff,
            status_code=400,
            chooser=chooser,
            error=error_text(exc),
            months=MONTHS_FA,
            seasons=SEASONS_FA,
            result=None,
        )
    result = figures(the_desk.runtime, staff, period)
    chooser = {
        "kind": period.kind.value,
        "year": str(period.year),
        "month": str(period.number if period.kind is PeriodKind.MONTH else 1),
        "season": str(period.number if period.kind is PeriodKind.SEASON else 1),
    }
    return page(
        request,
        "stats.html",
        staff,
        chooser=chooser,
        error=None,
        months=MONTHS_FA,
        seasons=SEASONS_FA,
        result=result,
        lines=served_lines(result),
        agencies=agency_lines(result),
        # Our own generator's markup: every user string in it is already escaped.
        charts=[Markup(svg) for svg in charts(result)],
        query=_query(period),
    )


@router.get("/stats.csv")
def stats_csv(
    kind: str = "",
    year: str = "",
    month: str = "",
    season: str = "",
    staff: Staff = Depends(needs(Action.READ_STATS)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The period's figures as CSV (UTF-8 with a byte-order mark, which spreadsheets need
    to read Persian): one row per figure, ASCII digits."""
    result = figures(the_desk.runtime, staff, _chosen(the_desk, kind, year, month, season))
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(result.csv_rows())
    name = f"stats-{result.period.code.replace('/', '-')}.csv"
    return Response(
        text.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/stats/report.pdf")
def stats_report(
    kind: str = "",
    year: str = "",
    month: str = "",
    season: str = "",
    staff: Staff = Depends(needs(Action.READ_STATS)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The printable report of the period (default: this month), with the same charts."""
    result = figures(the_desk.runtime, staff, _chosen(the_desk, kind, year, month, season))
    name = f"stats-{result.period.code.replace('/', '-')}.pdf"
    return Response(
        report_pdf(the_desk.runtime, result),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
