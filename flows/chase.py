"""The chase flow: every working morning, the next step for each overdue referral.

A thin Prefect shell over office/chasing.py; ``chase`` is module-level with JSON parameters,
so it deploys as it is.  The embedded default has no scheduler (Prefect schedules fire only
with a server): cron runs ``residegi chase`` (README).
"""

from __future__ import annotations

from prefect import flow

from flows.run_context import RunContext, given, run_context
from office import chasing
from office.pipeline import Progress, ensure_ready
from office.runtime import Runtime
from registry.kinds import LetterKind
from registry.settings import Settings


@flow(name="chase", persist_result=False)
def chase(actor: str, dry_run: bool = False, home: str | None = None) -> chasing.ChaseResult:
    """Send today's reminders and escalations (with ``dry_run``, only list them)."""
    with run_context(home) as context:
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
