"""The dispatch flow: every accepted complaint gets a referral letter to each agency concerned.

A thin Prefect shell over flows/pipeline.py: one task per chunk of letters (a task run
costs 5-33 ms, so not one per letter), rendering on a process pool that uses every core.
The registry is the record of truth; Prefect's own history is a convenience (its temporary
API loses most of the last flow's task runs when the process exits).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from flows import pipeline
from flows.failpoints import Failpoints
from flows.runtime import Runtime
from generators.batch import RenderPool
from registry.dispatch import PendingReferral
from registry.kinds import LetterKind
from registry.settings import Settings


class DispatchParams(BaseModel):
    """What a dispatch run is asked to do."""

    limit: int | None = Field(None, ge=1, description="At most this many referral letters.")
    chunk_size: int = Field(100, ge=1, description="Letters per Prefect task.")
    workers: int = Field(2, ge=1, description="Rendering processes (one per core).")
    actor: str = Field(description="Who dispatches (recorded on every event).")


class DispatchSummary(BaseModel):
    letters: int
    first_number: str | None
    last_number: str | None
    seconds: float


@task(name="number-referrals", cache_policy=NO_CACHE, persist_result=False)
def number_chunk(batch: pipeline.Batch, chunk: Sequence[PendingReferral]) -> list[int]:
    return pipeline.number_referrals(batch, chunk)


@task(name="render-store-send", cache_policy=NO_CACHE, persist_result=False)
def render_chunk(
    batch: pipeline.Batch, pool: RenderPool[int], chunk: Sequence[int], done: int, total: int
) -> list[str]:
    return pipeline.render_and_send(batch, pool, chunk, done_before=done, total=total)


@task(name="finish", cache_policy=NO_CACHE, persist_result=False)
def finish(batch: pipeline.Batch) -> int:
    return pipeline.finish(batch)


def run_dispatch(
    params: DispatchParams,
    settings: Settings,
    *,
    failpoints: Failpoints | None = None,
    progress: pipeline.Progress | None = None,
) -> DispatchSummary:
    """Run the dispatch flow (in this process, on Prefect's configured API)."""
    batch = pipeline.Batch(
        Runtime(settings), params.actor, failpoints or Failpoints(), progress=progress
    )

    @flow(name="letter-dispatch", persist_result=False, validate_parameters=False)
    def letter_dispatch(limit: int | None, chunk_size: int, workers: int) -> DispatchSummary:
        started = time.perf_counter()
        pipeline.ensure_ready(batch, [LetterKind.REFERRAL])
        pending = pipeline.pending_referrals(batch, limit)
        for chunk in pipeline.chunks(pending, chunk_size):
            number_chunk(batch, chunk)
        # Every numbered referral: this run's, and any a crashed run left unrendered.
        letter_ids = pipeline.unrendered_letters(batch, (LetterKind.REFERRAL,))
        sent: list[str] = []
        if letter_ids:
            with RenderPool[int](workers) as pool:
                for chunk_ids in pipeline.chunks(letter_ids, chunk_size):
                    sent += render_chunk(batch, pool, chunk_ids, len(sent), len(letter_ids))
        finish(batch)
        return DispatchSummary(
            letters=len(sent),
            first_number=sent[0] if sent else None,
            last_number=sent[-1] if sent else None,
            seconds=round(time.perf_counter() - started, 2),
        )

    try:
        return letter_dispatch(params.limit, params.chunk_size, params.workers)
    finally:
        batch.runtime.close()
