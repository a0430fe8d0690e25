"""A letter's deadline from the case page (TestClient): extend, pause and resume with a
reason, the refusals beside their fields with nothing changed, and the day-by-day
explanation the case page links to."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from office import deadlines
from registry.jalali import format_jalali
from registry.kinds import Role
from registry.text import to_persian_digits
from tests.web_samples_replies14 import referral
from tests.web_support import DeskUnderTest, desk_fixture

pytestmark = pytest.mark.xdist_group("web_deadlines")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


def _post(desk: DeskUnderTest, tracking: str, form: dict[str, Any]) -> httpx2.Response:
    client = desk.client(Role.INSPECTOR)
    return client.post(
        f"/complaints/{tracking}/deadline",
        data={**form, "csrf_token": desk.token(Role.INSPECTOR)},
    )


def _beside(html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="deadline-{field}-error"[^>]*>([^<]+)</p>', html)
    assert found, f"no message beside {field}"
    return found.group(1)


def test_extend_pause_and_resume_from_the_case_page(desk: DeskUnderTest) -> None:
    letter = referral(desk, days_ago=3)
    client = desk.client(Role.INSPECTOR)
    case = client.get(f"/complaints/{letter.tracking}").text
    assert f'action="/complaints/{letter.tracking}/deadline"' in case
    assert f'<option value="{letter.letter_id}"' in case
    due = deadlines.explain(desk.runtime, "test", letter.number).letter["due_date"]

    extended = _post(
        desk,
        letter.tracking,
        {"letter": letter.letter_id, "change": "extend", "days": "۳", "reason": "درخواست دستگاه"},
    )
    assert extended.status_code == 303
    explained = deadlines.explain(desk.runtime, "test", letter.number)
    assert explained.letter["due_date"] != due
    assert [c["kind"] for c in explained.changes] == ["start", "extension"]
    page = client.get(extended.headers["location"]).text
    assert to_persian_digits(f"سررسید: {explained.letter['due_date']}") in page
    # The timeline's due dates before and after, in Persian digits like the rest.
    assert to_persian_digits(f"{due} ← {explained.letter['due_date']}") in page

    # Stopped from the day after it was sent (a resumption must come after the first day).
    since = to_persian_digits(format_jalali(letter.sent + dt.timedelta(days=1)))
    paused = _post(
        desk,
        letter.tracking,
        {"letter": letter.letter_id, "change": "pause", "day": since, "reason": "بازرسی"},
    )
    assert paused.status_code == 303
    assert deadlines.explain(desk.runtime, "test", letter.number).letter["due_date"] is None
    assert "تا ازسرگیری معلوم نیست" in client.get(f"/complaints/{letter.tracking}").text

    resumed = _post(
        desk, letter.tracking, {"letter": letter.letter_id, "change": "resume", "reason": "پایان"}
    )
    assert resumed.status_code == 303
    assert deadlines.explain(desk.runtime, "test", letter.number).letter["due_date"] is not None


@pytest.mark.parametrize(
    ("changes", "field", "words", "status"),
    [
        ({"reason": " "}, "reason", "علت", 400),
        ({"days": "سه"}, "days", "عدد", 400),
        ({"days": "0"}, "days", "دست‌کم یک روز", 400),
        ({"change": ""}, "change", "تمدید، توقف یا ازسرگیری", 400),
        ({"change": "resume"}, "change", "متوقف نیست", 409),
        ({"change": "pause", "day": "۱۴۹۹/۰۱/۰۱"}, "day", "هنوز نرسیده", 400),
        ({"change": "pause", "day": "۱۴۰۵/۱۳/۴۰"}, "day", "معتبر نیست", 400),
        ({"letter": "999999"}, "letter", "نامه", 400),
    ],
)
def test_a_refused_change_is_named_beside_its_field_and_nothing_changes(
    desk: DeskUnderTest, changes: dict[str, str], field: str, words: str, status: int
) -> None:
    letter = referral(desk)
    before = deadlines.explain(desk.runtime, "test", letter.number).changes
    form = {"letter": letter.letter_id, "change": "extend", "days": "2", "reason": "علت"}
    response = _post(desk, letter.tracking, {**form, **changes})
    assert response.status_code == status
    assert words in _beside(response.text, field)
    assert re.search(r'<details class="action" id="deadline-action"\s+open', response.text)
    assert deadlines.explain(desk.runtime, "test", letter.number).changes == before


def test_a_letter_of_another_case_is_refused(desk: DeskUnderTest) -> None:
    mine, other = referral(desk), referral(desk)
    form = {"letter": other.letter_id, "change": "extend", "days": "2", "reason": "علت"}
    response = _post(desk, mine.tracking, form)
    assert response.status_code == 400
    assert "نامه" in _beside(response.text, "letter")
    assert [c["kind"] for c in deadlines.explain(desk.runtime, "test", other.number).changes] == [
        "start"
    ]


def test_the_explanation_day_by_day_and_who_sees_the_form(desk: DeskUnderTest) -> None:
    letter = referral(desk)
    url = f"/complaints/{letter.tracking}/letters/{letter.letter_id}/deadline"
    case = desk.client(Role.INSPECTOR).get(f"/complaints/{letter.tracking}").text
    assert f'href="{url}"' in case
    explained = desk.client(Role.INSPECTOR).get(url)
    assert explained.status_code == 200
    lines = deadlines.explain(desk.runtime, "test", letter.number).explanation.lines_fa()
    assert lines and all(line in explained.text for line in lines)
    # The secretariat records replies but does not edit deadlines.
    assert '/deadline"' not in desk.client(Role.SECRETARIAT).get(
        f"/complaints/{letter.tracking}"
    ).text.replace(f'{url}"', "")
