"""The chase flow: every working morning, the next step for each overdue referral.

A thin Prefect shell over office/chasing.py.  The embedded default has no scheduler
(Prefect schedules fire only with a server): cron runs ``residegi chase`` (README).
"""

from __future__ import annotations

from prefect import flow

from office import chasing
from office.pipeline import Batch, Progress, ensure_ready
from office.runtime import Runtime
from registry.kinds import LetterKind
from registry.settings import Settings


def run_chase(
    settings: Settings, actor: str, *, dry_run: bool = False, progress: Progress | None = None
) -> chasing.ChaseResult:
    """Run the chase flow (in this process, on Prefect's configured API)."""
    batch = Batch(Runtime(settings), actor, progress=progress)

    @flow(name="chase", persist_result=False, validate_parameters=False)
    def chase(dry_run: bool) -> chasing.ChaseResult:
        if not dry_run:
            ensure_ready(batch, [LetterKind.REMINDER, LetterKind.ESCALATION])
        return chasing.chase(batch, dry_run=dry_run)

    try:
        return chase(dry_run)
    finally:
        batch.runtime.close()
