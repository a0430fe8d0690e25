"""The case page's chain and dispatch book in a real browser (Debian's Chromium through
Playwright) against ``residegi serve`` on a demo data folder: the demo's final answers
answer (عطف) the agencies' replies, and the secretariat records how a referral left and
when it arrived with the small forms beside it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.desk_server import Served, run_demo, serving
from tests.test_web_browser import SCREEN, log_in, shot

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("desk") / "demo"
    demo = run_demo(home, complaints=4)  # every case answered: the answers cite replies
    with serving(home, demo) as server:
        yield server


def test_the_chain_and_the_dispatch_book_on_the_case_page(
    page: Page, served: Served, output_path: str
) -> None:
    page.set_viewport_size(SCREEN)
    log_in(page, served, "dabir")
    page.goto(f"{served.url}/complaints/{served.demo['sample_case']}")
    letters = page.locator("section[aria-labelledby=s-letters]")
    # The final answer answers the agencies' replies; each referral was answered by one.
    expect(letters.locator("p.chain").filter(has_text="عطف:").first).to_be_visible()
    expect(letters.get_by_text("پاسخ واصله (عطف به این نامه):").first).to_be_visible()
    first = letters.locator("details.dispatch").first
    first.locator("summary").click()
    first.get_by_label("شیوه ارسال").select_option("post")
    first.get_by_label("شماره پیگیری (پست، پیک، رایانامه، سامانه تبادل)").fill("۱۲۳۴۵۶۷۸")
    first.get_by_role("button", name="ثبت ارسال").click()
    expect(letters.get_by_text("ارسال: پست").first).to_be_visible()
    receipt = letters.locator("details.dispatch").first
    receipt.locator("summary").click()
    receipt.get_by_label("تاریخ دریافت (خالی: امروز)").fill("۱۴۰۰/۰۱/۰۱")
    receipt.get_by_role("button", name="ثبت دریافت").click()
    refused = letters.locator(".field-error")
    expect(refused).to_contain_text("پیش از تاریخ ارسال نامه")
    shot(page, output_path, "case-dispatch-refused")
    receipt = letters.locator("details.dispatch[open]")
    receipt.get_by_label("تاریخ دریافت (خالی: امروز)").fill("")
    receipt.get_by_label("تحویل‌گیرنده یا شماره رسید").fill("دبیرخانه شهرداری قزوین")
    receipt.get_by_role("button", name="ثبت دریافت").click()
    expect(letters.get_by_text("(دبیرخانه شهرداری قزوین)")).to_be_visible()
    shot(page, output_path, "case-chain-and-dispatch")
