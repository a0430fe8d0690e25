"""The answer flow: final answers to complainants, rendered, archived and sent.

A thin Prefect shell over office/casework.answer, one task per answer.  Each answer is
archived sealed: its case data embedded in the PDF/A-3 and the office's signature applied
last (generators/sealing.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from office import casework
from office.pipeline import Batch, Seal, ensure_ready
from office.runtime import Runtime
from registry.kinds import LetterKind
from registry.settings import Settings


@task(name="answer", cache_policy=NO_CACHE, persist_result=False)
def answer_one(batch: Batch, tracking: str, decision: str, seal: Seal) -> casework.Reviewed:
    return casework.answer(batch, tracking, decision=decision, seal=seal)


def run_answers(
    settings: Settings, answers: Sequence[tuple[str, str]], actor: str
) -> list[casework.Reviewed]:
    """Answer each (tracking code, decision) in one flow run, on Prefect's configured API."""
    batch = Batch(Runtime(settings), actor)

    @flow(name="final-answer", persist_result=False, validate_parameters=False)
    def final_answer(trackings: list[str]) -> list[casework.Reviewed]:
        ensure_ready(batch, [LetterKind.FINAL_ANSWER])
        seal = casework.answer_seal(batch)  # the key is loaded once, before any numbering
        decisions = dict(answers)
        return [answer_one(batch, tracking, decisions[tracking], seal) for tracking in trackings]

    try:
        return final_answer([tracking for tracking, _ in answers])
    finally:
        batch.runtime.close()
