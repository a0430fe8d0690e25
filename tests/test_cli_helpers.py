"""The CLI's shared printing and option helpers: JSON under ``--json``, else text for staff."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cli import output
from cli.options import jalali_date_or_none
from registry.errors import InvalidInput

ROWS = [{"name": "شهرداری قزوین", "days": 7}]
COLUMNS = [("name", "دستگاه"), ("days", "مهلت")]


def test_a_record_is_json_or_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    output.record_or_sentence(ROWS[0], "افزوده شد.", as_json=True)
    assert json.loads(capsys.readouterr().out) == ROWS[0]
    output.record_or_sentence(ROWS[0], "افزوده شد.", as_json=False)
    assert capsys.readouterr().out == "افزوده شد.\n"


def test_records_are_json_or_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    output.records_or_table(ROWS, COLUMNS, title="دستگاه‌ها", as_json=True)
    assert json.loads(capsys.readouterr().out) == ROWS
    output.records_or_table(ROWS, COLUMNS, title="دستگاه‌ها", as_json=False)
    shown = capsys.readouterr().out
    assert "دستگاه‌ها" in shown and "شهرداری قزوین" in shown and "۷" in shown


def test_an_optional_jalali_date() -> None:
    assert jalali_date_or_none(None) is None
    assert jalali_date_or_none("") is None
    assert jalali_date_or_none("1405/09/04") == dt.date(2026, 11, 25)
    with pytest.raises(InvalidInput):
        jalali_date_or_none("1405/13/40")
