"""A classified case on the command line (issue 16): the operator holds only the clearance
the office gives it (``operator_clearance``, default «عادی»), so `complaint list`, `complaint
show`, `search` and `dossier` know nothing of a case above it (exit 3 as for an unknown
code); cleared, they show it.  `user clear` sets a user's clearance, which the command
line holds when it acts as that user."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli_support import Cli, register_args
from tests.factories import pdf_file

NOT_FOUND = 3


@pytest.fixture
def secret(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A case the operator, cleared for «سری» for the time, classified «سری» at review."""
    code = str(cli.json(*register_args(tmp_path))["tracking_code"])
    monkeypatch.setenv("RESIDEGI_OPERATOR_CLEARANCE", "secret")
    reviewed = cli.json(
        "complaint",
        "review",
        code,
        "--accept",
        "--priority",
        "immediate",
        "--classification",
        "secret",
    )
    assert reviewed["state"] == "accepted"
    monkeypatch.delenv("RESIDEGI_OPERATOR_CLEARANCE")
    return code


def _unknown(cli: Cli, *args: str) -> None:
    got, out, _ = cli(*args, "--json")
    assert got == NOT_FOUND, (args, out)
    assert json.loads(out)["error"]["code"] == "complaint_not_found"


def test_the_operator_without_clearance_knows_nothing_of_it(
    cli: Cli, secret: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert secret not in [r["tracking_code"] for r in cli.json("complaint", "list")]
    _unknown(cli, "complaint", "show", secret)
    found = cli.json("search", secret)
    assert found["results"] == []
    assert cli.json("search", "سد معبر")["results"] == []
    _unknown(cli, "dossier", secret, "-o", str(tmp_path / "d.pdf"))
    assert not (tmp_path / "d.pdf").exists()
    # Nor may it act on it: the case is as unknown to a withdrawal.
    _unknown(cli, "complaint", "withdraw", secret, "--reason", "انصراف")

    monkeypatch.setenv("RESIDEGI_OPERATOR_CLEARANCE", "top_secret")
    assert secret in [r["tracking_code"] for r in cli.json("complaint", "list")]
    shown = cli.json("complaint", "show", secret)
    assert (shown["priority"], shown["classification"]) == ("immediate", "secret")
    assert [r["tracking_code"] for r in cli.json("search", secret)["results"]] == [secret]
    assert cli.json("dossier", secret, "-o", str(tmp_path / "d.pdf"))["tracking_code"] == secret
    got, out, _ = cli("complaint", "show", secret)
    assert got == 0 and "سری" in out and "آنی" in out


def test_the_operator_classifies_no_higher_than_its_clearance(cli: Cli, tmp_path: Path) -> None:
    code = cli.json(*register_args(tmp_path))["tracking_code"]
    got, out, _ = cli(
        "complaint", "review", code, "--accept", "--classification", "confidential", "--json"
    )
    assert got == 4
    assert json.loads(out)["error"]["code"] == "classification_above_clearance"
    got, out, _ = cli("complaint", "review", code, "--accept", "--priority", "soon", "--json")
    assert got == 2
    assert cli.json("complaint", "show", code)["state"] == "registered"


def test_user_clear_gives_a_user_their_clearance(
    cli: Cli, secret: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = tmp_path / "password"
    password.write_text("a-long-password-1405\n")
    added = cli.json(
        "user", "add", "bazres", "--role", "inspector", "--password-file", str(password)
    )
    assert added["clearance"] == "normal"
    got, out, _ = cli("user", "clear", "bazres", "sirri", "--json")
    assert got == 2, out
    monkeypatch.setenv("RESIDEGI_CLI_ACTS_AS_USER", "true")
    _unknown(cli, "complaint", "show", secret, "--as", "bazres")
    monkeypatch.delenv("RESIDEGI_CLI_ACTS_AS_USER")
    assert cli.json("user", "clear", "bazres", "secret")["clearance"] == "secret"
    assert [u["clearance"] for u in cli.json("user", "list")] == ["secret"]
    monkeypatch.setenv("RESIDEGI_CLI_ACTS_AS_USER", "true")
    assert cli.json("complaint", "show", secret, "--as", "bazres")["classification"] == "secret"
    found = cli.json("search", secret, "--as", "bazres")["results"]
    assert [r["tracking_code"] for r in found] == [secret]
    # The operator (no user) still holds only «عادی».
    monkeypatch.delenv("RESIDEGI_CLI_ACTS_AS_USER")
    _unknown(cli, "complaint", "show", secret)


def _dispatch(cli: Cli) -> None:
    """The pending referrals numbered, rendered and sent, as a batch does (in process)."""
    from generators.batch import RenderPool
    from office.pipeline import Batch, number_and_send, pending_referrals
    from office.runtime import Runtime
    from registry.settings import Settings

    settings = Settings(home=cli.home, today="1405/09/04", office={"signatory_name": "محمد احمدی"})
    runtime = Runtime(settings)
    batch = Batch(runtime, "tester")
    with RenderPool[int](1) as pool:
        number_and_send(batch, pool, pending_referrals(batch, None))
    runtime.close()


def _outgoing_book(cli: Cli, day: str) -> list[dict[str, Any]]:
    book = cli.json("book", "--day", day, "--register", "outgoing")
    return list(book["registers"][0]["entries"])


def test_the_letters_of_a_hidden_case_are_not_found_either(
    cli: Cli, secret: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dispatch(cli)
    monkeypatch.setenv("RESIDEGI_OPERATOR_CLEARANCE", "secret")
    letters = [x for x in cli.json("letter", "list") if x["tracking_code"] == secret]
    referral = next(x["number"] for x in letters if x["kind"] == "referral")
    waiting = cli.json("reply", "outstanding")["letters"]
    assert referral in [x["number"] for x in waiting]
    assert cli.json("deadline", "explain", referral)["number"] == referral
    monkeypatch.delenv("RESIDEGI_OPERATOR_CLEARANCE")

    listed = [x["number"] for x in cli.json("letter", "list")]
    assert not set(listed) & {x["number"] for x in letters}
    assert referral not in [x["number"] for x in cli.json("reply", "outstanding")["letters"]]
    scan = pdf_file(tmp_path / "reply.pdf")
    reply = ("--file", str(scan), "--their-number", "۵۵", "--date", "1405/09/01")
    for args in (
        ("letter", "show", referral),
        ("letter", "export", referral, "-o", str(tmp_path / "r.pdf")),
        ("deadline", "explain", referral),
        # Nor may it act on them: each change finds no such letter, and changes nothing.
        ("letter", "left", referral, "--by", "hand"),
        ("letter", "received", referral),
        ("letter", "void", referral, "--reason", "اشتباه"),
        ("deadline", "extend", referral, "--days", "3", "--reason", "درخواست دستگاه"),
        ("deadline", "pause", referral, "--reason", "بازرسی"),
        ("deadline", "resume", referral, "--reason", "بازرسی"),
        ("reply", "record", referral, *reply),
        (
            "incoming",
            "register",
            "--sender",
            "شهرداری",
            "--subject",
            "پاسخ",
            "--cites",
            referral,
            *reply,
        ),
    ):
        got, out, _ = cli(*args, "--json")
        assert got == NOT_FOUND, (args, out)
        assert json.loads(out)["error"]["code"] == "letter_not_found", args
    assert not (tmp_path / "r.pdf").exists()
    # The register book keeps the letter's row (the register stays gapless) without its
    # case's subject or tracking code.
    book = _outgoing_book(cli, letters[0]["date"])
    rows = [row for row in book if row["number"] == referral]
    assert [(row["tracking_code"], row["subject"]) for row in rows] == [
        (None, "ارجاع شکایت: طبقه‌بندی‌شده")
    ]
    assert "سد معبر" not in json.dumps(book, ensure_ascii=False)
    monkeypatch.setenv("RESIDEGI_OPERATOR_CLEARANCE", "secret")
    explained = cli.json("deadline", "explain", referral)
    assert explained["due_date"] == explained["explanation"]["due_date"]
    assert cli.json("letter", "show", referral)["state"] == "sent"
    book = _outgoing_book(cli, letters[0]["date"])
    assert [r["tracking_code"] for r in book if r["number"] == referral] == [secret]


def test_the_operator_without_clearance_may_not_work_the_case(
    cli: Cli, secret: str, tmp_path: Path
) -> None:
    decision = tmp_path / "decision.txt"
    decision.write_text("پاسخ", encoding="utf-8")
    got, _, err = cli("letter", "preview", "referral", "--case", secret, "-o", str(tmp_path / "p"))
    assert got == NOT_FOUND and "پیدا نشد" in err
    assert not (tmp_path / "p").exists()
    for args in (
        ("inspect", secret, "--inspector", "رضا کریمی"),
        ("report", secret),
        ("answer", secret, "--text-file", str(decision)),
    ):
        _unknown(cli, *args)


def test_the_drafts_of_a_hidden_case_are_not_shown_nor_decided(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = str(cli.json(*register_args(tmp_path))["tracking_code"])
    monkeypatch.setenv("RESIDEGI_OFFICE__APPROVAL_REQUIRED_KINDS", '["rejection"]')
    monkeypatch.setenv("RESIDEGI_OPERATOR_CLEARANCE", "secret")
    cli.json(
        "complaint",
        "review",
        code,
        "--reject",
        "--reason",
        "خارج از صلاحیت",
        "--classification",
        "secret",
    )
    (draft,) = cli.json("letter", "drafts")
    assert draft["tracking_code"] == code
    monkeypatch.delenv("RESIDEGI_OPERATOR_CLEARANCE")

    assert cli.json("letter", "drafts", "--all") == []
    for args in (
        ("letter", "approve", str(draft["id"])),
        ("letter", "sign", str(draft["id"])),
        ("letter", "reject-draft", str(draft["id"]), "--reason", "نادرست"),
    ):
        got, out, _ = cli(*args, "--json")
        assert got == NOT_FOUND, (args, out)
        assert json.loads(out)["error"]["code"] == "draft_not_found"
    # Deciding "all waiting" passes over it.
    assert cli.json("letter", "sign", "--all") == []
    monkeypatch.setenv("RESIDEGI_OPERATOR_CLEARANCE", "secret")
    assert [d["state"] for d in cli.json("letter", "drafts")] == ["draft"]
