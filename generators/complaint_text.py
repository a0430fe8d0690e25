"""The complaint's full text as a PDF attachment of the referral.

When the reviewer writes a summary at acceptance, referrals print the summary under
«خلاصه شکایت» and carry the complainant's full text as this attachment (never for an
anonymous complaint: its text goes to no agency).  The text is cleaned and normalised for
display like any letter text; the layout is ``letter_templates/complaint_text/``.
Deterministic: the same complaint gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping

from generators.cleaning import clean, fa, tracking_view
from generators.environment import PARAGRAPH
from generators.reports import render_report

__all__ = ["FILE_NAME", "render_complaint_text"]

TEMPLATE = "complaint_text/text.html"
_STYLESHEET = "complaint_text/text.css"
FILE_NAME = "متن-کامل-شکایت.pdf"


def render_complaint_text(
    *,
    office: Mapping[str, str],
    tracking_code: str,
    subject: str,
    text: str,
    registered_on: str,
    registered_at: str,
) -> bytes:
    """The full text as PDF bytes: ``office`` (governorate, office), the tracking code (ASCII
    digits), subject, text as typed, Jalali registration date and its ISO time."""
    data = {
        "office": {key: clean(value) for key, value in office.items()},
        "tracking_code": tracking_view(tracking_code),
        "subject": clean(subject),
        "registered_on": fa(registered_on),
        "registered_at": registered_at,
        "paragraphs": [p for p in clean(text, multiline=True).split(PARAGRAPH) if p.strip()],
    }
    identifier = f"complaint-text:{tracking_code}:{registered_at}"
    return render_report(TEMPLATE, _STYLESHEET, data, identifier=identifier)
