"""The desk in a real browser (Debian's Chromium through Playwright) against a real
``residegi serve`` on a demo data folder: the path a new user takes after ``make demo``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.desk_server import Served, run_demo, serving

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


# Issue 13's walk (the secretariat registers with a PDF scan and gets the receipt, the
# inspector accepts, the archivist finds the case by an Arabic-ي spelling and downloads
# its dossier) is the start and the end of issue 14's walk to the signed answer:
# tests/test_web_browser_e2e14.py.
