"""Identity checks: one table of accepted and one of refused inputs per function.

The valid national IDs are synthetic, chosen so that the checksum's three branches are each
covered; the arithmetic is written next to them so that the table checks the code and not
the other way round.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from registry.errors import ErrorKind, InvalidInput
from registry.identity import (
    company_id_check_digit,
    national_id_check_digit,
    normalize_landline,
    normalize_mobile,
    validate_company_id,
    validate_foreign_id,
    validate_national_id,
    validate_postal_code,
)

Check = Callable[[str], str]


def assert_refused(check: Check, value: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check(value)
    assert caught.value.code == code
    assert caught.value.params == {"value": value}
    assert caught.value.kind is ErrorKind.INPUT


# --- national ID (کد ملی) ---------------------------------------------------------------

NATIONAL_ID_VALID = [
    # s = Σ dᵢ·(10−i), r = s mod 11; check = r if r < 2 else 11 − r
    ("1000000230", "1000000230"),  # s = 10 + 2·3 + 3·2 = 22, r = 0 → 0
    ("1000000151", "1000000151"),  # s = 10 + 1·3 + 5·2 = 23, r = 1 → 1
    ("1000000141", "1000000141"),  # s = 10 + 1·3 + 4·2 = 21, r = 10 → 1
    ("1000000109", "1000000109"),  # s = 10 + 1·3 = 13, r = 2 → 9
    ("1234567891", "1234567891"),  # s = 210, r = 1 → 1
    ("1231231238", "1231231238"),
    ("0013542419", "0013542419"),
    ("013542419", "0013542419"),  # nine digits: the leading zero was lost
    ("00841595", "0000841595"),  # eight digits
    ("۱۲۳۴۵۶۷۸۹۱", "1234567891"),  # Persian digits
    ("١٢٣٤٥٦٧٨٩١", "1234567891"),  # Arabic-Indic digits
    ("۰۰۱-۳۵۴۲۴۱-۹", "0013542419"),  # printed on the card as 001-354241-9
    (" 123 456 789 1 ", "1234567891"),
    ("\u200f۱۲۳۴۵۶۷۸۹۱\u200e", "1234567891"),  # direction marks pasted along
    ("123\u2013456789\u00a01", "1234567891"),  # en dash, no-break space
]

NATIONAL_ID_INVALID = [
    "",
    " ",
    "-",
    "1234567890",  # wrong check digit (1 expected)
    "1234567892",
    "1000000231",
    "0013542418",
    "2134567891",  # neighbours swapped
    "1111111111",  # passes the checksum, refused as all-same
    "5555555555",
    "۹۹۹۹۹۹۹۹۹۹",
    "0000000000",
    "0010000001",  # digits 4-9 all zero
    "1230000001",
    "1234567",  # seven digits: too short to pad
    "12345678901",  # eleven digits
    "12345678x1",
    "1234567891.",
    "+1234567891",
    "１２３４５６７８９１",  # fullwidth digits are not digits we accept
    "²234567891",
]


@pytest.mark.parametrize(("value", "expected"), NATIONAL_ID_VALID)
def test_national_id_accepted(value: str, expected: str) -> None:
    assert validate_national_id(value) == expected


@pytest.mark.parametrize("value", NATIONAL_ID_INVALID)
def test_national_id_refused(value: str) -> None:
    assert_refused(validate_national_id, value, "invalid_national_id")


@pytest.mark.parametrize("digit", "0123456789")
def test_every_all_same_national_id_is_refused_though_most_pass_the_checksum(digit: str) -> None:
    if digit != "0":  # 0000000000 fails on its zero middle instead
        assert national_id_check_digit(digit * 9) == int(digit)
    assert_refused(validate_national_id, digit * 10, "invalid_national_id")


def test_national_id_check_digit_needs_nine_digits() -> None:
    with pytest.raises(ValueError):
        national_id_check_digit("12345678")


# --- legal person's national ID (شناسه ملی) ----------------------------------------------

COMPANY_ID_VALID = [
    # Published as the valid example of persian-tools' verifyIranianLegalId (also in its
    # tests and in rust-persian-tools'); by hand: d = 9 + 2 = 11,
    # Σ (dᵢ + 11)·wᵢ = 3432 = 11·312, r = 0.
    ("10380284790", "10380284790"),
    ("10100387070", "10100387070"),  # constructed: check digit computed
    ("10861234565", "10861234565"),
    ("14000123453", "14000123453"),
    ("۱۰۳۸۰۲۸۴۷۹۰", "10380284790"),
    ("١٠٣٨٠٢٨٤٧٩٠", "10380284790"),
    ("1038-028-4790", "10380284790"),
    (" 10380 284790 ", "10380284790"),
]

COMPANY_ID_INVALID = [
    "",
    "10380284792",  # wrong check digit (persian-tools' invalid example)
    "10380285692",  # persian-tools' invalid example
    "10380284791",
    "10380248790",  # neighbours swapped
    "11111111111",
    "33333333333",  # passes the checksum, refused as all-same
    "00000000000",
    "1038028479",  # ten digits: no padding for legal IDs
    "103802847900",
    "1038028479O",  # letter O
    "+10380284790",
]


@pytest.mark.parametrize(("value", "expected"), COMPANY_ID_VALID)
def test_company_id_accepted(value: str, expected: str) -> None:
    assert validate_company_id(value) == expected


@pytest.mark.parametrize("value", COMPANY_ID_INVALID)
def test_company_id_refused(value: str) -> None:
    assert_refused(validate_company_id, value, "invalid_company_id")


def test_company_id_check_digit_maps_ten_to_zero() -> None:
    # Find a prefix whose sum leaves 10 and check that the digit written is 0.
    for n in range(10**9, 10**9 + 100):
        prefix = str(n)
        d = int(prefix[9]) + 2
        weights = (29, 27, 23, 19, 17) * 2
        if sum((int(c) + d) * w for c, w in zip(prefix, weights, strict=True)) % 11 == 10:
            assert company_id_check_digit(prefix) == 0
            assert validate_company_id(prefix + "0") == prefix + "0"
            return
    pytest.fail("no prefix with remainder 10 in the range searched")


def test_every_wrong_check_digit_of_a_company_id_is_refused() -> None:
    for wrong in "123456789":
        assert_refused(validate_company_id, "1038028479" + wrong, "invalid_company_id")


def test_company_id_check_digit_needs_ten_digits() -> None:
    with pytest.raises(ValueError):
        company_id_check_digit("103802847")


# --- mobile -----------------------------------------------------------------------------

MOBILE_VALID = [
    ("09121234567", "09121234567"),
    ("9121234567", "09121234567"),
    ("+989121234567", "09121234567"),
    ("00989121234567", "09121234567"),
    ("989121234567", "09121234567"),
    ("+98 912 123 4567", "09121234567"),
    ("+98 (0)912 123 4567", "09121234567"),
    ("+980 912 123 4567", "09121234567"),
    ("0912-123-4567", "09121234567"),
    ("۰۹۱۲۱۲۳۴۵۶۷", "09121234567"),
    ("٠٩١٢١٢٣٤٥٦٧", "09121234567"),
    ("+۹۸ ۹۳۵ ۱۲۳ ۴۵۶۷", "09351234567"),
    ("۰۰۹۸-۹۹۰-۱۲۳-۴۵۶۷", "09901234567"),
    ("\u200e+98 912 123 4567", "09121234567"),
]

MOBILE_INVALID = [
    "",
    "0912123456",  # ten digits with the zero
    "091212345678",  # twelve digits
    "912123456",
    "08121234567",  # not 09
    "02833221100",  # a landline
    "+19121234567",  # another country
    "+98009121234567",  # two zeros after +98
    "0098 2833221100",  # landline with country code
    "98912123456",  # eleven digits starting 98 is neither form
    "0912123456a",
    "09121234567+",
    "0912.123.4567",
]


@pytest.mark.parametrize(("value", "expected"), MOBILE_VALID)
def test_mobile_normalized(value: str, expected: str) -> None:
    normalized = normalize_mobile(value)
    assert normalized == expected
    assert normalized.isascii() and normalized.isdigit() and len(normalized) == 11
    assert normalize_mobile(normalized) == normalized  # idempotent


@pytest.mark.parametrize("value", MOBILE_INVALID)
def test_mobile_refused(value: str) -> None:
    assert_refused(normalize_mobile, value, "invalid_mobile")


# --- landline ---------------------------------------------------------------------------

LANDLINE_VALID = [
    ("02833221100", "02833221100"),  # Qazvin
    ("028-3322-1100", "02833221100"),
    ("(028) 3322 1100", "02833221100"),
    ("02188776655", "02188776655"),  # Tehran
    ("+982833221100", "02833221100"),
    ("+98 28 3322 1100", "02833221100"),
    ("00982833221100", "02833221100"),
    ("982833221100", "02833221100"),
    ("۰۲۸-۳۳۲۲۱۱۰۰", "02833221100"),
    ("٠٢٨٣٣٢٢١١٠٠", "02833221100"),
    ("01133445566", "01133445566"),
    ("08733445566", "08733445566"),
]

LANDLINE_INVALID = [
    "",
    "33221100",  # no area code
    "2833221100",  # area code without its zero
    "0283322110",  # ten digits
    "028332211000",  # twelve digits
    "09121234567",  # mobile
    "+989121234567",
    "00833221100",  # 00 is the international prefix
    "+12833221100",
    "028-3322-11O0",
]


@pytest.mark.parametrize(("value", "expected"), LANDLINE_VALID)
def test_landline_normalized(value: str, expected: str) -> None:
    normalized = normalize_landline(value)
    assert normalized == expected
    assert normalized.isascii() and normalized.isdigit() and len(normalized) == 11
    assert normalize_landline(normalized) == normalized


@pytest.mark.parametrize("value", LANDLINE_INVALID)
def test_landline_refused(value: str) -> None:
    assert_refused(normalize_landline, value, "invalid_landline")


# --- postal code ------------------------------------------------------------------------

POSTAL_VALID = [
    ("3413645987", "3413645987"),
    ("34136-45987", "3413645987"),
    ("۳۴۱۳۶۴۵۹۸۷", "3413645987"),
    ("٣٤١٣٦ ٤٥٩٨٧", "3413645987"),
    ("1000000000", "1000000000"),
]

POSTAL_INVALID = [
    "",
    "0413645987",  # first digit zero
    "1111111111",
    "۵۵۵۵۵۵۵۵۵۵",
    "341364598",  # nine digits
    "34136459870",
    "34136-4598A",
]


@pytest.mark.parametrize(("value", "expected"), POSTAL_VALID)
def test_postal_code_accepted(value: str, expected: str) -> None:
    assert validate_postal_code(value) == expected


@pytest.mark.parametrize("value", POSTAL_INVALID)
def test_postal_code_refused(value: str) -> None:
    assert_refused(validate_postal_code, value, "invalid_postal_code")


# --- foreign national (passport or FIDA) ------------------------------------------------

FOREIGN_VALID = [
    ("P01234567", "P01234567"),
    ("p01234567", "P01234567"),  # upper-cased
    ("ab 123 456", "AB123456"),
    ("A12345", "A12345"),  # six: the shortest
    ("AB1234567890", "AB1234567890"),  # twelve: the longest
    ("123456789012", "123456789012"),  # FIDA (فیدا)
    ("۱۲۳۴-۵۶۷۸-۹۰۱۲", "123456789012"),  # FIDA in Persian digits
    ("١٢٣٤٥٦٧٨٩٠١٢", "123456789012"),
]

FOREIGN_INVALID = [
    "",
    "A1234",  # five
    "AB12345678901",  # thirteen
    "1234567890123",
    "UNKNOWN",  # letters only
    "NOTAVAILABLE",
    "000000000000",  # one repeated character
    "AAAAAA",
    "AB12/3456",
    "پ۱۲۳۴۵۶۷",  # Persian letter
    "Ａ1234567",  # fullwidth letter
    "ﬁ123456",  # ligature; "ﬁ".upper() would be "FI"
    "É1234567",
]


@pytest.mark.parametrize(("value", "expected"), FOREIGN_VALID)
def test_foreign_id_accepted(value: str, expected: str) -> None:
    assert validate_foreign_id(value) == expected


@pytest.mark.parametrize("value", FOREIGN_INVALID)
def test_foreign_id_refused(value: str) -> None:
    assert_refused(validate_foreign_id, value, "invalid_foreign_id")
