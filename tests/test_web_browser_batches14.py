"""Letter batches in a real browser (Debian's Chromium through Playwright) against
``residegi serve`` (two workers) on a demo data folder with five referrals waiting: two
secretariat sessions press «ارسال» at once and get one batch (the second sees it); that
batch's process kills itself after its third number (the project's failpoint, armed for
the server as tests/test_dispatch_crash.py arms it for the command), the page shows it
crashed with «ادامه», and «ادامه» ends with every letter exactly once, numbers gapless."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from office.runtime import Runtime
from registry.kinds import LetterKind
from registry.models import BatchRun, Letter
from registry.settings import Settings
from tests.desk_server import Served, run_demo, serving
from tests.test_web_browser import SCREEN, log_in, shot
from tests.web_samples_batches14 import waiting_referrals

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]
QAZVIN, ABYEK = "شهرداری قزوین", "شهرداری آبیک"
# The batch's process dies right after its third number commits; the rerun numbers only
# two more, so the same armed setting lets it finish.
FAILPOINTS = "after_number_commit=3"
# Generous for a two-core machine: Prefect's temporary API and the render pool start.
BATCH_S = 240_000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("desk") / "demo"
    # The demo's own settings ask approval of referrals (a batch then drafts them); this is
    # the office that sends its referrals straight from the batch.
    straight = {"RESIDEGI_OFFICE__APPROVAL_REQUIRED_KINDS": "[]"}
    demo = run_demo(home, complaints=2, settings=straight)  # every demo referral sent
    runtime = Runtime(Settings(home=home))
    try:
        waiting_referrals(runtime, 2, (QAZVIN, ABYEK))
        waiting_referrals(runtime, 1, (QAZVIN,))
    finally:
        runtime.close()
    settings = {"RESIDEGI_FAILPOINTS": FAILPOINTS, **straight}
    with serving(home, demo, workers=2, settings=settings) as server:
        yield server


def _referrals(served: Served) -> list[tuple[int | None, int | None, str]]:
    runtime = Runtime(Settings(home=served.home))
    try:
        with runtime.sessions() as session:
            rows = session.execute(
                select(Letter.complaint_id, Letter.agency_id, Letter.number, Letter.seq)
                .where(Letter.kind == LetterKind.REFERRAL)
                .order_by(Letter.seq)
            )
            return [(c, a, f"{n}|{s}") for c, a, n, s in rows]
    finally:
        runtime.close()


def _batches(served: Served) -> list[BatchRun]:
    runtime = Runtime(Settings(home=served.home))
    try:
        with runtime.sessions() as session:
            return list(session.scalars(select(BatchRun).order_by(BatchRun.id)))
    finally:
        runtime.close()


def test_one_batch_for_two_presses_and_a_killed_one_continued(
    browser: Browser, served: Served, output_path: str
) -> None:
    before = _referrals(served)
    pages: list[Page] = []
    for _ in range(2):
        context = browser.new_context(viewport=SCREEN)
        page = context.new_page()
        log_in(page, served, "dabir")
        page.goto(f"{served.url}/batches")
        expect(page.locator("#waiting-total")).to_have_text("۵")
        pages.append(page)
    shot(pages[0], output_path, "batches-waiting")
    # Both press «ارسال» at once: the clicks are dispatched without waiting for either page.
    for page in pages:
        page.evaluate("document.getElementById('batch-send').click()")
    for page in pages:
        page.wait_for_url(f"{served.url}/batches")
        expect(page.locator("#batch-state")).to_have_attribute("data-state", "running")
    notes = [page.locator("p.warn[role=status]").inner_text() for page in pages]
    assert sum("دسته آغاز شد" in note for note in notes) == 1, notes
    assert sum("دسته دیگری آغاز نشد" in note for note in notes) == 1, notes
    (run,) = _batches(served)
    shot(pages[1], output_path, "batches-second-session")

    try:
        # The run kills itself after its third number; the page (polling) shows it crashed.
        first = pages[0]
        expect(first.locator("#batch-state")).to_have_attribute(
            "data-state", "crashed", timeout=BATCH_S
        )
        expect(first.locator("#batch-resume")).to_be_visible()
        numbered = len(_referrals(served)) - len(before)
        # At least the third: killed right after its number committed, never rendered.
        expect(first.locator("#waiting-unrendered")).to_be_visible()
        shot(first, output_path, "batches-crashed")
        assert numbered == 3
        first.locator("#batch-resume").click()
        expect(first.locator("#batch-state")).to_have_attribute(
            "data-state", "done", timeout=BATCH_S
        )
    finally:
        # The killed run's render workers and Prefect's temporary API were in its group
        # (a session of its own, led by the run's process).
        if run.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGKILL)
    expect(first.locator("#waiting-total")).to_have_text("۰")
    shot(first, output_path, "batches-continued")

    after = _referrals(served)
    new = after[len(before) :]
    assert len(new) == 5
    pairs = [(c, a) for c, a, _ in new]
    assert len(set(pairs)) == 5  # each referral exactly once
    # Gapless: nothing else was numbered meanwhile, so the five follow each other.
    seqs = [int(key.split("|")[1]) for _, _, key in new]
    assert seqs == list(range(seqs[0], seqs[0] + 5))
    crashed, continued = _batches(served)
    assert crashed.state == "crashed" and continued.state == "done"
    assert continued.numbers and len(continued.numbers) >= 2
    links = first.locator("#batch-letters a")
    expect(links).to_have_count(len(continued.numbers))
