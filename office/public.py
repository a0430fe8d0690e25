"""What anyone may ask without a login: where a complaint stands (``/track``, for the
complainant holding the tracking code and the mobile on file) and what a letter is
(``/verify/{guid}``, for whoever holds the paper).  Neither gives anything personal.

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
from registry.errors import InvalidInput, NotFound, Refused
from registry.kinds import KIND_SPECS, ComplaintState, LetterKind, LetterState, Recipient
from registry.text import strip_bidi_marks, to_ascii_digits
from registry.tracking import format_tracking_code, parse_tracking_code

__all__ = [
    "TRACK_THROTTLE",
    "PublicLetter",
    "TrackRefused",
    "Tracked",
    "letter_by_guid",
    "track",
]

# Four digits are 10,000 guesses: three free tries, then a minute's wait that doubles.
# The window is the login's, since the two share the failure table and its clean-up.
TRACK_THROTTLE = users.Throttle(free=3, first_wait=dt.timedelta(minutes=1))
_LAST4 = re.compile(r"[0-9]{4}")

# Who receives a letter of a kind not addressed to an agency, without naming them.
RECIPIENT_FA = {
    Recipient.COMPLAINANT: "شاکی",
    Recipient.INSPECTOR: "بازرس دفتر",
    Recipient.INTERNAL: "مدیر دفتر",
}


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


@dataclass(frozen=True)
class PublicLetter:
    """What anyone holding a letter may confirm: its number, date, kind, the agency it went
    to (or who, unnamed, received it) and whether it was voided.  Nothing of the
    complainant."""

    guid: str
    number: str
    date: dt.date
    kind: LetterKind
    recipient: str
    void: bool

    @property
    def kind_fa(self) -> str:
        """The letter kind's Persian title."""
        return self.kind.label_fa


def letter_by_guid(runtime: Runtime, guid: str) -> PublicLetter:
    """The public facts of the letter carrying ``guid``; NotFound ``letter_guid_not_found``
    when no letter does (or the text is no GUID)."""
    with runtime.sessions() as session:
        letter = public.letter_by_guid(session, guid[:60])
        if letter is None:
            raise NotFound("letter_guid_not_found", value=guid[:60])
        spec = KIND_SPECS[letter.kind]
        if spec.recipient is Recipient.AGENCY and letter.agency is not None:
            recipient = letter.agency.name
        else:
            recipient = RECIPIENT_FA.get(spec.recipient, "—")
        return PublicLetter(
            guid=letter.guid,
            number=letter.number,
            date=letter.date,
            kind=letter.kind,
            recipient=recipient,
            void=letter.state is LetterState.VOID,
        )
