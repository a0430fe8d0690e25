"""Options shared by many commands, and the parsing of typed choices into domain enums."""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from registry.errors import InvalidInput
from registry.kinds import DocumentKind

E = TypeVar("E", bound=enum.Enum)

JsonOption = Annotated[bool, typer.Option("--json", help="Print records as JSON (stable keys).")]
ActorOption = Annotated[
    str | None, typer.Option("--as", help="Who is acting (recorded on every event).")
]


def choice(value: str, kind: type[E], field: str) -> E:
    """``value`` as a member of ``kind``, or InvalidInput naming the allowed values."""
    try:
        return kind(value.strip().lower())
    except ValueError:
        allowed = ", ".join(str(member.value) for member in kind)
        raise InvalidInput("invalid_option", field=field, value=value, allowed=allowed) from None


def attach_specs(specs: list[str]) -> list[tuple[DocumentKind, Path]]:
    """``KIND=PATH`` pairs from ``--attach``; KIND: evidence, followup, agency_reply, other."""
    pairs = []
    for spec in specs:
        kind, sep, path = spec.partition("=")
        if not sep or not path.strip():
            raise InvalidInput("invalid_attach_spec", value=spec)
        pairs.append((choice(kind, DocumentKind, "kind"), Path(path.strip()).expanduser()))
    return pairs


def read_text_file(path: Path, field: str) -> str:
    """A UTF-8 text file given as an option (a complaint's text, a decision, findings), read
    no further than the 50,000 characters a text may hold; InvalidInput otherwise."""
    from registry.complaints import MAX_TEXT
    from registry.files import read_text_file as read_bounded_text

    return read_bounded_text(path.expanduser(), field=field, max_chars=MAX_TEXT)


def text_or_file(text: str | None, text_file: Path | None, field: str) -> str:
    """The text given with ``--text`` or read from ``--text-file``; both together are refused
    (``text_and_text_file``) rather than one silently dropped."""
    if text is not None and text_file is not None:
        raise InvalidInput("text_and_text_file", field=field)
    if text_file is not None:
        return read_text_file(text_file, field)
    return text or ""


def jalali_date_or_none(value: str | None) -> dt.date | None:
    """A Jalali date option as a date (InvalidInput if malformed), or None when not given."""
    from registry.jalali import parse_jalali_date

    return parse_jalali_date(value) if value else None
