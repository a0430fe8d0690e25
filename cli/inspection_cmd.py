"""``residegi inspect`` and ``residegi report``: the office's own inspection of a case."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.context import App, acting
from cli.options import (
    ActorOption,
    JsonOption,
    attach_specs,
    choice,
    jalali_date_or_none,
    read_text_file,
)
from registry.kinds import Honorific
from registry.text import to_persian_digits as fa
from registry.tracking import format_tracking_code

if TYPE_CHECKING:
    from office.inspection import InspectionDone

TrackingArg = Annotated[str, typer.Argument(help="Tracking code (کد رهگیری).")]


def _print(done: InspectionDone, as_json: bool, sentence: str) -> None:
    record = {
        "tracking_code": done.tracking_code,
        "state": done.state.value,
        "letter_number": done.letter_number,
        "draft": done.draft,
    }
    if as_json:
        output.emit_json(record)
        return
    output.say(f"شکایت {format_tracking_code(done.tracking_code)}: {done.state.label_fa}")
    if done.letter_number:
        output.say(sentence.format(number=fa(done.letter_number)))
    if done.draft is not None:
        output.say(f"پیش‌نویس گزارش (شماره پیش‌نویس {fa(done.draft)}) در انتظار امضاست.")


def inspect(
    ctx: typer.Context,
    tracking: TrackingArg,
    inspector: Annotated[str, typer.Option(help="The inspector's name.")],
    inspector_honorific: Annotated[
        str, typer.Option(help="mr or mrs: «جناب آقای» / «سرکار خانم» before the name.")
    ] = "none",
    date: Annotated[str | None, typer.Option(help="Inspection date (Jalali).")] = None,
    agency: Annotated[
        str | None, typer.Option(help="Agency to inspect (default: the first without a reply).")
    ] = None,
    findings_file: Annotated[
        Path | None, typer.Option(help="Findings, UTF-8 text; paragraphs apart.")
    ] = None,
    attach: Annotated[
        list[str] | None, typer.Option("--attach", help="KIND=PATH (repeatable).")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Assign an inspection (its letter goes to the inspector), or add its findings."""
    from office.inspection import inspect as run_inspect

    state: App = ctx.obj
    on = jalali_date_or_none(date)
    findings = read_text_file(findings_file, "findings") if findings_file else None
    done = run_inspect(
        state,
        acting(state, actor),
        tracking,
        inspector=inspector,
        inspection_date=on,
        agency_name=agency,
        findings=findings,
        files=attach_specs(attach or []),
        inspector_honorific=choice(inspector_honorific, Honorific, "honorific"),
    )
    _print(done, as_json, "نامه ابلاغ بازرسی به شماره {number} ساخته، بایگانی و ارسال شد.")


def report(
    ctx: typer.Context,
    tracking: TrackingArg,
    conclusion: Annotated[
        str | None, typer.Option(help="The conclusion (else the findings' «نتیجه» paragraph).")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Assemble the inspection report from the case, the replies and the findings.

    Where the office asks approval of reports, it is drafted instead: the head's signature
    (letter sign) numbers and sends it; run again, it numbers a signed draft."""
    from office.inspection import report as run_report

    done = run_report(ctx.obj, acting(ctx.obj, actor), tracking, conclusion=conclusion)
    _print(done, as_json, "گزارش بازرسی به شماره {number} ساخته و بایگانی شد.")
