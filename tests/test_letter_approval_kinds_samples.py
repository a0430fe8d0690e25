"""Approval of the kinds beside the referral: the sample the head reads before signing a
draft, and a final answer a deputy signs (its own seal naming the deputy)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from office import casework, complaints, inspection, pipeline
from office import drafts as office
from office.access import Staff
from registry.db import transaction
from registry.kinds import LetterKind, Role
from tests.test_letter_approval_kinds import (
    DECISION,
    HEAD,
    INSPECTOR,
    NOW,
    Office,
    desk,
    draft_of,
    letter,
    numbers,
    signatures,
)

__all__ = ["desk"]  # the fixture, shared with the kinds' own tests


def test_a_drafts_sample_prints_the_words_it_was_drafted_with(desk: Office) -> None:
    """The head's sample of a rejection or an answer draft (/drafts/{id}/preview.pdf) reads
    the draft's own reason and decision; a report draft has no sample."""
    from office.preview import PLACEHOLDER_DECISION, preview_facts
    from registry.errors import InvalidInput

    runtime = desk.runtime()
    batch = pipeline.Batch(runtime, "t")
    answer = casework.answer(
        batch, desk.tracking(0), decision=DECISION, seal=casework.answer_seal(batch)
    ).draft
    rejection = complaints.review(
        runtime, "t", desk.tracking(2), complaints.Decision.REJECT, reason="خارج از صلاحیت"
    ).draft
    report = inspection.report(runtime, "t", desk.tracking(1), conclusion="وارد است.").draft
    assert answer is not None and rejection is not None and report is not None
    for draft in (answer, rejection):
        assert office.draft_preview(runtime, HEAD, draft).startswith(b"%PDF")
    with pytest.raises(InvalidInput):
        office.draft_preview(runtime, HEAD, report)
    with runtime.sessions() as session:
        kind, tracking = LetterKind.FINAL_ANSWER, desk.tracking(0)
        drafted = preview_facts(batch, session, kind, tracking, None, draft_of(desk, answer).params)
        bare = preview_facts(batch, session, kind, tracking, None)
    drafted_text, bare_text = (json.dumps(f, ensure_ascii=False) for f in (drafted, bare))
    assert DECISION in drafted_text and PLACEHOLDER_DECISION not in drafted_text
    assert PLACEHOLDER_DECISION in bare_text
    assert len(numbers(desk)) == 4


def test_a_deputy_signs_a_final_answer_and_its_seal_names_the_deputy(
    desk: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generators import sealing
    from office.users import name_deputy
    from registry.users import add_user

    runtime = desk.runtime()
    with transaction(runtime.sessions) as session:
        add_user(
            session,
            "ali",
            full_name="علی رضایی",
            roles=frozenset({Role.SECRETARIAT}),
            password="a-long-password",
            at=NOW,
        )
    name_deputy(runtime, HEAD, "ali", title="معاون دفتر")
    deputy = Staff("ali", "علی رضایی", frozenset({Role.SECRETARIAT}), deputy=True)
    batch = pipeline.Batch(runtime, "t")
    seal = casework.answer_seal(batch)
    draft = casework.answer(batch, desk.tracking(0), decision=DECISION, seal=seal).draft
    assert draft is not None
    office.approve(runtime, INSPECTOR, [draft])
    stamps: list[dict[str, object]] = []
    from generators.stamp import render_stamp as stamp

    def recorded(**given: Any) -> bytes:
        stamps.append(given)
        return stamp(**given)

    monkeypatch.setattr(sealing, "render_stamp", recorded)
    (record,) = office.sign(runtime, deputy, [draft])
    assert (record["number"], record["deputy_name"]) == ("1405/ص/5", "علی رضایی")
    sent = letter(desk, LetterKind.FINAL_ANSWER)
    assert sent.facts["office"]["deputy_name"] == "علی رضایی"
    assert signatures(desk, sent) == 1
    # The answer's own seal, its visible stamp naming the deputy «از طرف» the signatory.
    (given,) = stamps
    assert (given["name"], given["title"]) == ("علی رضایی", "از طرف محمد احمدی")
