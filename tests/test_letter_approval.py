"""Approval and signature before the number (office functions, no Prefect): drafts, their
decisions, gapless numbers for signed drafts only, deputies, and the registry's refusal to
number an unsigned letter of a kind that needs approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from generators import build_context
from generators.batch import RenderPool
from office import drafts as office
from office import pipeline
from office.access import Forbidden, Staff
from office.failpoints import Failpoints
from office.setup import install_trial_key_if_missing
from office.users import name_deputy
from registry.db import transaction
from registry.errors import InvalidInput, Refused
from registry.kinds import ComplaintState, DraftState, LetterKind, LetterState, Role
from registry.models import Event, Letter, LetterCounter, LetterDraft
from registry.register import number_letter
from registry.settings import Settings
from registry.users import add_user
from tests.factories import (
    LETTERHEAD,
    accepted,
    complainant_input,
    national_id,
    office_runtime,
    seed_agencies,
)

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3, minutes=30)))
APPROVAL = {**LETTERHEAD, "approval_required_kinds": ["referral"]}
INSPECTOR = Staff("reza", "رضا کریمی", frozenset({Role.INSPECTOR}))
HEAD = Staff("head", "محمد احمدی", frozenset({Role.HEAD}))
CLERK = Staff("sara", "سارا احمدی", frozenset({Role.SECRETARIAT}))


@pytest.fixture
def batch(migrated_url: str, tmp_path: Path) -> Iterator[pipeline.Batch]:
    """Three accepted complaints, four referrals to write, referrals needing approval."""
    runtime = office_runtime(migrated_url, tmp_path, at=NOW, office=APPROVAL)
    install_trial_key_if_missing(runtime)  # signed drafts leave sealed
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


def numbers(batch: pipeline.Batch) -> list[str]:
    with batch.runtime.sessions() as session:
        return list(session.scalars(select(Letter.number).order_by(Letter.seq)))


def counter(batch: pipeline.Batch) -> int:
    with batch.runtime.sessions() as session:
        return int(session.scalar(select(func.max(LetterCounter.last_seq))) or 0)


def drafted(batch: pipeline.Batch) -> list[int]:
    return office.draft_referrals(batch, pipeline.pending_referrals(batch, None), "b1")


def send_signed(batch: pipeline.Batch, pool: RenderPool[int]) -> list[str]:
    return office.number_signed_and_send(batch, pool, office.signed_referrals(batch))


def test_the_setting_names_only_kinds_a_path_drafts(tmp_path: Path) -> None:
    assert Settings(home=tmp_path).office.approval_required_kinds == []
    with pytest.raises(ValueError, match="referral"):
        Settings(home=tmp_path, office={"approval_required_kinds": ["receipt"]})


def test_with_approval_on_a_batch_drafts_and_numbers_nothing(batch: pipeline.Batch) -> None:
    assert office.drafting(batch, LetterKind.REFERRAL)
    pending = pipeline.pending_referrals(batch, None)
    ids = drafted(batch)
    assert len(ids) == 4
    assert numbers(batch) == [] and counter(batch) == 0
    # A draft waiting keeps its referral out of the next batch: no second draft.
    assert pipeline.pending_referrals(batch, None) == []
    # A batch that listed them before (running at the same time) drafts none again.
    assert office.draft_referrals(batch, pending, "b2") == []
    records = office.list_drafts(batch.runtime, INSPECTOR)
    assert [r["state"] for r in records] == ["draft"] * 4
    assert {r["batch"] for r in records} == {"b1"} and all(r["number"] is None for r in records)


def test_an_approved_and_signed_draft_gets_the_next_number(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    first, *_ = drafted(batch)
    approved = office.approve(batch.runtime, INSPECTOR, [first])
    assert approved[0]["state"] == "approved" and approved[0]["approved_by"] == "reza"
    # Approved but not signed: nothing is numbered yet.
    assert office.signed_referrals(batch) == []
    signed = office.sign(batch.runtime, HEAD, [first])
    assert signed[0]["state"] == "signed" and signed[0]["signed_by"] == "head"
    assert signed[0]["signed_at"] == "2026-11-25T09:00:00+03:30"
    assert send_signed(batch, pool) == ["1405/ص/1"]
    record = office.list_drafts(batch.runtime, INSPECTOR, every=True)[0]
    assert (record["state"], record["number"]) == ("numbered", "1405/ص/1")
    with batch.runtime.sessions() as session:
        letter = session.scalars(select(Letter)).one()
        assert letter.state is LetterState.SENT and letter.due_date is not None
        actions = [
            (e.action, e.actor)
            for e in session.scalars(select(Event).where(Event.action.like("draft_%")))
        ]
        numbered = session.scalars(select(Event).where(Event.action == "letter_numbered")).one()
        assert numbered.data == {"number": "1405/ص/1", "kind": "referral", "draft": first}
    assert ("draft_approved", "reza") in actions and ("draft_signed", "head") in actions
    # The case's history names each decision and its states in Persian.
    from office.cases import case_view

    view = case_view(batch.runtime, "test", str(record["tracking_code"]))
    shown = [(e["action_fa"], e["after"]) for e in view.events if e["action"].startswith("draft")]
    assert shown == [
        ("پیش‌نویس نامه", "پیش‌نویس"),
        ("پاراف پیش‌نویس", "پاراف‌شده"),
        ("امضای پیش‌نویس", "امضاشده"),
    ]
    # Numbered once: a second run finds nothing signed left.
    assert send_signed(batch, pool) == [] and numbers(batch) == ["1405/ص/1"]


def test_a_rejected_draft_never_gets_a_number(batch: pipeline.Batch, pool: RenderPool[int]) -> None:
    first, second, *_ = drafted(batch)
    with pytest.raises(InvalidInput) as no_reason:
        office.reject(batch.runtime, HEAD, first, reason=" ")
    assert no_reason.value.code == "reason_required"
    rejected = office.reject(batch.runtime, INSPECTOR, first, reason="خلاصه نارسا است")
    assert (rejected["state"], rejected["reason"]) == ("rejected", "خلاصه نارسا است")
    with pytest.raises(Refused) as again:
        office.sign(batch.runtime, HEAD, [first])
    assert again.value.code == "draft_not_waiting"
    office.sign(batch.runtime, HEAD, [second])
    assert send_signed(batch, pool) == ["1405/ص/1"]
    with batch.runtime.sessions() as session:
        draft = session.get_one(LetterDraft, first)
        assert (draft.state, draft.letter_id, draft.rejected_by) == (
            DraftState.REJECTED,
            None,
            "reza",
        )


def test_a_batch_signed_at_once_numbers_its_letters_gaplessly(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    drafted(batch)
    with pytest.raises(InvalidInput) as unnamed:
        office.sign(batch.runtime, HEAD)
    assert unnamed.value.code == "drafts_not_named"
    # The head approves and signs the whole batch in one decision, both recorded (its code
    # typed as the table printed it, Persian digits and all).
    signed = office.sign(batch.runtime, HEAD, batch="b۱")
    assert [r["state"] for r in signed] == ["signed"] * 4
    assert all(r["approved_by"] == r["signed_by"] == "head" for r in signed)
    assert send_signed(batch, pool) == [f"1405/ص/{n}" for n in range(1, 5)]
    assert counter(batch) == 4
    with batch.runtime.sessions() as session:
        states = set(session.scalars(select(LetterDraft.state)))
    assert states == {DraftState.NUMBERED}
    assert pipeline.referrals_to_send(batch) is False


def test_a_batch_decision_is_all_or_nothing(batch: pipeline.Batch) -> None:
    first, second, *_ = drafted(batch)
    office.reject(batch.runtime, HEAD, first, reason="نادرست")
    with pytest.raises(Refused):
        office.approve(batch.runtime, INSPECTOR, [second, first])
    with batch.runtime.sessions() as session:
        assert session.get_one(LetterDraft, second).state is DraftState.DRAFT


def test_unsigned_referrals_are_refused_at_the_number(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    pending = pipeline.pending_referrals(batch, None)
    # The straight path (number_and_send, number_referrals) is refused before a number is
    # taken: the rollback leaves the register as it was.
    with pytest.raises(Refused) as refused:
        pipeline.number_and_send(batch, pool, pending)
    assert refused.value.code == "letter_unsigned"
    with pytest.raises(Refused):
        pipeline.number_referrals(batch, pending)
    assert numbers(batch) == [] and counter(batch) == 0
    # An approved draft is not signed: numbering it directly finds nothing to number.
    first, *_ = drafted(batch)
    office.approve(batch.runtime, INSPECTOR, [first])
    assert office.number_signed_and_send(batch, pool, [first]) == []
    assert counter(batch) == 0


def test_the_registry_refuses_any_kind_unsigned(batch: pipeline.Batch) -> None:
    """Whatever path asks (a review's rejection letter, an answer, a chaser), the register
    refuses a letter of a kind that needs approval without its signed draft, and a draft
    given that is not signed."""
    first, *_ = drafted(batch)

    def number(kind: LetterKind, draft: LetterDraft | None) -> None:
        with transaction(batch.runtime.sessions) as session:
            number_letter(
                session,
                kind=kind,
                series="ص",
                number_template="{year}/{series}/{seq}",
                issued_at=NOW,
                jalali_year=1405,
                date=NOW.date(),
                recipient="x",
                actor="t",
                freeze=lambda identity: {},
                approval_kinds={LetterKind.REJECTION, LetterKind.REFERRAL},
                draft=session.get(LetterDraft, draft.id) if draft else None,
            )

    for kind in (LetterKind.REJECTION, LetterKind.REFERRAL):
        with pytest.raises(Refused) as refused:
            number(kind, None)
        assert refused.value.code == "letter_unsigned"
    with batch.runtime.sessions() as session:
        unsigned = session.get_one(LetterDraft, first)
    with pytest.raises(Refused):
        number(LetterKind.REFERRAL, unsigned)
    assert counter(batch) == 0


def test_a_signed_draft_numbered_before_a_crash_is_sent_under_its_number(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    class Crash(Exception):
        pass

    class CrashAfterFirstNumber(Failpoints):
        def hit(self, name: str) -> None:
            if name == "after_number_commit":
                raise Crash

    drafted(batch)
    office.sign(batch.runtime, HEAD, every=True)
    batch.failpoints = CrashAfterFirstNumber()
    with pytest.raises(Crash):
        send_signed(batch, pool)
    batch.failpoints = Failpoints()
    # The number and the draft's link committed together: the rerun renders that letter
    # under its number, then numbers the other three; nothing twice, no gap.
    left = pipeline.unrendered_letters(batch, (LetterKind.REFERRAL,))
    assert pipeline.render_and_send(batch, pool, left) == ["1405/ص/1"]
    assert send_signed(batch, pool) == ["1405/ص/2", "1405/ص/3", "1405/ص/4"]
    assert pipeline.finish(batch) == 0
    with batch.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Letter)) == 4
    assert not pipeline.referrals_to_send(batch)


def test_roles_approve_and_sign(batch: pipeline.Batch) -> None:
    first, *_ = drafted(batch)
    with pytest.raises(Forbidden):
        office.approve(batch.runtime, CLERK, [first])
    with pytest.raises(Forbidden):
        office.sign(batch.runtime, INSPECTOR, [first])
    with pytest.raises(Forbidden):
        office.reject(batch.runtime, CLERK, first, reason="x")
    # A deputy not yet named may not sign.
    with pytest.raises(Forbidden):
        office.sign(batch.runtime, CLERK, [first])


def _deputy(batch: pipeline.Batch) -> Staff:
    with transaction(batch.runtime.sessions) as session:
        add_user(
            session,
            "ali",
            full_name="علی رضایی",
            roles=frozenset({Role.SECRETARIAT}),
            password="a-long-password",
            at=NOW,
        )
    with pytest.raises(Forbidden):
        name_deputy(batch.runtime, INSPECTOR, "ali", title="معاون دفتر")
    record = name_deputy(batch.runtime, HEAD, "ali", title="معاون دفتر")
    assert (record["deputy"], record["deputy_title"]) == (True, "معاون دفتر")
    return Staff("ali", "علی رضایی", frozenset({Role.SECRETARIAT}), deputy=True)


def test_a_deputy_signs_for_the_head_and_the_letter_says_so(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    first, second, *_ = drafted(batch)
    deputy = _deputy(batch)
    # A deputy signs; approving is an inspector's or the head's.
    with pytest.raises(Forbidden):
        office.approve(batch.runtime, deputy, [first])
    with pytest.raises(Refused) as unapproved:
        office.sign(batch.runtime, deputy, [first])
    assert unapproved.value.code == "draft_not_approved"
    office.approve(batch.runtime, INSPECTOR, [first, second])
    signed = office.sign(batch.runtime, deputy, [first])
    assert (signed[0]["signed_by"], signed[0]["deputy_name"]) == ("ali", "علی رضایی")
    office.sign(batch.runtime, HEAD, [second])
    assert send_signed(batch, pool) == ["1405/ص/1", "1405/ص/2"]
    with batch.runtime.sessions() as session:
        by_deputy, by_head = session.scalars(select(Letter).order_by(Letter.seq))
        deputy_block = build_context("referral", by_deputy.facts)["signatory"]
        head_block = build_context("referral", by_head.facts)["signatory"]
    assert deputy_block == {
        "name": "علی رضایی",
        "title": "معاون دفتر، از طرف مدیرکل دفتر بازرسی، مدیریت عملکرد و امور حقوقی",
    }
    assert head_block == {
        "name": "محمد احمدی",
        "title": "مدیرکل دفتر بازرسی، مدیریت عملکرد و امور حقوقی",
    }
    # Withdrawn, the deputy signs no more, even with a page loaded before.
    name_deputy(batch.runtime, HEAD, "ali", remove=True)
    third = office.list_drafts(batch.runtime, INSPECTOR)[0]["id"]
    office.approve(batch.runtime, INSPECTOR, [third])
    with pytest.raises(Refused):
        office.sign(batch.runtime, deputy, [third])


def test_a_withdrawn_complaint_keeps_its_signed_draft_unnumbered(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    from office.complaints import withdraw

    first, *_ = drafted(batch)
    office.sign(batch.runtime, HEAD, [first])
    with batch.runtime.sessions() as session:
        tracking = session.get_one(LetterDraft, first).complaint.tracking_code  # type: ignore[union-attr]
    withdraw(batch.runtime, "t", tracking, reason="منصرف شد")
    assert office.signed_referrals(batch) == []
    assert send_signed(batch, pool) == [] and counter(batch) == 0
    with batch.runtime.sessions() as session:
        assert session.get_one(LetterDraft, first).complaint.state is ComplaintState.WITHDRAWN  # type: ignore[union-attr]


def test_a_draft_preview_prints_draft_for_its_number(batch: pipeline.Batch) -> None:
    first, *_ = drafted(batch)
    pdf = office.draft_preview(batch.runtime, HEAD, first)
    assert pdf.startswith(b"%PDF")
    with batch.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Letter)) == 0


def test_without_approval_nothing_changes(migrated_url: str, tmp_path: Path) -> None:
    runtime = office_runtime(migrated_url, tmp_path, at=NOW, office=LETTERHEAD)
    with transaction(runtime.sessions) as session:
        seed_agencies(session)
        accepted(session, NOW, agencies=("شهرداری قزوین",))
    batch = pipeline.Batch(runtime, "دبیرخانه")
    assert not office.drafting(batch, LetterKind.REFERRAL)
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
    assert len(ids) == 1
    with runtime.sessions() as session:
        facts = session.get_one(Letter, ids[0]).facts
    assert facts["office"]["deputy_name"] is None
    runtime.engine.dispose()
