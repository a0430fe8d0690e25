"""``residegi holiday``, ``deadline`` and ``reply`` end to end: JSON keys and exit codes.

The training clock says today is 1405/09/04 (a Wednesday).  Letters are made in the CLI's
own registry with the register and ``mark_sent`` (the dispatch flow is not used here).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from sqlalchemy.orm import Session

from registry import holidays
from registry.db import make_engine, session_factory
from registry.kinds import LetterKind
from registry.models import Complaint
from registry.tracking import parse_tracking_code
from tests.cli_support import Cli, register_args
from tests.factories import pdf_file
from tests.replies_support import THU_FRI, sent


def _in_registry(cli: Cli) -> Session:
    return session_factory(make_engine(f"sqlite:///{cli.home / 'registry.sqlite3'}"))()


def referral(cli: Cli, tmp_path: Path, sent_on: str = "1405/08/20", reminder: bool = False) -> str:
    """A complaint referred to Qazvin's municipality, sent on ``sent_on``; its number."""
    code = cli.json(*register_args(tmp_path))["tracking_code"]
    cli.json("complaint", "review", code, "--accept")
    with _in_registry(cli) as session, session.begin():
        from sqlalchemy import select

        from registry.kinds import ComplaintState
        from registry.states import transition

        complaint = session.scalars(
            select(Complaint).where(Complaint.tracking_code == parse_tracking_code(code))
        ).one()
        transition(
            session, complaint, ComplaintState.AWAITING_REPLY, actor="t", at=complaint.registered_at
        )
        calendar = holidays.working_calendar(session, THU_FRI)
        letter = sent(session, calendar, on=sent_on, complaint=complaint)
        if reminder:
            sent(session, calendar, on="1405/09/01", kind=LetterKind.REMINDER, chases=letter)
        return letter.number


def test_holiday_commands(cli: Cli, tmp_path: Path) -> None:
    # init seeded 1404-1406: seeding them again adds nothing, another year adds its days
    assert cli.json("holiday", "seed", "--years", "1405 1406")["added"] == 0
    assert cli.json("holiday", "seed", "--years", "۱۴۰۳")["added"] > 20
    listed = cli.json("holiday", "list", "--year", "1405")
    assert listed[0] == {
        "date": "1405/01/01",
        "weekday": "شنبه",
        "name": listed[0]["name"],
        "estimated": False,
        "source": listed[0]["source"],
    }
    number = referral(cli, tmp_path)  # sent 1405/08/20, due 1405/09/04
    added = cli.json("holiday", "add", "1405/08/25", "تعطیلی آلودگی هوا", "--as", "مدیر")
    assert added["moved"] == [{"number": number, "before": "1405/09/04", "after": "1405/09/07"}]
    code, out, _ = cli("holiday", "add", "1405/08/25", "دوباره", "--json")
    assert (code, json.loads(out)["error"]["code"]) == (4, "holiday_exists")
    removed = cli.json("holiday", "remove", "1405/08/25")
    assert removed["moved"][0]["after"] == "1405/09/04"
    for args, exit_code, error in [
        (("holiday", "remove", "1405/08/25"), 3, "holiday_not_found"),
        (("holiday", "add", "1405/13/01", "نادرست"), 2, "invalid_jalali_date"),
        (("holiday", "seed", "--years", "سال"), 2, "invalid_jalali_year"),
    ]:
        code, out, _ = cli(*args, "--json")
        assert (code, json.loads(out)["error"]["code"]) == (exit_code, error)
    code, out, _ = cli("holiday", "list", "--year", "1405")
    assert code == 0 and "(تخمینی)" in out


def test_deadline_commands(cli: Cli, tmp_path: Path) -> None:
    number = referral(cli, tmp_path)  # sent Wednesday 1405/08/20: due 1405/09/04
    explained = cli.json("deadline", "explain", number)
    assert {"number", "kind", "date", "due_date", "recipient", "tracking_code", "state"} <= set(
        explained
    )
    assert explained["due_date"] == explained["explanation"]["due_date"] == "1405/09/04"
    assert explained["changes"][0]["kind"] == "start"
    code, out, _ = cli("deadline", "explain", number.replace("/", "/ ", 0))
    assert code == 0 and "سررسید پاسخ: ۱۴۰۵/۰۹/۰۴" in out and "تعطیل آخر هفته" in out

    extended = cli.json(
        "deadline", "extend", number, "--days", "2", "--reason", "درخواست", "--as", "x"
    )
    assert (extended["due_date_before"], extended["due_date"]) == ("1405/09/04", "1405/09/08")
    paused = cli.json("deadline", "pause", number, "--reason", "نقص مدارک", "--from", "1405/09/01")
    assert paused["due_date"] is None
    resumed = cli.json("deadline", "resume", number, "--reason", "رسید")  # on today, 09/04
    assert resumed["due_date"] == "1405/09/11"
    code, out, _ = cli("deadline", "explain", number)
    assert "توقف مهلت: از ۱۴۰۵/۰۹/۰۱ تا ۱۴۰۵/۰۹/۰۳" in out and "مهلت متوقف بود" in out
    for args, exit_code, error in [
        (("deadline", "explain", "1405/ص/999"), 3, "letter_not_found"),
        (("deadline", "explain", "ص"), 2, "invalid_letter_number"),
        (("deadline", "resume", number, "--reason", "x"), 4, "deadline_not_paused"),
        (
            ("deadline", "pause", number, "--reason", "x", "--from", "1405/09/05"),
            2,
            "date_in_future",
        ),
        (
            ("deadline", "extend", number, "--days", "0", "--reason", "x"),
            2,
            "invalid_extension_days",
        ),
    ]:
        code, out, _ = cli(*args, "--json")
        assert (code, json.loads(out)["error"]["code"]) == (exit_code, error)


def test_reply_record_and_outstanding(cli: Cli, tmp_path: Path) -> None:
    late = referral(cli, tmp_path, "1405/08/01", reminder=True)  # due 1405/08/13
    current = referral(cli, tmp_path, "1405/09/01")
    table = cli.json("reply", "outstanding")
    assert table["today"] == "1405/09/04"
    rows = table["letters"]
    assert [row["number"] for row in rows] == [late, current]
    first = rows[0]
    assert first["agency"] == "شهرداری قزوین" and first["state"] == "sent"
    assert (first["sent"], first["due_date"], first["working_days_late"]) == (
        "1405/08/01",
        "1405/08/13",
        15,
    )
    assert (
        first["last_chaser"]["kind"] == "reminder" and first["last_chaser"]["date"] == "1405/09/01"
    )
    # 5 working days after the reminder is its own due day: the second comes the day after.
    assert (first["next_step"], first["next_step_date"]) == ("second_reminder", "1405/09/09")
    assert table["totals"] == [
        {
            "agency": "شهرداری قزوین",
            "outstanding": 2,
            "overdue": 1,
            "working_days_late": 15,
            "most_late": 15,
        }
    ]
    assert [r["number"] for r in cli.json("reply", "outstanding", "--overdue")["letters"]] == [late]
    assert cli.json("reply", "outstanding", "--agency", "شهرداری تاکستان")["letters"] == []
    assert cli.json("reply", "outstanding", "--county", "تاکستان")["letters"] == []
    assert len(cli.json("reply", "outstanding", "--county", "قزوین")["letters"]) == 2
    code, out, _ = cli("reply", "outstanding", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("number,kind,date,due_date")
    assert late in out.splitlines()[1]
    code, out, _ = cli("reply", "outstanding")
    assert code == 0 and "پاسخ‌های نرسیده تا ۱۴۰۵/۰۹/۰۴" in out and "۱۵" in out
    code, out, _ = cli("reply", "outstanding", "--format", "pdf", "--json")
    assert (code, json.loads(out)["error"]["code"]) == (2, "field_required")  # no -o FILE
    code, out, _ = cli("reply", "outstanding", "--format", "xls", "--json")
    assert (code, json.loads(out)["error"]["code"]) == (2, "invalid_option")
    report = tmp_path / "outstanding.pdf"
    code, _, err = cli("reply", "outstanding", "--format", "pdf", "-o", str(report))
    assert code == 0, err
    printed = subprocess.run(
        ["pdftotext", "-layout", str(report), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "شهرداری قزوین" in printed and "جمع به تفکیک دستگاه" in printed

    scan = pdf_file(tmp_path / "reply.pdf")
    args = [
        "reply",
        "record",
        late,
        "--file",
        str(scan),
        "--their-number",
        "۱۲۳/ش",
        "--date",
        "1405/09/02",
        "--outcome",
        "partial",
        "--summary",
        "در دست اقدام",
    ]
    recorded = cli.json(*args, "--as", "دبیرخانه")
    assert recorded["number"] == late and recorded["complaint_state"] == "replied"
    assert recorded["their_date"] == "1405/09/02" and recorded["outcome"] == "partial"
    for extra, exit_code, error in [
        ((), 4, "reply_exists"),
        (("--date", "1405/09/05"), 2, "date_in_future"),
        (("--date", "1405/07/30"), 2, "reply_before_letter"),
        (("--outcome", "maybe"), 2, "invalid_option"),
    ]:
        code, out, _ = cli(*args, *extra, "--json")
        assert (code, json.loads(out)["error"]["code"]) == (exit_code, error)
    assert cli.json(*args, "--supersede")["superseded"] is True
    text = tmp_path / "reply.txt"
    text.write_text("not a scan", encoding="utf-8")
    for bad, exit_code, error in [
        (["reply", "record", "1405/ص/999", "--file", str(scan)], 3, "letter_not_found"),
        (["reply", "record", current, "--file", str(text)], 2, "attachment_type_refused"),
    ]:
        code, out, _ = cli(*bad, "--their-number", "1", "--date", "1405/09/02", "--json")
        assert (code, json.loads(out)["error"]["code"]) == (exit_code, error)
    assert [r["number"] for r in cli.json("reply", "outstanding")["letters"]] == [current]
