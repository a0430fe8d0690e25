"""Tracking codes: the Damm table's algebra, then every typo on a sample of codes.

Why the algebra is enough.  Write c∗x for DAMM_TABLE[c][x]; a code d₁…d₁₂ is valid when
(((0∗d₁)∗d₂)…)∗d₁₂ = 0.
  1. Each column is a permutation, so c ↦ c∗x is one-to-one: two different interim digits
     stay different after any common tail of digits (the quasigroup test checks this).
  2. Each row is a permutation, so a single wrong digit gives a different interim digit at
     its position, hence (by 1) a different final digit: not 0, refused.
  3. Total anti-symmetry — (c∗x)∗y = (c∗y)∗x only when x = y — means that swapping two
     different neighbours gives a different interim digit after the pair, hence (by 1) a
     different final digit: refused.
The check digit is one more digit of the string, so it is covered as well.  The exhaustive
test below confirms this on thousands of real codes.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator

import pytest

from registry.errors import ErrorKind, InvalidInput
from registry.tracking import (
    DAMM_TABLE,
    TRACKING_CODE_LENGTH,
    damm_check_digit,
    format_tracking_code,
    is_valid_tracking_code,
    new_tracking_code,
    parse_tracking_code,
)

DIGITS = range(10)
SAMPLE_SIZE = 2_000
SEED = 1404


def star(c: int, x: int) -> int:
    return DAMM_TABLE[c][x]


# --- the algebra ------------------------------------------------------------------------


def test_table_is_ten_by_ten_over_the_digits() -> None:
    assert len(DAMM_TABLE) == 10
    assert all(len(row) == 10 and set(row) <= set(DIGITS) for row in DAMM_TABLE)


def test_table_is_a_quasigroup_every_row_and_column_a_permutation() -> None:
    for c in DIGITS:
        assert sorted(star(c, x) for x in DIGITS) == list(DIGITS), f"row {c}"
    for x in DIGITS:
        assert sorted(star(c, x) for c in DIGITS) == list(DIGITS), f"column {x}"


def test_table_is_totally_anti_symmetric() -> None:
    # All 10·10·10 triples: (c∗x)∗y = (c∗y)∗x implies x = y.
    for c in DIGITS:
        for x in DIGITS:
            for y in DIGITS:
                if x != y:
                    assert star(star(c, x), y) != star(star(c, y), x), (c, x, y)


def test_table_has_zeros_on_its_diagonal_so_the_check_digit_is_the_interim() -> None:
    assert all(star(x, x) == 0 for x in DIGITS)


def test_published_example() -> None:
    # The worked example in Damm's algorithm's usual description: 572 → check digit 4.
    assert damm_check_digit("572") == "4"
    assert damm_check_digit("5724") == "0"


def test_check_digit_refuses_non_digits() -> None:
    for bad in ["12a", "۱۲۳", "1 2", "-1"]:
        with pytest.raises(ValueError):
            damm_check_digit(bad)


# --- generated codes --------------------------------------------------------------------


def sample_codes() -> list[str]:
    rng = random.Random(SEED)
    return [new_tracking_code(rng) for _ in range(SAMPLE_SIZE)]


SAMPLE = sample_codes()


def test_sample_codes_have_the_stored_form() -> None:
    assert len(set(SAMPLE)) == SAMPLE_SIZE
    for code in SAMPLE:
        assert len(code) == TRACKING_CODE_LENGTH
        assert code.isascii() and code.isdigit()
        assert code[0] != "0"
        assert code[-1] == damm_check_digit(code[:-1])
        assert is_valid_tracking_code(code)


def test_every_random_position_takes_every_digit() -> None:
    for position in range(TRACKING_CODE_LENGTH - 1):
        seen = {code[position] for code in SAMPLE}
        expected = set("123456789") if position == 0 else set("0123456789")
        assert seen == expected, position


def substitutions(code: str) -> Iterator[str]:
    for i, digit in enumerate(code):
        for other in "0123456789":
            if other != digit:
                yield code[:i] + other + code[i + 1 :]


def adjacent_swaps(code: str) -> Iterator[str]:
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]


def test_every_single_digit_substitution_is_refused() -> None:
    checked = 0
    for code in SAMPLE:
        typos = list(substitutions(code))
        assert len(typos) == 9 * TRACKING_CODE_LENGTH
        for typo in typos:
            assert not is_valid_tracking_code(typo), (code, typo)
            checked += 1
    assert checked == SAMPLE_SIZE * 108


def test_every_adjacent_swap_of_different_digits_is_refused() -> None:
    checked = 0
    for code in SAMPLE:
        for typo in adjacent_swaps(code):
            assert not is_valid_tracking_code(typo), (code, typo)
            checked += 1
    # About 0.9 · 11 swaps a code; make sure the loop really ran.
    assert checked > SAMPLE_SIZE * 9


def test_typos_are_refused_by_parse_too() -> None:
    code = SAMPLE[0]
    for typo in [*substitutions(code), *adjacent_swaps(code)]:
        with pytest.raises(InvalidInput):
            parse_tracking_code(typo)


def test_seeded_generator_is_reproducible() -> None:
    assert [new_tracking_code(random.Random(7)) for _ in range(3)] == [
        new_tracking_code(random.Random(7))
    ] * 3
    assert sample_codes() == SAMPLE


def test_default_generator_is_the_operating_systems(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[random.Random] = []

    class Recording(random.SystemRandom):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr(secrets, "SystemRandom", Recording)
    code = new_tracking_code()
    assert len(made) == 1
    assert is_valid_tracking_code(code)


def test_default_codes_are_valid_and_differ() -> None:
    codes = {new_tracking_code() for _ in range(50)}
    assert len(codes) == 50  # a clash among 50 has odds of about 1 in 70 million
    assert all(is_valid_tracking_code(code) for code in codes)


# --- validity, parsing, formatting ------------------------------------------------------

VALID = SAMPLE[0]


def leading_zero_code() -> str:
    body = "0" + VALID[1:11]
    return body + damm_check_digit(body)


@pytest.mark.parametrize(
    "code",
    [
        "",
        VALID[:-1],  # eleven digits
        VALID + "0",  # thirteen
        leading_zero_code(),  # checks, but the first digit is never zero
        VALID.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")),  # not the stored form
        format_tracking_code(VALID),  # nor is the printed form
        f" {VALID}",
        f"{VALID}\n",
    ],
)
def test_is_valid_accepts_only_the_stored_form(code: str) -> None:
    assert not is_valid_tracking_code(code)


def test_leading_zero_code_really_checks() -> None:
    assert damm_check_digit(leading_zero_code()) == "0"


def persian(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def arabic_indic(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


@pytest.mark.parametrize(
    "typed",
    [
        VALID,
        format_tracking_code(VALID),
        persian(VALID),
        persian(format_tracking_code(VALID)),
        arabic_indic(VALID),
        f"  {VALID[:4]} {VALID[4:8]}  {VALID[8:]} ",
        f"{VALID[:4]}–{VALID[4:8]}—{VALID[8:]}",
        f"\u200f{persian(VALID[:6])}\u200e-{VALID[6:]}\n",
    ],
)
def test_parse_accepts_typed_forms(typed: str) -> None:
    assert parse_tracking_code(typed) == VALID


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "----",
        VALID[:-1],
        VALID + "7",
        leading_zero_code(),
        f"{VALID[:4]}.{VALID[4:8]}.{VALID[8:]}",
        f"#{VALID}",
        VALID[:3] + "x" + VALID[4:],
    ],
)
def test_parse_refuses_with_the_text_as_typed(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_tracking_code(typed)
    assert caught.value.code == "invalid_tracking_code"
    assert caught.value.params == {"value": typed}
    assert caught.value.kind is ErrorKind.INPUT


def test_format_groups_by_four() -> None:
    body = "57200000000"
    code = body + damm_check_digit(body)
    assert format_tracking_code(code) == f"5720-0000-000{code[-1]}"
    printed = format_tracking_code(VALID)
    assert printed == f"{VALID[:4]}-{VALID[4:8]}-{VALID[8:]}"
    assert format_tracking_code(printed) == printed
    assert format_tracking_code(persian(VALID)) == printed


def test_format_refuses_an_invalid_code() -> None:
    with pytest.raises(InvalidInput):
        format_tracking_code(VALID[:-1] + str((int(VALID[-1]) + 1) % 10))
