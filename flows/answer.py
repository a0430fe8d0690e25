"""The answer flow: final answers to complainants, rendered, archived and sent.

A thin Prefect shell over office/casework.answer, one task per answer; ``final_answer`` is
module-level with JSON parameters, so it deploys as it is.  Each answer is archived sealed:
its case data embedded in the PDF/A-3 and the office's signature applied last
(generators/sealing.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.run_context import RunContext, given, run_context
from office import casework
from office.pipeline import Batch, Seal, ensure_ready
from office.runtime import Runtime
from registry.kinds import LetterKind
from registry.settings import Settings


@task(name="answer", cache_policy=NO_CACHE, persist_result=False)
def answer_one(batch: Batch, tracking: str, decision: str, seal: Seal) -> casework.Reviewed:
    return casework.answer(batch, tracking, decision=decision, seal=seal)


@flow(name="final-answer", persist_result=False)
def final_answer(
    decisions: dict[str, str], actor: str, home: str | None = None
) -> list[casework.Reviewed]:
    """Answer each complaint named by its tracking code with the decision given for it."""
    with run_context(home) as context:
        batch = context.batch(actor)
        ensure_ready(batch, [LetterKind.FINAL_ANSWER])
        seal = casework.answer_seal(batch)  # the key is loaded once, before any numbering
        return [
            answer_one(batch, tracking, decision, seal) for tracking, decision in decisions.items()
        ]


def run_answers(
    settings: Settings, answers: Sequence[tuple[str, str]], actor: str
) -> list[casework.Reviewed]:
    """Answer each (tracking code, decision) in one flow run in this process, on Prefect's
    configured API."""
    runtime = Runtime(settings)
    try:
        with given(RunContext(runtime)):
            return final_answer(dict(answers), actor)
    finally:
        runtime.close()
