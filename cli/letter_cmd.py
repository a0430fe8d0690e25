"""``residegi letter``: the register of numbered letters."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cli import output
from cli.context import App, actor_name
from cli.options import ActorOption, JsonOption, choice
from registry.db import transaction
from registry.errors import InvalidInput
from registry.kinds import LetterKind
from registry.models import Letter
from registry.records import letter_record
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


@app.command("dispatch")
def dispatch(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(help="At most this many letters.", min=1)] = None,
    workers: Annotated[int, typer.Option(help="Rendering processes.", min=1)] = 2,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send a referral letter to each agency of every accepted complaint."""
    from flows.prefect_setup import configure_prefect
    from office.failpoints import Failpoints

    state: App = ctx.obj
    state.sessions  # noqa: B018 - refuse an uninitialised data folder before Prefect starts
    failpoints = Failpoints.from_environment(os.environ)
    configure_prefect(state.settings.prefect_home)
    from flows.dispatch import DispatchParams, run_dispatch

    params = DispatchParams(limit=limit, workers=workers, actor=actor_name(actor))
    with output.progress(STAGES_FA, quiet=as_json) as progress:
        summary = run_dispatch(params, state.settings, failpoints=failpoints, progress=progress)
    if as_json:
        output.emit_json(summary.model_dump())
        return
    if not summary.letters:
        output.say("نامه‌ای برای ارسال نبود.")
        return
    rate = summary.letters / summary.seconds if summary.seconds else 0.0
    output.fields(
        [
            ("نامه‌های ارسال‌شده", summary.letters),
            ("نخستین شماره", summary.first_number),
            ("واپسین شماره", summary.last_number),
            ("زمان", f"{summary.seconds:.1f} ثانیه ({rate:.1f} نامه در ثانیه)"),
        ]
    )


STAGES_FA = {"send": "ساخت، بایگانی و ارسال نامه‌ها"}


@app.command("preview")
def preview(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="referral, reminder, escalation, receipt, …")],
    case: Annotated[str, typer.Option("--case", help="Tracking code of the case.")],
    out: Annotated[Path | None, typer.Option("-o", "--output", help="File to write.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf or docx.")] = "pdf",
    agency: Annotated[str | None, typer.Option(help="Agency, for letters to one.")] = None,
) -> None:
    """Render a case's letter as it would be today, without numbering or archiving it."""
    from office.pipeline import Batch
    from office.preview import preview as render_preview

    state: App = ctx.obj
    letter_kind = choice(kind, LetterKind, "kind")
    if fmt not in ("pdf", "docx"):
        raise InvalidInput("invalid_option", field="format", value=fmt, allowed="pdf, docx")
    data = render_preview(Batch(state, "preview"), letter_kind, case, fmt=fmt, agency=agency)
    target = out or Path(f"preview-{letter_kind.value}.{fmt}")
    target.write_bytes(data)
    output.say(f"پیش‌نمایش نوشته شد: {target}")
