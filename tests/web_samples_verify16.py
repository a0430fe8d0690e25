"""Sample path values for the public verification page (verify16), for the role matrix
(tests/test_web_roles.py): the GUID of the desk's one referred case's referral, which
every route naming ``{guid}`` is asked about."""

from __future__ import annotations

from collections.abc import Callable

from registry.models import Letter
from tests.web_samples_web13a import sent_case
from tests.web_support import DeskUnderTest


def _guid(desk: DeskUnderTest) -> dict[str, str]:
    letter_id = int(sent_case(desk)["letter"])
    with desk.runtime.sessions() as session:
        return {"guid": session.get_one(Letter, letter_id).guid}


PATH_VALUES: dict[str, Callable[[DeskUnderTest], dict[str, str]]] = {"guid": _guid}
