"""Agencies: the sample of Qazvin province, lookup by name, adding and editing."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.errors import InvalidInput, NotFound, Refused
from registry.events import record_event
from registry.kinds import AgencyKind, Honorific
from registry.models import Agency, AgencyHead
from registry.text import normalize_for_search

SAMPLE_FILE = Path(__file__).with_name("data") / "qazvin-agencies.toml"
NAME_MAX = 200  # the length of the agency table's name columns


def find_agency(session: Session, name: str) -> Agency:
    """The agency whose name matches ``name`` after normalization, or NotFound with hints."""
    wanted = normalize_for_search(name)
    if not wanted:
        raise InvalidInput("agency_name_required", field="agency")
    if len(wanted) > NAME_MAX:
        # No agency's name is that long or holds so long a text (and SQLite refuses a
        # LIKE pattern of tens of thousands of characters with an OperationalError).
        raise NotFound("agency_not_found", name=f"{name[:NAME_MAX]}…", hints="")
    agency = session.scalars(select(Agency).where(Agency.name_norm == wanted)).one_or_none()
    if agency is not None:
        return agency
    # A bare city or county ("قزوین") is a common shorthand: offer what contains it.
    hints = session.scalars(
        select(Agency.name).where(Agency.name_norm.contains(wanted)).order_by(Agency.id).limit(5)
    ).all()
    raise NotFound("agency_not_found", name=name, hints="، ".join(hints))


def list_agencies(session: Session, kind: AgencyKind | None = None) -> list[Agency]:
    """All agencies with their heads, the office and governorate first."""
    query = select(Agency).options(selectinload(Agency.heads), selectinload(Agency.parent))
    if kind is not None:
        query = query.where(Agency.kind == kind)
    return list(session.scalars(query.order_by(Agency.id)))


def active_agency_names(session: Session) -> list[tuple[int, str, str | None]]:
    """(id, name, county) of the active agencies a complaint may concern (not the office
    itself), in the registry's order: columns only, for the pages that offer them on every
    request."""
    query = (
        select(Agency.id, Agency.name, Agency.county)
        .where(Agency.active.is_(True), Agency.kind != AgencyKind.OFFICE)
        .order_by(Agency.id)
    )
    return [(row.id, row.name, row.county) for row in session.execute(query)]


def superior_of(agency: Agency) -> Agency | None:
    """Whom an escalation about ``agency`` goes to: a municipality's county governorate,
    a county governorate's governorate (the governor)."""
    return agency.parent if agency.kind is not AgencyKind.OFFICE else None


def add_agency(
    session: Session,
    *,
    name: str,
    kind: AgencyKind,
    head_title: str,
    at: dt.datetime,
    actor: str,
    head_name: str | None = None,
    head_honorific: Honorific = Honorific.NONE,
    parent: Agency | None = None,
    county: str | None = None,
    reply_deadline_days: int | None = None,
) -> Agency:
    """A new agency with its current head (``head_honorific``: «جناب آقای» / «سرکار خانم»
    before the head's name in letters); refused if the name is taken."""
    name = name.strip()
    if not name:
        raise InvalidInput("agency_name_required", field="name")
    if not head_title.strip():
        raise InvalidInput("head_title_required", field="head_title")
    if reply_deadline_days is not None and reply_deadline_days < 1:
        raise InvalidInput(
            "invalid_deadline_days", field="reply_deadline_days", value=reply_deadline_days
        )
    norm = normalize_for_search(name)
    if session.scalars(select(Agency.id).where(Agency.name_norm == norm)).first() is not None:
        raise Refused("agency_exists", name=name)
    agency = Agency(
        kind=kind,
        name=name,
        name_norm=norm,
        parent=parent,
        county=county,
        reply_deadline_days=reply_deadline_days,
        active=True,
    )
    agency.heads.append(
        AgencyHead(title=head_title.strip(), name=head_name, honorific=head_honorific, since=at)
    )
    session.add(agency)
    session.flush()
    record_event(session, at=at, actor=actor, action="agency_added", data={"agency": name})
    return agency


@dataclass(frozen=True)
class AgencyChanges:
    """What `agency edit` may change; None leaves a field as it is."""

    head_title: str | None = None
    head_name: str | None = None
    head_honorific: Honorific | None = None
    parent: Agency | None = None
    reply_deadline_days: int | None = None
    active: bool | None = None


def edit_agency(
    session: Session, agency: Agency, changes: AgencyChanges, *, at: dt.datetime, actor: str
) -> Agency:
    """Apply ``changes``; a new head title or name starts a new head row, so letters already
    written keep the head they printed."""
    changed: dict[str, Any] = {}
    head = agency.current_head
    if (
        changes.head_title is not None
        or changes.head_name is not None
        or changes.head_honorific is not None
    ):
        title = (changes.head_title or (head.title if head else "")).strip()
        if not title:
            raise InvalidInput("head_title_required", field="head_title")
        name = changes.head_name if changes.head_name is not None else (head.name if head else None)
        honorific = changes.head_honorific or (head.honorific if head else Honorific.NONE)
        agency.heads.append(
            AgencyHead(title=title, name=name or None, honorific=honorific, since=at)
        )
        changed["head"] = {"title": title, "name": name, "honorific": honorific.value}
    if changes.parent is not None:
        if changes.parent.id == agency.id:
            raise InvalidInput("agency_parent_self", field="parent")
        agency.parent = changes.parent
        changed["parent"] = changes.parent.name
    if changes.reply_deadline_days is not None:
        if changes.reply_deadline_days < 1:
            raise InvalidInput(
                "invalid_deadline_days",
                field="reply_deadline_days",
                value=changes.reply_deadline_days,
            )
        agency.reply_deadline_days = changes.reply_deadline_days
        changed["reply_deadline_days"] = changes.reply_deadline_days
    if changes.active is not None:
        agency.active = changes.active
        changed["active"] = changes.active
    if changed:
        record_event(
            session,
            at=at,
            actor=actor,
            action="agency_edited",
            data={"agency": agency.name, **changed},
        )
    return agency


def _head(row: dict[str, Any]) -> dict[str, Any]:
    """A data row's optional head name and honorific («mr», «mrs»)."""
    if not row.get("head_name"):
        return {}
    return {
        "head_name": row["head_name"],
        "head_honorific": Honorific(row.get("head_honorific", "none")),
    }


def load_sample(session: Session, *, at: dt.datetime, actor: str, path: Path = SAMPLE_FILE) -> int:
    """Load the province's agencies from the project's data file; returns how many were added.

    Agencies already present (by normalized name) are left as they are, so loading twice
    adds nothing.
    """
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    existing = {a.name_norm: a for a in session.scalars(select(Agency))}
    added = 0

    def ensure(name: str, kind: AgencyKind, head_title: str, **extra: Any) -> Agency:
        nonlocal added
        found = existing.get(normalize_for_search(name))
        if found is not None:
            return found
        agency = add_agency(
            session, name=name, kind=kind, head_title=head_title, at=at, actor=actor, **extra
        )
        existing[agency.name_norm] = agency
        added += 1
        return agency

    governorate: Agency | None = None
    counties: dict[str, Agency] = {}
    for row in data["agency"]:
        kind = AgencyKind(row["kind"])
        if kind is AgencyKind.GOVERNORATE:
            governorate = ensure(row["name"], kind, row["head_title"], **_head(row))
        elif kind is AgencyKind.COUNTY_GOVERNORATE:
            counties[row["county"]] = ensure(
                row["name"],
                kind,
                row["head_title"],
                parent=governorate,
                county=row["county"],
                **_head(row),
            )
    office = data["office"]
    ensure(office["name"], AgencyKind.OFFICE, "مدیرکل محترم " + office["name"], parent=governorate)
    for county, cities in data["municipalities"].items():
        for city in cities:
            ensure(
                f"شهرداری {city}",
                AgencyKind.MUNICIPALITY,
                f"شهردار محترم {city}",
                parent=counties[county],
                county=county,
            )
    return added
