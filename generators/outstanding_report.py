"""The printable outstanding-replies report: which agencies have not answered, how late.

Data, as ``residegi reply outstanding`` prepares it: ``office`` (ministry, governorate,
office), ``today`` (Jalali), ``agency``, ``overdue`` and ``county`` (the filters, for the
heading; ``county`` may be absent),
``letters`` (number, agency, tracking_code, sent, due_date, working_days_late, and the last
chaser and next step already in words; most late first) and ``totals`` per agency.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generators.reports import render_report

TEMPLATE = "reports/outstanding.html"
STYLESHEET = "reports/outstanding.css"


def render_outstanding_report(data: Mapping[str, Any]) -> bytes:
    """The report as PDF bytes; the same data gives the same bytes."""
    identifier = f"outstanding:{data['today']}:{data.get('agency')}:{data.get('overdue')}"
    if data.get("county"):  # only then: the reports without it keep their identifiers
        identifier += f":{data['county']}"
    return render_report(TEMPLATE, STYLESHEET, {"county": None, **data}, identifier=identifier)
