"""The context builder, the facts schemas, the wording and the template checks (no rendering)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from generators import anonymity_warnings, build_context, check_templates
from generators.checks import docx_variable_problems, text_problems, variable_problems
from generators.cleaning import clean
from generators.errors import AnonymityViolation, InvalidFacts, TemplateProblem, UnknownKind
from generators.facts import Complainant
from generators.kinds import KINDS
from generators.samples import sample_data, sample_facts
from generators.wording import compose


@pytest.mark.parametrize("kind", KINDS)
def test_context_is_json_and_persian(kind: str) -> None:
    context = build_context(kind, sample_facts(kind))
    assert json.loads(json.dumps(context)) == context
    assert context["letter"]["date"] == "۱۴۰۵/۰۹/۰۴"
    assert context["letter"]["number"].startswith("۱۴۰۵/ص/")
    # Grouped in fours, isolated left to right so the groups keep their order.
    assert context["complaint"]["tracking_code"] == "\u2066۱۴۰۵-۰۹۰۷-۹۱۹\u2069"


@pytest.mark.parametrize("kind", KINDS)
def test_json_form_gives_the_same_context(kind: str) -> None:
    facts = sample_facts(kind)
    again = json.loads(json.dumps(facts.model_dump(mode="json")))
    assert build_context(kind, again) == build_context(kind, facts)


def test_unknown_kind() -> None:
    with pytest.raises(UnknownKind) as caught:
        build_context("memo", sample_data("referral"))
    assert caught.value.code == "unknown_letter_kind"


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        ("referral", "recipient"),
        ("reminder", "referral"),
        ("escalation", "superior"),
        ("missing_documents", "missing"),
        ("rejection", "reason"),
        ("inspection_assignment", "inspection_date"),
        ("inspection_report", "conclusion"),
        ("final_answer", "decision"),
    ],
)
def test_required_fields_are_required(kind: str, missing: str) -> None:
    data = sample_data(kind)
    del data[missing]
    with pytest.raises(InvalidFacts) as caught:
        build_context(kind, data)
    assert missing in caught.value.params["fields"]
    assert caught.value.code == "invalid_letter_facts"


def test_bad_number_date_and_naive_time_are_refused() -> None:
    data = sample_data("referral")
    data["letter"] = dict(data["letter"], number="123", jalali_date="1405/13/01")
    data["letter"]["issued_at"] = "2026-11-25T10:30:00"
    with pytest.raises(InvalidFacts) as caught:
        build_context("referral", data)
    assert set(caught.value.params["fields"]) >= {
        "letter.number",
        "letter.jalali_date",
        "letter.issued_at",
    }


def _all_strings(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize(
    "kind", ["referral", "reminder", "escalation", "inspection_assignment", "inspection_report"]
)
def test_anonymous_complainant_is_hidden_from_agency_letters(kind: str) -> None:
    context = build_context(kind, sample_facts(kind, anonymous=True))
    text = compose(kind, context)
    seen = _all_strings(context) + _all_strings(dataclasses.asdict(text))
    for secret in ("حسینی", "محمدرضا", "۰۰۱۲۳۴۵۶۷۹", "0012345679", "۰۹۱۲۱۲۳۴۵۶۷", "نوروزیان"):
        assert secret not in seen, secret
    assert all("حسینی" not in c["recipient"] for c in context["copies"])


@pytest.mark.parametrize("kind", ["missing_documents", "rejection", "final_answer", "receipt"])
def test_complainant_letters_name_the_complainant(kind: str) -> None:
    context = build_context(kind, sample_facts(kind, anonymous=True))
    assert "محمدرضا حسینی" in context["recipient"]["lines"][0]


def test_copy_to_an_agency_of_an_anonymous_complainants_letter_is_refused() -> None:
    data = sample_data("final_answer", anonymous=True)
    data["copies"] = [
        {"recipient": "شهردار محترم قزوین", "description": "جهت اطلاع", "audience": "agency"}
    ]
    with pytest.raises(AnonymityViolation) as caught:
        build_context("final_answer", data)
    assert caught.value.code == "anonymous_copy_to_agency"


def test_attachment_named_after_the_complainant_is_not_forwarded() -> None:
    data = sample_data("referral", anonymous=True)
    data["attachments"] = [
        {"name": "نامه شهرداری", "kind": "سند"},
        {"name": "رسید پرداخت آقای حسینی", "kind": "سند"},  # named, not flagged
        {"name": "تصویر سند", "kind": "سند", "identifies_complainant": True},  # flagged
    ]
    context = build_context("referral", data)
    assert [a["name"] for a in context["attachments"]] == ["نامه شهرداری"]
    assert context["letter"]["attachments"] == "۱ مورد"


def test_escalation_copies_the_superior_and_assignment_copies_the_agency() -> None:
    escalation = build_context("escalation", sample_facts("escalation"))
    assert escalation["copies"][0]["recipient"].startswith("معاون محترم هماهنگی")
    assignment = build_context("inspection_assignment", sample_facts("inspection_assignment"))
    assert assignment["copies"][0]["recipient"] == "شهردار محترم قزوین"


def test_anonymity_warnings() -> None:
    person = Complainant.model_validate(sample_data("referral")["complaint"]["complainant"])
    assert anonymity_warnings("این شکایت از طرف من است", person) == []
    found = anonymity_warnings(
        "اینجانب محمدرضا حسيني با کد ملی ۰۰۱-۲۳۴۵۶۷-۹ و شماره 0912 123 4567 شکایت دارم", person
    )
    assert found == ["name", "national_id", "mobile"]


def test_clean_keeps_text_and_removes_what_could_forge_or_reverse_it() -> None:
    text = "سلام\u202e{{ x }}\x1e<b>&]]>\u200cمی‌شود Latin 123 😀 中"
    cleaned = clean(text)
    # Latin runs come back isolated (LRI … PDI), their digits as typed.
    assert (
        cleaned
        == "سلام{{ \u2066x\u2069 }}<\u2066b\u2069>&]]>\u200cمی‌شود \u2066Latin 123\u2069 😀 \ufffd"
    )


def test_wording_markers_cannot_be_forged_by_user_text() -> None:
    data = sample_data("final_answer")
    data["decision"] = "خط اول\x1dعنوان جعلی\x1cمورد جعلی\nخط دوم"
    text = compose("final_answer", build_context("final_answer", data))
    styles = [(b.style, b.text) for b in text.blocks]
    assert ("p", "خط اولعنوان جعلیمورد جعلی") in styles
    assert ("p", "خط دوم.") in styles  # the decision ends with a full stop


@pytest.mark.parametrize("kind", KINDS)
def test_templates_use_only_schema_variables(kind: str) -> None:
    assert variable_problems(kind) == []
    assert docx_variable_problems(kind) == []


def test_text_problems_are_found() -> None:
    found = text_problems("x.html", "شماره: \nموضوع: None {{ y }}")
    details = [p.describe() for p in found]
    assert any("None" in d for d in details)
    assert any("'{{'" in d for d in details)
    assert any("شماره" in d and "empty field label" in d for d in details)


def test_missing_variable_names_template_line_and_variable() -> None:
    context = build_context("referral", sample_facts("referral"))
    del context["legal"]
    with pytest.raises(TemplateProblem) as caught:
        compose("referral", context)
    problem = caught.value
    assert problem.template == "referral/wording.j2"
    assert problem.variable == "legal"
    assert problem.where.startswith("line ")
    assert problem.kind.exit_code == 4


@pytest.mark.slow
def test_check_templates_finds_nothing_in_the_shipped_templates() -> None:
    assert [p.describe() for p in check_templates()] == []
