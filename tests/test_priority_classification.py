"""Priority and classification (issue 16): the priority's reply deadline before the
agency's and the kind's, the marks every letter prints (the priority in its box, the
classification at the top and bottom of every page, «عادی» nothing), letters frozen
before the marks existed, the migration, and the review's own rule (no one classifies
above their clearance)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from generators import build_context, render_docx, render_pdf
from generators.kinds import KINDS
from office.access import Staff, visible_levels
from office.pipeline import stated_reply_days
from registry import migrate
from registry.db import make_engine
from registry.errors import Refused
from registry.kinds import AgencyKind, Classification, LetterKind, Priority, Role
from registry.models import Agency
from registry.settings import Settings
from tests.layout_cases import case_data
from tests.letters_support import docx_text, pdf_page_texts, squash


def _agency(own_days: int | None) -> Agency:
    return Agency(name="شهرداری قزوین", kind=AgencyKind.MUNICIPALITY, reply_deadline_days=own_days)


def test_a_priority_s_deadline_comes_before_the_agency_s_and_the_kind_s(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, priority_reply_days={"urgent": 4, "immediate": 1})
    own = _agency(12)
    plain = _agency(None)
    # The priority set in the settings wins over the agency's own days and the kind's.
    assert stated_reply_days(settings, LetterKind.REFERRAL, own, Priority.URGENT) == 4
    assert stated_reply_days(settings, LetterKind.REFERRAL, plain, Priority.IMMEDIATE) == 1
    assert stated_reply_days(settings, LetterKind.REMINDER, priority=Priority.URGENT) == 4
    # A priority the settings leave out (and «عادی») leaves the agency's, then the kind's.
    assert stated_reply_days(settings, LetterKind.REFERRAL, own, Priority.VERY_URGENT) == 12
    assert stated_reply_days(settings, LetterKind.REFERRAL, plain, Priority.NORMAL) == 10
    assert stated_reply_days(settings, LetterKind.REMINDER, priority=Priority.NORMAL) == 5
    # The defaults: urgent 5, very urgent 3, immediate 1 working days.
    defaults = Settings(home=tmp_path)
    days = {p: stated_reply_days(defaults, LetterKind.REFERRAL, own, p) for p in Priority}
    assert days == {
        Priority.NORMAL: 12,
        Priority.URGENT: 5,
        Priority.VERY_URGENT: 3,
        Priority.IMMEDIATE: 1,
    }


def test_a_priority_s_deadline_is_at_least_one_day(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one working day"):
        Settings(home=tmp_path, priority_reply_days={"urgent": 0})


def test_clearance_sees_its_level_and_every_lower_one(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    secret = Staff("a", "الف", frozenset({Role.INSPECTOR}), Classification.SECRET)
    assert visible_levels(secret, settings) == {
        Classification.NORMAL,
        Classification.CONFIDENTIAL,
        Classification.HIGHLY_CONFIDENTIAL,
        Classification.SECRET,
    }
    plain = Staff("b", "ب", frozenset({Role.INSPECTOR}))
    assert visible_levels(plain, settings) == {Classification.NORMAL}
    # The operator holds only what the office gives it.
    assert visible_levels("operator", settings) == {Classification.NORMAL}
    cleared = Settings(home=tmp_path, operator_clearance=Classification.TOP_SECRET)
    assert visible_levels("operator", cleared) == set(Classification)


def _marked(kind: str, size: str, priority: str, classification: str) -> dict[str, Any]:
    data = case_data(kind, size)
    data["complaint"] = {
        **data["complaint"],
        "priority": priority,
        "classification": classification,
    }
    return build_context(kind, data)


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_of_a_classified_letter_is_marked_top_and_bottom(kind: str) -> None:
    context = _marked(kind, "long", "immediate", "top_secret")
    pages = pdf_page_texts(render_pdf(kind, context))
    # A long referral runs to continuation pages (a long reminder is still one page).
    assert len(pages) >= (3 if kind == "referral" else 1)
    for page in pages:
        # Top and bottom of every page: twice per page.
        assert squash(page).count(squash("به‌کلی سری")) == 2, page
    assert squash("آنی") in squash(pages[0])
    docx = docx_text(render_docx(kind, context))
    assert squash("به‌کلی سری") in squash(docx)
    assert squash("آنی") in squash(docx)


@pytest.mark.parametrize("kind", KINDS)
def test_a_marked_one_page_letter_stays_on_one_page(kind: str) -> None:
    context = _marked(kind, "short", "very_urgent", "highly_confidential")
    pages = pdf_page_texts(render_pdf(kind, context))
    assert len(pages) == 1
    assert squash(pages[0]).count(squash("خیلی محرمانه")) == 2
    assert squash("خیلی فوری") in squash(pages[0])


def test_normal_prints_nothing_and_older_facts_render_as_before() -> None:
    kind = "referral"
    older = case_data(kind, "short")
    assert "priority" not in older["complaint"]  # facts frozen before the marks existed
    before = build_context(kind, older)
    normal = _marked(kind, "short", "normal", "normal")
    assert before["letter"]["priority"] == before["letter"]["classification"] == ""
    assert normal == before
    words = squash(" ".join(pdf_page_texts(render_pdf(kind, before))))
    for mark in ("محرمانه", "سری", "فوری", "آنی"):
        assert squash(mark) not in words
    assert "عادی" not in docx_text(render_docx(kind, before))


def test_the_migration_adds_the_columns_as_normal_and_removes_them(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'registry.sqlite3'}")
    migrate.upgrade(engine, "0012")
    at = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO staff_user (username, full_name, roles, password_hash, created_at)"
                " VALUES ('bazres', 'بازرس', 'inspector', 'x', :at)"
            ),
            {"at": at},
        )
    migrate.upgrade(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("complaint")}
    assert {"priority", "classification"} <= columns
    with engine.connect() as connection:
        clearance = connection.scalar(text("SELECT clearance FROM staff_user"))
    assert clearance == "normal"  # nobody sees more than before
    migrate.downgrade(engine, "0012")
    assert "clearance" not in {c["name"] for c in inspect(engine).get_columns("staff_user")}
    assert "priority" not in {c["name"] for c in inspect(engine).get_columns("complaint")}
    engine.dispose()


def test_no_one_classifies_above_their_clearance(tmp_path: Path) -> None:
    from office import complaints as office
    from office.runtime import Runtime
    from office.setup import initialise
    from tests.factories import complaint_input

    runtime = Runtime(Settings(home=tmp_path, office={"signatory_name": "محمد احمدی"}))
    initialise(runtime, sample=True, actor="tester")
    code = office.register(runtime, "tester", complaint_input()).record["tracking_code"]
    reviewer = Staff("bazres", "بازرس", frozenset({Role.INSPECTOR}), Classification.CONFIDENTIAL)
    with pytest.raises(Refused) as refused:
        office.review(
            runtime,
            reviewer,
            code,
            office.Decision.ACCEPT,
            note="کامل",
            classification=Classification.SECRET,
        )
    assert refused.value.code == "classification_above_clearance"
    assert office.show(runtime, "tester", code)["state"] == "registered"  # nothing written
    office.review(
        runtime,
        reviewer,
        code,
        office.Decision.ACCEPT,
        note="کامل",
        priority=Priority.URGENT,
        classification=Classification.CONFIDENTIAL,
    )
    shown = office.show(runtime, reviewer, code)
    assert (shown["priority"], shown["classification"]) == ("urgent", "confidential")
    runtime.close()
