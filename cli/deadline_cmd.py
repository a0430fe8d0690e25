"""``residegi deadline``: how a due date was reached; extensions and stop-the-clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from cli import output
from cli.context import App, actor_name
from cli.options import ActorOption, JsonOption
from registry import deadline_edits, deadlines
from registry.calendar import WorkingCalendar
from registry.db import transaction
from registry.jalali import format_jalali_or_none as jalali
from registry.jalali import parse_jalali_date
from registry.models import DeadlineChange, Letter
from registry.records import letter_record
from registry.register import find_letter
from registry.text import to_persian_digits

app = typer.Typer(help="مهلت پاسخ: توضیح سررسید، تمدید، توقف و ازسرگیری.", no_args_is_help=True)

LetterArg = Annotated[str, typer.Argument(help="Letter number as printed, e.g. 1405/ص/123.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (recorded).")]

CHANGE_FA = {"start": "ارسال", "extension": "تمدید", "pause": "توقف مهلت"}


def change_record(change: DeadlineChange) -> dict[str, Any]:
    return {
        "kind": change.kind.value,
        "start": jalali(change.start),
        "end": jalali(change.end),
        "days": change.days,
        "reason": change.reason,
        "actor": change.actor,
    }


def _calendar(session: Session, state: App) -> WorkingCalendar:
    """The office's working calendar.  registry.holidays is imported here, not at the top:
    it loads the holiday seeder and with it the `holidays` package (~0.1-0.2 s), which
    every other command (``complaint list``…) would otherwise pay for at start-up."""
    from registry.holidays import working_calendar

    return working_calendar(session, state.settings.weekend_python_days)


def find(state: App, session: Any, number: str) -> Letter:
    office = state.settings.office
    return find_letter(session, number, set(office.series.values()), office.number_format)


@app.command("explain")
def explain(ctx: typer.Context, number: LetterArg, as_json: JsonOption = False) -> None:
    """How the letter's due date was reached, day by day."""
    state: App = ctx.obj
    with state.sessions() as session:
        letter = find(state, session, number)
        calendar = _calendar(session, state)
        explanation = deadlines.explain(session, letter, calendar)
        changes = [change_record(c) for c in deadlines.deadline_changes(session, letter)]
        record = letter_record(letter, state.clock.zone)
    if as_json:
        output.emit_json({**record, "explanation": explanation.as_json(), "changes": changes})
        return
    output.say(to_persian_digits(f"نامه {record['number']} به {record['recipient']}"))
    for change in changes[1:]:
        label = CHANGE_FA.get(change["kind"], change["kind"])
        if change["kind"] == "extension":
            output.say(
                to_persian_digits(f"{label}: {change['days']} روز کاری؛ علت: {change['reason']}")
            )
        else:
            until = change["end"] or "ادامه دارد"
            line = f"{label}: از {change['start']} تا {until}؛ علت: {change['reason']}"
            output.say(to_persian_digits(line))
    for line in explanation.lines_fa():
        output.say(line)


Change = Callable[[Session, Letter, WorkingCalendar], deadlines.DueDateChange]


def _change(state: App, number: str, change: Change, as_json: bool, message: str) -> None:
    """Apply one deadline change to the letter in one transaction, then print the result."""
    with transaction(state.sessions) as session:
        letter = find(state, session, number)
        moved = change(session, letter, _calendar(session, state))
        record = letter_record(letter, state.clock.zone)
    record["due_date_before"] = jalali(moved.before)
    if as_json:
        output.emit_json(record)
    else:
        after = record["due_date"] or "متوقف"
        output.say(to_persian_digits(f"{message} سررسید نامه {record['number']}: {after}"))


@app.command("extend")
def extend(
    ctx: typer.Context,
    number: LetterArg,
    days: Annotated[int, typer.Option("--days", help="Working days to add.")],
    reason: ReasonOption,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Give the agency more working days."""
    state: App = ctx.obj
    who, now = actor_name(actor), state.clock.now()
    _change(
        state,
        number,
        lambda session, letter, calendar: deadline_edits.extend_deadline(
            session, letter, days, reason, at=now, actor=who, calendar=calendar
        ),
        as_json,
        "مهلت تمدید شد.",
    )


@app.command("pause")
def pause(
    ctx: typer.Context,
    number: LetterArg,
    reason: ReasonOption,
    from_date: Annotated[
        str | None, typer.Option("--from", help="First day stopped (Jalali; default today).")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Stop the letter's clock until it is resumed."""
    state: App = ctx.obj
    who, now, today = actor_name(actor), state.clock.now(), state.clock.today()
    first = parse_jalali_date(from_date) if from_date else today
    _change(
        state,
        number,
        lambda session, letter, calendar: deadline_edits.pause_deadline(
            session, letter, first, reason, at=now, actor=who, calendar=calendar, today=today
        ),
        as_json,
        "مهلت متوقف شد.",
    )


@app.command("resume")
def resume(
    ctx: typer.Context,
    number: LetterArg,
    reason: ReasonOption,
    on_date: Annotated[
        str | None, typer.Option("--on", help="First day counted again (Jalali; default today).")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Restart a stopped clock."""
    state: App = ctx.obj
    who, now, today = actor_name(actor), state.clock.now(), state.clock.today()
    day = parse_jalali_date(on_date) if on_date else today
    _change(
        state,
        number,
        lambda session, letter, calendar: deadline_edits.resume_deadline(
            session, letter, day, reason, at=now, actor=who, calendar=calendar, today=today
        ),
        as_json,
        "مهلت از سر گرفته شد.",
    )
