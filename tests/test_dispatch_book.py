"""The dispatch book (دفتر ارسال): ``letter left`` and ``letter received`` end to end, the
rules they keep, who may record them, and the reply deadline counted from receipt where
the office's setting says so.

The training clock says today is 1405/09/04; the referral is sent on 1405/08/20 (due
1405/09/04, ten working days on the office's calendar).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from office import dispatch_book
from office.access import Forbidden, Staff
from registry import holidays
from registry.db import make_engine, session_factory
from registry.kinds import ComplaintState, DispatchMethod, Role
from registry.models import Complaint, DeadlineChange, DeadlineChangeKind, Event
from registry.states import transition
from registry.tracking import parse_tracking_code
from tests.cli_support import Cli, register_args
from tests.replies_support import THU_FRI, sent


def _in_registry(cli: Cli) -> Session:
    return session_factory(make_engine(f"sqlite:///{cli.home / 'registry.sqlite3'}"))()


def _referral(cli: Cli, tmp_path: Path, sent_on: str = "1405/08/20") -> str:
    """A complaint referred to Qazvin's municipality, sent on ``sent_on``; its number."""
    code = cli.json(*register_args(tmp_path))["tracking_code"]
    cli.json("complaint", "review", code, "--accept")
    with _in_registry(cli) as session, session.begin():
        complaint = session.scalars(
            select(Complaint).where(Complaint.tracking_code == parse_tracking_code(code))
        ).one()
        transition(
            session, complaint, ComplaintState.AWAITING_REPLY, actor="t", at=complaint.registered_at
        )
        calendar = holidays.working_calendar(session, THU_FRI)
        return sent(session, calendar, on=sent_on, complaint=complaint).number


def _error(cli: Cli, *args: str) -> tuple[int, str]:
    code, out, _ = cli(*args, "--json")
    return code, json.loads(out)["error"]["code"]


def test_a_letter_leaves_by_post_and_is_received(cli: Cli, tmp_path: Path) -> None:
    number = _referral(cli, tmp_path)
    # Persian digits and the number as staff copy it, right to left.
    persian = number.replace("1405", "۱۴۰۵")
    left = cli.json(
        "letter", "left", persian, "--by", "POST", "--on", "۱۴۰۵/۰۸/۲۱", "--tracking", "۱۲۳۴۵۶"
    )
    assert left["number"] == number and left["due_date"] == "1405/09/04"
    assert left["dispatch"] == {
        "method": "post",
        "left_on": "1405/08/21",
        "tracking": "۱۲۳۴۵۶",
        "received_on": None,
        "received_by": None,
        "recorded_by": left["dispatch"]["recorded_by"],
        "receipt_recorded_by": None,
    }
    got = cli.json(
        "letter", "received", number, "--on", "1405/08/24", "--received-by", "دبیرخانه شهرداری"
    )
    assert got["dispatch"]["received_on"] == "1405/08/24"
    assert got["dispatch"]["received_by"] == "دبیرخانه شهرداری"
    # The office counts from the day it was sent (the default): nothing moves.
    assert got["due_date"] == got["due_date_before"] == "1405/09/04"
    explained = cli.json("deadline", "explain", number)["explanation"]
    assert (explained["start"], explained["counted_from"]) == ("1405/08/20", "sent")
    code, out, _ = cli("letter", "left", number, "--by", "hand")
    assert code == 4 and "پیش‌تر در دفتر ارسال ثبت شده" in out + _
    with _in_registry(cli) as session:
        actions = session.scalars(select(Event.action).where(Event.letter_id.is_not(None))).all()
    assert {"letter_left", "letter_received"} <= set(actions)


def test_the_sentences_for_staff(cli: Cli, tmp_path: Path) -> None:
    number = _referral(cli, tmp_path)
    code, out, _ = cli("letter", "left", number, "--by", "hand")
    assert code == 0 and "تحویل دستی" in out and "۱۴۰۵/۰۹/۰۴" in out
    code, out, _ = cli("letter", "received", number, "--received-by", "آقای کریمی")
    assert code == 0 and "دریافت نامه" in out and "سررسید" not in out


def test_what_the_book_refuses(cli: Cli, tmp_path: Path) -> None:
    number = _referral(cli, tmp_path)
    assert _error(cli, "letter", "received", number) == (4, "dispatch_not_recorded")
    assert _error(cli, "letter", "left", number, "--by", "pigeon") == (2, "invalid_option")
    assert _error(cli, "letter", "left", number, "--by", "hand", "--tracking", "1") == (
        2,
        "tracking_not_for_method",
    )
    assert _error(cli, "letter", "left", number, "--by", "post", "--on", "1405/08/19") == (
        2,
        "left_before_letter",
    )
    assert _error(cli, "letter", "left", number, "--by", "post", "--on", "1405/09/05") == (
        2,
        "date_in_future",
    )
    assert _error(cli, "letter", "left", number, "--by", "post", "--on", "1405/13/01") == (
        2,
        "invalid_jalali_date",
    )
    assert _error(cli, "letter", "left", "1405/ص/999", "--by", "post") == (3, "letter_not_found")
    cli.json("letter", "left", number, "--by", "exchange", "--on", "1405/08/22")
    assert _error(cli, "letter", "received", number, "--on", "1405/08/21") == (
        2,
        "received_before_left",
    )
    cli.json("letter", "received", number, "--on", "1405/08/22")
    assert _error(cli, "letter", "received", number) == (4, "receipt_already_recorded")
    cli.json("letter", "void", number, "--reason", "اشتباه")
    other = _referral(cli, tmp_path)
    cli.json("letter", "void", other, "--reason", "اشتباه")
    assert _error(cli, "letter", "left", other, "--by", "post") == (4, "letter_void")


def test_counting_from_receipt_moves_the_due_date_and_says_so(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _referral(cli, tmp_path)
    monkeypatch.setenv("RESIDEGI_REPLY_DEADLINE_FROM_RECEIPT", "true")
    cli.json("letter", "left", number, "--by", "courier", "--on", "1405/08/20")
    got = cli.json("letter", "received", number, "--on", "1405/08/24")
    # Ten working days from 1405/08/24 (a Sunday), Thursdays and Fridays off.
    assert (got["due_date_before"], got["due_date"]) == ("1405/09/04", "1405/09/08")
    explained = cli.json("deadline", "explain", number)
    assert explained["due_date"] == "1405/09/08"
    assert explained["explanation"]["start"] == "1405/08/24"
    assert explained["explanation"]["counted_from"] == "receipt"
    assert [c["kind"] for c in explained["changes"]] == ["start", "received"]
    code, out, _ = cli("deadline", "explain", number)
    assert code == 0 and "تاریخ دریافت نامه توسط گیرنده (روز صفر)" in out
    assert "تاریخ ارسال نامه (روز صفر)" not in out
    with _in_registry(cli) as session:
        assert (
            session.scalars(select(Event.note).where(Event.action == "deadline_from_receipt")).one()
            == "مهلت پاسخ از تاریخ دریافت نامه (۱۴۰۵/۰۸/۲۴) شمرده می‌شود"
        )


def test_a_replied_letter_keeps_its_due_date_when_received_late(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _referral(cli, tmp_path)
    reply = tmp_path / "reply.pdf"
    reply.write_bytes((tmp_path / "evidence.pdf").read_bytes())
    cli.json(
        "reply",
        "record",
        number,
        "--file",
        str(reply),
        "--their-number",
        "77",
        "--date",
        "1405/08/28",
    )
    monkeypatch.setenv("RESIDEGI_REPLY_DEADLINE_FROM_RECEIPT", "true")
    cli.json("letter", "left", number, "--by", "post")
    got = cli.json("letter", "received", number)
    assert got["due_date"] == got["due_date_before"] == "1405/09/04"
    with _in_registry(cli) as session:
        kinds = session.scalars(select(DeadlineChange.kind)).all()
    assert DeadlineChangeKind.RECEIVED not in kinds


def test_only_the_secretariat_records_the_book(cli: Cli, tmp_path: Path) -> None:
    from office.runtime import Runtime
    from registry.settings import Settings

    number = _referral(cli, tmp_path)
    runtime = Runtime(Settings(home=cli.home, today="1405/09/04"))
    inspector = Staff("sara", "سارا", frozenset({Role.INSPECTOR, Role.HEAD}))
    clerk = Staff("reza", "رضا", frozenset({Role.SECRETARIAT}))
    with pytest.raises(Forbidden):
        dispatch_book.record_left(runtime, inspector, number, method=DispatchMethod.POST)
    record = dispatch_book.record_left(runtime, clerk, number, method=DispatchMethod.EMAIL)
    assert record["dispatch"]["recorded_by"] == "reza"
    with pytest.raises(Forbidden):
        dispatch_book.record_received(runtime, inspector, number)
    assert dispatch_book.record_received(runtime, clerk, number)["dispatch"]["received_on"]
    assert dispatch_book.dispatch_of(runtime, "operator", number)["dispatch"]["method"] == "email"
