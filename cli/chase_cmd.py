"""``residegi chase``: reminders and escalations for late replies (cron, every working day)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption
from office.access import Action, require
from registry.text import to_persian_digits as fa

STAGES_FA = {"chase": "ساخت و ارسال نامه‌های پیگیری"}


def chase(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list today's steps.")] = False,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send today's reminders and escalations for overdue referrals.

    A step of a kind the office asks approval of is drafted instead, once, and leaves when
    the head signs it (letter sign); a chase also numbers signed drafts left unnumbered."""
    from flows.prefect_setup import prepare_flows

    state: App = ctx.obj
    state.sessions  # noqa: B018 - refuse an uninitialised data folder before Prefect starts
    prepare_flows(state.settings)
    from flows.chase import run_chase

    with output.progress(STAGES_FA, quiet=as_json) as progress:
        result = run_chase(
            state.settings,
            require(acting(state, actor), Action.CHASE),
            dry_run=dry_run,
            progress=progress,
        )
    rows = [step.as_record() for step in result.planned]
    if as_json:
        output.emit_json({"dry_run": dry_run, "steps": rows, "sent": result.sent})
        return
    for row, step in zip(rows, result.planned, strict=True):
        row["step"] = step.step.kind.label_fa
    output.table(
        rows,
        [
            ("number", "نامه ارجاع"),
            ("agency", "دستگاه"),
            ("working_days_late", "روز کاری تأخیر"),
            ("step", "اقدام"),
            ("step_date", "تاریخ"),
        ],
        title="پیگیری‌های امروز" + (" (آزمایشی، چیزی ارسال نشد)" if dry_run else ""),
    )
    if not dry_run:
        output.say(f"{fa(len(result.sent))} نامه پیگیری ارسال شد.")
