"""One rule for whether a text names a complainant (registry.anonymity)."""

from __future__ import annotations

from registry.anonymity import MIN_NEEDLE_LENGTH, Identifiers, identifying_mentions

PERSON = Identifiers(
    first_name="زهرا",
    last_name="کریمی",
    national_id="0012345679",
    mobile="09121234567",
)


def test_names_match_as_whole_words_in_any_spelling() -> None:
    assert identifying_mentions("اینجانب زهرا كريمي، ساکن قزوین", PERSON) == ["name"]
    assert identifying_mentions("رسید_پرداخت_کریمی.pdf", PERSON) == ["last_name"]
    assert identifying_mentions("خانواده کریمیان", PERSON) == []  # another word


def test_numbers_match_whatever_their_digits_and_spacing() -> None:
    text = "کد ملی ۰۰۱-۲۳۴۵۶۷-۹ و همراه 912 123 4567"
    assert identifying_mentions(text, PERSON) == ["national_id", "mobile"]


def test_a_company_is_found_by_its_name() -> None:
    company = Identifiers(first_name="علی", last_name="رضایی", company_name="شرکت نوآوران")
    assert identifying_mentions("قرارداد شرکت نوآوران با شهرداری", company) == ["company_name"]


def test_identifiers_shorter_than_the_threshold_are_not_looked_for() -> None:
    short = Identifiers(first_name="", last_name="ع" * (MIN_NEEDLE_LENGTH - 1), mobile="12")
    assert identifying_mentions(f"{'ع' * (MIN_NEEDLE_LENGTH - 1)} 12", short) == []
    assert identifying_mentions("any text", Identifiers()) == []
