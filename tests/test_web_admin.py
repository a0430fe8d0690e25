"""The admin's pages: users, agencies and their heads, holidays, and the office profile;
every refusal named beside its field, nothing stored on a refusal."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from fastapi.testclient import TestClient

from office import agencies, holidays
from office.users import list_users
from registry.jalali import format_jalali
from registry.kinds import Role
from registry.text import to_persian_digits
from tests.web_support import PASSWORD, DeskUnderTest, desk_fixture, log_in

pytestmark = pytest.mark.xdist_group("web_admin")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


def post(desk: DeskUnderTest, path: str, form: Mapping[str, Any]) -> tuple[int, str, str]:
    client = desk.client(Role.ADMIN)
    token = desk.token(Role.ADMIN)
    response = client.post(path, data={**form, "csrf_token": token})
    return response.status_code, response.text, response.headers.get("location", "")


def beside(html: str, field: str) -> str:
    """The refusal shown beside ``field`` (and the field marked invalid)."""
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', html, re.S), field
    match = re.search(rf'id="{field}-error"[^>]*>([^<]+)<', html)
    assert match, f"no refusal beside {field}"
    return match.group(1)


def test_the_office_profile_is_shown_read_only(desk: DeskUnderTest) -> None:
    html = desk.client(Role.ADMIN).get("/admin").text
    assert "محمد احمدی" in html and "residegi.toml" in html
    assert "۰۲۸۳۳۳۳۰۰۰۰" in html  # the telephone in Persian digits
    assert "<form" not in html.split("<main", 1)[1].split("</main>")[0]


def test_add_a_user_who_then_logs_in(desk: DeskUnderTest) -> None:
    form = {
        "username": "m.karimi",
        "full_name": "مینا کریمی",
        "roles": ["archivist", "inspector"],
        "password": "a-first-password-1405",
        "password_again": "a-first-password-1405",
    }
    status, _, location = post(desk, "/admin/users", form)
    assert status == 303 and location == "/admin/users"
    html = desk.client(Role.ADMIN).get("/admin/users").text
    assert "m.karimi" in html and "مینا کریمی" in html and "بایگان" in html
    client = TestClient(desk.app, follow_redirects=False)
    with client:
        log_in(client, "m.karimi", "a-first-password-1405")
        assert client.get("/search").status_code == 200


def test_user_refusals_are_beside_their_fields_and_nothing_is_stored(desk: DeskUnderTest) -> None:
    before = list_users(desk.runtime, "tester")
    form: dict[str, Any] = {
        "username": "Bad Name",
        "full_name": "نام",
        "password": "a",
        "password_again": "b",
    }
    status, html, _ = post(desk, "/admin/users", form)
    assert status == 400  # every refused field at once, each beside its field
    assert "برگزینید" in html and 'id="roles-error"' in html and "(--role)" not in html
    assert "پذیرفته نیست" in beside(html, "username")
    assert "دست‌کم ۱۰ نویسه" in beside(html, "password")
    assert "یکسان نیستند" in beside(html, "password_again")
    assert 'value="Bad Name"' in html  # what was typed stays
    form.update(full_name=" ", roles=["head", "chief"], password="a-long-password-1")
    form.update(password_again="a-long-password-1")
    status, html, _ = post(desk, "/admin/users", form)
    assert status == 400 and "خالی است" in beside(html, "full_name")
    assert "نقش «chief» شناخته نیست" in html
    form.update(username="admin", full_name="نام", roles=["head"])
    status, html, _ = post(desk, "/admin/users", form)
    assert status == 409 and "گرفته شده" in beside(html, "username")
    assert list_users(desk.runtime, "tester") == before


def test_disable_a_user_ends_their_session_and_not_ones_own(desk: DeskUnderTest) -> None:
    client = desk.client(Role.SECRETARIAT)
    assert client.get("/").status_code == 200
    status, _, location = post(desk, "/admin/users/secretariat/disable", {})
    assert status == 303 and location == "/admin/users"
    assert client.get("/").status_code == 303  # logged out at the next request
    status, html, _ = post(desk, "/admin/users/admin/disable", {})
    assert status == 409 and "حساب خودتان" in html
    status, html, _ = post(desk, "/admin/users/nobody/disable", {})
    assert status == 404 and "کاربری به نام «nobody» نیست" in html


def test_add_an_agency_and_change_its_head(desk: DeskUnderTest) -> None:
    form = {
        "name": "شهرداری نمونه‌آباد",
        "kind": "municipality",
        "head_title": "شهردار محترم شریفیه",
        "head_name": "",
        "parent": "فرمانداری قزوین",
        "county": "قزوین",
        "reply_deadline_days": "۱۲",
    }
    status, _, location = post(desk, "/admin/agencies", form)
    assert status == 303 and location == "/admin/agencies"
    record = next(a for a in agencies.list_all(desk.runtime) if a["name"] == "شهرداری نمونه‌آباد")
    assert record["parent"] == "فرمانداری قزوین" and record["reply_deadline_days"] == 12
    assert "۱۲ روز کاری" in desk.client(Role.ADMIN).get("/admin/agencies").text

    change = {
        "agency": "شهرداری نمونه‌آباد",
        "head_title": "سرپرست شهرداری نمونه‌آباد",
        "head_name": "رضا",
    }
    status, _, _ = post(desk, "/admin/agencies/head", change)
    assert status == 303
    record = next(a for a in agencies.list_all(desk.runtime) if a["name"] == "شهرداری نمونه‌آباد")
    assert (record["head_title"], record["head_name"]) == ("سرپرست شهرداری نمونه‌آباد", "رضا")


def test_agency_refusals_are_beside_their_fields(desk: DeskUnderTest) -> None:
    count = len(agencies.list_all(desk.runtime))
    base = {"name": "شهرداری تازه", "kind": "municipality", "head_title": "شهردار"}
    status, html, _ = post(desk, "/admin/agencies", {**base, "head_title": " "})
    assert status == 400 and "عنوان مقام" in beside(html, "head_title")
    status, html, _ = post(desk, "/admin/agencies", {**base, "reply_deadline_days": "دو"})
    assert status == 400 and "عدد درستی نیست" in beside(html, "reply_deadline_days")
    status, html, _ = post(desk, "/admin/agencies", {**base, "name": "شهرداری قزوين"})
    assert status == 409 and "از پیش ثبت شده" in beside(html, "name")
    status, html, _ = post(desk, "/admin/agencies", {**base, "kind": "ministry"})
    assert status == 400 and "پذیرفته نیست" in beside(html, "kind")
    assert 'value="شهرداری تازه"' in html
    assert len(agencies.list_all(desk.runtime)) == count
    status, html, _ = post(
        desk, "/admin/agencies/head", {"agency": "شهرداری قزوین", "head_title": ""}
    )
    assert status == 400 and "عنوان مقام" in html and "<details open" in html


def test_holidays_by_year_add_and_remove(desk: DeskUnderTest) -> None:
    client = desk.client(Role.ADMIN)
    html = client.get("/admin/holidays", params={"year": "۱۴۰۵"}).text
    assert "تعطیلات رسمی سال ۱۴۰۵" in html and "نوروز" in html
    day = dt.date(2036, 6, 2)
    typed = to_persian_digits(format_jalali(day))
    status, _, location = post(desk, "/admin/holidays", {"day": typed, "name": "روز نمونه"})
    year = format_jalali(day)[:4]
    assert status == 303 and location == f"/admin/holidays?year={year}"
    html = client.get(location).text
    assert "روز نمونه" in html and typed in html
    status, _, _ = post(desk, "/admin/holidays/remove", {"day": format_jalali(day)})
    assert status == 303
    assert all(h["date"] != format_jalali(day) for h in holidays.list_holidays(desk.runtime))


def test_holiday_refusals_are_beside_their_fields(desk: DeskUnderTest) -> None:
    status, html, _ = post(desk, "/admin/holidays", {"day": "1405/13/40", "name": "x"})
    assert status == 400 and "معتبر نیست" in beside(html, "day")
    status, html, _ = post(desk, "/admin/holidays", {"day": "1405/01/01", "name": "نوروز دوباره"})
    assert status == 409 and "پیش‌تر تعطیل رسمی" in beside(html, "day")
    status, html, _ = post(desk, "/admin/holidays", {"day": "1420/01/05", "name": " "})
    assert status == 400 and "نام" in beside(html, "name")
    status, html, _ = post(desk, "/admin/holidays/remove", {"day": "1420/01/06"})
    assert status == 404 and "ثبت نشده" in html


def test_the_admin_pages_need_the_admin(desk: DeskUnderTest) -> None:
    client = desk.client(Role.HEAD)
    for path in ("/admin", "/admin/users", "/admin/agencies", "/admin/holidays"):
        assert client.get(path).status_code == 403
    assert PASSWORD  # the desk's users all log in with it
