"""The seal on letters numbered from a signed draft: the office's PAdES signature over
the PDF/A, after the number it covers, deterministic; none on a letter numbered without
approval; no number at all without the office's key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from generators.batch import RenderPool, render_letter_files, seal_files
from office import drafts as office
from office import pipeline
from registry.db import transaction
from registry.models import Letter
from tests import test_letter_approval as approval
from tests.factories import LETTERHEAD, accepted, office_runtime, seed_agencies

NOW = approval.NOW
HEAD = approval.HEAD
# The drafts' office (three accepted complaints, referrals needing approval, a trial key).
batch = approval.batch
pool = approval.pool
counter, drafted, send_signed = approval.counter, approval.drafted, approval.send_signed


def _archived_pdf(batch: pipeline.Batch, number: str) -> bytes:
    with batch.runtime.sessions() as session:
        sha = session.scalars(select(Letter.pdf_sha256).where(Letter.number == number)).one()
    return batch.runtime.store.get(sha or "")


def test_a_signed_letter_leaves_sealed_over_its_number(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    from generators.keys import load_certificate
    from generators.verification import verify_pdf

    first, *_ = drafted(batch)
    office.sign(batch.runtime, HEAD, [first])
    (number,) = send_signed(batch, pool)
    pdf = _archived_pdf(batch, number)
    certificate = load_certificate(batch.runtime.settings.office_certificate_path)
    checked = verify_pdf(pdf, [certificate])
    (signature,) = checked.signatures
    assert signature.intact and signature.valid and signature.trusted
    assert not signature.modified_after_signing
    assert signature.signing_time == NOW
    # The seal is deterministic: the same letter sealed again gives the same bytes, so a
    # rerun after a crash reproduces the archived object.
    with batch.runtime.sessions() as session:
        query = select(Letter.facts).where(Letter.number == number)
        facts: dict[str, Any] = session.scalars(query).one()
    assert facts["letter"]["sealed"] is True
    rendered = render_letter_files("referral", facts)
    seal = batch.seal_with()
    assert seal_files(seal, facts, rendered).pdf == seal_files(seal, facts, rendered).pdf


def test_a_letter_numbered_without_approval_is_not_sealed(
    migrated_url: str, tmp_path: Path, pool: RenderPool[int]
) -> None:
    from generators.verification import verify_pdf

    runtime = office_runtime(migrated_url, tmp_path, at=NOW, office=LETTERHEAD)
    with transaction(runtime.sessions) as session:
        seed_agencies(session)
        accepted(session, NOW, agencies=("شهرداری قزوین",))
    batch = pipeline.Batch(runtime, "دبیرخانه")
    (number,) = pipeline.number_and_send(batch, pool, pipeline.pending_referrals(batch, None))
    assert verify_pdf(_archived_pdf(batch, number), []).signatures == ()
    runtime.engine.dispose()


def test_without_the_office_key_no_signed_draft_is_numbered(
    batch: pipeline.Batch, pool: RenderPool[int]
) -> None:
    from generators.errors import SigningKeyMissing

    first, *_ = drafted(batch)
    office.sign(batch.runtime, HEAD, [first])
    batch.runtime.settings.resolved_signing_key_path.unlink()
    with pytest.raises(SigningKeyMissing):
        send_signed(batch, pool)
    assert counter(batch) == 0 and office.signed_referrals(batch) == [first]
