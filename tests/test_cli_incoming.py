"""The incoming register and the register book on the command line (issue 16): reply
numbers, papers received outside a case, attaching them, the book of a day and a month.

The training clock says today is 1405/09/04; letters are made as tests/test_cli_replies.py
makes them (the register and ``mark_sent``, no dispatch).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from registry.text import strip_bidi_marks
from tests.cli_support import Cli
from tests.factories import pdf_file
from tests.test_cli_replies import referral


def _reply(cli: Cli, scan: Path, number: str, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = cli(
        "reply", "record", number, "--file", str(scan), "--their-number", "۸۸/ش",
        "--date", "1405/09/02", "--json", *extra,
    )  # fmt: skip
    return code, json.loads(out)


def _register_args(scan: Path, *extra: str) -> list[str]:
    return [
        "incoming", "register", "--file", str(scan), "--their-number", "۴۴۱/د",
        "--date", "1405/09/03", "--subject", "بخشنامه ساعت کاری", *extra,
    ]  # fmt: skip


def test_a_reply_takes_the_next_incoming_number_and_keeps_it_when_superseded(
    cli: Cli, tmp_path: Path
) -> None:
    first, second = referral(cli, tmp_path, "1405/09/01"), referral(cli, tmp_path, "1405/09/01")
    scan = pdf_file(tmp_path / "reply.pdf")
    code, recorded = _reply(cli, scan, first, "--enclosures", "2")
    assert code == 0 and recorded["incoming_number"] == "1405/و/1"
    code, refused = _reply(cli, scan, first)
    assert (code, refused["error"]["code"]) == (4, "reply_exists")  # and takes no number
    code, other = _reply(cli, scan, second)
    assert code == 0 and other["incoming_number"] == "1405/و/2"
    code, newer = _reply(cli, scan, first, "--supersede")
    assert (code, newer["superseded"], newer["incoming_number"]) == (0, True, "1405/و/3")

    register = cli.json("incoming", "list")
    assert [(p["incoming_number"], p["cites"]) for p in register] == [
        ("1405/و/1", first),
        ("1405/و/2", second),
        ("1405/و/3", first),
    ]
    paper = cli.json("incoming", "show", "۱۴۰۵/و/۱")  # Persian digits, as staff type it
    assert paper["sender"] == "شهرداری قزوین" and paper["agency"] == "شهرداری قزوین"
    assert (paper["their_number"], paper["their_date"], paper["date"]) == (
        "۸۸/ش",
        "1405/09/02",
        "1405/09/04",
    )
    assert paper["enclosures"] == 2 and paper["tracking_code"] is not None
    code, out, _ = cli("reply", "record", second, "--file", str(scan), "--their-number", "۹",
                       "--date", "1405/09/02", "--supersede")  # fmt: skip
    assert code == 0 and "به شماره وارده ۱۴۰۵/و/۴ ثبت شد" in out


def test_a_paper_outside_a_case_is_registered_then_attached(cli: Cli, tmp_path: Path) -> None:
    number = referral(cli, tmp_path, "1405/09/01")
    tracking = cli.json("letter", "show", number)["tracking_code"]
    scan = pdf_file(tmp_path / "circular.pdf")
    paper = cli.json(*_register_args(scan, "--agency", "شهرداری تاکستان", "--cites", number))
    assert paper["incoming_number"] == "1405/و/1" and paper["tracking_code"] is None
    assert (paper["sender"], paper["cites"], paper["enclosures"]) == (
        "شهرداری تاکستان",
        number,
        None,
    )
    circular = cli.json(*_register_args(scan, "--sender", "وزارت کشور", "--enclosures", "0"))
    assert circular["incoming_number"] == "1405/و/2" and circular["agency"] is None
    unattached = cli.json("incoming", "list", "--unattached")
    assert [p["incoming_number"] for p in unattached] == ["1405/و/1", "1405/و/2"]

    documents_before = len(cli.json("complaint", "show", tracking)["documents"])
    attached = cli.json("incoming", "attach", "1405/1/و", tracking)  # parts in any order
    assert attached["tracking_code"] == tracking and attached["incoming_number"] == "1405/و/1"
    assert attached["attached_at"] is not None
    documents = cli.json("complaint", "show", tracking)["documents"]
    assert len(documents) == documents_before + 1
    assert (documents[-1]["name"], documents[-1]["kind"]) == ("circular.pdf", "other")
    assert [p["incoming_number"] for p in cli.json("incoming", "list", "--unattached")] == [
        "1405/و/2"
    ]
    code, out, _ = cli("incoming", "attach", "1405/و/2", tracking)
    assert code == 0 and "نامه وارده ۱۴۰۵/و/۲ به پرونده" in out


@pytest.mark.parametrize(
    ("args", "exit_code", "error"),
    [
        (("incoming", "attach", "1405/و/1", "0000-0000-0000"), 2, "invalid_tracking_code"),
        (("incoming", "attach", "1405/و/9", "x"), 3, "incoming_not_found"),
        (("incoming", "show", "1405/ص/1"), 2, "invalid_letter_number"),
        (("incoming", "show", "1405/و/9"), 3, "incoming_not_found"),
        (("book", "--day", "1405/09/04", "--month", "1405/09"), 2, "day_or_month"),
        (("book", "--month", "1405/13"), 2, "invalid_jalali_month"),
        (("book", "--register", "both-ways"), 2, "invalid_option"),
        (("book", "--format", "pdf"), 2, "field_required"),
    ],
)
def test_refusals(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], exit_code: int, error: str
) -> None:
    assert cli.json(*_register_args(pdf_file(tmp_path / "c.pdf"), "--sender", "x"))
    code, out, _ = cli(*args, "--json")
    assert (code, json.loads(out)["error"]["code"]) == (exit_code, error)


def test_registration_refusals_write_nothing(cli: Cli, tmp_path: Path) -> None:
    scan = pdf_file(tmp_path / "c.pdf")
    for extra, exit_code, error in [
        ((), 2, "field_required"),  # no sender, no agency
        (("--agency", "شهرداری ناکجا"), 3, "agency_not_found"),
        (("--sender", "x", "--date", "1405/09/05"), 2, "date_in_future"),
        (("--sender", "x", "--enclosures", "-1"), 2, "invalid_enclosures"),
        (("--sender", "x", "--cites", "1405/ص/99"), 3, "letter_not_found"),
        (("--sender", "x" * 301), 2, "field_too_long"),
    ]:
        code, out, _ = cli(*_register_args(scan), *extra, "--json")
        assert (code, json.loads(out)["error"]["code"]) == (exit_code, error), extra
    assert cli.json("incoming", "list") == []
    assert cli.json(*_register_args(scan, "--sender", "x"))["incoming_number"] == "1405/و/1"


def test_the_register_restarts_at_1_in_a_new_jalali_year(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan = pdf_file(tmp_path / "c.pdf")
    last_year = [
        cli.json(*_register_args(scan, "--sender", "x"))["incoming_number"] for _ in range(2)
    ]
    assert last_year == ["1405/و/1", "1405/و/2"]
    monkeypatch.setenv("RESIDEGI_TODAY", "1406/01/05")
    assert cli.json(*_register_args(scan, "--sender", "x"))["incoming_number"] == "1406/و/1"
    assert [p["incoming_number"] for p in cli.json("incoming", "list", "--year", "1405")] == (
        last_year
    )
    book = cli.json("book")  # today: 1406/01/05
    assert book["from"] == book["to"] == "1406/01/05"
    assert [e["number"] for e in book["registers"][1]["entries"]] == ["1406/و/1"]


def test_the_register_book_of_a_day_and_a_month(cli: Cli, tmp_path: Path) -> None:
    early = referral(cli, tmp_path, "1405/08/20", reminder=True)  # reminder sent 1405/09/01
    late = referral(cli, tmp_path, "1405/09/01")
    scan = pdf_file(tmp_path / "reply.pdf")
    assert _reply(cli, scan, late, "--enclosures", "3")[0] == 0
    cli.json(*_register_args(scan, "--sender", "وزارت کشور"))

    month = cli.json("book", "--month", "۱۴۰۵/۰۹")
    assert (month["period"], month["from"], month["to"]) == ("month", "1405/09/01", "1405/09/30")
    outgoing, incoming = month["registers"]
    assert (outgoing["register"], outgoing["code"]) == ("outgoing", "ص")
    assert (incoming["register"], incoming["code"]) == ("incoming", "و")
    # Letters numbered in Azar, in number order: the reminder of the early referral, the
    # late referral (the early referral itself was numbered in Aban).
    numbers = [e["number"] for e in outgoing["entries"]]
    assert numbers == sorted(numbers, key=lambda n: int(n.rsplit("/", 1)[1]))
    assert early not in numbers and late in numbers
    reminder = outgoing["entries"][0]
    assert (reminder["row"], reminder["kind"], reminder["follows"]) == (1, "reminder", early)
    assert reminder["recipient"] == "شهرداری قزوین" and reminder["void"] is False
    assert reminder["subject"].startswith("پیگیری")
    assert [
        (e["row"], e["number"], e["sender"], e["answers"], e["enclosures"])
        for e in incoming["entries"]
    ] == [
        (1, "1405/و/1", "شهرداری قزوین", late, 3),
        (2, "1405/و/2", "وزارت کشور", None, None),
    ]
    assert incoming["entries"][0]["their_number"] == "۸۸/ش"
    assert incoming["entries"][0]["their_date"] == "1405/09/02"

    assert cli("letter", "void", early, "--reason", "نشانی نادرست")[0] == 0
    aban = cli.json("book", "--month", "1405/08", "--register", "outgoing")
    assert [r["register"] for r in aban["registers"]] == ["outgoing"]
    # A void letter keeps its place in the register, marked.
    assert [(e["number"], e["void"]) for e in aban["registers"][0]["entries"]] == [(early, True)]
    day = cli.json("book", "--day", "1405/09/04", "--register", "incoming")
    assert len(day["registers"][0]["entries"]) == 2
    assert cli.json("book", "--day", "1405/09/03")["registers"][1]["entries"] == []

    code, out, _ = cli("book", "--month", "1405/09")
    assert code == 0 and "نامه‌های صادره" in out and "نامه‌های وارده" in out
    assert "وزارت" in out  # the table wraps its cells to the terminal

    pdf = tmp_path / "book.pdf"
    code, _, err = cli("book", "--month", "1405/09", "--format", "pdf", "-o", str(pdf))
    assert code == 0, err
    again = tmp_path / "again.pdf"
    assert cli("book", "--month", "۱۴۰۵/۹", "--format", "pdf", "-o", str(again))[0] == 0
    assert again.read_bytes() == pdf.read_bytes()  # the same register, the same bytes
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"^Pages:\s+2$", pages, re.MULTILINE)  # one page per register

    def page(n: int) -> str:
        text = subprocess.run(
            ["pdftotext", "-raw", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        return strip_bidi_marks(text)

    outgoing_page, incoming_page = page(1), page(2)
    # Words as poppler extracts them (it splits at the zero-width non-joiner).
    assert all(w in outgoing_page for w in ("اندیکاتور", "صادره", "گیرنده", "پیرو", "پیگیری"))
    assert "وارده" not in outgoing_page
    assert all(w in incoming_page for w in ("اندیکاتور", "وارده", "فرستنده", "عطف", "کشور"))
    assert "۲/و/۱۴۰۵" in incoming_page and "۱۴۰۵/۰۹/۰۲" in incoming_page
