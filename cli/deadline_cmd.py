"""``residegi deadline``: how a due date was reached; extensions and stop-the-clock."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption, jalali_date_or_none
from office import deadlines
from registry.text import to_persian_digits

app = typer.Typer(help="مهلت پاسخ: توضیح سررسید، تمدید، توقف و ازسرگیری.", no_args_is_help=True)

LetterArg = Annotated[str, typer.Argument(help="Letter number as printed, e.g. 1405/ص/123.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (recorded).")]

CHANGE_FA = {"start": "ارسال", "extension": "تمدید", "pause": "توقف مهلت"}


@app.command("explain")
def explain(
    ctx: typer.Context, number: LetterArg, actor: ActorOption = None, as_json: JsonOption = False
) -> None:
    """How the letter's due date was reached, day by day."""
    state: App = ctx.obj
    explained = deadlines.explain(state, acting(state, actor), number)
    record, changes, explanation = explained.letter, explained.changes, explained.explanation
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


def _say(record: dict[str, Any], as_json: bool, message: str) -> None:
    after = record["due_date"] or "متوقف"
    sentence = to_persian_digits(f"{message} سررسید نامه {record['number']}: {after}")
    output.record_or_sentence(record, sentence, as_json=as_json)


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
    record = deadlines.extend(ctx.obj, acting(ctx.obj, actor), number, days=days, reason=reason)
    _say(record, as_json, "مهلت تمدید شد.")


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
    first = jalali_date_or_none(from_date)
    record = deadlines.pause(ctx.obj, acting(ctx.obj, actor), number, reason=reason, first=first)
    _say(record, as_json, "مهلت متوقف شد.")


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
    day = jalali_date_or_none(on_date)
    record = deadlines.resume(ctx.obj, acting(ctx.obj, actor), number, reason=reason, on=day)
    _say(record, as_json, "مهلت از سر گرفته شد.")
