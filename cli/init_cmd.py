"""``residegi init``: the data folder, the registry and the holidays."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.context import App, actor_name
from cli.options import ActorOption, JsonOption
from registry.text import to_persian_digits as fa


def init(
    ctx: typer.Context,
    sample: Annotated[
        bool, typer.Option("--sample", help="Load the agencies of Qazvin province.")
    ] = False,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create the data folder and the registry, seed the holidays (safe to run again)."""
    from office.setup import initialise

    state: App = ctx.obj
    done = initialise(state, sample=sample, actor=actor_name(actor))
    result = {
        "home": str(state.settings.home),
        "database_url": state.settings.resolved_database_url,
        "agencies_added": done.agencies_added,
        "holidays_added": done.holidays_added,
        "settings_written": done.settings_written,
    }
    if as_json:
        output.emit_json(result)
        return
    output.say(f"پوشه داده آماده است: {state.settings.home}")
    output.say(f"{fa(done.holidays_added)} تعطیل رسمی سال‌های ۱۴۰۴ تا ۱۴۰۶ افزوده شد.")
    if sample:
        output.say(f"{fa(done.agencies_added)} دستگاه از نمونه استان قزوین افزوده شد.")
    if done.settings_written:
        output.warn("مشخصات نمونه دفتر در residegi.toml نوشته شد؛ نام امضاکننده را اصلاح کنید.")
