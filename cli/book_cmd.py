"""``residegi book``: the register book (دفتر اندیکاتور) of a day or a Jalali month."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption, choice
from office import register_book
from registry.errors import InvalidInput
from registry.text import to_persian_digits

OUTGOING = [
    ("row", "ردیف"),
    ("number", "شماره"),
    ("date", "تاریخ"),
    ("recipient", "گیرنده"),
    ("subject", "موضوع"),
    ("follows", "پیرو"),
    ("attachments", "پیوست"),
]
INCOMING = [
    ("row", "ردیف"),
    ("number", "شماره"),
    ("date", "تاریخ"),
    ("sender", "فرستنده"),
    ("their_number", "شماره فرستنده"),
    ("their_date", "تاریخ فرستنده"),
    ("subject", "موضوع"),
    ("answers", "عطف"),
    ("enclosures", "پیوست"),
]


class _Register(enum.StrEnum):
    BOTH = "both"
    OUTGOING = "outgoing"
    INCOMING = "incoming"


class _Format(enum.StrEnum):
    TABLE = "table"
    PDF = "pdf"  # the printable book, with -o FILE


def book(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--day", help="A Jalali day, e.g. 1405/09/15 (default today).")
    ] = None,
    month: Annotated[
        str | None, typer.Option("--month", help="A Jalali month instead, e.g. 1405/09.")
    ] = None,
    register: Annotated[
        str, typer.Option("--register", help="outgoing, incoming or both.")
    ] = "both",
    fmt: Annotated[str, typer.Option("--format", help="table or pdf.")] = "table",
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="The PDF book to write.")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """The register book (دفتر اندیکاتور): outgoing and incoming letters of a day or month."""
    state: App = ctx.obj
    which = choice(register, _Register, "register")
    kind = choice(fmt, _Format, "format")
    if kind is _Format.PDF and out is None:
        raise InvalidInput("field_required", field="output")
    registers = register_book.REGISTERS if which is _Register.BOTH else (which.value,)
    data = register_book.register_book(
        state, acting(state, actor), day=day, month=month, registers=registers
    )
    if as_json:
        output.emit_json(data.as_json())
    elif kind is _Format.PDF and out is not None:
        out.write_bytes(register_book.book_pdf(state, data))
        output.say(f"دفتر نوشته شد: {out}")
    else:
        for name, part in data.registers.items():
            title = register_book.TITLES_FA[name]
            heading = to_persian_digits(
                f"دفتر اندیکاتور، {title} (سری {part['code']}): {data.label}"
            )
            columns = OUTGOING if name == "outgoing" else INCOMING
            output.table(part["entries"], columns, title=heading)
