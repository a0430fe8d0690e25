"""The agencies complaints concern: list, add, change (a new head keeps the old one in the
history)."""

from __future__ import annotations

from typing import Any

from office.access import Action, Actor, require
from office.runtime import Runtime
from registry.agencies import (
    AgencyChanges,
    active_agency_names,
    add_agency,
    edit_agency,
    find_agency,
    list_agencies,
)
from registry.db import transaction
from registry.kinds import AgencyKind, Honorific
from registry.records import agency_record

__all__ = ["add", "choices", "counties", "edit", "list_all"]


def list_all(runtime: Runtime, kind: AgencyKind | None = None) -> list[dict[str, Any]]:
    """The agencies (of ``kind``, or all), as records."""
    with runtime.sessions() as session:
        return [agency_record(a) for a in list_agencies(session, kind)]


def choices(runtime: Runtime) -> list[tuple[int, str]]:
    """The agencies a complaint may concern, as (id, name): active ones, not the office
    itself, in the registry's order (the governorate first)."""
    with runtime.sessions() as session:
        return [(id_, name) for id_, name, _ in active_agency_names(session)]


def counties(runtime: Runtime) -> list[str]:
    """The counties the active agencies belong to, in alphabetical order (a filter's
    choices)."""
    with runtime.sessions() as session:
        return sorted({county for _, _, county in active_agency_names(session) if county})


def add(
    runtime: Runtime,
    actor: Actor,
    *,
    name: str,
    kind: AgencyKind,
    head_title: str,
    head_name: str | None = None,
    head_honorific: Honorific | None = None,
    parent: str | None = None,
    county: str | None = None,
    reply_deadline_days: int | None = None,
) -> dict[str, Any]:
    """Add an agency; ``parent`` names its superior (NotFound if there is none by that
    name).  Its record."""
    actor = require(actor, Action.MANAGE_AGENCIES)
    with transaction(runtime.sessions) as session:
        agency = add_agency(
            session,
            name=name,
            kind=kind,
            head_title=head_title,
            head_name=head_name,
            head_honorific=head_honorific or Honorific.NONE,
            parent=find_agency(session, parent) if parent else None,
            county=county,
            reply_deadline_days=reply_deadline_days,
            at=runtime.clock.now(),
            actor=actor,
        )
        return agency_record(agency)


def edit(
    runtime: Runtime,
    actor: Actor,
    name: str,
    *,
    head_title: str | None = None,
    head_name: str | None = None,
    head_honorific: Honorific | None = None,
    parent: str | None = None,
    reply_deadline_days: int | None = None,
    active: bool | None = None,
) -> dict[str, Any]:
    """Change agency ``name`` (None: unchanged); a new head keeps the old one in the
    history.  Its record afterwards."""
    actor = require(actor, Action.MANAGE_AGENCIES)
    with transaction(runtime.sessions) as session:
        agency = find_agency(session, name)
        changes = AgencyChanges(
            head_title=head_title,
            head_name=head_name,
            head_honorific=head_honorific,
            parent=find_agency(session, parent) if parent else None,
            reply_deadline_days=reply_deadline_days,
            active=active,
        )
        edit_agency(session, agency, changes, at=runtime.clock.now(), actor=actor)
        return agency_record(agency)
