"""The signed final answer: case data embedded in PDF/A-3, a PAdES signature applied last."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]

from generators import build_context, render_pdf
from generators.errors import (
    CaseDataExists,
    InvalidCertificateName,
    NotArchivalPdf,
    PdfUnreadable,
    SigningKeyMissing,
    SigningKeyUnreadable,
)
from generators.keys import (
    SigningKey,
    check_name_field,
    load_signing_key,
    make_trial_key,
    signing_key_from_pkcs12,
)
from generators.samples import sample_facts
from generators.signing import embed_case_data, extract_embedded, sign_pdf
from generators.stamp import render_stamp
from generators.verification import Verification, problems_of, verify_pdf

WHEN = dt.datetime(2026, 11, 25, 10, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Tehran"))
OFFICE_CN = "دفتر بازرسی استانداری قزوین"


@dataclass(frozen=True)
class Answer:
    key: SigningKey
    letter: bytes  # PDF/A-3u as rendered
    case_json: bytes
    embedded: bytes  # with case.json
    stamp: bytes
    signed: bytes


def trial_key(common_name: str = OFFICE_CN) -> SigningKey:
    data = make_trial_key(
        common_name=common_name, organisation="استانداری قزوین", now=WHEN, passphrase="رمز"
    )
    return signing_key_from_pkcs12(data, "رمز", source="test")


def sign(embedded: bytes, key: SigningKey, stamp: bytes, tsa_url: str | None = None) -> bytes:
    return sign_pdf(
        embedded,
        key,
        stamp_pdf=stamp,
        reason="پاسخ نهایی به شاکی",
        location="قزوین",
        when=WHEN,
        tsa_url=tsa_url,
    )


def make_answer() -> Answer:
    facts = sample_facts("final_answer")
    letter = render_pdf("final_answer", build_context("final_answer", facts))
    case_json = json.dumps(facts.model_dump(mode="json"), ensure_ascii=False).encode()
    embedded = embed_case_data(letter, case_json, when=WHEN)
    stamp = render_stamp(
        name="دکتر سعید نوروزی",
        title="مدیرکل دفتر بازرسی",
        office="استانداری قزوین",
        when=WHEN,
    )
    key = trial_key()
    return Answer(key, letter, case_json, embedded, stamp, sign(embedded, key, stamp))


@pytest.fixture(scope="module")
def answer() -> Answer:
    return make_answer()


def flipped(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def appended_update(signed: bytes) -> bytes:
    """An incremental update after the signature: the document's title changed."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("عنوان دیگر")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def pdfsig_verdict(path: Path) -> tuple[bool, bool]:
    """(signature valid, whole document signed) as poppler's pdfsig reports them."""
    tool = shutil.which("pdfsig")
    assert tool is not None, "poppler-utils (pdfsig) is a test requirement"
    run = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)
    text = run.stdout + run.stderr
    valid = re.search(r"Signature Validation: Signature is Valid\.", text) is not None
    total = "Total document signed" in text and "Not total document signed" not in text
    return valid, total


# -- embedding ------------------------------------------------------------------------------


def test_case_json_is_an_associated_file_and_comes_back_equal(answer: Answer) -> None:
    assert extract_embedded(answer.signed) == answer.case_json
    with pikepdf.open(io.BytesIO(answer.signed)) as doc:
        (spec,) = list(doc.Root.AF)
        assert spec.AFRelationship == pikepdf.Name.Data
        assert str(spec.UF) == "case.json"
        stream = spec.EF.F
        assert stream.Subtype == pikepdf.Name("/application/json")
        assert str(stream.Params.ModDate) == "D:20261125103000+03'30'"
        assert int(stream.Params.Size) == len(answer.case_json)


def test_pdfa_identification_and_output_intent_survive_embedding_and_signing(
    answer: Answer,
) -> None:
    with pikepdf.open(io.BytesIO(answer.letter)) as doc:
        profile = doc.Root.OutputIntents[0].DestOutputProfile.read_bytes()
        first_id = bytes(doc.trailer.ID[0])
    for data in (answer.embedded, answer.signed):
        with pikepdf.open(io.BytesIO(data)) as doc:
            meta = doc.open_metadata()
            assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "U")
            (intent,) = list(doc.Root.OutputIntents)
            assert str(intent.S) == "/GTS_PDFA1"
            assert intent.DestOutputProfile.read_bytes() == profile
            assert bytes(doc.trailer.ID[0]) == first_id
            # PDF/A: the Info dictionary agrees with the XMP.
            assert str(doc.docinfo.Producer) == meta["pdf:Producer"]
    with pikepdf.open(io.BytesIO(answer.signed)) as doc:
        assert doc.check_pdf_syntax() == []


def test_embedding_is_deterministic_and_refuses_what_pdfa3_cannot_hold(answer: Answer) -> None:
    assert embed_case_data(answer.letter, answer.case_json, when=WHEN) == answer.embedded
    with pytest.raises(CaseDataExists):
        embed_case_data(answer.embedded, answer.case_json, when=WHEN)
    context = build_context("final_answer", sample_facts("final_answer"))
    plain = render_pdf("final_answer", context, archival=False)
    with pytest.raises(NotArchivalPdf):
        embed_case_data(plain, answer.case_json, when=WHEN)
    with pytest.raises(ValueError):
        embed_case_data(answer.letter, b"not json", when=WHEN)


# -- signing ---------------------------------------------------------------------------------


def test_signature_is_pades_intact_and_covers_the_whole_file(answer: Answer) -> None:
    assert answer.signed.startswith(answer.embedded)  # an incremental update, appended last
    assert b"/ETSI.CAdES.detached" in answer.signed[len(answer.embedded) :]
    checked = verify_pdf(answer.signed, [answer.key.certificate])
    (sig,) = checked.signatures
    assert (checked.intact, checked.valid, checked.trusted) == (True, True, True)
    assert not checked.modified_after_signing
    assert sig.coverage == "entire_file" and sig.level == "B-B"
    assert sig.self_signed and sig.signer_common_name == OFFICE_CN
    assert sig.signing_time == WHEN
    assert checked.pdfa == "3U"
    untrusted = verify_pdf(answer.signed, [])
    assert untrusted.valid and not untrusted.trusted


def test_same_input_same_signed_bytes(answer: Answer) -> None:
    # The file identifier, /M, /ModDate and the stamp's resource name come from the input.
    assert sign(answer.embedded, answer.key, answer.stamp) == answer.signed


def test_one_flipped_byte_fails(answer: Answer) -> None:
    middle = len(answer.embedded) // 2  # inside the signed byte range
    try:
        checked = verify_pdf(flipped(answer.signed, middle), [answer.key.certificate])
    except PdfUnreadable:
        return  # unreadable is a failure too
    assert not checked.intact and not checked.valid
    assert problems_of(checked, office_fingerprint=answer.key.fingerprint, in_archive=True) == [
        "signature_invalid"
    ]


def test_an_update_appended_after_signing_is_reported(answer: Answer) -> None:
    checked = verify_pdf(appended_update(answer.signed), [answer.key.certificate])
    assert checked.intact  # the signed revision itself is untouched
    assert checked.modified_after_signing
    assert checked.signatures[0].coverage == "entire_revision"
    problems = problems_of(checked, office_fingerprint=answer.key.fingerprint, in_archive=True)
    assert problems == ["signature_modified"]


@pytest.mark.parametrize("case", ["good", "flipped", "appended"])
def test_pdfsig_agrees_with_verify(answer: Answer, tmp_path: Path, case: str) -> None:
    data = {
        "good": answer.signed,
        "flipped": flipped(answer.signed, len(answer.embedded) // 2),
        "appended": appended_update(answer.signed),
    }[case]
    path = tmp_path / f"{case}.pdf"
    path.write_bytes(data)
    poppler_valid, poppler_total = pdfsig_verdict(path)
    try:
        checked: Verification | None = verify_pdf(data, [answer.key.certificate])
    except PdfUnreadable:
        checked = None
    ours_valid = checked is not None and checked.valid
    ours_total = checked is not None and not checked.modified_after_signing
    assert (ours_valid, ours_total) == (poppler_valid, poppler_total)
    assert (ours_valid and ours_total) == (case == "good")


def test_stamp_is_persian_text_with_the_jalali_date(answer: Answer, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(answer.signed)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "امضای دیجیتال" in text
    assert "۱۴۰۵/۰۹/۰۴" in text and "۱۰:۳۰" in text


# -- keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("استانداری قزوین", True),
        ("Qazvin Governorate (TEST)", True),
        ("استانداری قزوین (TEST)", False),  # mixed: «malformed bidirectional sequence»
        ("دفتر ۱۲", False),  # Persian must end with a Persian letter
        ("دفتر بازرسی، مدیریت عملکرد و امور حقوقی", False),  # over 64 bytes in UTF-8
    ],
)
def test_certificate_names_that_would_fail_validation_are_refused(value: str, ok: bool) -> None:
    if ok:
        assert check_name_field("O", value) == value
        name = asn1_x509.Name.build({"organization_name": value})
        assert name.hashable  # asn1crypto prepares it without complaint
    else:
        with pytest.raises(InvalidCertificateName):
            check_name_field("O", value)
        if len(value.encode()) <= 64:  # the rule is asn1crypto's own, which verifiers apply
            with pytest.raises(ValueError, match="bidirectional"):
                _ = asn1_x509.Name.build({"organization_name": value}).hashable


def test_key_loading_errors(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyMissing):
        load_signing_key(tmp_path / "none.p12", None)
    path = tmp_path / "office.p12"
    path.write_bytes(
        make_trial_key(
            common_name=OFFICE_CN, organisation="استانداری قزوین", now=WHEN, passphrase="a"
        )
    )
    with pytest.raises(SigningKeyUnreadable):
        load_signing_key(path, "b")
    assert load_signing_key(path, "a").subject.startswith("Common Name: " + OFFICE_CN)
