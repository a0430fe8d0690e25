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
    from flows.demo import run_demo

    state: App = ctx.obj
    with output.progress(STAGES_FA, quiet=as_json) as progress:
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
