"""Issue 12, the words: what letters say and how they name people (context and wording
level, no rendering), and the dossier's signatures (rendered, through the CLI)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from generators import build_context
from generators.samples import sample_data
from generators.wording import compose
from registry.letter_facts import report_addressee
from registry.settings import OfficeProfile, Settings
from registry.text import LRI, PDI, for_display, strip_bidi_marks
from tests.cli_support import Cli, register_args
from tests.factories import pdf_file


def _text(kind: str, data: dict[str, Any]) -> str:
    """The letter's words (subject, salutation, blocks) as one string, bidi marks removed."""
    words = compose(kind, build_context(kind, data))
    lines = [words.subject, words.salutation, *(b.text for b in words.blocks)]
    return strip_bidi_marks("\n".join(lines))


def test_displayed_text_is_normalised_once_and_the_typed_text_is_kept() -> None:
    typed = "ولي تاكنون در 1405/08/10 مبلغ 12,500,000 ریال (2.5 درصد) به info@qazvin.ir"
    shown = for_display(typed)
    assert shown == (
        f"ولی تاکنون در ۱۴۰۵/۰۸/۱۰ مبلغ ۱۲٬۵۰۰٬۰۰۰ ریال (۲٫۵ درصد) به {LRI}info@qazvin.ir{PDI}"
    )
    assert for_display(shown) == shown  # idempotent
    assert for_display("ISO 9001") == "ISO 9001"  # no Persian context: as typed
    data = sample_data("referral")
    data["complaint"] = dict(data["complaint"], text=typed, summary="")
    context = build_context("referral", data)
    assert "۱۲٬۵۰۰٬۰۰۰" in context["complaint"]["text"]
    assert "ي" not in context["complaint"]["text"] and "ك" not in context["complaint"]["text"]
    assert data["complaint"]["text"] == typed  # the facts keep what was typed


def test_referral_prints_the_reviewer_summary_and_names_people_with_honorifics() -> None:
    data = sample_data("referral")
    data["complaint"] = dict(data["complaint"], summary="شاکی از تأخیر در صدور پروانه گله دارد.")
    data["recipient"] = {
        "organisation": "شهرداری قزوین",
        "title": "شهردار محترم قزوین",
        "name": "مهندس احمدی",
        "honorific": "آقای",
    }
    context = build_context("referral", data)
    words = compose("referral", context)
    summary = [b.text for b in words.blocks if b.style == "p"][1]
    assert summary == "شاکی از تأخیر در صدور پروانه گله دارد."
    text = _text("referral", data)
    assert "مراجعات مکرر من" not in text  # the complainant's own words stay out
    assert "شکایت جناب آقای محمدرضا حسینی" in text
    assert context["recipient"]["lines"][0] == "جناب آقای مهندس احمدی، شهردار محترم قزوین"
    assert {"recipient": "جناب آقای محمدرضا حسینی (شاکی)", "description": "جهت اطلاع"} in (
        context["copies"]
    )
    assert text.count("ایفاد می‌گردد") == 1


def test_the_tracking_code_has_one_name_and_one_form_in_every_kind() -> None:
    from generators.kinds import KINDS

    for kind in KINDS:
        context = build_context(kind, sample_data(kind))
        text = _text(kind, sample_data(kind))
        assert "شماره پیگیری" not in text, kind
        assert "کد رهگیری" in text, kind
        assert context["complaint"]["tracking_code"] == f"{LRI}۱۴۰۵-۰۹۰۷-۹۱۹{PDI}"


def test_final_answer_joins_agencies_names_recourse_and_copies_the_agencies() -> None:
    data = sample_data("final_answer")
    data["complaint"] = dict(data["complaint"], agencies=["شهرداری خرمدشت", "شهرداری زیاران"])
    data["recourse"] = "دیوان عدالت اداری"
    data["replies_summary"] = "شهرداری خرمدشت پاسخ داد"
    data["copies"] = [
        {"recipient": "شهردار محترم خرمدشت", "description": "جهت اطلاع", "audience": "agency"}
    ]
    text = _text("final_answer", data)
    assert "از طریق شهرداری‌های خرمدشت و زیاران پیگیری" in text
    assert "شهرداری خرمدشت پاسخ داد." in text  # a full stop closes the summary
    assert "جنابعالی می‌توانید در صورت عدم قناعت" in text and "دیوان عدالت اداری" in text
    assert build_context("final_answer", data)["copies"][0]["recipient"] == "شهردار محترم خرمدشت"
    assert Settings().office.recourse_body == "دیوان عدالت اداری"


def test_a_second_reminder_cites_the_first() -> None:
    data = sample_data("reminder")
    data["previous"] = [{"number": "1405/ص/104", "date": "1405/08/25"}]
    text = _text("reminder", data)
    assert "پیرو نامه شماره ۱۴۰۵/ص/۱۰۴ مورخ ۱۴۰۵/۰۸/۲۵ این دفتر" in text
    assert "نامه ارجاع شماره ۱۴۰۵/ص/۹۸" in text


def test_no_chaser_is_dated_on_the_day_the_reminder_before_it_falls_due() -> None:
    settings = Settings(reminder_deadline_days=5, chase_second_after=5, chase_escalate_after=3)
    assert settings.chase_second_gap == 6 and settings.chase_escalate_gap == 6
    assert Settings(chase_escalate_after=9).chase_escalate_gap == 9


def test_rejection_points_to_the_competent_body_and_the_receipt_promises_no_days() -> None:
    data = sample_data("rejection")
    data["competent_authority"] = Settings().office.competent_bodies["municipal_dues"]
    text = _text("rejection", data)
    assert "به این دلیل" not in text
    assert "مرجع صالح برای رسیدگی به این موضوع کمیسیون ماده ۷۷ قانون شهرداری‌ها است" in text
    receipt = _text("receipt", sample_data("receipt"))
    assert "روز کاری" not in receipt and "۳۱" not in receipt


def test_the_inspection_report_goes_to_the_authority_the_office_reports_to() -> None:
    office = OfficeProfile(signatory_name="دکتر سعید نوروزی")
    addressee = report_addressee(office)
    assert addressee["title"] == "استاندار محترم قزوین"
    assert office.name not in addressee["title"]
    data = sample_data("inspection_report")
    data["recipient"] = addressee
    data["replies"] = [
        dict(
            data["replies"][0],
            followups=[
                {"kind": "reminder", "letter": {"number": "1405/ص/104", "date": "1405/08/25"}},
                {
                    "kind": "reminder",
                    "ordinal": 2,
                    "letter": {"number": "1405/ص/111", "date": "1405/08/30"},
                },
                {"kind": "escalation", "letter": {"number": "1405/ص/118", "date": "1405/09/02"}},
            ],
        )
    ]
    context = build_context("inspection_report", data)
    assert context["recipient"]["lines"][0] == "استاندار محترم قزوین"
    text = _text("inspection_report", data)
    assert "پیگیری نوبت اول با نامه شماره ۱۴۰۵/ص/۱۰۴ مورخ ۱۴۰۵/۰۸/۲۵" in text
    assert "پیگیری نوبت دوم با نامه شماره ۱۴۰۵/ص/۱۱۱" in text
    assert "تذکر و گزارش به مقام مافوق با نامه شماره ۱۴۰۵/ص/۱۱۸" in text


def test_a_preview_is_marked_as_a_draft() -> None:
    data = sample_data("referral")
    data["letter"] = dict(data["letter"], draft=True)
    assert build_context("referral", data)["letter"]["number"] == "پیش‌نویس"


def test_an_anonymous_complaint_needs_a_summary_and_forwards_only_what_is_marked(
    cli: Cli, tmp_path: Path
) -> None:
    followup = pdf_file(tmp_path / "followup.pdf")
    code = cli.json(*register_args(tmp_path, "--anonymous", "--attach", f"followup={followup}"))[
        "tracking_code"
    ]
    failed, out, _ = cli("complaint", "review", code, "--accept", "--json")
    assert (failed, json.loads(out)["error"]["code"]) == (2, "summary_required_anonymous")
    named = "آقای علی رضایی از اشغال پیاده‌رو گله دارد."
    failed, out, _ = cli("complaint", "review", code, "--accept", "--summary", named, "--json")
    assert (failed, json.loads(out)["error"]["code"]) == (4, "anonymous_summary_names")
    summary = "شاکی از اشغال پیاده‌رو به دست مغازه‌داران گله دارد و رفع سد معبر را می‌خواهد."
    cli.json("complaint", "review", code, "--accept", "--summary", summary, "--forward", "1")
    shown = cli.json("complaint", "show", code)
    assert shown["summary"] == summary
    assert [d["forwardable"] for d in shown["documents"]] == [True, False]


def _answered_case(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A case referred, replied to and answered with the office's trial key (signed)."""
    monkeypatch.setenv("RESIDEGI_SIGNING_KEY_PASSPHRASE", "رمز آزمایشی")
    assert cli("keys", "init")[0] == 0
    code = cli.json(*register_args(tmp_path))["tracking_code"]
    cli.json("complaint", "review", code, "--accept", "--summary", "شاکی از سد معبر گله دارد.")
    from office import pipeline
    from office.runtime import Runtime
    from registry.settings import load_settings

    runtime = Runtime(load_settings(home=cli.home))
    try:
        batch = pipeline.Batch(runtime, "دبیرخانه")
        ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
        pipeline.deliver(batch, ids, pipeline.move_complaint_when_referred(batch))
    finally:
        runtime.close()
    (letter,) = cli.json("letter", "list")
    scan = pdf_file(tmp_path / "reply.pdf")
    cli.json(
        "reply", "record", letter["number"], "--file", str(scan), "--their-number", "45/ش",
        "--date", "1405/09/04", "--outcome", "accepted", "--summary", "سد معبر رفع شد",
    )  # fmt: skip
    decision = tmp_path / "decision.txt"
    decision.write_text("سد معبر رفع شد و موضوع مختومه است.", encoding="utf-8")
    cli.json("answer", code, "--text-file", str(decision))
    return str(code)


def test_the_dossier_carries_no_broken_signature_and_verify_checks_the_embedded_answer(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = _answered_case(cli, tmp_path, monkeypatch)
    dossier = tmp_path / "dossier.pdf"
    cli.json("dossier", code, "-o", str(dossier))
    pdfsig = subprocess.run(["pdfsig", str(dossier)], capture_output=True, text=True)
    said = pdfsig.stdout + pdfsig.stderr
    assert "Digest Mismatch" not in said and "Signature #" not in said
    reader = PdfReader(dossier)
    assert reader.metadata is not None and reader.metadata.title is not None
    assert not any(ch.isascii() and ch.isdigit() for ch in reader.metadata.title)
    (embedded,) = [name for name in reader.attachments if name.endswith(".pdf")]
    failed, out, _ = cli("verify", str(dossier), "--json")
    report = json.loads(out)
    assert report["dossier"] is True and len(report["embedded"]) == 1
    inner = report["embedded"][0]
    assert inner["path"].endswith(f"#{embedded}")
    assert inner["intact"] is True and inner["valid"] is True
    assert inner["archive"] == "held"
    assert failed == 0 and report["problems"] == []


def test_a_named_complaint_sends_its_full_text_as_an_attachment_of_the_referral(
    cli: Cli, tmp_path: Path
) -> None:
    from office import pipeline
    from office.runtime import Runtime
    from registry.settings import load_settings

    code = cli.json(*register_args(tmp_path))["tracking_code"]
    cli.json("complaint", "review", code, "--accept", "--summary", "شاکی از سد معبر گله دارد.")
    kinds = [d["kind"] for d in cli.json("complaint", "show", code)["documents"]]
    assert kinds == ["evidence", "complaint_text"]
    runtime = Runtime(load_settings(home=cli.home))
    try:
        batch = pipeline.Batch(runtime, "دبیرخانه")
        ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
        with runtime.sessions() as session:
            from registry.models import Letter

            facts = session.get_one(Letter, ids[0]).facts
    finally:
        runtime.close()
    assert [a["kind"] for a in facts["attachments"]] == ["مستندات شکایت", "متن کامل شکایت"]
    text = _text("referral", facts)
    assert "شاکی از سد معبر گله دارد. متن کامل شکایت پیوست است." in text
    assert "مغازه‌دار پیاده‌رو را بسته است" not in text


def test_chaser_previews_cite_the_reminders_sent_and_respect_a_recorded_reply(
    cli: Cli, tmp_path: Path
) -> None:
    from office.pipeline import Batch
    from office.preview import preview_facts
    from office.runtime import Runtime
    from registry.errors import Refused
    from registry.kinds import LetterKind
    from registry.settings import load_settings
    from tests.test_cli_replies import referral

    number = referral(cli, tmp_path, reminder=True)
    (code,) = [c["tracking_code"] for c in cli.json("complaint", "list")]
    runtime = Runtime(load_settings(home=cli.home))
    try:
        batch = Batch(runtime, "بازرس")
        with runtime.sessions() as session:
            reminder = preview_facts(batch, session, LetterKind.REMINDER, code, None)
            escalation = preview_facts(batch, session, LetterKind.ESCALATION, code, None)
        assert reminder["ordinal"] == 2 and len(reminder["previous"]) == 1
        assert reminder["letter"]["draft"] is True
        assert escalation["reminders"] == reminder["previous"]
        assert escalation["reminders"][0]["number"] != number  # the reminder, not the referral
        scan = pdf_file(tmp_path / "reply.pdf")
        cli.json(
            "reply", "record", number, "--file", str(scan), "--their-number", "7/ش",
            "--date", "1405/09/04",
        )  # fmt: skip
        with runtime.sessions() as session, pytest.raises(Refused) as refused:
            preview_facts(batch, session, LetterKind.ESCALATION, code, None)
        assert refused.value.code == "preview_already_replied"
    finally:
        runtime.close()


def test_the_report_lists_the_reminders_that_chased_each_referral(cli: Cli, tmp_path: Path) -> None:
    from sqlalchemy import select

    from office.runtime import Runtime
    from registry.letter_facts import reply_records
    from registry.models import Complaint
    from registry.settings import load_settings
    from tests.test_cli_replies import referral

    number = referral(cli, tmp_path, reminder=True)
    runtime = Runtime(load_settings(home=cli.home))
    try:
        with runtime.sessions() as session:
            complaint = session.scalars(select(Complaint)).one()
            (record,) = reply_records(session, complaint)
    finally:
        runtime.close()
    assert record["letter"]["number"] == number
    (followup,) = record["followups"]
    assert followup["kind"] == "reminder" and followup["ordinal"] == 1
    assert followup["letter"]["date"] == "1405/09/01"
