"""What a letter's QR carries and what is printed beside it (docs/letters.md,
"Verification"): the verification page's address with the code by default, the national
document-ID fields where the office sets them, the old text for facts frozen before
either; the settings that choose it are checked when they are loaded."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from generators import build_context, render_docx, render_pdf
from generators.errors import InvalidFacts
from generators.samples import sample_data
from registry.settings import OfficeProfile, QrPayload
from tests.letters_support import docx_text, normalize, pdf_text, squash

GUID = "3f2b8c1e-9d4a-4b7e-8a61-000000000120"  # the referral sample's


def facts(**verification: Any) -> dict[str, Any]:
    data = sample_data("referral")
    if verification:
        data["verification"] = {**data["verification"], **verification}
    return data


def test_the_qr_carries_the_verification_address_with_the_code() -> None:
    qr = build_context("referral", facts())["qr"]
    assert qr["payload"] == f"http://127.0.0.1:8000/verify/{GUID}?c=7K4Q-0120"
    assert qr["check"]["address"] == f"http://127.0.0.1:8000/verify/{GUID}"
    # A path prefix is kept, a trailing slash is not doubled, the code is quoted.
    data = facts(base_url="https://example.ir/residegi/")
    data["letter"] = {**data["letter"], "verification_code": "A B/C"}
    payload = build_context("referral", data)["qr"]["payload"]
    assert payload == f"https://example.ir/residegi/verify/{GUID}?c=A%20B%2FC"


def test_the_national_payload_follows_the_document_id_fields() -> None:
    data = facts(
        qr="national",
        signatory_national_code="0012345679",
        office_email="bazresi@example.ir",
        office_national_id="14000000001",
    )
    qr = build_context("referral", data)["qr"]
    assert qr["payload"] == (
        f"1405/ص/120|2026-11-25T10:30:00|{GUID}|0012345679|bazresi@example.ir|14000000001"
    )
    assert len(qr["payload"].split("|")[1]) == 19  # the circular's exactly 19 characters
    # The line beside the QR still leads a reader to the page, without promising the QR does.
    assert "کد QR" not in qr["check"]["line"] and "/verify/" in qr["check"]["page"]


def test_facts_frozen_before_verification_keep_their_qr_and_print_no_line() -> None:
    data = sample_data("referral")
    del data["verification"]
    context = build_context("referral", data)
    assert context["qr"]["check"] is None
    assert context["qr"]["payload"].startswith("RESIDEGI-LETTER/1\nnumber=1405/ص/120\n")
    assert "اصالت" not in normalize(pdf_text(render_pdf("referral", context)))


def test_both_formats_print_how_to_check_the_letter() -> None:
    context = build_context("referral", facts())
    # Letters and digits only: pdftotext moves punctuation around right-to-left runs.
    line = squash(context["qr"]["check"]["line"])
    for text in (
        squash(pdf_text(render_pdf("referral", context))),
        squash(docx_text(render_docx("referral", context))),
    ):
        assert line in text and squash("http://127.0.0.1:8000/verify/") in text
        assert squash("کد صحت: 7K4Q-0120") in text and squash(GUID) in text


@pytest.mark.parametrize("base_url", ["ftp://x.ir", "http://x.ir/?a=1", "x.ir", "http://"])
def test_a_base_url_that_is_no_web_address_is_refused(base_url: str) -> None:
    with pytest.raises(ValidationError):
        OfficeProfile(public_base_url=base_url)
    with pytest.raises(InvalidFacts):
        build_context("referral", facts(base_url=base_url))


def test_the_national_payload_needs_its_fields() -> None:
    with pytest.raises(ValidationError, match="email"):
        OfficeProfile(qr_payload=QrPayload.NATIONAL, national_id="1", signatory_national_code="2")
    with pytest.raises(ValidationError):
        OfficeProfile(national_id="۱۴۰۰")  # ASCII digits in the settings
    profile = OfficeProfile(
        qr_payload=QrPayload.NATIONAL,
        email="a@b.ir",
        national_id="14000000001",
        signatory_national_code="0012345679",
        public_base_url="https://b.ir/",
    )
    assert profile.public_base_url == "https://b.ir"
