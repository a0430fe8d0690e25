"""One complaint from intake to signed answer through the desk only, in a real browser
(Debian's Chromium through Playwright) against a real ``residegi serve`` (issue 14's
first "Done when").

The data folder is a fresh office set up as an operator sets one up (``init --sample``,
``keys init`` with a passphrase, ``user add``), not the demo: its settings are the
office's defaults (nothing waits for approval: the batch numbers and sends the referrals,
the head signs the answer on the case page), its key is encrypted as ``keys init``
always makes it (so the head types the passphrase, which the server is not given), the
batch sends this walk's referrals and nothing else, and it is ready in seconds where the
demo's own dispatch runs take half a minute.

The walk: the secretariat registers a complaint against two agencies with a PDF scan and
gets its receipt; the inspector accepts it; the secretariat starts the batch on /batches
and follows it live (the page updated in place by HTMX, not reloaded) to its end with
the first and last numbers; records each agency's reply with its scan from the case
page; the inspector drafts the answer; the head looks at the letter as it will print and
signs it with the key's passphrase; the archivist finds the case by an Arabic-ي spelling
of the complainant's name (issue 13's walk), downloads the dossier as PDF and as a BagIt
zip, and ``residegi verify`` accepts the signed answer taken out of the zip."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import zipfile
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from archive.bagit import safe_file_name
from registry.jalali import format_jalali
from registry.kinds import ComplaintState
from registry.text import to_persian_digits
from tests.desk_server import RESIDEGI, Served, fresh_office, serving
from tests.factories import national_id, pdf_file
from tests.test_web_browser import (
    SCREEN,
    download_dossier_pdf,
    find_by_arabic_spelling,
    log_in,
    log_out,
    rasterised_preview,
    shot,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

PASSPHRASE = "کلید دفتر ۱۴۰۵ / e2e14"
AGENCIES = ("شهرداری قزوین", "شهرداری آبیک")
# Generous for a two-core machine: the batch's process starts Prefect's temporary API and
# the render pool (20-35 s here); each signature or render in the server gets a minute.
BATCH_MS = 240_000
RENDER_MS = 60_000
DECISION = (
    "پاسخ شهرداری‌های قزوین و آبیک بررسی شد: لایروبی آبراهه معبر در برنامه این ماه است "
    "و پس از آن آب‌گرفتگی جلوی منزل شما برطرف می‌شود."
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("office") / "data"
    office = fresh_office(home, PASSPHRASE)
    with serving(home, office) as server:
        yield server


def _today() -> str:
    """Today's Jalali date in the office's zone, as a clerk types it (Persian digits)."""
    return to_persian_digits(
        format_jalali(dt.datetime.now(zoneinfo.ZoneInfo("Asia/Tehran")).date())
    )


def test_one_complaint_from_intake_to_signed_answer_through_the_desk(
    page: Page, served: Served, output_path: str, tmp_path: Path
) -> None:
    page.set_viewport_size(SCREEN)
    notes = page.get_by_role("status")

    # 1. The secretariat registers the complaint with a PDF scan and gets its receipt.
    log_in(page, served, "dabir")
    page.get_by_role("link", name="ثبت شکایت").click()
    page.locator("[name=first_name]").fill("مهدی")
    page.locator("[name=last_name]").fill("کریمی‌نژاد")
    page.locator("[name=national_id]").fill(to_persian_digits(national_id(1414)))
    page.locator("[name=mobile]").fill("۰۹۱۲۳۴۵۶۷۸۹")
    page.locator("[name=address]").fill("قزوین، خیابان پیروزی، کوچه ۱۲")
    page.locator("[name=agency]").select_option(label=list(AGENCIES))
    page.locator("[name=subject]").fill("آب‌گرفتگی معبر پس از بارندگی")
    page.locator("[name=text]").fill(
        "پس از هر بارندگی جلوی منزل آب جمع می‌شود و چند بار به شهرداری منطقه مراجعه کرده‌ام."
    )
    page.locator("[name=evidence]").set_input_files(str(pdf_file(tmp_path / "scan-1.pdf")))
    shot(page, output_path, "e2e14-1-intake-filled")
    page.get_by_role("button", name="ثبت شکایت و صدور رسید").click()
    expect(page).to_have_url(re.compile(r"/complaints/\d{12}$"))
    tracking = page.url.rsplit("/", 1)[1]
    case = f"{served.url}/complaints/{tracking}"
    receipt = page.get_by_role("link", name=re.compile("رسید ثبت")).first
    receipt_pdf = page.request.get(served.url + str(receipt.get_attribute("href")))
    assert receipt_pdf.ok and receipt_pdf.body().startswith(b"%PDF")
    shot(page, output_path, "e2e14-1-registered")
    log_out(page)

    # 2. The inspector accepts it for referral.
    log_in(page, served, "bazres")
    page.goto(case)
    page.get_by_label("پذیرش برای ارجاع").check()
    page.get_by_label(re.compile("^خلاصه شکایت برای نامه ارجاع")).fill(
        "شاکی از آب‌گرفتگی معبر جلوی منزل پس از بارندگی شکایت دارد؛ به شهرداری‌ها ارجاع شود."
    )
    page.get_by_role("button", name="ثبت تصمیم").click()
    expect(page.locator(".state").first).to_contain_text("پذیرفته‌شده")
    shot(page, output_path, "e2e14-2-accepted")
    log_out(page)

    # 3. The secretariat starts the batch and follows it live to its end.
    log_in(page, served, "dabir")
    page.get_by_role("link", name="دسته نامه‌ها").click()
    expect(page.locator("#waiting-total")).to_have_text("۲")
    for agency in AGENCIES:
        expect(page.locator("#batch-page table.list")).to_contain_text(agency)
    shot(page, output_path, "e2e14-3-batch-waiting")
    page.get_by_role("button", name="ارسال").click()
    expect(page.locator("#batch-state")).to_have_attribute("data-state", "running")
    expect(page.locator("p.warn[role=status]")).to_contain_text("دسته آغاز شد")
    shot(page, output_path, "e2e14-3-batch-running")
    # A mark on this document: still there at the end, so the page was updated in place
    # (HTMX polling), not reloaded.
    page.evaluate("window.followedLive = true")
    expect(page.locator("#batch-state")).to_have_attribute("data-state", "done", timeout=BATCH_MS)
    assert page.evaluate("window.followedLive === true")
    expect(page.locator("#batch-numbered")).to_have_text("۲ از ۲")
    expect(page.locator("#batch-stored")).to_have_text("۲")
    expect(page.locator("#waiting-total")).to_have_text("۰")
    first, last = page.locator("#batch-first"), page.locator("#batch-last")
    expect(first).to_have_text(re.compile(r"^۱۴۰۵/ص/[۰-۹]+$"))
    expect(last).to_have_text(re.compile(r"^۱۴۰۵/ص/[۰-۹]+$"))
    numbers = {first.inner_text(), last.inner_text()}
    assert len(numbers) == 2, numbers
    links = page.locator("#batch-letters a")
    expect(links).to_have_count(2)
    assert {links.nth(n).inner_text() for n in range(2)} == numbers
    letter = page.request.get(served.url + str(links.first.get_attribute("href")))
    assert letter.ok and letter.body().startswith(b"%PDF")
    shot(page, output_path, "e2e14-3-batch-done")

    # 4. The secretariat records each agency's reply with its scan, from the case page.
    page.goto(case)
    expect(page.locator(".state").first).to_have_text(ComplaintState.AWAITING_REPLY.label_fa)
    replied: set[str] = set()
    for at in range(2):
        form = page.locator("#reply-action")
        expect(form).to_have_attribute("open", "")
        number = form.locator("[name=number]").input_value()
        assert number in numbers - replied, (number, numbers, replied)
        form.locator("[name=their_number]").fill(f"۷۳۴{to_persian_digits(str(at))}/ش/۱۴۰۵")
        form.locator("[name=their_date]").fill(_today())
        page.keyboard.press("Escape")  # the date picker, opened by the field
        form.locator("[name=outcome]").select_option(label="پذیرش")
        form.locator("[name=summary]").fill("لایروبی آبراهه معبر در برنامه این ماه است.")
        scan = pdf_file(tmp_path / f"reply-{at}.pdf")
        form.locator("[name=agency_reply]").set_input_files(str(scan))
        form.get_by_role("button", name="ثبت پاسخ").click()
        # The note of this reply (the page before showed the previous one's).
        expect(notes.first).to_contain_text(f"به نامه {number} ثبت شد")
        replied.add(number)
    assert replied == numbers
    expect(page.locator(".state").first).to_have_text(ComplaintState.REPLIED.label_fa)
    replies = page.locator("#s-replies").locator("xpath=..")
    expect(replies.get_by_role("link", name="پرونده پاسخ")).to_have_count(2)
    shot(page, output_path, "e2e14-4-replies-recorded")
    log_out(page)

    # 5. The inspector drafts the answer.
    log_in(page, served, "bazres")
    page.goto(case)
    form = page.locator("#answer-action")
    expect(form).to_have_attribute("open", "")
    expect(form.get_by_role("button", name="امضا و ارسال")).to_have_count(0)
    page.locator("#answer-decision").fill(DECISION)
    form.get_by_role("button", name="ذخیره پیش‌نویس و پیش‌نمایش").click()
    expect(notes.first).to_contain_text("پیش‌نویس پاسخ نهایی ذخیره شد", timeout=RENDER_MS)
    expect(page.locator("#answer-draft-text")).to_contain_text("لایروبی آبراهه")
    shot(page, output_path, "e2e14-5-answer-drafted")
    log_out(page)

    # 6. The head: the letter as it will print, then «امضا و ارسال» with the passphrase.
    log_in(page, served, "modir")
    page.goto(case)
    expect(page.locator("#answer-draft-text")).to_contain_text("لایروبی آبراهه")
    expect(page.locator("object.letter-preview")).to_be_visible()
    rasterised_preview(page, case, tmp_path, output_path, "e2e14-6-letter-preview")
    shot(page, output_path, "e2e14-6-head-preview")
    page.locator("#sign-passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="امضا و ارسال").click()
    expect(notes.first).to_contain_text("امضا، بایگانی و ارسال شد", timeout=RENDER_MS)
    expect(page.locator(".state").first).to_have_text(ComplaintState.ANSWERED.label_fa)
    answer = page.locator("#s-answer").locator("xpath=..")
    expect(answer).to_contain_text("لایروبی آبراهه")
    # The timeline names every step in Persian: no event code shows through (the recorded
    # replies' incoming letters had none).
    events = page.locator("#s-events").locator("xpath=..")
    expect(events).to_contain_text("ثبت نامه وارده")
    expect(events).not_to_contain_text(re.compile(r"\b[a-z]+_[a-z_]+\b"))
    shot(page, output_path, "e2e14-6-signed")
    log_out(page)

    # 7. The archivist finds the case by an Arabic spelling of the name and downloads its
    # dossier, as PDF and as a BagIt zip; the signed answer in the zip passes `verify`.
    log_in(page, served, "bayegan")
    find_by_arabic_spelling(page, tracking, output_path, "e2e14-7-search-arabic-spelling")
    download_dossier_pdf(page, tracking)
    with page.expect_download() as download:
        page.get_by_role("link", name="بسته بایگانی (BagIt)").click()
    assert tracking in download.value.suggested_filename
    shot(page, output_path, "e2e14-7-archivist")
    with zipfile.ZipFile(download.value.path()) as bag:
        (root,) = {name.split("/", 1)[0] for name in bag.namelist()}
        record = json.loads(bag.read(f"{root}/data/case.json"))
        (final,) = [x for x in record["letters"] if x["kind"] == "final_answer"]
        stem = safe_file_name(final["number"].replace("/", "-"))
        signed = tmp_path / "answer.pdf"
        signed.write_bytes(bag.read(f"{root}/data/letters/{stem}.pdf"))
    checked = subprocess.run(
        [*RESIDEGI, "--home", str(served.home), "verify", str(signed), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    verdict = json.loads(checked.stdout)
    assert verdict["verdict"] == "ok" and verdict["archive"] == "held", verdict
    assert "دفتر بازرسی" in (verdict["signer"] or ""), verdict
