"""The figures' page, its CSV and its printable report on the hand-computed scenario of
tests/test_stats.py (Azar 1405, "today" 2026-12-06)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from registry.clock import Clock
from registry.db import transaction
from registry.kinds import Role
from registry.text import strip_bidi_marks
from tests.letters_support import pdf_text
from tests.test_stats import _scenario, at
from tests.web_support import DeskUnderTest, desk_fixture


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    for the_desk in desk_fixture(tmp_path_factory):
        the_desk.runtime.fixed_clock = Clock(fixed_now=at(12, 6))
        with transaction(the_desk.runtime.sessions) as session:
            _scenario(session)
        yield the_desk


def test_the_head_sees_this_months_figures_in_persian(desk: DeskUnderTest) -> None:
    page = desk.client(Role.HEAD).get("/stats")
    assert page.status_code == 200
    text = page.text
    assert "آذر ۱۴۰۵" in text
    # Served 3 complainants, 4 cases; median 22.5 days, average 29.25 (half up: 29.3);
    # working days 15.5 and 20.25; 1.25 visits per case (tests/test_stats.py).
    for shown in ("<dd>۳</dd>", "<dd>۴</dd>", "<dd>۲۲٫۵</dd>", "<dd>۲۹٫۳</dd>", "<dd>۱۵٫۵</dd>"):
        assert shown in text
    assert "<dd>۲۰٫۳</dd>" in text and "<dd>۱٫۲۵</dd>" in text
    # The agencies' table and the charts, in Persian digits.
    assert (
        "<td>شهرداری قزوین</td><td>۵</td><td>۵</td><td>۱۰٫۲</td><td>۵</td><td>۳</td><td>۶۰٪</td>"
        in (text.replace("\n", ""))
    )
    assert text.count('<figure class="chart">') == 3
    assert "میانه روزهای کاری پاسخ دستگاه‌ها" in text
    assert 'href="/stats.csv?kind=month&amp;year=1405&amp;month=9"' in text


def test_a_season_adds_its_months_chart(desk: DeskUnderTest) -> None:
    page = desk.client(Role.ADMIN).get("/stats?kind=season&year=۱۴۰۵&season=3")
    assert page.status_code == 200
    assert "پاییز ۱۴۰۵" in page.text and page.text.count('<figure class="chart">') == 4
    assert "مهر ۱۴۰۵" in page.text


def test_a_period_that_is_none_is_named_beside_the_field(desk: DeskUnderTest) -> None:
    page = desk.client(Role.HEAD).get("/stats?kind=month&year=1405&month=13")
    assert page.status_code == 400
    assert 'id="period-error"' in page.text and "پذیرفته نیست" in page.text
    assert '<figure class="chart">' not in page.text


def test_the_csv_has_every_figure(desk: DeskUnderTest) -> None:
    response = desk.client(Role.HEAD).get("/stats.csv?kind=month&year=1405&month=9")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["period", "section", "item", "measure", "value"]
    assert ["1405/09", "served", "", "median_working_days", "15.5"] in rows
    assert ["1405/09", "agency", "فرمانداری قزوین", "overdue_share", "0.5"] in rows


def test_the_printable_report_is_a_pdf(desk: DeskUnderTest) -> None:
    response = desk.client(Role.HEAD).get("/stats/report.pdf?kind=month&year=1405&month=9")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    words = strip_bidi_marks(pdf_text(response.content))
    assert "گزارش آمار خدمت رسیدگی به شکایات — ماه آذر ۱۴۰۵" in words
    assert "میانه روز کاری تا پاسخ" in words and "۱۵٫۵" in words
    # The charts' titles and labels are text, shaped, in reading order.
    assert "میانه روزهای کاری پاسخ دستگاه‌ها" in words and "فرمانداری قزوین" in words
    again = desk.client(Role.HEAD).get("/stats/report.pdf?kind=month&year=1405&month=9")
    assert again.content == response.content  # the same figures, the same bytes


def test_other_roles_are_refused(desk: DeskUnderTest) -> None:
    for role in (Role.INSPECTOR, Role.SECRETARIAT, Role.ARCHIVIST):
        assert desk.client(role).get("/stats").status_code == 403
        assert desk.client(role).get("/stats.csv").status_code == 403


def test_documents_by_mail_and_the_answer_collected_count_as_they_came(
    desk: DeskUnderTest,
) -> None:
    """Case E (served in Dey, registered in person): documents sent by mail from the case
    page add no visit; closing it with the answer collected in person adds one: 2 visits."""
    from sqlalchemy import select

    from office import stats
    from registry.models import Complaint
    from tests.web_samples_web13a import pdf_bytes

    with desk.runtime.sessions() as session:
        tracking = session.scalars(
            select(Complaint.tracking_code).where(Complaint.registered_at == at(11, 10))
        ).one()
    secretariat, head = desk.client(Role.SECRETARIAT), desk.client(Role.HEAD)
    sent = secretariat.post(
        f"/complaints/{tracking}/attach",
        data={"csrf_token": desk.token(Role.SECRETARIAT), "channel": "mail"},
        files={"evidence": ("scan.pdf", pdf_bytes(), "application/pdf")},
    )
    assert sent.status_code == 303, sent.text
    refused = head.post(
        f"/complaints/{tracking}/close",
        data={"csrf_token": desk.token(Role.HEAD), "collected": "pigeon"},
    )
    assert refused.status_code == 400 and 'id="close-channel-error"' in refused.text
    closed = head.post(
        f"/complaints/{tracking}/close",
        data={"csrf_token": desk.token(Role.HEAD), "collected": "in-person"},
    )
    assert closed.status_code == 303, closed.text
    dey = stats.figures(desk.runtime, "test", stats.parse_period("1405/10"))
    assert (dey.served.cases, dey.served.visits_per_case) == (1, 2.0)
