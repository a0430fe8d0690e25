"""``residegi incoming``: the incoming register (وارده): papers received outside a case,
filed under one later.  Agencies' replies are registered by ``reply record``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption
from office import incoming
from registry.jalali import parse_jalali_date
from registry.text import to_persian_digits

app = typer.Typer(
    help="دفتر نامه‌های وارده: ثبت نامه رسیده بیرون از پرونده، پیوست به پرونده، فهرست.",
    no_args_is_help=True,
)

COLUMNS = [
    ("incoming_number", "شماره وارده"),
    ("date", "تاریخ"),
    ("sender", "فرستنده"),
    ("their_number", "شماره فرستنده"),
    ("their_date", "تاریخ فرستنده"),
    ("subject", "موضوع"),
    ("cites", "عطف"),
    ("tracking_code", "کد رهگیری"),
]
FIELDS = [(key, label) for key, label in COLUMNS] + [
    ("enclosures", "پیوست"),
    ("scan", "تصویر نامه"),
    ("recorded_by", "ثبت‌کننده"),
]


def _show(record: dict[str, object]) -> None:
    output.fields([(label, record.get(key)) for key, label in FIELDS])


@app.command("register")
def register(
    ctx: typer.Context,
    file: Annotated[Path, typer.Option("--file", help="The paper: PDF or image.")],
    their_number: Annotated[str, typer.Option("--their-number", help="The sender's number.")],
    date: Annotated[str, typer.Option("--date", help="The sender's Jalali date.")],
    subject: Annotated[str, typer.Option("--subject", help="What it is about.")],
    agency: Annotated[
        str | None, typer.Option("--agency", help="The sending agency, by name.")
    ] = None,
    sender: Annotated[
        str | None, typer.Option("--sender", help="The sender as written (instead of --agency).")
    ] = None,
    cites: Annotated[
        str | None, typer.Option("--cites", help="Our letter it answers (عطف), e.g. 1405/ص/12.")
    ] = None,
    enclosures: Annotated[
        int | None, typer.Option("--enclosures", help="How many enclosures it came with.")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register a paper received outside a case (a circular, an agency writing first)."""
    state: App = ctx.obj
    data = incoming.register(
        state,
        acting(state, actor),
        file=file,
        their_number=their_number,
        their_date=parse_jalali_date(date),
        subject=subject,
        sender=sender,
        agency=agency,
        cites=cites,
        enclosures=enclosures,
    )
    output.record_or_sentence(
        data,
        to_persian_digits(
            f"نامه {data['sender']} به شماره وارده {data['incoming_number']} ثبت شد."
        ),
        as_json=as_json,
    )


@app.command("attach")
def attach(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The incoming number, e.g. 1405/و/7.")],
    tracking_code: Annotated[str, typer.Argument(help="The case's tracking code.")],
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """File a registered paper under a case (it keeps its incoming number)."""
    state: App = ctx.obj
    data = incoming.attach(state, acting(state, actor), number, tracking_code)
    output.record_or_sentence(
        data,
        to_persian_digits(
            f"نامه وارده {data['incoming_number']} به پرونده {data['tracking_code']} پیوست شد."
        ),
        as_json=as_json,
    )


@app.command("show")
def show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The incoming number, e.g. 1405/و/7.")],
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """One paper of the incoming register."""
    state: App = ctx.obj
    data = incoming.show(state, acting(state, actor), number)
    if as_json:
        output.emit_json(data)
    else:
        _show(data)


@app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help="Only this Jalali year.")] = None,
    unattached: Annotated[
        bool, typer.Option("--unattached", help="Only the papers in no case.")
    ] = False,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """The incoming register in number order."""
    state: App = ctx.obj
    rows = incoming.list_incoming(state, acting(state, actor), year=year, unattached=unattached)
    output.records_or_table(rows, COLUMNS, title="دفتر نامه‌های وارده", as_json=as_json)
