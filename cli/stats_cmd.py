"""``residegi stats``: the service's figures for a Jalali month, season or year."""

from __future__ import annotations

import csv
import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption, choice
from office import stats as figures_of
from registry.errors import InvalidInput
from registry.text import to_persian_digits


class _Format(enum.StrEnum):
    TABLE = "table"
    CSV = "csv"
    PDF = "pdf"  # the printable report, with -o FILE


AGENCY_COLUMNS = [
    ("agency", "دستگاه"),
    ("replies", "پاسخ‌های دریافتی"),
    ("median", "میانه (روز کاری)"),
    ("p90", "صدک ۹۰"),
    ("due", "سررسیدهای گذشته"),
    ("overdue", "با تأخیر"),
    ("share", "سهم تأخیر"),
]


def stats(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option("--month", help="A Jalali month: 1405/09.")] = None,
    season: Annotated[
        str | None, typer.Option("--season", help="A season of a year, 1 to 4: 1405/S3.")
    ] = None,
    year: Annotated[str | None, typer.Option("--year", help="A Jalali year: 1405.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or pdf.")] = "table",
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="The PDF report to write.")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """The service's figures (default: this month): complainants served, days to the answer,
    visits in person, the agencies' reply times, cases by state, the commonest subjects."""
    state: App = ctx.obj
    kind = choice(fmt, _Format, "format")
    if kind is _Format.PDF and out is None:
        raise InvalidInput("field_required", field="output")
    given = [text for text in (month, season, year) if text]
    if len(given) > 1:
        raise InvalidInput("invalid_period", field="period", value=" ".join(given))
    period = None
    if month:
        period = figures_of.parse_period(month)
        if period.kind is not figures_of.PeriodKind.MONTH:
            raise InvalidInput("invalid_period", field="period", value=month)
    elif season:
        text = season if "s" in season.lower() else season.replace("/", "/S", 1)
        period = figures_of.parse_period(text)
        if period.kind is not figures_of.PeriodKind.SEASON:
            raise InvalidInput("invalid_period", field="period", value=season)
    elif year:
        period = figures_of.parse_period(year)
        if period.kind is not figures_of.PeriodKind.YEAR:
            raise InvalidInput("invalid_period", field="period", value=year)
    result = figures_of.figures(state, acting(state, actor), period)
    if as_json:
        output.emit_json(result.as_json())
        return
    if kind is _Format.CSV:
        csv.writer(sys.stdout, lineterminator="\n").writerows(result.csv_rows())
        return
    from office.stats_report import agency_lines, report_pdf, served_lines

    if kind is _Format.PDF and out is not None:
        out.write_bytes(report_pdf(state, result))
        output.say(f"گزارش نوشته شد: {out}")
        return
    output.say(f"[bold]آمار خدمت — {result.period.label_fa}[/bold]")
    output.fields(served_lines(result), persian_digits=False)
    rows = [vars(line) for line in agency_lines(result)]
    output.table(rows, AGENCY_COLUMNS, title="زمان پاسخ دستگاه‌ها")
    states = [
        {"state": state_.label_fa, "cases": count}
        for state_, count in sorted(result.states.items(), key=lambda item: -item[1])
    ]
    output.table(states, [("state", "وضعیت"), ("cases", "پرونده")], title="به تفکیک وضعیت")
    subjects = [{"subject": text, "cases": to_persian_digits(n)} for text, n in result.subjects]
    output.table(subjects, [("subject", "موضوع"), ("cases", "پرونده")], title="موضوعات پرتکرار")
