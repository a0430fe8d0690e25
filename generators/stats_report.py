"""The printable report of the service's figures: a period's figures, tables and charts.

Data, as ``office.stats_report.report_data`` prepares it: ``office`` (ministry,
governorate, office), ``period`` (in words), ``first``, ``last`` and ``today`` (Jalali),
``lines`` (name, value: the service card's figures, values in Persian digits),
``agencies`` (per agency: replies, median, p90, due, overdue, share; Persian digits) and
``charts`` (SVG text from ``generators.charts``, drawn inline: WeasyPrint shapes their
Persian labels with the stylesheet's Vazirmatn).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from generators.reports import render_report

TEMPLATE = "reports/stats.html"
STYLESHEET = "reports/stats.css"


def render_stats_report(data: Mapping[str, Any], code: str) -> bytes:
    """The report as PDF bytes; ``code`` names the period (the file identifier comes from
    it and the data's date, not the clock)."""
    # The charts are our own generator's SVG, every user string in them already escaped.
    drawn = {**data, "charts": [Markup(svg) for svg in data["charts"]]}
    return render_report(TEMPLATE, STYLESHEET, drawn, identifier=f"stats:{code}:{data['today']}")
