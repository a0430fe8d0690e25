"""The dispatch steps without Prefect: numbering, rendering, archiving, sending, resuming."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.catalogue import catalogue_for_case
from generators.batch import RenderPool
from office import pipeline
from office.failpoints import Failpoints
from office.runtime import Runtime
from registry.db import transaction
from registry.errors import InvalidInput
from registry.kinds import ComplaintState, LetterKind, LetterState
from registry.models import Complaint, Letter
from tests.factories import (
    LETTERHEAD,
    accepted,
    complainant_input,
    national_id,
    office_runtime,
    seed_agencies,
)

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3, minutes=30)))


@pytest.fixture
def batch(migrated_url: str, tmp_path: Path) -> Iterator[pipeline.Batch]:
    runtime = office_runtime(migrated_url, tmp_path, at=NOW, office=LETTERHEAD)
    with transaction(runtime.sessions) as session:
        seed_agencies(session)
        for n, agencies in enumerate(
            [("شهرداری قزوین",), ("شهرداری آبیک", "فرمانداری آبیک"), ("شهرداری تاکستان",)]
        ):
            complainant = complainant_input(national_id=national_id(n))
            accepted(session, NOW, agencies=agencies, complainant=complainant)
    yield pipeline.Batch(runtime, "دبیرخانه")
    runtime.engine.dispose()


@pytest.fixture(scope="module")
def pool() -> Iterator[RenderPool[int]]:
    with RenderPool[int](1) as pool:
        yield pool


def letters(batch: pipeline.Batch) -> list[Letter]:
    with batch.runtime.sessions() as session:
        return list(session.scalars(select(Letter).order_by(Letter.seq)))


def states(batch: pipeline.Batch) -> list[ComplaintState]:
    with batch.runtime.sessions() as session:
        return list(session.scalars(select(Complaint.state).order_by(Complaint.id)))


def test_limit_takes_whole_complaints(batch: pipeline.Batch) -> None:
    assert len(pipeline.pending_referrals(batch, None)) == 4
    # a limit of 2 would split the second complaint's two referrals: both are taken
    assert [p.complaint_id for p in pipeline.pending_referrals(batch, 2)] == [1, 2, 2]


def test_numbering_is_once_per_agency_and_freezes_the_facts(batch: pipeline.Batch) -> None:
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
    assert len(ids) == 4
    assert pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None)) == []
    numbered = letters(batch)
    assert [letter.number for letter in numbered] == [f"1405/ص/{n}" for n in (1, 2, 3, 4)]
    assert {letter.state for letter in numbered} == {LetterState.NUMBERED}
    facts = numbered[0].facts
    assert facts["letter"]["number"] == "1405/ص/1"
    assert facts["letter"]["guid"] == numbered[0].guid
    assert facts["recipient"]["title"] == "شهردار محترم قزوین"
    assert facts["answer_within_days"] == 10


def test_render_store_send_and_move(batch: pipeline.Batch, pool: RenderPool[int]) -> None:
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, 1))
    sent = pipeline.render_and_send(batch, pool, ids)
    assert sent == ["1405/ص/1"]
    (letter,) = letters(batch)
    assert letter.state is LetterState.SENT
    assert letter.due_date is not None and letter.due_date > NOW.date()
    store = batch.runtime.store
    assert store.get(letter.pdf_sha256 or "").startswith(b"%PDF-")
    assert store.get(letter.docx_sha256 or "").startswith(b"PK")
    with batch.runtime.sessions() as session:
        kinds = {(o.kind, o.role) for o in catalogue_for_case(session, letter.complaint_id or 0)}
    assert {("letter:referral", "record"), ("letter:referral", "editable")} <= kinds
    assert states(batch)[0] is ComplaintState.AWAITING_REPLY
    assert states(batch)[1:] == [ComplaintState.ACCEPTED, ComplaintState.ACCEPTED]


def test_a_complaint_moves_only_when_every_agency_has_its_letter(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, 3))
    pipeline.render_and_send(batch, pool, ids[1:2])  # one of the second complaint's two
    assert states(batch)[1] is ComplaintState.ACCEPTED
    pipeline.render_and_send(batch, pool, ids)
    assert states(batch)[:2] == [ComplaintState.AWAITING_REPLY] * 2


def test_rerun_renders_what_a_crash_left_and_reproduces_the_same_bytes(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, 1))
    # Rendering is deterministic: what a crashed run rendered is what the rerun renders.
    first = [files for _, files in pool.render([(ids[0], "referral", letters(batch)[0].facts)])]
    assert pipeline.unrendered_letters(batch, (LetterKind.REFERRAL,)) == ids
    pipeline.render_and_send(
        batch, pool, pipeline.unrendered_letters(batch, (LetterKind.REFERRAL,))
    )
    (letter,) = letters(batch)
    assert batch.runtime.store.get(letter.pdf_sha256 or "") == first[0].pdf
    assert batch.runtime.store.get(letter.docx_sha256 or "") == first[0].docx
    assert pipeline.render_and_send(batch, pool, ids) == []  # nothing left to do


def test_number_and_send_numbers_in_order_while_the_pool_renders(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    pending = pipeline.pending_referrals(batch, None)
    progress: list[tuple[str, int, int]] = []
    batch.progress = lambda stage, done, total: progress.append((stage, done, total))
    sent = pipeline.number_and_send(batch, pool, pending, done_before=3, total=7)
    assert sent == [f"1405/ص/{n}" for n in (1, 2, 3, 4)]
    assert progress == [("send", 3 + n, 7) for n in (1, 2, 3, 4)]
    assert {letter.state for letter in letters(batch)} == {LetterState.SENT}
    assert states(batch) == [ComplaintState.AWAITING_REPLY] * 3
    assert pipeline.number_and_send(batch, pool, pipeline.pending_referrals(batch, None)) == []


def test_a_letter_numbered_before_a_crash_is_sent_under_its_number(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    class Crash(Exception):
        pass

    class CrashAfterSecondNumber(Failpoints):
        def hit(self, name: str) -> None:
            if name == "after_number_commit" and len(letters(batch)) == 2:
                raise Crash

    batch.failpoints = CrashAfterSecondNumber()
    with pytest.raises(Crash):
        pipeline.number_and_send(batch, pool, pipeline.pending_referrals(batch, None))
    batch.failpoints = Failpoints()
    assert pipeline.referrals_to_send(batch)
    # Both were still in the pool's window: numbered, neither stored nor sent.
    left = pipeline.unrendered_letters(batch, (LetterKind.REFERRAL,))
    assert pipeline.render_and_send(batch, pool, left) == ["1405/ص/1", "1405/ص/2"]
    assert pipeline.number_and_send(batch, pool, pipeline.pending_referrals(batch, None)) == [
        "1405/ص/3",
        "1405/ص/4",
    ]
    assert not pipeline.referrals_to_send(batch)
    assert states(batch) == [ComplaintState.AWAITING_REPLY] * 3


def test_a_started_pool_has_its_workers_before_the_first_letter() -> None:
    before = set(multiprocessing.active_children())
    with RenderPool[int](2) as pool:
        pool.start()
        assert len(set(multiprocessing.active_children()) - before) == 2


def test_no_signatory_no_batch(batch: pipeline.Batch) -> None:
    settings = batch.runtime.settings.model_copy(
        update={"office": batch.runtime.settings.office.model_copy(update={"signatory_name": " "})}
    )
    with pytest.raises(InvalidInput) as refused:
        pipeline.ensure_ready(pipeline.Batch(Runtime(settings), "x"), [LetterKind.REFERRAL])
    assert refused.value.code == "signatory_required"
    pipeline.ensure_ready(batch, [LetterKind.REFERRAL])
