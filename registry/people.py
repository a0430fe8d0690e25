"""A complainant as the office names them, and what identifies them (for anonymity checks).

One place for the name shown in records, lists, letters' recipients and copies, and the
dossier's cover, so that a legal person, a foreign national and a person with or without
«آقای» / «خانم» are named the same way everywhere.
"""

from __future__ import annotations

from registry.anonymity import Identifiers
from registry.models import Complainant

__all__ = ["display_name", "identifiers"]


def display_name(
    person: Complainant, *, honorific: bool = True, representative: bool = False
) -> str:
    """The complainant's name: a legal person by its company name (followed by «(نماینده:
    …)» when ``representative``); anyone else, a foreign national too, by first and last
    name, after «آقای» or «خانم» when ``honorific`` and one was recorded."""
    if person.company_name:
        if representative:
            return f"{person.company_name} (نماینده: {person.full_name})"
        return person.company_name
    label = person.honorific.label_fa if honorific else ""
    return f"{label} {person.full_name}".strip()


def identifiers(person: Complainant) -> Identifiers:
    """What identifies ``person`` in a text: name, national or foreign ID, mobile, company."""
    return Identifiers(
        first_name=person.first_name,
        last_name=person.last_name,
        national_id=person.national_id or person.foreign_id,
        mobile=person.mobile,
        company_name=person.company_name,
    )
