"""Sealing the final answer: its frozen data embedded, its signature applied last.

Everything comes from the letter's frozen facts (the data embedded, the signing time =
the letter's time), so sealing the same letter again gives the same bytes and a rerun
after a crash reproduces the archived object instead of adding another.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from generators.context import signature_block
from generators.facts import Office
from generators.keys import SigningKey
from generators.kinds import KIND_TITLES
from generators.signing import embed_case_data, sign_pdf
from generators.stamp import render_stamp


def case_data(facts: Mapping[str, Any]) -> bytes:
    """The case data the answer carries: its frozen facts as canonical JSON."""
    return json.dumps(facts, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def seal_answer(
    pdf: bytes, facts: Mapping[str, Any], key: SigningKey, *, tsa_url: str | None
) -> bytes:
    """The archived answer: PDF/A-3u with ``case.json`` embedded, PAdES-signed with a
    visible Persian stamp (naming the deputy «از طرف» the signatory when a deputy signed
    its draft); signed at the letter's own time (B-B) or timestamped (B-T)."""
    office = facts["office"]
    when = dt.datetime.fromisoformat(facts["letter"]["issued_at"])
    number = facts["letter"]["number"]
    embedded = embed_case_data(pdf, case_data(facts), when=when)
    name, title = office["signatory_name"], office["signatory_title"]
    if office.get("deputy_name"):  # signed «از طرف» the signatory (its draft's deputy)
        name = signature_block(Office.model_validate(office))["name"]
        title = f"از طرف {office['signatory_name']}"
    stamp = render_stamp(name=name, title=title, office=office["office"], when=when)
    return sign_pdf(
        embedded,
        key,
        stamp_pdf=stamp,
        reason=f"پاسخ نهایی شکایت، نامه شماره {number}",
        location=office["governorate"],
        when=when,
        tsa_url=tsa_url,
    )


def seal_letter(
    pdf: bytes, facts: Mapping[str, Any], key: SigningKey, *, tsa_url: str | None
) -> bytes:
    """An outgoing letter's archived PDF/A sealed with the office's PAdES signature after
    its number (which the seal covers), at the letter's own time: the same letter sealed
    again gives the same bytes (B-B).  The visible stamp names who signed it: the
    signatory, or the deputy «از طرف» the signatory."""
    office = facts["office"]
    when = dt.datetime.fromisoformat(facts["letter"]["issued_at"])
    block = signature_block(Office.model_validate(office))
    # The stamp's lines are one line each: for a deputy, «از طرف» the signatory by name
    # (the letter's own signature block prints the titles in full).
    title = f"از طرف {office['signatory_name']}" if office.get("deputy_name") else block["title"]
    stamp = render_stamp(name=block["name"], title=title, office=office["office"], when=when)
    kind = KIND_TITLES.get(str(facts.get("kind", "")), "نامه")
    return sign_pdf(
        pdf,
        key,
        stamp_pdf=stamp,
        reason=f"{kind}، نامه شماره {facts['letter']['number']}",
        location=office["governorate"],
        when=when,
        tsa_url=tsa_url,
    )
