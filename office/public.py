"""What anyone may ask without a login about a complaint: where it stands (``/track``, for
the complainant holding the tracking code and the mobile on file).  It gives nothing
personal.  What a letter is (``/verify/{guid}``) is ``office.letter_check``.

``track`` is slowed per address and per tracking code with the login's failure table
(``registry.users``) under its own keys, so every ``serve`` process counts the same
guesses; a wrong pair and a throttled try get the same answer, so the answer says nothing
about which it was.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from office.runtime import Runtime
from registry import public, users
from registry.db import transaction
from registry.errors import InvalidInput, Refused
from registry.kinds import ComplaintState
from registry.text import strip_bidi_marks, to_ascii_digits
from registry.tracking import format_tracking_code, parse_tracking_code

__all__ = ["TRACK_THROTTLE", "TrackRefused", "Tracked", "track"]

# Four digits are 10,000 guesses: three free tries, then a minute's wait that doubles.
# The window is the login's, since the two share the failure table and its clean-up.
TRACK_THROTTLE = users.Throttle(free=3, first_wait=dt.timedelta(minutes=1))
_LAST4 = re.compile(r"[0-9]{4}")


class TrackRefused(Refused):
    """A wrong tracking code and mobile pair, or too many tries: one answer for both."""


@dataclass(frozen=True)
class Tracked:
    """Where a complaint stands: its code, its state, and each state it entered with the
    office date it did (oldest first)."""

    tracking_code: str
    state: ComplaintState
    steps: tuple[tuple[ComplaintState, dt.date], ...]

    @property
    def code_display(self) -> str:
        """The code as printed on the receipt, in groups of four."""
        return format_tracking_code(self.tracking_code)


def _last4(text: str) -> str:
    digits = strip_bidi_marks(to_ascii_digits(text)).strip()
    if not _LAST4.fullmatch(digits):
        raise InvalidInput("track_last4_invalid", value=text[:20])
    return digits


def track(
    runtime: Runtime,
    tracking: str,
    mobile_last4: str,
    *,
    address: str,
    throttle: users.Throttle = TRACK_THROTTLE,
) -> Tracked:
    """The state of complaint ``tracking`` for whoever also knows the last four digits of
    the mobile on file (digits in any script).  A malformed code or four digits is
    InvalidInput (``invalid_tracking_code``, ``track_last4_invalid``: it reveals nothing);
    an unknown code, a wrong pair, or any try while this address or this code must wait
    is ``TrackRefused('track_refused')``, the same for all."""
    code = parse_tracking_code(tracking[:40])
    last4 = _last4(mobile_last4)
    keys = [f"track-addr:{address[:100]}", f"track-code:{code}"]
    now = runtime.clock.now()
    with transaction(runtime.sessions) as session:
        if users.retry_after(session, keys, now=now, throttle=throttle) is None:
            complaint = public.complaint_by_code(session, code)
            if complaint is not None and complaint.complainant.mobile[-4:] == last4:
                # The pair is known: this code's failures stop mattering (not the address's,
                # or one known pair would clear the way for guessing others).
                users.forget_login_failures(session, keys[1], now=now, throttle=throttle)
                zone = runtime.clock.zone
                steps = tuple(
                    (state, at.astimezone(zone).date())
                    for state, at in public.state_history(session, complaint)
                )
                return Tracked(code, complaint.state, steps)
            users.record_login_failure(session, keys, at=now)
    raise TrackRefused("track_refused")
