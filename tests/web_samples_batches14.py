"""Sample submissions for the batch page (batches14), for the role matrix
(tests/test_web_roles.py) and the page's own tests (tests/test_web_batches.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from office import batches
from office.access import Staff
from office.runtime import Runtime
from registry import complaints
from registry.batches import Taken
from registry.db import transaction
from registry.kinds import Role
from tests.factories import AT, complainant_input, national_id, registered
from tests.web_support import DeskUnderTest

Submission = tuple[dict[str, str], dict[str, Any], dict[str, Any] | None]
SECRETARIAT = Staff("dabir", "دبیرخانه", frozenset({Role.SECRETARIAT}))


def waiting_referrals(runtime: Runtime, count: int, agencies: tuple[str, ...]) -> None:
    """``count`` accepted complaints, each to be referred to ``agencies``."""
    with transaction(runtime.sessions) as session:
        for n in range(count):
            complaint = registered(
                session,
                duplicate_window_days=0,
                agencies=agencies,
                complainant=complainant_input(national_id=national_id(900 + n)),
                documents=(),
            )
            complaints.accept(session, complaint, actor="test", at=AT, note="نمونه آزمون")


def batch_running(desk: DeskUnderTest) -> Taken:
    """A batch holding the lease (fresh heartbeat, no process): «ارسال» then answers as
    it does while one runs, without starting another."""
    return batches.start(desk.runtime, SECRETARIAT)


def _batch(desk: DeskUnderTest) -> Submission:
    # The matrix checks who may press «ارسال», not the batch itself (tests/test_web_batches.py
    # runs one): a batch already holding the lease answers the same 303 and starts nothing.
    batch_running(desk)
    return {}, {}, None


PATH_VALUES: dict[str, Callable[[DeskUnderTest], dict[str, str]]] = {}

POST_SAMPLES: dict[str, Callable[[DeskUnderTest], Submission]] = {"/batches": _batch}
