"""``residegi reply``: agencies' replies, and the referrals still waiting for one."""

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
from office import replies
from registry.errors import InvalidInput
from registry.jalali import format_jalali_or_none as jalali
from registry.jalali import parse_jalali_date
from registry.kinds import ComplaintState, ReplyOutcome
from registry.text import to_persian_digits

app = typer.Typer(help="پاسخ دستگاه‌ها: ثبت پاسخ، فهرست پاسخ‌های نرسیده.", no_args_is_help=True)

COLUMNS = [
    ("number", "شماره نامه"),
    ("agency", "دستگاه"),
    ("tracking_code", "کد رهگیری"),
    ("sent", "ارسال"),
    ("due_date", "سررسید"),
    ("working_days_late", "روز کاری تأخیر"),
    ("last_chaser_fa", "آخرین پیگیری"),
    ("next_step_fa", "اقدام بعدی"),
]
TOTAL_COLUMNS = [
    ("agency", "دستگاه"),
    ("outstanding", "بی‌پاسخ"),
    ("overdue", "سررسیدگذشته"),
    ("working_days_late", "جمع روزهای تأخیر"),
    ("most_late", "بیشترین تأخیر"),
]


class _Format(enum.StrEnum):
    TABLE = "table"
    CSV = "csv"
    PDF = "pdf"  # the printable Persian report, with -o FILE


@app.command("record")
def record(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Our letter the reply cites, e.g. 1405/ص/123.")],
    file: Annotated[Path, typer.Option("--file", help="The reply: PDF or image.")],
    their_number: Annotated[str, typer.Option("--their-number", help="The agency's number.")],
    date: Annotated[str, typer.Option("--date", help="The reply's Jalali date.")],
    outcome: Annotated[
        str | None,
        typer.Option(help="accepted, rejected, partial, needs-inspection."),
    ] = None,
    summary: Annotated[str | None, typer.Option(help="What the agency said.")] = None,
    supersede: Annotated[
        bool, typer.Option("--supersede", help="Replaces the reply already recorded.")
    ] = False,
    enclosures: Annotated[
        int | None, typer.Option("--enclosures", help="How many enclosures it came with.")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record an agency's reply to our referral (or to one of its reminders); it is
    registered under the next incoming number."""
    state: App = ctx.obj
    their_date = parse_jalali_date(date)
    result = choice(outcome, ReplyOutcome, "outcome") if outcome else None
    data = replies.record(
        state,
        acting(state, actor),
        number,
        file=file,
        their_number=their_number,
        their_date=their_date,
        outcome=result,
        summary=summary,
        supersede=supersede,
        enclosures=enclosures,
    )
    if as_json:
        output.emit_json(data)
        return
    output.say(
        to_persian_digits(
            f"پاسخ {data['agency']} به نامه {data['number']} "
            f"به شماره وارده {data['incoming_number']} ثبت شد."
        )
    )
    output.say(f"وضعیت شکایت: {ComplaintState(data['complaint_state']).label_fa}")


@app.command("outstanding")
def outstanding_(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency.")] = None,
    county: Annotated[
        str | None, typer.Option("--county", help="Only agencies of this county.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or pdf.")] = "table",
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="The PDF report to write.")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Referrals still waiting for a reply, most working days late first, with totals."""
    state: App = ctx.obj
    kind = choice(fmt, _Format, "format")
    if kind is _Format.PDF and out is None:
        raise InvalidInput("field_required", field="output")
    report = replies.outstanding_replies(
        state, acting(state, actor), overdue=overdue, agency=agency, county=county
    )
    if as_json:
        output.emit_json(report.as_json())
    elif kind is _Format.CSV:
        # Flat columns, ASCII digits and Jalali dates as in JSON: for spreadsheets.
        csv.writer(sys.stdout, lineterminator="\n").writerows(report.csv_rows())
    elif kind is _Format.PDF and out is not None:
        out.write_bytes(replies.outstanding_pdf(state, report))
        output.say(f"گزارش نوشته شد: {out}")
    else:
        title = to_persian_digits(f"پاسخ‌های نرسیده تا {jalali(report.today)}")
        output.table(report.in_words(), COLUMNS, title=title)
        output.table(report.totals, TOTAL_COLUMNS, title="جمع به تفکیک دستگاه")
