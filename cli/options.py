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


def read_text_file(path: Path) -> str:
    """A UTF-8 text file given as an option (a decision, findings), or InvalidInput."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise InvalidInput("text_file_unreadable", path=str(path)) from None


def jalali_date_or_none(value: str | None) -> dt.date | None:
    """A Jalali date option as a date (InvalidInput if malformed), or None when not given."""
    from registry.jalali import parse_jalali_date

    return parse_jalali_date(value) if value else None
