"""``residegi letter``: the register of numbered letters."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cli import output
from cli.context import App, actor_name
from cli.options import ActorOption, JsonOption
from cli.records import letter_record
from registry.db import transaction
from registry.models import Letter
from registry.register import find_letter, void_letter

app = typer.Typer(help="نامه‌ها: فهرست، نمایش، ابطال.", no_args_is_help=True)

COLUMNS = [
    ("number", "شماره"),
    ("date", "تاریخ"),
    ("kind", "نوع"),
    ("recipient", "گیرنده"),
    ("tracking_code", "کد رهگیری"),
    ("state", "وضعیت"),
    ("due_date", "مهلت پاسخ"),
]


@app.command("list")
def list_(
    ctx: typer.Context,
    series: Annotated[str | None, typer.Option(help="Series code, e.g. ص.")] = None,
    year: Annotated[int | None, typer.Option(help="Jalali year, e.g. 1405.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List letters in register order."""
    state: App = ctx.obj
    query = select(Letter).options(selectinload(Letter.complaint))
    if series:
        query = query.where(Letter.series == series)
    if year:
        query = query.where(Letter.year == year)
    query = query.order_by(Letter.year, Letter.series, Letter.seq)
    with state.sessions() as session:
        zone = state.clock.zone
        records = [letter_record(letter, zone) for letter in session.scalars(query)]
    if as_json:
        output.emit_json(records)
    else:
        output.table(records, COLUMNS, title="دفتر نامه‌ها")


def _series_codes(state: App) -> set[str]:
    return set(state.settings.office.series.values())


@app.command("show")
def show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Letter number as printed, e.g. 1405/ص/123.")],
    as_json: JsonOption = False,
) -> None:
    """One letter."""
    state: App = ctx.obj
    office = state.settings.office
    with state.sessions() as session:
        letter = find_letter(session, number, _series_codes(state), office.number_format)
        record = letter_record(letter, state.clock.zone)
    if as_json:
        output.emit_json(record)
    else:
        output.fields([(heading, record[key]) for key, heading in COLUMNS])


@app.command("void")
def void(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Letter number as printed.")],
    reason: Annotated[str, typer.Option(help="Why the letter is void.")],
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mark a letter «باطل»: it keeps its number and its reminders stop."""
    state: App = ctx.obj
    office = state.settings.office
    with transaction(state.sessions) as session:
        letter = find_letter(session, number, _series_codes(state), office.number_format)
        void_letter(session, letter, reason=reason, actor=actor_name(actor), at=state.clock.now())
        record = letter_record(letter, state.clock.zone)
    if as_json:
        output.emit_json(record)
    else:
        output.say(f"نامه {record['number']} باطل شد.")
