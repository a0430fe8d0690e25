"""The printable register book (دفتر اندیکاتور): the outgoing and incoming registers of a
day or a Jalali month, one part each.

Data, as office/register_book.py prepares it: ``office`` (ministry, governorate, office),
``period`` (day or month), ``label`` and ``when`` (the period, for the heading and the
file identifier), ``from`` and ``to`` (Jalali), and ``registers``: each with its
``register`` (outgoing or incoming), ``title``, ``code`` and ``entries`` in number order
(ASCII digits; the template prints them in Persian; "" where there is nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generators.reports import render_report

TEMPLATE = "reports/register_book.html"
STYLESHEET = "reports/register_book.css"


def render_register_book(data: Mapping[str, Any]) -> bytes:
    """The book as PDF bytes; the same data gives the same bytes."""
    parts = ",".join(str(part["register"]) for part in data["registers"])
    identifier = f"register-book:{data['period']}:{data['label']}:{parts}"
    return render_report(TEMPLATE, STYLESHEET, data, identifier=identifier)
