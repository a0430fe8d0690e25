"""``residegi holiday``: the office's table of official holidays."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption
from office import holidays
from registry.errors import InvalidInput
from registry.jalali import parse_jalali_date
from registry.text import to_ascii_digits, to_persian_digits

app = typer.Typer(help="تعطیلات رسمی: فهرست، افزودن، حذف، بارگذاری اولیه.", no_args_is_help=True)

COLUMNS = [("date", "تاریخ"), ("weekday", "روز"), ("name", "مناسبت"), ("source", "منبع")]

DateArg = Annotated[str, typer.Argument(help="Jalali date, e.g. 1405/02/06.")]


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
    state: App = ctx.obj
    records = holidays.list_holidays(state, year)
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
    state: App = ctx.obj
    day = parse_jalali_date(date)
    record = holidays.add(state, acting(state, actor), day, name, estimated=estimated)
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
    state: App = ctx.obj
    day = parse_jalali_date(date)
    record = holidays.remove(state, acting(state, actor), day)
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
    state: App = ctx.obj
    seeded = holidays.seed(state, acting(state, actor), _years(years) if years else None)
    if as_json:
        output.emit_json({"years": list(seeded.years), "added": seeded.added})
    else:
        output.say(to_persian_digits(f"{seeded.added} تعطیل رسمی افزوده شد."))
