"""``residegi letter``: the register of numbered letters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption, choice
from office.access import Action, require
from registry.errors import InvalidInput
from registry.kinds import LetterKind, LetterState
from registry.text import to_persian_digits as fa
from registry.tracking import format_tracking_code

app = typer.Typer(help="نامه‌ها: فهرست، نمایش، ابطال، برون‌بری.", no_args_is_help=True)

COLUMNS = [
    ("number", "شماره"),
    ("date", "تاریخ"),
    ("kind", "نوع"),
    ("recipient", "گیرنده"),
    ("tracking_code", "کد رهگیری"),
    ("state", "وضعیت"),
    ("due_date", "مهلت پاسخ"),
]


def _in_words(record: dict[str, Any]) -> dict[str, Any]:
    """A letter record as staff read it: the kind and state in Persian, the tracking code
    in its groups."""
    tracking = record["tracking_code"]
    return record | {
        "kind": LetterKind(record["kind"]).label_fa,
        "state": LetterState(record["state"]).label_fa,
        "tracking_code": format_tracking_code(tracking) if tracking else None,
    }


@app.command("list")
def list_(
    ctx: typer.Context,
    series: Annotated[str | None, typer.Option(help="Series code, e.g. ص.")] = None,
    year: Annotated[int | None, typer.Option(help="Jalali year, e.g. 1405.")] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """List letters in register order."""
    from office.letters import list_letters

    records = list_letters(ctx.obj, acting(ctx.obj, actor), series=series, year=year)
    if as_json:
        output.emit_json(records)
    else:
        output.table([_in_words(r) for r in records], COLUMNS, title="دفتر نامه‌ها")


@app.command("show")
def show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Letter number as printed, e.g. 1405/ص/123.")],
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """One letter."""
    from office.letters import show_letter

    record = show_letter(ctx.obj, acting(ctx.obj, actor), number)
    if as_json:
        output.emit_json(record)
    else:
        shown = _in_words(record)
        output.fields([(heading, shown[key]) for key, heading in COLUMNS])


@app.command("void")
def void(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Letter number as printed.")],
    reason: Annotated[str, typer.Option(help="Why the letter is void.")],
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mark a letter «باطل»: it keeps its number and its reminders stop."""
    from office.letters import void as void_letter

    record = void_letter(ctx.obj, acting(ctx.obj, actor), number, reason=reason)
    output.record_or_sentence(record, f"نامه {record['number']} باطل شد.", as_json=as_json)


@app.command("export")
def export(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Letter number as printed.")],
    out: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="pdf or docx.")] = "pdf",
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a letter's archived file (PDF, or its DOCX), checked against its fingerprint."""
    from office.letters import export as export_letter

    exported = export_letter(ctx.obj, acting(ctx.obj, actor), number, fmt=fmt.strip().lower())
    target = out.expanduser()
    _write_atomically(target, exported.data)
    if as_json:
        output.emit_json(
            {
                "number": exported.number,
                "format": exported.format,
                "file": str(target),
                "sha256": exported.sha256,
                "bytes": exported.size,
            }
        )
    else:
        output.say(f"نامه {fa(exported.number)} ({exported.format.upper()}) نوشته شد: {target}")


def _write_atomically(target: Path, data: bytes) -> None:
    """``data`` at ``target``, all or nothing: a temporary name beside it, then a rename
    (an existing file is replaced); InvalidInput if the folder is missing or ``target`` is
    a folder."""
    from archive.atomic import write_atomically

    if not target.parent.is_dir() or target.is_dir():
        raise InvalidInput("output_unwritable", field="output", path=str(target))
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise InvalidInput("output_unwritable", field="output", path=str(target)) from exc


@app.command("dispatch")
def dispatch(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(help="At most this many letters.", min=1)] = None,
    workers: Annotated[int, typer.Option(help="Rendering processes.", min=1)] = 2,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send a referral letter to each agency of every accepted complaint."""
    from flows.prefect_setup import prepare_flows
    from office.failpoints import Failpoints

    state: App = ctx.obj
    state.sessions  # noqa: B018 - refuse an uninitialised data folder before Prefect starts
    failpoints = Failpoints.parse(state.settings.failpoints)
    prepare_flows(state.settings)
    from flows.dispatch import DispatchParams, run_dispatch

    params = DispatchParams(
        limit=limit, workers=workers, actor=require(acting(state, actor), Action.DISPATCH)
    )
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
    from office.preview import preview as render_preview

    letter_kind = choice(kind, LetterKind, "kind")
    data = render_preview(ctx.obj, letter_kind, case, fmt=fmt, agency=agency)
    target = out or Path(f"preview-{letter_kind.value}.{fmt}")
    target.write_bytes(data)
    output.say(f"پیش‌نمایش نوشته شد: {target}")
