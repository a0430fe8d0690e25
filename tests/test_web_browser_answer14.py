"""Inspection and the signed final answer in a real browser (Debian's Chromium through
Playwright) against a real ``residegi serve`` on a demo data folder.

Before the server starts, the demo's case still awaiting its replies gets them (as the
secretariat records them), and the office key is replaced by one encrypted with a
passphrase the server is not given: the head types it on the page.  Then, through the
desk only: the inspector assigns an inspection, records findings with a photo and makes
the report; the head sees it on the work queue; the inspector drafts the answer (refused
empty first); the head looks at the letter as it will print, is refused with a wrong
passphrase, and signs with the right one; the signed answer downloaded from the case page
passes ``residegi verify``.  Screenshots of each step go to the test's output folder, with
the preview's first page as PNG (pdftoppm)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from archive.attachments import check_upload
from office import replies
from office.runtime import Runtime
from office.setup import make_trial_key
from registry.kinds import ComplaintState, LetterKind, LetterState, ReplyOutcome
from registry.models import Complaint, Letter
from registry.settings import Settings
from tests.desk_server import RESIDEGI, Served, run_demo, serving
from tests.factories import png_bytes
from tests.test_web_browser import SCREEN, log_in, log_out, rasterised_preview, shot
from tests.web_samples_answer14 import DECISION, FINDINGS
from tests.web_samples_web13a import pdf_bytes

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

PASSPHRASE = "کلید دفتر ۱۴۰۵ / answer14"


def _replied(home: Path) -> str:
    """The demo's case awaiting replies, with each of its agencies' replies recorded."""
    runtime = Runtime(Settings(home=home))
    try:
        with runtime.sessions() as session:
            complaint = session.scalars(
                select(Complaint).where(Complaint.state == ComplaintState.AWAITING_REPLY)
            ).first()
            assert complaint is not None
            tracking = complaint.tracking_code
            numbers = list(
                session.scalars(
                    select(Letter.number).where(
                        Letter.complaint_id == complaint.id,
                        Letter.kind == LetterKind.REFERRAL,
                        Letter.state == LetterState.SENT,
                    )
                )
            )
        scan = check_upload(pdf_bytes(), "reply.pdf", runtime.settings.attachment_max_bytes)
        for at, number in enumerate(numbers):
            replies.record(
                runtime,
                "dabir",
                number,
                file=scan,
                their_number=f"{7340 + at}/ش",
                their_date=runtime.clock.today(),
                outcome=ReplyOutcome.ACCEPTED,
                summary="شهرداری آسفالت معابر را در برنامه این ماه گذاشت.",
            )
    finally:
        runtime.close()
    return tracking


def _encrypted_key(home: Path) -> None:
    """The demo's unencrypted trial key replaced by one encrypted with PASSPHRASE."""
    shutil.rmtree(home / "keys")
    runtime = Runtime(Settings(home=home, signing_key_passphrase=PASSPHRASE))
    try:
        assert make_trial_key(runtime)["encrypted"]
    finally:
        runtime.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str]]:
    home = tmp_path_factory.mktemp("answer") / "demo"
    # The demo's own settings ask approval of reports and answers (they then leave from
    # /drafts); this walk is the office that signs them on the case page.
    straight = {
        "RESIDEGI_OFFICE__APPROVAL_REQUIRED_KINDS": '["referral", "escalation", "rejection"]'
    }
    demo = run_demo(home, complaints=6, settings=straight)
    tracking = _replied(home)
    _encrypted_key(home)
    with serving(home, demo, settings=straight) as server:
        yield server, tracking


def test_inspect_report_draft_and_sign_an_answer_in_the_browser(
    page: Page, served: tuple[Served, str], output_path: str, tmp_path: Path
) -> None:
    server, tracking = served
    case = f"{server.url}/complaints/{tracking}"
    page.set_viewport_size(SCREEN)
    photo = tmp_path / "عکس-بازدید.png"
    photo.write_bytes(png_bytes(600, 800))
    notes = page.get_by_role("status")

    # The inspector: the inspection assigned (its letter to the inspector), the findings
    # with a photo, the report.
    log_in(page, server, "bazres")
    page.goto(case)
    expect(page.locator(".state")).to_contain_text("پاسخ")
    page.get_by_text("ابلاغ بازرسی", exact=True).click()
    form = page.locator("#inspect-action")
    form.get_by_role("button", name="ابلاغ بازرسی و ارسال نامه").click()
    expect(page.locator("#inspect-inspector-error")).to_be_visible()
    shot(page, output_path, "answer14-inspect-refused")
    form = page.locator("#inspect-action")
    form.locator("[name=inspector]").fill("رضا محمدی")
    form.locator("[name=inspector_honorific]").select_option("mr")
    form.get_by_role("button", name="ابلاغ بازرسی و ارسال نامه").click()
    expect(notes.first).to_contain_text("نامه ابلاغ بازرسی به شماره", timeout=60_000)
    expect(page.locator("#s-inspection")).to_be_visible()
    shot(page, output_path, "answer14-inspection-assigned")

    page.get_by_text("ثبت یافته‌های بازرسی", exact=True).click()
    form = page.locator("#inspect-action")
    form.locator("[name=findings]").fill(FINDINGS)
    form.locator("[name=other]").set_input_files(str(photo))
    form.get_by_role("button", name="ثبت یافته‌ها").click()
    expect(notes.first).to_contain_text("یافته‌های بازرسی ثبت شد", timeout=60_000)
    page.get_by_text("گزارش بازرسی", exact=True).click()
    page.get_by_role("button", name="ساخت گزارش بازرسی").click()
    expect(notes.first).to_contain_text("گزارش بازرسی به شماره", timeout=60_000)
    expect(page.locator(".state")).to_contain_text("گزارش")
    shot(page, output_path, "answer14-report-made")
    log_out(page)

    # The head sees the report waiting for the answer.
    log_in(page, server, "modir")
    shelf = page.locator("#shelf-report_ready").locator("xpath=..")
    expect(shelf).to_contain_text("گزارش بازرسی آماده")
    expect(shelf.locator(f"a[href='/complaints/{tracking}']")).to_have_count(1)
    shot(page, output_path, "answer14-head-queue")
    log_out(page)

    # The inspector drafts the answer (refused empty first).
    log_in(page, server, "bazres")
    page.goto(case)
    form = page.locator("#answer-action")
    expect(form).to_have_attribute("open", "")
    expect(form.get_by_role("button", name="امضا و ارسال")).to_have_count(0)
    form.get_by_role("button", name="ذخیره پیش‌نویس و پیش‌نمایش").click()
    expect(page.locator("#answer-decision-error")).to_contain_text("متن تصمیم")
    shot(page, output_path, "answer14-draft-refused")
    page.locator("#answer-decision").fill(DECISION)
    page.locator("#answer-action").get_by_role("button", name="ذخیره پیش‌نویس و پیش‌نمایش").click()
    expect(notes.first).to_contain_text("پیش‌نویس پاسخ نهایی ذخیره شد")
    expect(page.locator("#answer-draft-text")).to_contain_text("آسفالت معابر")
    shot(page, output_path, "answer14-drafted")
    log_out(page)

    # The head: the letter as it will print, then the signature with the passphrase typed.
    log_in(page, server, "modir")
    page.goto(case)
    expect(page.locator("#answer-draft-text")).to_contain_text("آسفالت معابر")
    expect(page.locator("object.letter-preview")).to_be_visible()
    rasterised_preview(page, case, tmp_path, output_path, "answer14-preview")
    shot(page, output_path, "answer14-head-preview")

    page.locator("#sign-passphrase").fill("not-the-passphrase")
    page.get_by_role("button", name="امضا و ارسال").click()
    # Each step renders a letter in the server: a slow machine gets a minute.
    expect(page.locator("#sign-passphrase-error")).to_contain_text("گذرواژه", timeout=60_000)
    expect(page.locator("#sign-passphrase")).to_have_value("")
    shot(page, output_path, "answer14-sign-refused")
    page.locator("#sign-passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="امضا و ارسال").click()
    expect(notes.first).to_contain_text("امضا، بایگانی و ارسال شد", timeout=60_000)
    expect(page.locator(".state")).to_contain_text("پاسخ داده")
    answer = page.locator("#s-answer").locator("xpath=..")
    expect(answer).to_contain_text("آسفالت معابر")
    shot(page, output_path, "answer14-signed")
    # Nothing of the passphrase stays in the browser: no cookie, no storage.
    cookies = json.dumps(page.context.cookies(), ensure_ascii=False)
    assert PASSPHRASE not in cookies
    stored = page.evaluate("JSON.stringify([{...localStorage}, {...sessionStorage}])")
    assert PASSPHRASE not in stored and "not-the-passphrase" not in stored

    # The signed answer, downloaded from the case page, passes `residegi verify`.
    link = answer.get_by_role("link", name="PDF امضاشده")
    signed = page.request.get(server.url + str(link.get_attribute("href")))
    assert signed.ok
    path = tmp_path / "answer.pdf"
    path.write_bytes(signed.body())
    checked = subprocess.run(
        [*RESIDEGI, "--home", str(server.home), "verify", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    record = json.loads(checked.stdout)
    assert record["verdict"] == "ok" and record["archive"] == "held", record
    assert re.search("دفتر بازرسی", record["signer"] or ""), record
