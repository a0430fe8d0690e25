"""The archive's pages: search (Persian-normalised, hits marked safely), the dossier as
PDF and as zipped BagIt, and the verdict on an uploaded signed PDF."""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from generators.keys import load_signing_key
from office.setup import install_trial_key_if_missing
from registry.kinds import Role
from registry.tracking import new_tracking_code
from tests.test_signing import make_answer, sign
from tests.web13b_support import archived, blank_pdf, filed_case
from tests.web_support import DeskUnderTest, csrf_of, desk_fixture

pytestmark = pytest.mark.xdist_group("web_archive")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


@pytest.fixture(scope="module")
def cases(desk: DeskUnderTest) -> dict[str, str]:
    return {
        "yasin": filed_case(desk, first_name="یاسین", last_name="کاظمی", accept=True),
        "other": filed_case(
            desk, first_name="مریم", last_name="رحیمی", subject="<b>چراغ</b> خاموش"
        ),
    }


def test_an_arabic_yeh_and_kaf_spelling_finds_the_persian_name_and_marks_it(
    desk: DeskUnderTest, cases: dict[str, str]
) -> None:
    client = desk.client(Role.ARCHIVIST)
    response = client.get("/search", params={"q": "ياسين كاظمي"})
    assert response.status_code == 200
    html = response.text
    assert f'href="/complaints/{cases["yasin"]}"' in html
    assert f'href="/complaints/{cases["other"]}"' not in html
    assert "<mark>یاسین</mark> <mark>کاظمی</mark>" in html
    assert "نام شاکی" in html  # what matched, in Persian


def test_marks_are_put_on_escaped_text(desk: DeskUnderTest, cases: dict[str, str]) -> None:
    html = desk.client(Role.INSPECTOR).get("/search", params={"q": "چراغ"}).text
    assert "&lt;b&gt;<mark>چراغ</mark>&lt;/b&gt; خاموش" in html
    assert "<b>چراغ" not in html


def test_htmx_typing_gets_the_hits_alone(desk: DeskUnderTest, cases: dict[str, str]) -> None:
    client = desk.client(Role.ARCHIVIST)
    partial = client.get("/search", params={"q": "یاسین"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<div id="search-results"')
    assert "<html" not in partial.text and "<mark>یاسین</mark>" in partial.text
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get("/search", params={"q": "یاسین"}, headers=restore).text


def test_search_bounds_are_refused_beside_the_box(desk: DeskUnderTest) -> None:
    client = desk.client(Role.ARCHIVIST)
    long = "ی" * 300
    response = client.get("/search?q=" + quote(long))
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert re.search(r'id="q-error"[^>]*>متن جست‌وجو ۳۰۰ نویسه است', response.text)
    many = " ".join(f"واژه{i}" for i in range(13))
    response = client.get("/search", params={"q": many})
    assert response.status_code == 400 and "۱۲ واژه" in response.text
    partial = client.get("/search", params={"q": long}, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and 'id="q-error"' in partial.text


def test_an_empty_box_and_nothing_found(desk: DeskUnderTest) -> None:
    client = desk.client(Role.ARCHIVIST)
    assert 'id="q-error"' not in client.get("/search").text
    assert "پرونده‌ای یافت نشد" in client.get("/search", params={"q": "ناموجودستان"}).text


def test_dossier_pdf_of_a_case_just_accepted(desk: DeskUnderTest, cases: dict[str, str]) -> None:
    code = cases["yasin"]
    response = desk.client(Role.ARCHIVIST).get(f"/complaints/{code}/dossier.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="dossier-{code}.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 2  # cover and the scan


def test_dossier_zip_is_a_bag_of_a_registered_case(
    desk: DeskUnderTest, cases: dict[str, str]
) -> None:
    code = cases["other"]
    response = desk.client(Role.HEAD).get(f"/complaints/{code}/dossier.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == f'attachment; filename="dossier-{code}.zip"'
    bag = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(bag.namelist())
    top = f"dossier-{code}/"
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"):
        assert top + name in names
    assert {top + "data/case.json", top + "data/dossier.pdf"} <= names
    assert bag.read(top + "bagit.txt").startswith(b"BagIt-Version: 1.0")
    manifest = bag.read(top + "manifest-sha256.txt").decode()
    assert "data/dossier.pdf" in manifest


def test_dossier_of_an_unknown_case_is_404(desk: DeskUnderTest) -> None:
    unknown = new_tracking_code(random.Random(13))
    client = desk.client(Role.ARCHIVIST)
    assert client.get(f"/complaints/{unknown}/dossier.pdf").status_code == 404
    assert client.get("/complaints/123/dossier.zip").status_code == 400


def _upload(desk: DeskUnderTest, role: Role, name: str, data: bytes) -> str:
    client = desk.client(role)
    token = csrf_of(client.get("/verify").text)
    response = client.post(
        "/verify",
        data={"csrf_token": token},
        files={"pdf": (name, data, "application/pdf")},
    )
    assert response.status_code == 303 and response.headers["location"] == "/verify"
    html = client.get("/verify").text
    assert "سند معتبر است" not in client.get("/verify").text  # shown once
    return html


def test_a_signed_answer_the_archive_holds_is_valid(desk: DeskUnderTest) -> None:
    install_trial_key_if_missing(desk.runtime)
    key = load_signing_key(desk.runtime.settings.resolved_signing_key_path, None)
    answer = make_answer()
    signed = sign(answer.embedded, key, answer.stamp)
    archived(desk, signed)
    html = _upload(desk, Role.ARCHIVIST, "answer.pdf", signed)
    assert "سند معتبر است و در بایگانی نگهداری می‌شود" in html
    assert "همین پرونده در بایگانی نگهداری می‌شود" in html
    assert "معتبر اما نامطمئن" in html  # the trial key says so
    assert "۱۴۰۵/۰۹/۰۴" in html  # signed on 25 Nov 2026, in Jalali and Persian digits


def test_a_random_pdf_is_in_doubt(desk: DeskUnderTest) -> None:
    html = _upload(desk, Role.SECRETARIAT, "random.pdf", blank_pdf(desk.home / "random.pdf"))
    assert "درباره این سند تردید هست" in html
    assert "بدون امضا" in html and "این پرونده در بایگانی نیست" in html
    assert "امضای دیجیتال ندارد" in html


def test_a_file_that_is_not_a_pdf_is_refused_beside_the_field(desk: DeskUnderTest) -> None:
    client = desk.client(Role.ARCHIVIST)
    token = csrf_of(client.get("/verify").text)
    response = client.post(
        "/verify", data={"csrf_token": token}, files={"pdf": ("x.pdf", b"not a pdf", "text/plain")}
    )
    assert response.status_code == 400
    assert 'id="pdf-error"' in response.text and 'aria-invalid="true"' in response.text
    empty = client.post(
        "/verify", data={"csrf_token": token}, files={"pdf": ("x.pdf", b"", "application/pdf")}
    )
    assert empty.status_code == 400 and "برگزینید" in empty.text


def test_a_long_file_name_is_shortened_for_the_verdict(desk: DeskUnderTest) -> None:
    name = "ن" * 240 + ".pdf"  # as long as a file system allows
    html = _upload(desk, Role.ARCHIVIST, name, blank_pdf(desk.home / "long.pdf"))
    assert "درباره این سند تردید هست" in html
    assert "ن" * 96 + ".pdf" in html and "ن" * 97 + ".pdf" not in html
