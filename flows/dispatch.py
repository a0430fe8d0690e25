"""The dispatch flow: every accepted complaint gets a referral letter to each agency concerned.

A thin Prefect shell over office/pipeline.py: one task per chunk of letters (a task run
costs 5-33 ms, so not one per letter), rendering on a process pool that uses every core
while the main process numbers the next letters and stores the rendered ones.
``letter_dispatch`` is module-level with JSON parameters, so it deploys as it is
(``letter_dispatch.to_deployment(...)``); ``run_dispatch`` runs it in this process.
The registry is the record of truth; Prefect's own history is a convenience (its temporary
API loses most of the last flow's task runs when the process exits).
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
import time
from collections.abc import Sequence
from contextlib import ExitStack

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from flows.run_context import RunContext, given, run_context
from generators.batch import RenderPool
from office import batches as office_batches
from office import drafts as office_drafts
from office import pipeline
from office.failpoints import Failpoints
from office.failures import as_system_failure
from office.messages import UNEXPECTED, staff_message
from office.runtime import Runtime
from registry.dispatch import PendingReferral
from registry.errors import ResidegiError
from registry.kinds import LetterKind
from registry.settings import Settings

# A run with at most this many letters to send renders them in its own process: two
# render processes each import WeasyPrint (3.4 s) before their first letter, while this
# one has it loaded already (the templates' check), and a letter renders in ~0.3 s.
INLINE_AT_MOST = 4


class DispatchParams(BaseModel):
    """What a dispatch run is asked to do."""

    limit: int | None = Field(None, ge=1, description="At most this many referral letters.")
    chunk_size: int = Field(100, ge=1, description="Letters per Prefect task.")
    workers: int = Field(2, ge=1, description="Rendering processes (one per core).")
    actor: str = Field(description="Who dispatches (recorded on every event).")
    batch_run: str | None = Field(
        None, description="The desk's batch whose lease this run keeps (office/batches.py)."
    )


class DispatchSummary(BaseModel):
    letters: int
    # Referrals drafted for approval and signature instead (office.approval_required_kinds).
    drafts: int = 0
    first_number: str | None
    last_number: str | None
    seconds: float


@task(name="number-render-store-send", cache_policy=NO_CACHE, persist_result=False)
def dispatch_chunk(
    batch: pipeline.Batch,
    pool: RenderPool[int],
    chunk: Sequence[PendingReferral],
    done: int,
    total: int,
) -> list[str]:
    return pipeline.number_and_send(batch, pool, chunk, done_before=done, total=total)


@task(name="render-store-send", cache_policy=NO_CACHE, persist_result=False)
def render_chunk(
    batch: pipeline.Batch, pool: RenderPool[int], chunk: Sequence[int], done: int, total: int
) -> list[str]:
    return pipeline.render_and_send(batch, pool, chunk, done_before=done, total=total)


@task(name="number-signed-render-store-send", cache_policy=NO_CACHE, persist_result=False)
def signed_chunk(
    batch: pipeline.Batch, pool: RenderPool[int], chunk: Sequence[int], done: int, total: int
) -> list[str]:
    return office_drafts.number_signed_and_send(batch, pool, chunk, done_before=done, total=total)


@task(name="draft", cache_policy=NO_CACHE, persist_result=False)
def draft_chunk(batch: pipeline.Batch, chunk: Sequence[PendingReferral], code: str) -> int:
    return len(office_drafts.draft_referrals(batch, chunk, code))


@task(name="finish", cache_policy=NO_CACHE, persist_result=False)
def finish(batch: pipeline.Batch) -> int:
    return pipeline.finish(batch)


@flow(name="letter-dispatch", persist_result=False)
def letter_dispatch(
    actor: str,
    limit: int | None = None,
    chunk_size: int = 100,
    workers: int = 2,
    home: str | None = None,
    batch_run: str | None = None,
) -> DispatchSummary:
    """Number, render, archive and send the pending referral letters (at most ``limit``);
    where referrals need approval, number and send the signed drafts and draft the rest.
    With ``batch_run`` (a batch the desk started), the run keeps that batch's lease with a
    heartbeat and records how it ended, wherever it runs (the desk's child, a worker)."""
    with run_context(home) as context:
        if batch_run is None:
            return _dispatch(context, actor, limit, chunk_size, workers)
        return _kept(context, batch_run, actor, limit, chunk_size, workers)


def _kept(
    context: RunContext,
    batch_run: str,
    actor: str,
    limit: int | None,
    chunk_size: int,
    workers: int,
) -> DispatchSummary:
    """The dispatch holding the desk batch ``batch_run``'s lease: beaten from a thread and
    from the progress callback; its end (numbers, or the staff's sentence) recorded."""
    runtime = context.runtime
    with office_batches.keeping(runtime, batch_run) as keeper:
        given_progress = context.progress

        def progress(stage: str, done: int, total: int) -> None:
            keeper.progress(stage, done, total)
            if given_progress is not None:
                given_progress(stage, done, total)

        kept = dataclasses.replace(context, progress=progress)
        try:
            summary = _dispatch(kept, actor, limit, chunk_size, workers)
        except ResidegiError as exc:
            office_batches.failed(runtime, batch_run, staff_message(exc.code, exc.params))
            raise
        except Exception as exc:
            failure = as_system_failure(exc, runtime.settings)
            text = (
                staff_message(failure.code, failure.params)
                if failure is not None
                else UNEXPECTED.format(detail=type(exc).__name__)
            )
            office_batches.failed(runtime, batch_run, text)
            raise
    office_batches.finished(runtime, batch_run, since=keeper.since, drafts=summary.drafts)
    return summary


def _dispatch(
    context: RunContext, actor: str, limit: int | None, chunk_size: int, workers: int
) -> DispatchSummary:
    started = time.perf_counter()
    with ExitStack() as stack:
        batch = context.batch(actor)
        pipeline.ensure_ready(batch, [LetterKind.REFERRAL])
        pool = context.pool or stack.enter_context(
            RenderPool[int](pipeline.allowed_workers(context.runtime.settings, workers))
        )
        # What a crashed run numbered and left unrendered goes first, under its numbers;
        # then the drafts signed since the last run, numbered now.
        unrendered = pipeline.unrendered_letters(batch, (LetterKind.REFERRAL,))
        signed = office_drafts.signed_referrals(batch)
        pending = pipeline.pending_referrals(batch, limit)
        drafting = office_drafts.drafting(batch, LetterKind.REFERRAL)
        total = len(unrendered) + len(signed) + (0 if drafting else len(pending))
        sent: list[str] = []
        drafted = 0
        for letter_ids in pipeline.chunks(unrendered, chunk_size):
            sent += render_chunk(batch, pool, letter_ids, len(sent), total)
        for draft_ids in pipeline.chunks(signed, chunk_size):
            sent += signed_chunk(batch, pool, draft_ids, len(sent), total)
        # With approval on, the pending referrals become drafts (one batch code per run)
        # and wait for their signature; without it, they are numbered and sent now.
        code = secrets.token_hex(4)
        for chunk in pipeline.chunks(pending, chunk_size):
            if drafting:
                drafted += draft_chunk(batch, chunk, code)
            else:
                sent += dispatch_chunk(batch, pool, chunk, len(sent), total)
        finish(batch)
    return DispatchSummary(
        letters=len(sent),
        drafts=drafted,
        first_number=sent[0] if sent else None,
        last_number=sent[-1] if sent else None,
        seconds=round(time.perf_counter() - started, 2),
    )


def run_dispatch(
    params: DispatchParams,
    settings: Settings,
    *,
    failpoints: Failpoints | None = None,
    progress: pipeline.Progress | None = None,
    pool: RenderPool[int] | None = None,
    api_ready: threading.Event | None = None,
) -> DispatchSummary:
    """Run the dispatch flow in this process, on Prefect's configured API.  With ``pool``
    (entered and warm: the batch runner's), the letters render on it and it stays open;
    otherwise the run starts its own, or renders in this process when at most
    ``INLINE_AT_MOST`` letters wait (starting render processes would cost more than
    rendering them here).  ``api_ready``: Prefect's API is starting meanwhile
    (``prefect_setup.api_starting``); the flow waits for it."""
    runtime = Runtime(settings)
    try:
        with ExitStack() as stack:
            context = RunContext(runtime, progress, failpoints or Failpoints(), pool)
            stack.enter_context(given(context))
            if pool is None:
                waiting = pipeline.letters_to_send(context.batch(params.actor), INLINE_AT_MOST)
                workers = pipeline.allowed_workers(settings, params.workers)
                inline = waiting <= INLINE_AT_MOST
                context.pool = stack.enter_context(RenderPool[int](workers, inline=inline))
                if waiting:
                    # The workers warm up (inline: this process loads WeasyPrint's fonts
                    # and the templates) while Prefect's API starts.
                    context.pool.start()
            if api_ready is not None:
                api_ready.wait()
            return letter_dispatch(
                params.actor,
                params.limit,
                params.chunk_size,
                params.workers,
                batch_run=params.batch_run,
            )
    finally:
        runtime.close()
