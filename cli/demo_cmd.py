"""``residegi demo``: the pipeline on sample data, with a progress bar and a summary."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.context import App, actor_name
from cli.options import ActorOption, JsonOption
from registry.kinds import ComplaintState
from registry.tracking import format_tracking_code

STAGES_FA = {"register": "ثبت و بررسی شکایت‌ها"}


def demo(
    ctx: typer.Context,
    complaints: Annotated[
        int, typer.Option(help="How many sample complaints.", min=1, max=5000)
    ] = 50,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the whole pipeline on sample data in a fresh data folder."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from flows.demo import run_demo

    state: App = ctx.obj
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=output.stderr,
        disable=as_json,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(STAGES_FA.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done)

        summary = run_demo(state, count=complaints, actor=actor_name(actor), progress=progress)
    result = {
        "home": str(state.settings.home),
        "complaints": summary.complaints,
        "states": dict(summary.states),
        "tracking_codes": summary.tracking_codes,
    }
    if as_json:
        output.emit_json(result)
        return
    rows = [
        {"state": ComplaintState(name).label_fa, "count": count}
        for name, count in sorted(summary.states.items())
    ]
    output.table(rows, [("state", "وضعیت"), ("count", "تعداد")], title="خلاصه نمایش")
    output.say(f"پوشه داده: {result['home']}")
    sample_codes = "، ".join(format_tracking_code(c) for c in summary.tracking_codes[:3])
    output.say(f"نمونه کدهای رهگیری: {sample_codes}")
