"""The chart generator: pure, right to left, Persian digits, user text escaped."""

from __future__ import annotations

import re

from generators.charts import Bar, bar_chart, format_number_fa


def test_bars_are_in_proportion_and_values_in_persian_digits() -> None:
    chart = bar_chart("عنوان", [Bar("الف", 10), Bar("ب", 2.5), Bar("ج", 0)])
    # The largest bar takes 85% of its cell; 2.5 is a quarter of it: 21.25%; 0: none.
    assert re.findall(r'<svg [^>]*width="([0-9.]+)%"', chart) == ["85.00", "21.25", "0.00"]
    values = re.findall(r'<span class="chart-value">([^<]*)</span>', chart)
    assert values == ["۱۰", "۲٫۵", "۰"]
    assert chart == bar_chart("عنوان", [Bar("الف", 10), Bar("ب", 2.5), Bar("ج", 0)])


def test_labels_are_escaped_and_shortened() -> None:
    long_label = "<script>alert(1)</script> " + "ب" * 60
    chart = bar_chart("a & b", [Bar(long_label, 1, shown="۱ مورد")])
    assert "<script>" not in chart and "&lt;script&gt;" in chart
    assert "a &amp; b" in chart and "۱ مورد" in chart
    label = re.search(r'<th class="chart-label"[^>]*>([^<]*)</th>', chart)
    assert label is not None and len(label.group(1)) <= 40 + len("&lt;&gt;&lt;&gt;") * 2
    assert label.group(1).endswith("…")


def test_no_bars_says_so() -> None:
    chart = bar_chart("عنوان", [])
    assert "داده‌ای برای این دوره نیست." in chart and "<svg" not in chart


def test_numbers_round_half_up_with_the_persian_separator() -> None:
    assert format_number_fa(29.25) == "۲۹٫۳"
    assert format_number_fa(2.0) == "۲"
    assert format_number_fa(0.6667, 2) == "۰٫۶۷"
    assert format_number_fa(60.0, 0) == "۶۰"
    assert format_number_fa(None) == "—"
