"""Every layer serves every letter kind, and a letter's stated reply days are its due date's.

Nothing here lists the kinds: each test walks ``LetterKind``, so a kind added to the enum
fails here until the registry table, the generators table, the templates and the preview
all serve it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from generators import build_context, check_templates
from generators.environment import TEMPLATES_DIR
from generators.kinds import COMPLAINANT_KINDS, FACTS_MODELS, KIND_TITLES, KINDS, RENDERING
from generators.samples import sample_facts
from office import pipeline
from office.preview import PREVIEWABLE, preview_facts
from registry.db import transaction
from registry.deadlines import CHASER_KINDS, REPLY_EXPECTED, reply_deadline_days_for
from registry.errors import InvalidInput
from registry.kinds import (
    KIND_SPECS,
    LETTER_KIND_FA,
    AgencyKind,
    ComplaintState,
    DeadlineRule,
    LetterKind,
    Recipient,
)
from registry.models import Agency, Complaint, DeadlineChange, DeadlineChangeKind, Letter
from tests.factories import LETTERHEAD, accepted, office_runtime, seed_agencies

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3, minutes=30)))
OWN_DEADLINE = "شهرداری قزوین"  # gets its own reply_deadline_days
KIND_DEFAULT = "فرمانداری آبیک"  # keeps the setting for its agency kind


@pytest.mark.parametrize("kind", list(LetterKind))
def test_the_registry_table_has_every_kind(kind: LetterKind) -> None:
    spec = KIND_SPECS[kind]
    assert kind.spec is spec
    assert spec.label_fa.strip() and LETTER_KIND_FA[kind] == kind.label_fa == spec.label_fa
    assert isinstance(spec.recipient, Recipient) and isinstance(spec.deadline, DeadlineRule)
    assert (kind in REPLY_EXPECTED) is spec.expects_reply
    assert (kind in CHASER_KINDS) is spec.chases_referral


def test_the_tables_hold_nothing_but_the_kinds() -> None:
    assert set(KIND_SPECS) == set(RENDERING) == set(LetterKind)
    assert tuple(kind.value for kind in LetterKind) == KINDS


@pytest.mark.parametrize("kind", list(LetterKind))
def test_the_generators_table_serves_every_kind(kind: LetterKind) -> None:
    row = RENDERING[kind]
    assert row.kind is kind and FACTS_MODELS[kind.value] is row.model
    assert row.model.model_fields["kind"].default == kind.value
    for template in (row.docx, row.html, row.wording):
        assert (TEMPLATES_DIR / template).is_file(), template
    assert KIND_TITLES[kind.value] == kind.label_fa
    facts = sample_facts(kind.value)
    assert isinstance(facts, row.model)
    context = build_context(kind.value, facts)
    assert context["kind_title"] == kind.label_fa
    to_complainant = kind.spec.recipient is Recipient.COMPLAINANT
    assert (kind.value in COMPLAINANT_KINDS) is to_complainant
    assert context["audience"] == ("complainant" if to_complainant else "agency")
    assert check_templates([kind.value]) == []


@pytest.fixture
def batch(migrated_url: str, tmp_path: Path) -> Iterator[pipeline.Batch]:
    """A complaint referred to an agency with its own deadline and one without."""
    runtime = office_runtime(
        migrated_url,
        tmp_path,
        at=NOW,
        office=LETTERHEAD,
        reply_deadline_days=dict.fromkeys(AgencyKind, 12),
        reminder_deadline_days=4,
    )
    with transaction(runtime.sessions) as session:
        seed_agencies(session)
        agency_named(session, OWN_DEADLINE).reply_deadline_days = 7
        assert agency_named(session, KIND_DEFAULT).reply_deadline_days is None
        accepted(session, NOW, agencies=(OWN_DEADLINE, KIND_DEFAULT))
    yield pipeline.Batch(runtime, "دبیرخانه")
    runtime.engine.dispose()


def agency_named(session: Session, name: str) -> Agency:
    return session.scalars(select(Agency).where(Agency.name == name)).one()


def send_referrals(batch: pipeline.Batch) -> list[int]:
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
    pipeline.deliver(batch, ids, pipeline.move_complaint_when_referred(batch))
    return ids


def stated_and_counted(batch: pipeline.Batch, ids: list[int]) -> dict[str, tuple[int, int]]:
    """Per agency: the days its letter's facts state, and the days its due date counted
    (the start row ``mark_sent`` wrote); both checked against the one rule as it is now."""
    result = {}
    with batch.runtime.sessions() as session:
        for letter_id in ids:
            letter = session.get_one(Letter, letter_id)
            assert letter.agency is not None and letter.due_date is not None
            counted = session.scalars(
                select(DeadlineChange.days).where(
                    DeadlineChange.letter_id == letter_id,
                    DeadlineChange.kind == DeadlineChangeKind.START,
                )
            ).one()
            assert counted is not None
            result[letter.agency.name] = (letter.facts["answer_within_days"], counted)
    return result


def test_a_letter_states_the_days_its_due_date_counts(batch: pipeline.Batch) -> None:
    ids = send_referrals(batch)
    settings = batch.runtime.settings
    with batch.runtime.sessions() as session:
        rule = {
            name: reply_deadline_days_for(
                LetterKind.REFERRAL,
                agency_named(session, name),
                settings.reply_deadline_days,
                settings.reminder_deadline_days,
            )
            for name in (OWN_DEADLINE, KIND_DEFAULT)
        }
    assert rule == {OWN_DEADLINE: 7, KIND_DEFAULT: 12}
    assert stated_and_counted(batch, ids) == {OWN_DEADLINE: (7, 7), KIND_DEFAULT: (12, 12)}


def test_the_due_date_counts_what_the_letter_stated_after_an_agency_edit(
    batch: pipeline.Batch,
) -> None:
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
    with transaction(batch.runtime.sessions) as session:  # edited between number and send
        agency_named(session, OWN_DEADLINE).reply_deadline_days = 20
    pipeline.deliver(batch, ids)
    assert stated_and_counted(batch, ids) == {OWN_DEADLINE: (7, 7), KIND_DEFAULT: (12, 12)}


@pytest.mark.parametrize("agency_name", [OWN_DEADLINE, KIND_DEFAULT])
def test_preview_serves_every_kind_it_can(batch: pipeline.Batch, agency_name: str) -> None:
    send_referrals(batch)
    settings = batch.runtime.settings
    with batch.runtime.sessions() as session:
        complaint = session.scalars(select(Complaint)).one()
        assert complaint.state is ComplaintState.AWAITING_REPLY
        agency = agency_named(session, agency_name)
        for kind in LetterKind:
            if kind not in PREVIEWABLE:
                with pytest.raises(InvalidInput) as refused:
                    preview_facts(batch, session, kind, complaint.tracking_code, agency_name)
                assert refused.value.code == "preview_unavailable"
                continue
            facts = preview_facts(batch, session, kind, complaint.tracking_code, agency_name)
            assert facts["kind"] == kind.value
            RENDERING[kind].model.model_validate(facts)
            days = reply_deadline_days_for(
                kind, agency, settings.reply_deadline_days, settings.reminder_deadline_days
            )
            assert facts.get("answer_within_days") == days
