"""Checking a letter without a login (office/letter_check.py), called directly: the right
code shows the register entry and nothing personal; a missing code, a wrong one, an
unknown GUID and a try while the address waits are one refusal; the archived PDF handed
in is verified and one changed byte is refused; a signed letter names its seal; and the
QR of a numbered letter carries the page's address with the code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.catalogue import ObjectMeta, put
from generators import build_context
from office import complaints as office
from office.letter_check import (
    VERIFY_THROTTLE,
    LetterCodeRequired,
    PublicLetter,
    check_copy,
    public_letter,
)
from office.letters import void
from office.runtime import Runtime
from registry.db import transaction
from registry.errors import InvalidInput, Refused
from registry.jalali import jalali_year
from registry.kinds import DocumentKind, LetterKind, LetterState
from registry.models import Letter
from registry.public import complaint_by_code
from registry.register import number_letter
from tests.factories import complainant_input, complaint_input, office_runtime, pdf_file
from tests.factories import seeded_runtime as seeded

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TEHRAN)
ADDRESS = "192.0.2.9"
OFFICE = {"signatory_name": "محمد احمدی", "public_base_url": "https://bazresi.example.ir/"}
PERSON = {"first_name": "ستاره", "last_name": "نیک‌اندیش", "mobile": "09121234567"}


@pytest.fixture
def runtime(migrated_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = seeded(migrated_url, tmp_path, at=NOW, office=OFFICE)
    yield runtime
    runtime.close()


def receipt_of(runtime: Runtime, tmp_path: Path) -> Letter:
    """A registered complaint's receipt: numbered, rendered and archived (as the desk
    prints it for the complainant)."""
    scan = pdf_file(tmp_path / "scan.pdf")
    data = complaint_input(complainant=complainant_input(**PERSON))
    registered = office.register(
        runtime, "tester", data, [(DocumentKind.EVIDENCE, scan)], receipt=True
    )
    with runtime.sessions() as session:
        complaint = complaint_by_code(session, str(registered.record["tracking_code"]))
        assert complaint is not None
        letter = session.query(Letter).filter_by(complaint_id=complaint.id).one()
        session.expunge(letter)
    assert letter.pdf_sha256 is not None and letter.kind is LetterKind.RECEIPT
    return letter


def _shown(letter: PublicLetter) -> str:
    return " ".join(str(value) for value in dataclasses.astuple(letter))


def test_the_qr_carries_the_page_with_the_code_and_the_facts_keep_the_address(
    runtime: Runtime, tmp_path: Path
) -> None:
    letter = receipt_of(runtime, tmp_path)
    qr = build_context("receipt", letter.facts)["qr"]
    page = f"https://bazresi.example.ir/verify/{letter.guid}"
    assert qr["payload"] == f"{page}?c={letter.verification_code}"
    assert qr["check"]["address"] == page and qr["check"]["page"].endswith("/verify/")
    assert letter.facts["verification"]["base_url"] == "https://bazresi.example.ir"
    # What a phone reads is what the page needs.
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(qr["payload"]).query)
    shown = public_letter(runtime, letter.guid, query["c"][0], address=ADDRESS)
    assert shown.number == letter.number


def test_the_right_code_shows_the_register_entry_and_nothing_personal(
    runtime: Runtime, tmp_path: Path
) -> None:
    letter = receipt_of(runtime, tmp_path)
    # As a reader types it: lower case, grouped, from the braces a GUID may be written in.
    typed = f" {letter.verification_code[:4].lower()}-{letter.verification_code[4:]} "
    shown = public_letter(runtime, "{" + letter.guid.upper() + "}", typed, address=ADDRESS)
    assert (shown.number, shown.date, shown.kind) == (letter.number, NOW.date(), LetterKind.RECEIPT)
    assert shown.sender == "دفتر بازرسی، مدیریت عملکرد و امور حقوقی، استانداری قزوین"
    assert shown.recipient == "شاکی"  # never the complainant's name
    assert (shown.signatory_name, shown.void) == ("محمد احمدی", False)
    assert shown.sha256 == letter.pdf_sha256 and shown.seal is None  # a receipt is unsigned
    text = _shown(shown)
    for personal in (*PERSON.values(), "آسفالت", letter.facts["complaint"]["tracking_code"]):
        assert personal not in text

    void(runtime, "tester", letter.number, reason="اشتباه")
    again = public_letter(runtime, letter.guid, letter.verification_code, address=ADDRESS)
    assert again.void and "اشتباه" not in _shown(again)


def test_a_missing_a_wrong_code_an_unknown_guid_and_a_throttled_try_are_one_refusal(
    runtime: Runtime, tmp_path: Path
) -> None:
    letter = receipt_of(runtime, tmp_path)
    refusals = set()

    def refused(guid: str, code: str | None, address: str = ADDRESS) -> None:
        with pytest.raises(LetterCodeRequired) as caught:
            public_letter(runtime, guid, code, address=address)
        refusals.add((type(caught.value), caught.value.code, repr(caught.value.params)))

    # A reader who typed the address has no code yet: asked for it, and no try is counted.
    for _ in range(VERIFY_THROTTLE.free + 2):
        refused(letter.guid, None)
        refused(letter.guid, "")
    refused("3f2b8c1e-9d4a-4b7e-8a61-000000000001", letter.verification_code)  # unknown
    refused("not-a-guid", letter.verification_code)
    for _ in range(VERIFY_THROTTLE.free - 2):
        refused(letter.guid, "WRONG234")
    # Throttled now: even the right code gets the same answer, from this address only.
    refused(letter.guid, letter.verification_code)
    assert len(refusals) == 1
    assert refusals.pop()[1] == "verify_code_required"
    assert public_letter(runtime, letter.guid, letter.verification_code, address="198.51.100.2")

    # After the wait the right code works again from the first address.
    waited = office_runtime(
        str(runtime.settings.database_url),
        tmp_path,
        at=NOW + VERIFY_THROTTLE.first_wait + dt.timedelta(seconds=1),
        office=OFFICE,
    )
    try:
        assert public_letter(waited, letter.guid, letter.verification_code, address=ADDRESS)
    finally:
        waited.close()


def test_the_archived_pdf_is_verified_and_one_changed_byte_is_refused(
    runtime: Runtime, tmp_path: Path
) -> None:
    letter = receipt_of(runtime, tmp_path)
    shown = public_letter(runtime, letter.guid, letter.verification_code, address=ADDRESS)
    archived = runtime.store.get(shown.sha256 or "")
    checked = check_copy(shown, io.BytesIO(archived))
    assert checked.verified and checked.sha256 == letter.pdf_sha256
    assert checked.size == len(archived)

    changed = bytearray(archived)
    changed[len(changed) // 2] ^= 0x01
    refused = check_copy(shown, io.BytesIO(bytes(changed)))
    assert not refused.verified and refused.size == len(archived)
    assert not check_copy(shown, io.BytesIO(archived + b"\n")).verified  # one byte more

    for empty in (None, io.BytesIO(b"")):
        with pytest.raises(InvalidInput) as missing:
            check_copy(shown, empty)
        assert missing.value.code == "verify_copy_missing"


def _numbered_letter(runtime: Runtime, tmp_path: Path) -> Letter:
    receipt = receipt_of(runtime, tmp_path)
    with transaction(runtime.sessions) as session:
        complaint = session.get(Letter, receipt.id).complaint  # type: ignore[union-attr]
        assert complaint is not None
        letter = number_letter(
            session,
            kind=LetterKind.FINAL_ANSWER,
            series="ص",
            number_template=runtime.settings.office.number_format,
            issued_at=NOW,
            jalali_year=jalali_year(NOW.date()),
            date=NOW.date(),
            recipient="شاکی",
            actor="tester",
            freeze=lambda identity: dict(receipt.facts, kind="final_answer"),
            complaint=complaint,
        )
        session.expunge(letter)
    return letter


def test_a_letter_not_yet_archived_is_shown_but_its_copy_cannot_be_checked(
    runtime: Runtime, tmp_path: Path
) -> None:
    letter = _numbered_letter(runtime, tmp_path)
    shown = public_letter(runtime, letter.guid, letter.verification_code, address=ADDRESS)
    assert shown.sha256 is None and shown.seal is None
    with pytest.raises(Refused) as refused:
        check_copy(shown, io.BytesIO(b"%PDF-1.7"))
    assert refused.value.code == "verify_not_archived"


def test_a_signed_letter_names_the_seal_its_archived_pdf_carries(
    runtime: Runtime, tmp_path: Path
) -> None:
    from tests.test_signing import OFFICE_CN, make_answer, sign, trial_key

    answer = make_answer()
    signed = sign(answer.embedded, trial_key(), answer.stamp)
    letter = _numbered_letter(runtime, tmp_path)
    with transaction(runtime.sessions) as session:
        put(
            session,
            runtime.store,
            signed,
            ObjectMeta(media_type="application/pdf", kind="final_answer", letter_id=letter.id),
            stored_by="tester",
            at=NOW,
        )
        stored = session.get_one(Letter, letter.id)
        stored.pdf_sha256 = hashlib.sha256(signed).hexdigest()
        stored.state = LetterState.SENT
    shown = public_letter(runtime, letter.guid, letter.verification_code, address=ADDRESS)
    assert shown.seal is not None and shown.seal.signer == OFFICE_CN
    assert shown.seal.trust == "untrusted"  # a trial key that is not this office's own
    assert shown.seal.signed_at is not None
    assert check_copy(shown, io.BytesIO(signed)).verified


def test_an_office_that_sets_the_national_payload_numbers_letters_with_it(
    migrated_url: str, tmp_path: Path
) -> None:
    national = {
        **OFFICE,
        "qr_payload": "national",
        "email": "bazresi@example.ir",
        "national_id": "14000000001",
        "signatory_national_code": "0012345679",
    }
    runtime = seeded(migrated_url, tmp_path, at=NOW, office=national)
    try:
        letter = receipt_of(runtime, tmp_path)
    finally:
        runtime.close()
    qr = build_context("receipt", letter.facts)["qr"]
    assert qr["payload"] == (
        f"{letter.number}|2026-11-25T09:00:00|{letter.guid}|0012345679|"
        "bazresi@example.ir|14000000001"
    )
    assert qr["check"]["address"] == f"https://bazresi.example.ir/verify/{letter.guid}"
