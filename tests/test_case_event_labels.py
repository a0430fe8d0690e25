"""Every event a case's timeline can show has its Persian name on the case page: a code
such as ``incoming_registered`` shown to staff is a label forgotten (office.cases.EVENT_FA)."""

from __future__ import annotations

import re
from pathlib import Path

from office.cases import EVENT_FA

ROOT = Path(__file__).resolve().parents[1]
# Events about no case: the agencies' list, the holidays, the head's deputies.
NOT_ON_A_CASE = {"agency_added", "agency_edited", "holidays_seeded", "holiday_added"}
NOT_ON_A_CASE |= {"holiday_removed", "deputy_named", "deputy_removed"}


def _recorded_actions() -> set[str]:
    """The event actions the code records by a literal name."""
    found: set[str] = set()
    for package in ("registry", "office", "flows"):
        for source in (ROOT / package).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            found |= set(re.findall(r'\baction="([a-z_]+)"', text))
    return found


def test_every_case_event_has_its_persian_name() -> None:
    actions = _recorded_actions()
    assert {"incoming_registered", "reply_recorded", "state_changed"} <= actions
    missing = sorted(actions - NOT_ON_A_CASE - set(EVENT_FA))
    assert not missing, missing
