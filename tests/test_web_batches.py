"""The desk's batch page (TestClient): the referrals waiting per agency, «ارسال» starting
the dispatch flow in a process of its own without holding the page, a second press while
it runs showing that batch instead of starting another, the finished batch's numbers and
letter links, the drafts a run made with approval on, and a crashed batch's «ادامه»."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from flows import background
from office import batches
from registry import batches as lease
from registry.kinds import LetterKind, LetterState, Role
from registry.models import Letter
from registry.text import to_persian_digits
from tests.web_samples_batches14 import SECRETARIAT, batch_running, waiting_referrals
from tests.web_support import OFFICE, DeskUnderTest, desk_fixture, make_desk

pytestmark = pytest.mark.xdist_group("web_batches")
QAZVIN, ABYEK = "شهرداری قزوین", "شهرداری آبیک"


@pytest.fixture
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


def _press(desk: DeskUnderTest) -> str:
    client = desk.client(Role.SECRETARIAT)
    response = client.post("/batches", data={"csrf_token": desk.token(Role.SECRETARIAT)})
    assert response.status_code == 303 and response.headers["location"] == "/batches"
    return client.get("/batches").text


def _end(desk: DeskUnderTest, run_id: str, *, drafts: int = 0) -> None:
    batches.finished(
        desk.runtime, run_id, since=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), drafts=drafts
    )


def test_the_page_counts_the_referrals_waiting_per_agency(desk: DeskUnderTest) -> None:
    waiting_referrals(desk.runtime, 2, (QAZVIN, ABYEK))
    waiting_referrals(desk.runtime, 1, (QAZVIN,))
    page = desk.client(Role.SECRETARIAT).get("/batches").text
    assert 'id="waiting-total">۵<' in page
    assert page.index(QAZVIN) < page.index(ABYEK)  # most first: ۳ then ۲
    assert "هنوز دسته‌ای از میز کار آغاز نشده است" in page
    assert 'hx-trigger="every 2s"' not in page
    assert desk.client(Role.INSPECTOR).get("/batches").status_code == 403


def test_a_second_press_while_a_batch_runs_shows_it(desk: DeskUnderTest) -> None:
    running = batch_running(desk)
    page = _press(desk)
    assert "dabir آغاز کرد در کار است" in page and "دسته دیگری آغاز نشد" in page
    assert 'hx-trigger="every 2s"' in page and "در کار است…" in page
    assert background.CHILDREN == []  # nothing started
    (only,) = batches.history(desk.runtime, SECRETARIAT)
    assert only.run_id == running.run.run_id


def test_a_crashed_batch_offers_to_continue(desk: DeskUnderTest) -> None:
    running = batch_running(desk)
    gone = subprocess.Popen(["true"])
    gone.wait()
    batches.started_in(desk.runtime, running.run.run_id, host=socket.gethostname(), pid=gone.pid)
    page = desk.client(Role.SECRETARIAT).get("/batches").text
    assert "ناتمام ماند" in page and 'id="batch-resume"' in page
    assert 'hx-trigger="every 2s"' not in page


def test_a_run_with_approval_on_summarises_its_drafts(desk: DeskUnderTest) -> None:
    running = batch_running(desk)
    _end(desk, running.run.run_id, drafts=3)
    page = desk.client(Role.SECRETARIAT).get("/batches").text
    assert "۳ پیش‌نویس برای پاراف و امضا" in page and 'href="/drafts"' in page


@pytest.mark.slow
def test_send_runs_the_batch_beside_the_server_to_its_end(desk: DeskUnderTest) -> None:
    waiting_referrals(desk.runtime, 2, (QAZVIN, ABYEK))
    waiting_referrals(desk.runtime, 1, (QAZVIN,))
    started = time.monotonic()
    page = _press(desk)
    # The page answers at once: the flow (Prefect, the render pool) runs in its own process.
    assert time.monotonic() - started < 5
    assert "دسته آغاز شد" in page and 'hx-trigger="every 2s"' in page
    (child,) = background.CHILDREN
    # A second press while it runs starts nothing and shows the running batch.
    assert "دسته دیگری آغاز نشد" in _press(desk)
    assert [child] == background.CHILDREN
    (run,) = batches.history(desk.runtime, SECRETARIAT)
    log = desk.home / "batches" / f"{run.run_id}.log"
    assert child.wait(timeout=600) == 0, log.read_text(encoding="utf-8")[-3000:]

    with desk.runtime.sessions() as session:
        numbers = list(
            session.scalars(
                select(Letter.number)
                .where(Letter.kind == LetterKind.REFERRAL, Letter.state == LetterState.SENT)
                .order_by(Letter.seq)
            )
        )
    assert len(numbers) == 5
    done = desk.client(Role.SECRETARIAT).get("/batches").text
    assert "پایان یافت" in done and 'hx-trigger="every 2s"' not in done
    assert f'id="batch-first">{to_persian_digits(numbers[0])}<' in done
    assert f'id="batch-last">{to_persian_digits(numbers[-1])}<' in done
    assert done.count("/letter.pdf") == 5 and 'id="waiting-total">۰<' in done
    (run,) = batches.history(desk.runtime, SECRETARIAT)
    assert run.state == lease.DONE and run.numbers == numbers and run.stored == 5
    assert run.lease is None and run.host == socket.gethostname()


@pytest.mark.slow
def test_with_approval_on_a_batch_makes_drafts_and_says_so(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    home = tmp_path_factory.mktemp("desk-approval")
    approving = make_desk(home, office={**OFFICE, "approval_required_kinds": ["referral"]})
    try:
        waiting_referrals(approving.runtime, 1, (QAZVIN, ABYEK))
        page = _press(approving)
        assert "دسته آغاز شد" in page and "پاراف و امضا فرستاده می‌شوند" in page
        (child,) = background.CHILDREN
        (run,) = batches.history(approving.runtime, SECRETARIAT)
        log = home / "batches" / f"{run.run_id}.log"
        assert child.wait(timeout=600) == 0, log.read_text(encoding="utf-8")[-3000:]
        done = approving.client(Role.SECRETARIAT).get("/batches").text
        assert "۲ پیش‌نویس برای پاراف و امضا" in done and 'href="/drafts"' in done
        (run,) = batches.history(approving.runtime, SECRETARIAT)
        assert run.state == lease.DONE and run.drafts == 2 and run.numbers == []
        with approving.runtime.sessions() as session:
            assert session.scalars(select(Letter.id)).first() is None  # nothing numbered
    finally:
        approving.close()


@pytest.mark.slow
def test_a_batch_refused_by_a_rule_shows_the_staff_sentence(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    home = tmp_path_factory.mktemp("desk-unsigned")
    unsigned = make_desk(home, office={**OFFICE, "signatory_name": ""})
    try:
        waiting_referrals(unsigned.runtime, 1, (QAZVIN,))
        _press(unsigned)
        (child,) = background.CHILDREN
        assert child.wait(timeout=600) == 4  # refused by a rule, as the command's exit
        page = unsigned.client(Role.SECRETARIAT).get("/batches").text
        (run,) = batches.history(unsigned.runtime, SECRETARIAT)
        assert run.state == lease.FAILED and run.lease is None and run.error
        assert "انجام نشد" in page and to_persian_digits(run.error) in page
        assert 'id="batch-send"' in page and 'id="waiting-total">۱<' in page
    finally:
        unsigned.close()


def test_a_rate_is_shown_with_the_persian_decimal_separator() -> None:
    from web.desk import persian

    assert persian(12.5) == "۱۲٫۵"
    assert persian(3) == "۳"
    assert persian("1405/09/15") == "۱۴۰۵/۰۹/۱۵"
