"""The desk in a real browser (Debian's Chromium through Playwright) against a real
``residegi serve`` on a demo data folder: the path a new user takes after ``make demo``."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from registry.text import to_persian_digits
from tests.desk_server import Served, run_demo, serving
from tests.factories import national_id, pdf_file

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

SCREEN: ViewportSize = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("desk") / "demo"
    demo = run_demo(home, complaints=4)
    with serving(home, demo) as server:
        yield server


def log_in(page: Page, served: Served, username: str) -> None:
    """Log in through the form, with the keyboard, as a clerk does."""
    page.goto(f"{served.url}/login")
    page.get_by_label("نام کاربری").fill(username)
    page.get_by_label("گذرواژه").fill(served.password(username))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("کارتابل")


def shot(page: Page, output_path: str, name: str) -> None:
    folder = Path(output_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_the_login_page_is_persian_and_right_to_left(
    page: Page, served: Served, output_path: str
) -> None:
    page.set_viewport_size(SCREEN)
    page.goto(f"{served.url}/")
    expect(page).to_have_url(f"{served.url}/login?next=/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.get_attribute("html", "lang") == "fa"
    page.get_by_label("نام کاربری").fill("dabir")
    page.get_by_label("گذرواژه").fill("not the password")
    page.get_by_role("button", name="ورود").click()
    expect(page.get_by_role("alert")).to_contain_text("نام کاربری یا گذرواژه درست نیست")
    shot(page, output_path, "login-refused")
    log_in(page, served, "dabir")
    shot(page, output_path, "queue-secretariat")


def log_out(page: Page) -> None:
    page.get_by_role("button", name="خروج").click()
    expect(page).to_have_url(re.compile(r"/login$"))


def find_by_arabic_spelling(page: Page, tracking: str, output_path: str, picture: str) -> None:
    """The archivist searches «مهدي كريمي» (Arabic Yeh and Kaf) and opens case
    ``tracking`` from the hits."""
    page.get_by_role("link", name="جست‌وجو").click()
    page.get_by_role("searchbox").fill("مهدي كريمي")
    page.keyboard.press("Enter")
    hit = page.locator(f"a[href='/complaints/{tracking}']").first
    expect(hit).to_be_visible()
    shot(page, output_path, picture)
    hit.click()


def download_dossier_pdf(page: Page, tracking: str) -> None:
    """The case page's dossier link gives a PDF named after the case."""
    with page.expect_download() as download:
        page.get_by_role("link", name="پرونده کامل (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert tracking in download.value.suggested_filename


def rasterised_preview(page: Page, case: str, folder: Path, output_path: str, name: str) -> None:
    """The final answer's preview of case page ``case`` is a PDF; its first page goes to
    the output folder as ``name``.png (headless Chromium shows no PDF in the page)."""
    preview = page.request.get(f"{case}/answer/preview.pdf")
    assert preview.ok and preview.body().startswith(b"%PDF")
    (folder / "preview.pdf").write_bytes(preview.body())
    picture = Path(output_path) / name
    picture.parent.mkdir(parents=True, exist_ok=True)
    rasterise = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*rasterise, str(folder / "preview.pdf"), str(picture)], check=True)


def test_register_review_and_retrieve_a_complaint(
    page: Page, served: Served, output_path: str, tmp_path: Path
) -> None:
    """The issue's walk: the secretariat registers a complaint with a PDF scan and gets its
    receipt; the inspector accepts it; the archivist finds it by an Arabic-ي spelling of
    the complainant's name and downloads its dossier."""
    page.set_viewport_size(SCREEN)
    scan = pdf_file(tmp_path / "scan-1.pdf")

    log_in(page, served, "dabir")
    page.get_by_role("link", name="ثبت شکایت").click()
    page.locator("[name=first_name]").fill("مهدی")
    page.locator("[name=last_name]").fill("کریمی‌نژاد")
    page.locator("[name=national_id]").fill(to_persian_digits(national_id(1405)))
    page.locator("[name=mobile]").fill("۰۹۱۲۳۴۵۶۷۸۹")  # Persian digits, as typed
    page.locator("[name=address]").fill("قزوین، خیابان پیروزی، کوچه ۱۲")
    page.locator("[name=agency]").select_option(label="شهرداری قزوین")
    page.locator("[name=subject]").fill("آب‌گرفتگی معبر پس از بارندگی")
    page.locator("[name=text]").fill(
        "پس از هر بارندگی جلوی منزل آب جمع می‌شود و چند بار به شهرداری منطقه مراجعه کرده‌ام."
    )
    page.locator("[name=evidence]").set_input_files(str(scan))
    shot(page, output_path, "intake-filled")
    page.get_by_role("button", name="ثبت شکایت و صدور رسید").click()
    expect(page).to_have_url(re.compile(r"/complaints/\d{12}$"))
    tracking = page.url.rsplit("/", 1)[1]
    receipt = page.get_by_role("link", name=re.compile("رسید ثبت")).first
    receipt_pdf = page.request.get(served.url + str(receipt.get_attribute("href")))
    assert receipt_pdf.ok and receipt_pdf.body().startswith(b"%PDF")
    shot(page, output_path, "case-registered")
    log_out(page)

    log_in(page, served, "bazres")
    page.goto(f"{served.url}/complaints/{tracking}")
    page.get_by_label("پذیرش برای ارجاع").check()
    page.get_by_label(re.compile("^خلاصه شکایت برای نامه ارجاع")).fill(
        "شاکی از آب‌گرفتگی معبر جلوی منزل پس از بارندگی شکایت دارد؛ به شهرداری ارجاع شود."
    )
    page.get_by_role("button", name="ثبت تصمیم").click()
    expect(page.locator(".state").first).to_contain_text("پذیرفته‌شده")
    shot(page, output_path, "case-accepted")
    log_out(page)

    log_in(page, served, "bayegan")
    find_by_arabic_spelling(page, tracking, output_path, "search-arabic-spelling")
    download_dossier_pdf(page, tracking)
    shot(page, output_path, "case-archivist")
