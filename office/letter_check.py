"""Checking a letter without a login (``/verify/{guid}``): whoever holds the paper reads the
QR, or types the address and the code printed beside it, and sees the letter's register
entry; they may then hand in the PDF they received to learn whether it is, byte for byte,
the one the office archived.

Nothing of the complaint or the complainant is shown: the number, date and kind, the
sending office, the recipient's office (a complainant is «شاکی», never named), who signs
the letter and the office's digital seal read from the archived PDF, its SHA-256 and
whether it is void.

Without the right code nothing is shown, and a missing code, a wrong one, a GUID no letter
carries and a try while this address must wait are one and the same refusal
(``LetterCodeRequired``).  Wrong codes are counted per client address in the login's
failure table (``registry.users``), so every ``serve`` process slows the same guesser.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, BinaryIO

from office.runtime import Runtime
from registry import public, users
from registry.db import transaction
from registry.errors import InvalidInput, Refused
from registry.kinds import KIND_SPECS, LetterKind, LetterState, Recipient
from registry.models import Letter
from registry.text import strip_bidi_marks, to_ascii_digits

__all__ = [
    "VERIFY_THROTTLE",
    "CopyCheck",
    "LetterCodeRequired",
    "OfficeSeal",
    "PublicLetter",
    "check_copy",
    "public_letter",
]

# A code is 8 of 32 characters (10^12 guesses): five free tries, then a minute's wait that
# doubles.  The window is the login's, since the two share the failure table.
VERIFY_THROTTLE = users.Throttle(free=5, first_wait=dt.timedelta(minutes=1))

# Who receives a letter that is not addressed to an organisation, without naming them.
COMPLAINANT_FA = "شاکی"

_CHUNK = 1024 * 1024


class LetterCodeRequired(Refused):
    """No code, a wrong code, an unknown GUID or too many tries: one answer for all."""


@dataclass(frozen=True)
class OfficeSeal:
    """The digital signature the archived PDF carries, as the office's own check reads it
    (``office.verify``): its trust label (``TRUST_FA``'s keys), the certificate's name and
    the time the signer states."""

    trust: str
    signer: str | None
    signed_at: dt.datetime | None


@dataclass(frozen=True)
class PublicLetter:
    """What a holder of the letter and its code may confirm.  ``sha256`` is the archived
    PDF's (None while the letter is numbered but not yet stored); ``seal`` is None for a
    PDF without a digital signature (or none archived yet)."""

    guid: str
    number: str
    date: dt.date
    kind: LetterKind
    sender: str
    recipient: str
    signatory_name: str
    signatory_title: str
    sha256: str | None
    seal: OfficeSeal | None
    void: bool

    @property
    def kind_fa(self) -> str:
        """The letter kind's Persian title."""
        return self.kind.label_fa


@dataclass(frozen=True)
class CopyCheck:
    """A PDF handed in against the archived one: its SHA-256 and size, and whether it is
    the archived PDF byte for byte (equal SHA-256)."""

    letter: PublicLetter
    sha256: str
    size: int

    @property
    def verified(self) -> bool:
        return self.letter.sha256 is not None and hmac.compare_digest(
            self.sha256, self.letter.sha256
        )


def _typed(code: str) -> str:
    """A code as typed or read from the QR: digits in any script, any case, spaces and
    dashes left out (the printed code may be grouped)."""
    text = strip_bidi_marks(to_ascii_digits(code[:40])).upper()
    return "".join(ch for ch in text if ch.isalnum())


def _recipient(letter: Letter) -> str:
    """The recipient's office as the letter printed it; a complainant is never named."""
    if KIND_SPECS[letter.kind].recipient is Recipient.COMPLAINANT:
        return COMPLAINANT_FA
    addressee = (letter.facts or {}).get("recipient")
    if isinstance(addressee, dict) and addressee.get("organisation"):
        return str(addressee["organisation"])
    return letter.agency.name if letter.agency is not None else letter.recipient


def _sender(facts: dict[str, Any]) -> str:
    office = facts.get("office", {})
    return "، ".join(p for p in (office.get("office"), office.get("governorate")) if p)


def _seal(runtime: Runtime, sha256: str | None, number: str) -> OfficeSeal | None:
    """The archived PDF's signature, read from the archive (the office's key, or the
    certificate of whoever signed); None when it has none."""
    if sha256 is None:
        return None
    from office.verify import verify_signed

    record = verify_signed(runtime, runtime.store.get(sha256), path=number).record
    if not record["signed"]:
        return None
    moment = record["signing_time"]
    return OfficeSeal(
        trust=record["trust"],
        signer=record["signer_common_name"],
        signed_at=dt.datetime.fromisoformat(moment) if moment else None,
    )


def public_letter(
    runtime: Runtime,
    guid: str,
    code: str | None,
    *,
    address: str,
    throttle: users.Throttle = VERIFY_THROTTLE,
) -> PublicLetter:
    """The public facts of the letter carrying ``guid``, for whoever also has its code
    (as printed, or from the QR's ``?c=``).  ``LetterCodeRequired('verify_code_required')``,
    the same for all, when the code is missing or wrong, no letter carries the GUID, or this
    client ``address`` tried too many wrong codes; a wrong code or an unknown GUID counts
    as a try (a missing one does not: it is a reader who typed the address)."""
    typed = _typed(code or "")
    keys = [f"verify-addr:{address[:100]}"]
    now = runtime.clock.now()
    with transaction(runtime.sessions) as session:
        if users.retry_after(session, keys, now=now, throttle=throttle) is None and typed:
            letter = public.letter_by_guid(session, guid[:60])
            if letter is not None and hmac.compare_digest(
                typed.encode(), _typed(letter.verification_code).encode()
            ):
                facts = letter.facts or {}
                office = facts.get("office", {})
                found = PublicLetter(
                    guid=letter.guid,
                    number=letter.number,
                    date=letter.date,
                    kind=letter.kind,
                    sender=_sender(facts),
                    recipient=_recipient(letter),
                    signatory_name=str(office.get("signatory_name", "")),
                    signatory_title=str(office.get("signatory_title", "")),
                    sha256=letter.pdf_sha256,
                    seal=None,
                    void=letter.state is LetterState.VOID,
                )
            else:
                found = None
                users.record_login_failure(session, keys, at=now)
        else:
            found = None
    if found is None:
        raise LetterCodeRequired("verify_code_required")
    # The archive is read outside the transaction: the stored bytes never change.
    seal = _seal(runtime, found.sha256, found.number)
    return dataclasses.replace(found, seal=seal)


def check_copy(letter: PublicLetter, upload: BinaryIO | None) -> CopyCheck:
    """Whether the PDF in ``upload`` is the archived PDF of ``letter`` (which only
    :func:`public_letter` gives, for the right code): equal SHA-256, so equal to the byte.
    No file or an empty one is InvalidInput ``verify_copy_missing``; a letter not yet
    archived is Refused ``verify_not_archived``.  The upload is hashed a megabyte at a time
    and kept nowhere."""
    digest = hashlib.sha256()
    size = 0
    while upload is not None and (chunk := upload.read(_CHUNK)):
        digest.update(chunk)
        size += len(chunk)
    if size == 0:
        raise InvalidInput("verify_copy_missing")
    if letter.sha256 is None:
        raise Refused("verify_not_archived", number=letter.number)
    return CopyCheck(letter, digest.hexdigest(), size)
