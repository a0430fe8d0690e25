"""``residegi holiday``: the office's table of official holidays."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import output
from cli.context import App, actor_name
from cli.options import ActorOption, JsonOption
from registry.calendar import Holiday
from registry.db import transaction
from registry.errors import InvalidInput
from registry.jalali import format_jalali, jalali_weekday_name, parse_jalali_date
from registry.jalali import format_jalali_or_none as jalali
from registry.text import to_ascii_digits, to_persian_digits

if TYPE_CHECKING:
    # registry.holidays is imported inside each command: it loads the holiday seeder and
    # the `holidays` package (~0.1-0.2 s), which every other command would pay for too.
    from registry import holidays

app = typer.Typer(help="تعطیلات رسمی: فهرست، افزودن، حذف، بارگذاری اولیه.", no_args_is_help=True)

COLUMNS = [("date", "تاریخ"), ("weekday", "روز"), ("name", "مناسبت"), ("source", "منبع")]

DateArg = Annotated[str, typer.Argument(help="Jalali date, e.g. 1405/02/06.")]


def holiday_record(holiday: Holiday) -> dict[str, Any]:
    return {
        "date": format_jalali(holiday.date),
        "weekday": jalali_weekday_name(holiday.date),
        "name": holiday.name,
        "estimated": holiday.estimated,
        "source": holiday.source,
    }


def _edit_record(edit: holidays.HolidayEdit) -> dict[str, Any]:
    record = holiday_record(edit.holiday)
    record["moved"] = [
        {"number": m.letter.number, "before": jalali(m.before), "after": jalali(m.after)}
        for m in edit.moved
    ]
    return record


def _say_moved(record: dict[str, Any]) -> None:
    for moved in record["moved"]:
        line = f"سررسید نامه {moved['number']}: {moved['before']} ← {moved['after']}"
        output.say(to_persian_digits(line))


@app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(help="Jalali year, e.g. 1405.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Official holidays by date."""
    from registry import holidays

    state: App = ctx.obj
    with state.sessions() as session:
        records = [holiday_record(h) for h in holidays.list_holidays(session, year)]
    if as_json:
        output.emit_json(records)
        return
    for record in records:
        if record["estimated"]:
            record["name"] = f"{record['name']} (تخمینی)"
    output.table(records, COLUMNS, title="تعطیلات رسمی")


@app.command("add")
def add(
    ctx: typer.Context,
    date: DateArg,
    name: Annotated[str, typer.Argument(help="What the day is, in Persian.")],
    estimated: Annotated[
        bool, typer.Option("--estimated", help="A lunar date not yet confirmed.")
    ] = False,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a holiday; open letters whose count it falls in get a later due date."""
    from registry import holidays

    state: App = ctx.obj
    day = parse_jalali_date(date)
    with transaction(state.sessions) as session:
        edit = holidays.add_holiday(
            session,
            day,
            name,
            at=state.clock.now(),
            actor=actor_name(actor),
            weekend=state.settings.weekend_python_days,
            estimated=estimated,
        )
        record = _edit_record(edit)
    if as_json:
        output.emit_json(record)
        return
    output.say(to_persian_digits(f"تعطیل رسمی {record['date']} ({record['name']}) افزوده شد."))
    _say_moved(record)


@app.command("remove")
def remove(
    ctx: typer.Context, date: DateArg, actor: ActorOption = None, as_json: JsonOption = False
) -> None:
    """Remove a holiday; open letters whose count it fell in get an earlier due date."""
    from registry import holidays

    state: App = ctx.obj
    day = parse_jalali_date(date)
    with transaction(state.sessions) as session:
        edit = holidays.remove_holiday(
            session,
            day,
            at=state.clock.now(),
            actor=actor_name(actor),
            weekend=state.settings.weekend_python_days,
        )
        record = _edit_record(edit)
    if as_json:
        output.emit_json(record)
        return
    output.say(to_persian_digits(f"تعطیل رسمی {record['date']} ({record['name']}) حذف شد."))
    _say_moved(record)


def _years(text: str) -> tuple[int, ...]:
    parts = to_ascii_digits(text).replace(",", " ").replace("،", " ").split()
    if not parts or not all(part.isdigit() for part in parts):
        raise InvalidInput("invalid_jalali_year", value=text)
    return tuple(int(part) for part in parts)


@app.command("seed")
def seed(
    ctx: typer.Context,
    years: Annotated[
        str | None,
        typer.Option("--years", help='Jalali years, e.g. "1404 1405 1406" (the default).'),
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load the official holidays of years not loaded before (safe to run again)."""
    from registry import holidays

    state: App = ctx.obj
    wanted = _years(years) if years else holidays.DEFAULT_SEED_YEARS
    with transaction(state.sessions) as session:
        added = holidays.seed_holidays(
            session, wanted, at=state.clock.now(), actor=actor_name(actor)
        )
    if as_json:
        output.emit_json({"years": list(wanted), "added": added})
    else:
        output.say(to_persian_digits(f"{added} تعطیل رسمی افزوده شد."))
