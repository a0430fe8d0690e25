"""The chase flow: every working morning, the next step for each overdue referral.

A thin Prefect shell over office/chasing.py; ``chase`` is module-level with JSON parameters,
so it deploys as it is.  On a Prefect server ``residegi deploy`` schedules it every day at
07:30 in the office's time zone with ``working_days_only``: cron cannot know the office's
holidays, so the run itself returns at once on a day off.  The embedded default has no
scheduler (Prefect schedules fire only with a server): cron runs ``residegi chase`` (README).
"""

from __future__ import annotations

from prefect import flow

from flows.run_context import RunContext, given, run_context
from office import chasing
from office.deadlines import is_working_day
from office.pipeline import Progress, ensure_ready
from office.runtime import Runtime
from registry.kinds import LetterKind
from registry.settings import Settings


@flow(name="chase", persist_result=False)
def chase(
    actor: str, dry_run: bool = False, home: str | None = None, working_days_only: bool = False
) -> chasing.ChaseResult:
    """Send today's reminders and escalations (with ``dry_run``, only list them); with
    ``working_days_only`` (the schedule's), nothing at all on a day off."""
    with run_context(home) as context:
        if working_days_only and not is_working_day(context.runtime):
            return chasing.ChaseResult([], [])
        batch = context.batch(actor)
        if not dry_run:
            ensure_ready(batch, [LetterKind.REMINDER, LetterKind.ESCALATION])
        return chasing.chase(batch, dry_run=dry_run)


def run_chase(
    settings: Settings, actor: str, *, dry_run: bool = False, progress: Progress | None = None
) -> chasing.ChaseResult:
    """Run the chase flow in this process, on Prefect's configured API."""
    runtime = Runtime(settings)
    try:
        with given(RunContext(runtime, progress)):
            return chase(actor, dry_run)
    finally:
        runtime.close()
