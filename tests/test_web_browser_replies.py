"""The replies pages in a real browser (Debian's Chromium through Playwright) against a
real ``residegi serve`` on a demo data folder whose training date is a month after the
demo's letters, so that its open referrals are overdue: the inspector's overdue shelf,
outstanding replies with the CSV and the printable report, a deadline extended from the
case page, the chase previewed and sent (the flow in its own process, followed by the
page), and the secretariat recording the agency's reply with its scan from the case page."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from registry.jalali import format_jalali
from registry.text import to_persian_digits
from tests.desk_server import Served, run_demo, serving
from tests.factories import png_bytes
from tests.test_web_browser import SCREEN, log_in, log_out, shot

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

# The training date: a month after the demo's letters were sent (their due dates passed).
LATER = dt.timedelta(days=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("desk") / "demo"
    demo = run_demo(home, complaints=6)
    assert demo["states"].get("awaiting_reply"), demo["states"]
    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Tehran")).date() + LATER
    settings = home / "residegi.toml"
    # A top-level key goes before the file's tables.
    text = settings.read_text(encoding="utf-8")
    settings.write_text(f'today = "{format_jalali(today)}"\n{text}', encoding="utf-8")
    with serving(home, demo) as server:
        yield server


def test_track_chase_and_record_a_reply_with_its_scan(
    page: Page, served: Served, output_path: str, tmp_path: Path
) -> None:
    page.set_viewport_size(SCREEN)
    scan = tmp_path / "پاسخ-شهرداری.png"
    scan.write_bytes(png_bytes(600, 800))

    # The inspector: the overdue shelf, the outstanding replies, their exports.
    log_in(page, served, "bazres")
    shelf = page.locator("#shelf-overdue_replies").locator("xpath=..")
    expect(shelf).to_contain_text("پاسخ دستگاه دیر کرده")
    shot(page, output_path, "replies-queue-inspector")
    shelf.get_by_role("link", name=re.compile("فهرست پاسخ‌های نرسیده")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("پاسخ‌های نرسیده")
    expect(page.locator("table.outstanding tbody tr").first).to_be_visible()
    shot(page, output_path, "replies-outstanding")
    csv = page.request.get(f"{served.url}/replies/outstanding.csv?overdue=1")
    assert csv.ok and csv.body().decode("utf-8-sig").startswith("number,kind,date,due_date")
    pdf = page.request.get(f"{served.url}/replies/outstanding.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.locator("#county").select_option(index=1)
    page.get_by_role("button", name="نمایش").click()
    expect(page).to_have_url(re.compile(r"county="))
    page.goto(f"{served.url}/replies/outstanding?overdue=1")

    # A deadline extended from the case page: refused without a reason, then done.
    page.locator("table.outstanding tbody tr").first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/complaints/\d{12}$"))
    tracking = page.url.rsplit("/", 1)[1]
    page.get_by_text("تمدید، توقف یا ازسرگیری مهلت").click()
    page.locator("#deadline-days").fill("۵")
    page.get_by_role("button", name="ثبت تغییر مهلت").click()
    expect(page.locator("#deadline-reason-error")).to_contain_text("علت")
    shot(page, output_path, "replies-deadline-refused")
    page.locator("#deadline-reason").fill("دستگاه برای بررسی میدانی مهلت خواست.")
    page.get_by_role("button", name="ثبت تغییر مهلت").click()
    expect(page.get_by_role("status").first).to_contain_text("تمدید شد")
    page.get_by_role("link", name="چگونگی محاسبه").first.click()
    expect(page.locator(".explain").first).to_contain_text("تمدید")
    shot(page, output_path, "replies-deadline-extended")

    # Today's chase: the preview, then «ارسال», followed by the page to its end.
    page.get_by_role("link", name="پیگیری", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("پیگیری‌های امروز")
    expect(page.locator("#s-steps")).not_to_contain_text("۰")
    shot(page, output_path, "replies-chase-preview")
    page.get_by_role("button", name="ارسال").click()
    expect(page.locator("#chase-run")).to_contain_text("در کار است")
    shot(page, output_path, "replies-chase-running")
    expect(page.locator("#chase-run")).to_contain_text("پایان یافت", timeout=300_000)
    expect(page.locator("#chase-run")).to_contain_text("۱۴۰۵/ص/")
    # The preview reloaded with the run's end: nothing is due any more today.
    steps = page.locator("#s-steps").locator("xpath=..")
    expect(steps).to_contain_text("گام پیگیری سررسیده‌ای نیست")
    shot(page, output_path, "replies-chase-done")
    log_out(page)

    # The secretariat records the agency's reply with its scan, from the case page.
    log_in(page, served, "dabir")
    page.goto(f"{served.url}/complaints/{tracking}")
    form = page.locator("#reply-action")
    expect(form).to_have_attribute("open", "")
    number = form.locator("[name=number]").input_value()
    assert re.fullmatch(r"۱۴۰۵/ص/[۰-۹]+", number), number
    form.locator("[name=their_number]").fill("۷۳۴۱/ش/۱۴۰۵")
    # The vendored Jalali date picker opens on the date field.
    form.locator("[name=their_date]").click()
    expect(page.locator("jdp-container")).to_be_visible()
    # Its opening animation run to its end before the picture is taken.
    page.screenshot(path=str(Path(output_path) / "replies-date-picker.png"), animations="disabled")
    page.keyboard.press("Escape")
    later = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Tehran")).date() + 2 * LATER
    form.locator("[name=their_date]").fill(to_persian_digits(format_jalali(later)))
    page.keyboard.press("Escape")
    form.locator("[name=outcome]").select_option(label="پذیرش")
    form.locator("[name=summary]").fill("شهرداری آسفالت معبر را در برنامه این ماه گذاشته است.")
    form.locator("[name=agency_reply]").set_input_files(str(scan))
    form.get_by_role("button", name="ثبت پاسخ").click()
    expect(page.locator("#reply-their_date-error")).to_contain_text("هنوز نرسیده")
    shot(page, output_path, "replies-case-reply-refused")

    form = page.locator("#reply-action")
    training_today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Tehran")).date() + LATER
    form.locator("[name=their_date]").fill(to_persian_digits(format_jalali(training_today)))
    page.keyboard.press("Escape")
    form.locator("[name=agency_reply]").set_input_files(str(scan))  # a file is never kept
    form.get_by_role("button", name="ثبت پاسخ").click()
    expect(page.get_by_role("status").first).to_contain_text("ثبت شد")
    replies = page.locator("#s-replies").locator("xpath=..")
    expect(replies).to_contain_text("۷۳۴۱/ش/۱۴۰۵")
    expect(replies).to_contain_text("پذیرش")
    scan_link = replies.get_by_role("link", name="پرونده پاسخ").last
    served_scan = page.request.get(served.url + str(scan_link.get_attribute("href")))
    assert served_scan.ok and served_scan.body() == scan.read_bytes()
    shot(page, output_path, "replies-case-reply-recorded")

    # The reply form of its own, with a refusal beside its field.
    page.get_by_role("link", name="ثبت پاسخ", exact=True).click()
    page.get_by_role("button", name="ثبت پاسخ").click()
    expect(page.locator("#number-error")).to_contain_text("شماره نامه")
    shot(page, output_path, "replies-new-refused")
    log_out(page)
