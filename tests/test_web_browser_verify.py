"""Public verification in a real browser (Debian's Chromium through Playwright) against a
real ``residegi serve``: the demo's letters are numbered with the server's own address as
``office.public_base_url``, so the QR of a signed final answer leads to its page as a
phone would open it.  The test opens that address, sees the letter, hands in the archived
PDF (verified) and the same PDF with one byte changed (refused), and the address without
its code (asked for it).  Screenshots of each step go to the test's output folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from generators import build_context
from office.runtime import Runtime
from registry.kinds import LetterKind, LetterState
from registry.models import Letter
from registry.settings import Settings
from registry.text import to_persian_digits
from tests.desk_server import Served, free_port, run_demo, serving
from tests.test_web_browser import SCREEN, shot

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("verify") / "demo"
    port = free_port()
    settings = {"RESIDEGI_OFFICE__PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    demo = run_demo(home, complaints=4, settings=settings)
    with serving(home, demo, port=port, settings=settings) as server:
        yield server


def signed_answer(served: Served) -> tuple[Letter, bytes]:
    """A final answer the demo sent, and its archived (signed) PDF, read from the data
    folder as the archive keeps it."""
    engine = create_engine(f"sqlite:///{served.home / 'registry.sqlite3'}")
    try:
        with Session(engine) as session:
            letter = session.scalars(
                select(Letter)
                .where(Letter.kind == LetterKind.FINAL_ANSWER, Letter.state == LetterState.SENT)
                .order_by(Letter.id)
            ).first()
            assert letter is not None and letter.pdf_sha256 is not None
            session.expunge(letter)
    finally:
        engine.dispose()
    runtime = Runtime(Settings(home=served.home))
    try:
        return letter, runtime.store.get(letter.pdf_sha256 or "")
    finally:
        runtime.close()


def qr_address(letter: Letter) -> str:
    """What the letter's QR carries, from its frozen facts as the renderer draws it."""
    payload: Any = build_context(letter.kind.value, letter.facts)["qr"]["payload"]
    return str(payload)


def hand_in(page: Page, path: Path) -> None:
    page.get_by_label("پرونده PDF نامه", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="سنجش").click()


def test_a_letters_qr_leads_to_its_page_and_its_pdf_is_checked_byte_for_byte(
    page: Page, served: Served, output_path: str, tmp_path: Path
) -> None:
    page.set_viewport_size(SCREEN)
    letter, archived = signed_answer(served)
    address = qr_address(letter)
    assert address == f"{served.url}/verify/{letter.guid}?c={letter.verification_code}"

    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("وارسی اصالت نامه")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text(to_persian_digits(letter.number))
    expect(facts).to_contain_text("پاسخ نهایی")
    expect(facts).to_contain_text("شاکی")
    expect(facts).to_contain_text("دارد")  # the office's seal, read from the archived PDF
    expect(facts).to_contain_text(letter.pdf_sha256 or "")
    complainant = letter.facts["complaint"]["complainant"]
    for personal in (complainant["last_name"], complainant["mobile"], complainant["national_id"]):
        assert personal not in page.content()
    shot(page, output_path, "verify-1-letter")

    original = tmp_path / "answer.pdf"
    original.write_bytes(archived)
    hand_in(page, original)
    expect(page.locator("#verdict")).to_contain_text("همان نسخه بایگانی‌شده نامه است")
    shot(page, output_path, "verify-2-archived-pdf-verified")

    changed = bytearray(archived)
    changed[len(changed) // 2] ^= 0x01
    altered = tmp_path / "answer-one-byte-changed.pdf"
    altered.write_bytes(bytes(changed))
    hand_in(page, altered)
    expect(page.get_by_role("alert")).to_contain_text("با نسخه بایگانی‌شده نامه یکی نیست")
    expect(page.locator("#verdict")).not_to_contain_text("همان نسخه")
    shot(page, output_path, "verify-3-changed-byte-refused")

    # The address as printed beside the QR, without the code: asked for it, then shown.
    page.goto(address.split("?", 1)[0])
    expect(page.locator("#code-refused")).to_contain_text("کد صحتی را که کنار کد QR")
    assert page.locator("dl.facts").count() == 0
    page.get_by_label("کد صحت").fill(to_persian_digits(letter.verification_code.lower()))
    shot(page, output_path, "verify-4-code-asked")
    page.keyboard.press("Enter")
    expect(page.locator("dl.facts").first).to_contain_text(to_persian_digits(letter.number))
