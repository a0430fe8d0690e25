"""Letters of every kind from one page to five: what the page-layout tests render.

``cases(kind)`` starts from the kind's sample (generators/samples.py) and lengthens what a
real case lengthens: the free texts (complaint, findings, reasons, summaries) repeated, the
lists (findings, missing documents, attachments, replies) longer.  Names, addresses and the
letterhead are left as they are, so a case reads like a long real letter, not like noise.
"""

from __future__ import annotations

import copy
from typing import Any

from generators.samples import sample_data

# Not lengthened: who writes, who receives, the letter's identity.
_FIXED = {"name", "office", "letter", "recipient", "complainant", "copies", "superior", "inspector"}
_LISTS = ("findings", "missing", "documents_received", "attachments", "replies", "reminders")
# How many times each free text is written out: a one-page, a two-page and a long letter
# (the referral's long case runs to five pages; the test checks at least one does).
FACTORS = {"short": 1, "medium": 3, "long": 12}


def _lengthen(value: Any, times: int, key: str = "") -> Any:
    if key in _FIXED:
        return value
    if isinstance(value, dict):
        return {k: _lengthen(v, times, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_lengthen(v, times) for v in value]
        if key in _LISTS and items:
            items = [copy.deepcopy(items[i % len(items)]) for i in range(len(items) * times)]
        return items
    if isinstance(value, str) and len(value) > 25 and " " in value:
        return "\n".join([value] * times) if key == "text" else " ".join([value] * times)
    return value


def case_data(kind: str, size: str) -> dict[str, Any]:
    """The JSON facts of ``kind`` at ``size`` (a key of FACTORS)."""
    data = sample_data(kind)
    if size == "short":
        return data
    longer: dict[str, Any] = _lengthen(data, FACTORS[size])
    longer["letter"]["attachments_count"] = len(longer["attachments"])
    return longer
