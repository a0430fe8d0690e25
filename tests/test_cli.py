"""The residegi command end to end, in process: messages, JSON keys and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_support import Cli, register_args
from tests.factories import national_id, png_bytes


def archived_files(cli: Cli) -> list[Path]:
    root = cli.home / "archive"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_register_show_list_review(cli: Cli, tmp_path: Path) -> None:
    record = cli.json(*register_args(tmp_path))
    assert set(record) >= {"tracking_code", "state", "agencies"}
    assert record["state"] == "registered"
    assert record["agencies"] == ["شهرداری قزوین"]
    assert record["registered_date"] == "1405/09/04"
    assert len(archived_files(cli)) == 1
    code = record["tracking_code"]
    shown = cli.json("complaint", "show", code)
    assert shown["complainant_detail"]["mobile"] == "09121234567"
    assert [d["kind"] for d in shown["documents"]] == ["evidence"]
    assert [c["tracking_code"] for c in cli.json("complaint", "list", "--state", "registered")] == [
        code
    ]
    narrowed = ["--agency", "شهرداری قزوین", "--since", "۱۴۰۵/۰۹/۰۴", "--until", "1405/09/04"]
    assert [c["tracking_code"] for c in cli.json("complaint", "list", *narrowed)] == [code]
    assert cli.json("complaint", "list", "--until", "1405/09/03") == []
    assert cli.json("complaint", "list", "--overdue") == []
    reviewed = cli.json("complaint", "review", code, "--accept", "--as", "بازرس")
    assert reviewed["state"] == "accepted"
    assert reviewed["warnings"] == ["followup_missing"]
    exit_code, out, _ = cli("complaint", "show", code)
    assert exit_code == 0 and "پذیرفته‌شده" in out


@pytest.mark.parametrize(
    ("change", "code", "exit_code"),
    [
        (("--national-id", "1234567890"), "invalid_national_id", 2),
        (("--mobile", "12345"), "invalid_mobile", 2),
        (("--kind", "robot"), "invalid_option", 2),
        (("--agency", "شهرداری ناکجا"), "agency_not_found", 3),
        (("--attach", "evidence=/no/such/file.pdf"), "attachment_missing", 2),
        (("--attach", "scan.pdf"), "invalid_attach_spec", 2),
        (("--attach", "photo=scan.pdf"), "invalid_option", 2),
    ],
)
def test_bad_registration_exits_with_code_and_writes_nothing(
    cli: Cli, tmp_path: Path, change: tuple[str, str], code: str, exit_code: int
) -> None:
    args = register_args(tmp_path)
    if change[0] in args and change[0] != "--attach":
        args[args.index(change[0]) + 1] = change[1]
    else:
        args += list(change)
    got, out, _ = cli(*args, "--json")
    assert got == exit_code
    assert json.loads(out)["error"]["code"] == code
    assert json.loads(out)["error"]["message"]
    assert cli.json("complaint", "list") == []
    assert archived_files(cli) == []


@pytest.mark.parametrize(
    "command",
    [("answer", "--text-file"), ("inspect", "--inspector", "رضا کریمی", "--findings-file")],
)
def test_an_unreadable_text_file_is_refused_before_anything_is_done(
    cli: Cli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    code = cli.json(*register_args(tmp_path))["tracking_code"]
    not_utf8 = tmp_path / "decision.txt"
    not_utf8.write_bytes("تصمیم".encode()[:3] + b"\xff")
    name, *options = command
    for path in (not_utf8, tmp_path / "missing.txt"):
        got, out, _ = cli(name, code, *options, str(path), "--json")
        assert got == 2
        assert json.loads(out)["error"]["code"] == "text_file_unreadable"
    assert cli.json("complaint", "show", code)["state"] == "registered"


def test_attachments_checked_by_content_size_and_readability(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "letter.pdf"
    fake.write_text("not a pdf at all", encoding="utf-8")
    truncated = tmp_path / "scan.png"
    truncated.write_bytes(png_bytes()[:60])
    for path, code in ((fake, "attachment_type_refused"), (truncated, "attachment_unreadable")):
        got, out, _ = cli(*register_args(tmp_path, "--attach", f"other={path}"), "--json")
        assert (got, json.loads(out)["error"]["code"]) == (2, code)
    monkeypatch.setenv("RESIDEGI_ATTACHMENT_MAX_BYTES", "100")
    got, out, err = cli(*register_args(tmp_path))
    assert got == 2
    assert "بزرگ‌تر از حد مجاز" in err
    assert cli.json("complaint", "list") == []
    assert archived_files(cli) == []


def test_refused_transition_exits_4_with_a_persian_message(cli: Cli, tmp_path: Path) -> None:
    code = cli.json(*register_args(tmp_path))["tracking_code"]
    got, _, err = cli("complaint", "close", code)
    assert got == 4
    assert "ثبت‌شده" in err and "مختومه" in err
    got, out, _ = cli("complaint", "review", code, "--reject", "--json")
    assert (got, json.loads(out)["error"]["code"]) == (2, "field_required")
    got, _, _ = cli("complaint", "review", code, "--accept", "--reject")
    assert got == 2


def test_not_found_and_uninitialised(
    cli: Cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from registry.tracking import new_tracking_code

    valid = new_tracking_code()
    mistyped = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    got, out, _ = cli("complaint", "show", mistyped, "--json")
    assert (got, json.loads(out)["error"]["code"]) == (2, "invalid_tracking_code")
    got, out, _ = cli("complaint", "show", valid, "--json")
    assert (got, json.loads(out)["error"]["code"]) == (3, "complaint_not_found")
    got, out, _ = cli("letter", "show", "1405/ص/999", "--json")
    assert (got, json.loads(out)["error"]["code"]) == (3, "letter_not_found")
    fresh = Cli(tmp_path / "empty", capsys)
    got, _, err = fresh("complaint", "list")
    assert got == 2 and "residegi init" in err


def test_agency_add_edit_keeps_head_history(cli: Cli) -> None:
    added = cli.json(
        "agency",
        "add",
        "--name",
        "شهرداری شهر نمونه",
        "--kind",
        "municipality",
        "--head-title",
        "شهردار محترم شهر نمونه",
        "--parent",
        "فرمانداری قزوین",
    )
    assert (added["parent"], added["kind"]) == ("فرمانداری قزوین", "municipality")
    edited = cli.json("agency", "edit", "شهرداری شهر نمونه", "--head-name", "مهدی احمدی")
    assert (edited["head_title"], edited["head_name"]) == ("شهردار محترم شهر نمونه", "مهدی احمدی")
    got, out, _ = cli(
        "agency",
        "add",
        "--name",
        "شهرداري شهر نمونه",
        "--kind",
        "municipality",
        "--head-title",
        "x",
        "--json",
    )
    assert (got, json.loads(out)["error"]["code"]) == (4, "agency_exists")
    assert len(cli.json("agency", "list", "--kind", "county_governorate")) == 6


def test_init_twice_adds_nothing(cli: Cli) -> None:
    assert cli.json("init", "--sample")["agencies_added"] == 0
    assert len(cli.json("agency", "list")) == 34


def test_receipt_is_a_numbered_archived_letter(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "receipt.pdf"
    record = cli.json(*register_args(tmp_path, "--receipt", str(target)))
    assert record["receipt"] == {"number": "1405/ص/1", "file": str(target)}
    assert target.read_bytes().startswith(b"%PDF-")
    (letter,) = cli.json("letter", "list")
    assert (letter["kind"], letter["state"], letter["tracking_code"]) == (
        "receipt",
        "sent",
        record["tracking_code"],
    )
    assert letter["due_date"] is None  # a receipt expects no reply


def test_rejection_and_request_for_documents_send_their_letters(cli: Cli, tmp_path: Path) -> None:
    first = cli.json(*register_args(tmp_path))["tracking_code"]
    rejected = cli.json("complaint", "review", first, "--reject", "--reason", "خارج از صلاحیت")
    assert (rejected["state"], rejected["letter_number"]) == ("rejected", "1405/ص/1")
    args = register_args(tmp_path)
    args[args.index("--national-id") + 1] = national_id(4)
    second = cli.json(*args)["tracking_code"]
    asked = cli.json("complaint", "review", second, "--incomplete", "--missing", "followup")
    assert (asked["state"], asked["letter_number"]) == ("incomplete", "1405/ص/2")
    kinds = [(row["kind"], row["state"]) for row in cli.json("letter", "list")]
    assert kinds == [("rejection", "sent"), ("missing_documents", "sent")]


def test_preview_numbers_nothing(cli: Cli, tmp_path: Path) -> None:
    code = cli.json(*register_args(tmp_path))["tracking_code"]
    for fmt, magic in (("pdf", b"%PDF-"), ("docx", b"PK")):
        target = tmp_path / f"p.{fmt}"
        exit_code, _, err = cli(
            "letter", "preview", "referral", "--case", code, "-o", str(target), "--format", fmt
        )
        assert exit_code == 0, err
        assert target.read_bytes().startswith(magic)
    got, _, err = cli("letter", "preview", "inspection_report", "--case", code)
    assert got == 2 and "پیش‌نمایش" in err
    got, _, err = cli("letter", "preview", "reminder", "--case", code)
    assert got == 3 and "نامه ارجاع" in err
    assert cli.json("letter", "list") == []


def test_templates_check_passes_on_the_shipped_templates(cli: Cli) -> None:
    result = cli.json("templates", "check")
    assert result["problems"] == []
    assert len(result["kinds"]) == 9


def test_usage_errors_exit_2_with_a_message(cli: Cli) -> None:
    got, out, err = cli("complaint", "list", "--no-such-option")
    assert got == 2 and "no-such-option" in err and "Traceback" not in err
    got, out, _ = cli("complaint", "show", "--json")
    assert got == 2 and json.loads(out)["error"]["code"] == "usage"
