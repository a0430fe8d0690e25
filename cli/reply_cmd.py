"""``residegi reply``: agencies' replies, and the referrals still waiting for one."""

from __future__ import annotations

import csv
import enum
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cli import output
from cli.context import App, actor_name
from cli.deadline_cmd import find
from cli.options import ActorOption, JsonOption, choice
from registry import outstanding, replies
from registry.agencies import find_agency
from registry.db import transaction
from registry.errors import InvalidInput
from registry.jalali import format_jalali_or_none as jalali
from registry.jalali import parse_jalali_date
from registry.kinds import ComplaintState, DocumentKind, ReplyOutcome
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
CSV_KEYS = [
    "number",
    "kind",
    "date",
    "due_date",
    "recipient",
    "tracking_code",
    "state",
    "agency",
    "sent",
    "working_days_late",
    "last_chaser",
    "last_chaser_kind",
    "last_chaser_date",
    "next_step",
    "next_step_date",
]
KIND_FA = {"reminder": "پیگیری", "escalation": "تذکر"}


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
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record an agency's reply to our referral (or to one of its reminders)."""
    from archive.intake import as_new_documents, read_files, store_files

    state: App = ctx.obj
    their_date = parse_jalali_date(date)
    result = choice(outcome, ReplyOutcome, "outcome") if outcome else None
    files = read_files(
        [(DocumentKind.AGENCY_REPLY, file.expanduser())], state.settings.attachment_max_bytes
    )
    who, now = actor_name(actor), state.clock.now()
    with transaction(state.sessions) as session:
        letter = find(state, session, number)
        reply = replies.record_reply(
            session,
            letter,
            their_number=their_number,
            their_date=their_date,
            document=as_new_documents(files)[0],
            at=now,
            actor=who,
            today=state.clock.today(),
            outcome=result,
            summary=summary,
            supersede=supersede,
        )
        complaint = reply.letter.complaint
        assert complaint is not None  # record_reply refuses a letter without a case
        store_files(session, state.store, complaint, files, actor=who, at=now)
        data: dict[str, Any] = {
            "number": reply.letter.number,
            "cited": letter.number,
            "agency": reply.letter.agency.name if reply.letter.agency else None,
            "their_number": reply.their_number,
            "their_date": jalali(reply.their_date),
            "outcome": result.value if result else None,
            "summary": reply.summary,
            "tracking_code": complaint.tracking_code,
            "complaint_state": complaint.state.value,
            "superseded": supersede,
        }
    if as_json:
        output.emit_json(data)
        return
    output.say(to_persian_digits(f"پاسخ {data['agency']} به نامه {data['number']} ثبت شد."))
    output.say(f"وضعیت شکایت: {ComplaintState(data['complaint_state']).label_fa}")


def outstanding_record(row: outstanding.OutstandingRow) -> dict[str, Any]:
    """One outstanding referral under the ``--json`` contract."""
    chaser, step = row.last_chaser, row.next_step
    return {
        "number": row.number,
        "kind": "referral",
        "date": jalali(row.date),
        "due_date": jalali(row.due_date),
        "recipient": row.recipient,
        "tracking_code": row.tracking_code,
        "state": "sent",
        "agency": row.agency,
        "sent": jalali(row.sent),
        "working_days_late": row.working_days_late,
        "last_chaser": None
        if chaser is None
        else {"number": chaser.number, "kind": chaser.kind.value, "date": jalali(chaser.date)},
        "next_step": None if step is None else step.kind.value,
        "next_step_date": None if step is None else jalali(step.date),
    }


@app.command("outstanding")
def outstanding_(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or pdf.")] = "table",
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="The PDF report to write.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Referrals still waiting for a reply, most working days late first, with totals."""
    state: App = ctx.obj
    kind = choice(fmt, _Format, "format")
    if kind is _Format.PDF and out is None:
        raise InvalidInput("field_required", field="output")
    settings = state.settings
    today = state.clock.today()
    with state.sessions() as session:
        only = find_agency(session, agency) if agency else None
        from registry.holidays import working_calendar  # see deadline_cmd._calendar

        calendar = working_calendar(session, settings.weekend_python_days)
        rows = outstanding.outstanding_replies(
            session,
            today=today,
            calendar=calendar,
            zone=state.clock.zone,
            first_after=settings.chase_first_after,
            second_after=settings.chase_second_after,
            escalate_after=settings.chase_escalate_after,
            overdue_only=overdue,
            agency=only,
        )
    records = [outstanding_record(row) for row in rows]
    totals = [vars(total) for total in outstanding.agency_totals(rows, today)]
    if as_json:
        output.emit_json({"today": jalali(today), "letters": records, "totals": totals})
    elif kind is _Format.CSV:
        _csv(records)
    else:
        _in_words(records, rows)
        if kind is _Format.PDF and out is not None:
            from generators.outstanding_report import render_outstanding_report

            office = settings.office
            report = {
                "office": {
                    "ministry": office.ministry,
                    "governorate": office.governorate,
                    "office": office.name,
                },
                "today": jalali(today),
                "agency": only.name if only else None,
                "overdue": overdue,
                "letters": [
                    {
                        **rec,
                        "last_chaser": rec["last_chaser_fa"] or "—",
                        "next_step": rec["next_step_fa"] or "—",
                        "due_date": rec["due_date"] or "—",
                    }
                    for rec in records
                ],
                "totals": totals,
            }
            out.write_bytes(render_outstanding_report(report))
            output.say(f"گزارش نوشته شد: {out}")
            return
        output.table(
            records, COLUMNS, title=to_persian_digits(f"پاسخ‌های نرسیده تا {jalali(today)}")
        )
        output.table(totals, TOTAL_COLUMNS, title="جمع به تفکیک دستگاه")


def _in_words(records: list[dict[str, Any]], rows: list[outstanding.OutstandingRow]) -> None:
    """The last chaser and the next step in Persian words, for people."""
    for rec, row in zip(records, rows, strict=True):
        chaser, step = row.last_chaser, row.next_step
        rec["last_chaser_fa"] = (
            None
            if chaser is None
            else f"{KIND_FA[chaser.kind.value]} {chaser.number} ({jalali(chaser.date)})"
        )
        rec["next_step_fa"] = (
            None if step is None else f"{step.kind.label_fa} {rec['next_step_date']}"
        )


def _csv(records: list[dict[str, Any]]) -> None:
    # Flat columns, ASCII digits and Jalali dates as in JSON: for spreadsheets.
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_KEYS)
    for rec in records:
        chaser = rec["last_chaser"] or {}
        flat = {
            **rec,
            "last_chaser": chaser.get("number"),
            "last_chaser_kind": chaser.get("kind"),
            "last_chaser_date": chaser.get("date"),
        }
        writer.writerow(["" if flat[key] is None else flat[key] for key in CSV_KEYS])
