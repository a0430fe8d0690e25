"""``residegi upgrade``: bring the registry's schema up to this version's."""

from __future__ import annotations

import typer

from cli import output
from cli.context import App
from cli.options import JsonOption
from registry.text import to_persian_digits as fa


def upgrade(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Upgrade the registry's schema after installing a new version (safe to run again)."""
    from office.setup import upgrade as upgrade_registry

    state: App = ctx.obj
    done = upgrade_registry(state)
    if as_json:
        output.emit_json({"home": str(state.settings.home), "from": done.before, "to": done.after})
        return
    if done.before == done.after:
        output.say(f"طرح پایگاه داده به‌روز است (نسخه {fa(done.after)}).")
    else:
        output.say(f"طرح پایگاه داده از نسخه {fa(done.before or 'تهی')} به {fa(done.after)} رسید.")
