"""The catalogue: what each archived object is, in the registry's database.

Order that makes crashes safe
-----------------------------
1. The bytes go into the store first (:meth:`ArchiveStore.put_bytes`), durably, outside
   any question of transactions: the store is append-only, so writing early never harms.
2. The catalogue row is added by :func:`put` in the *caller's* transaction, the same one
   that makes the domain change (a letter marked stored, a document attached).  Both
   commit together or not at all.

A crash between 1 and 2, or a rollback after 1, leaves at worst an object that no row
references.  Nothing points at it, so nothing is wrong for users; a rerun produces the
same bytes (rendering is deterministic, attachments are the same file) and so the same
SHA-256, finds the object there, and references it; ``archive verify`` reports any object
that stays unreferenced.  The other order could leave a row pointing at nothing.

:func:`put` is idempotent: the same bytes with the same case, kind, letter and role give
back the row already there.  The database's unique constraint cannot see that when a
column is NULL (NULLs are distinct there), so :func:`put` checks explicitly, after taking
a lock on the object's name that lasts until the caller's transaction ends: an advisory
lock on PostgreSQL (which assumes the default READ COMMITTED isolation, so the check sees
rows committed while it waited), and on SQLite the write lock that ``BEGIN IMMEDIATE``
(see :mod:`registry.db`) already holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.errors import CatalogueConflict, InvalidObjectMeta, ObjectMissing
from archive.store import ArchiveStore, check_sha256, sha256_of
from registry.models import ArchiveObject

__all__ = ["ObjectMeta", "catalogue_for_case", "catalogue_for_object", "put"]

# Namespace of the archive's advisory locks, so they never meet another part's locks.
_PG_LOCK_CLASS = 0x52_41_52_43  # "RARC"

# Column widths of ``archive_object`` (registry/models.py); checked here because SQLite
# would store an over-long value silently where PostgreSQL refuses it.
_LIMITS = {
    "media_type": 100,
    "kind": 40,
    "role": 20,
    "letter_number": 40,
    "original_name": 255,
    "stored_by": 100,
}


@dataclass(frozen=True, kw_only=True)
class ObjectMeta:
    """What an object is, as the catalogue records it.

    ``role`` is ``original`` for what arrived or was rendered, ``derived`` (say) for a copy
    made from another object, which ``derived_from`` then names by SHA-256.
    """

    media_type: str
    kind: str
    role: str = "original"
    complaint_id: int | None = None
    letter_id: int | None = None
    letter_number: str | None = None
    original_name: str | None = None
    derived_from: str | None = None


def _check_meta(meta: ObjectMeta, stored_by: str) -> None:
    values = {
        "media_type": meta.media_type,
        "kind": meta.kind,
        "role": meta.role,
        "letter_number": meta.letter_number,
        "original_name": meta.original_name,
        "stored_by": stored_by,
    }
    for field, value in values.items():
        if value is None:
            continue
        if not value.strip():
            raise InvalidObjectMeta("archive_meta_invalid", field=field, reason="empty")
        if len(value) > _LIMITS[field]:
            raise InvalidObjectMeta(
                "archive_meta_invalid", field=field, reason="too_long", limit=_LIMITS[field]
            )
    if "/" not in meta.media_type:
        raise InvalidObjectMeta("archive_meta_invalid", field="media_type", reason="malformed")


def _lock_object(session: Session, sha256: str) -> None:
    """Serialise catalogue writes of one object until the caller's transaction ends."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE holds the database's write lock already
    key = int.from_bytes(bytes.fromhex(sha256[:8]), "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_CLASS, key)))


def _find(session: Session, sha256: str, meta: ObjectMeta) -> ArchiveObject | None:
    return session.scalars(
        select(ArchiveObject)
        .where(
            ArchiveObject.sha256 == sha256,
            # ``== None`` renders ``IS NULL``: NULL matches NULL here, unlike in the constraint.
            ArchiveObject.complaint_id == meta.complaint_id,
            ArchiveObject.kind == meta.kind,
            ArchiveObject.letter_id == meta.letter_id,
            ArchiveObject.role == meta.role,
        )
        .order_by(ArchiveObject.id)
        .limit(1)
    ).first()


def put(
    session: Session,
    store: ArchiveStore,
    data: bytes,
    meta: ObjectMeta,
    *,
    stored_by: str,
    at: dt.datetime,
) -> ArchiveObject:
    """Store ``data`` and catalogue it in the caller's transaction; return its row.

    The bytes are durable in ``store`` before the row is added (see the module's notes).
    Idempotent: if the same bytes are catalogued already for the same complaint, kind,
    letter and role, that row comes back and nothing is added; if it disagrees on media
    type, letter number or original, CatalogueConflict.  A derived object's original must
    be in the store (ObjectMissing otherwise).  ``at`` must be timezone-aware.
    """
    _check_meta(meta, stored_by)
    if at.tzinfo is None:
        raise InvalidObjectMeta("archive_meta_invalid", field="stored_at", reason="naive")
    derived_from = None if meta.derived_from is None else check_sha256(meta.derived_from)
    sha256 = sha256_of(data)
    if derived_from is not None and not store.exists(derived_from):
        raise ObjectMissing("archive_object_missing", sha256=derived_from)
    if derived_from == sha256:
        raise InvalidObjectMeta("archive_meta_invalid", field="derived_from", reason="self")

    store.put_bytes(data)

    _lock_object(session, sha256)
    existing = _find(session, sha256, meta)
    if existing is not None:
        differs = [
            name
            for name, mine, theirs in (
                ("media_type", meta.media_type, existing.media_type),
                ("letter_number", meta.letter_number, existing.letter_number),
                ("derived_from", derived_from, existing.derived_from),
            )
            if mine != theirs
        ]
        if differs:
            raise CatalogueConflict(
                "archive_catalogue_conflict", sha256=sha256, fields=differs, row=existing.id
            )
        return existing

    row = ArchiveObject(
        sha256=sha256,
        size=len(data),
        media_type=meta.media_type,
        kind=meta.kind,
        role=meta.role,
        complaint_id=meta.complaint_id,
        letter_id=meta.letter_id,
        letter_number=meta.letter_number,
        original_name=meta.original_name,
        derived_from=derived_from,
        stored_by=stored_by,
        stored_at=at,
    )
    session.add(row)
    session.flush()  # the id now, and a constraint failure here rather than at commit
    return row


def catalogue_for_case(session: Session, complaint_id: int) -> list[ArchiveObject]:
    """Every catalogue row of one complaint, in the order they were stored."""
    return list(
        session.scalars(
            select(ArchiveObject)
            .where(ArchiveObject.complaint_id == complaint_id)
            .order_by(ArchiveObject.id)
        )
    )


def catalogue_for_object(session: Session, sha256: str) -> list[ArchiveObject]:
    """Every catalogue row naming one object (empty: the object is unreferenced)."""
    return list(
        session.scalars(
            select(ArchiveObject)
            .where(ArchiveObject.sha256 == check_sha256(sha256))
            .order_by(ArchiveObject.id)
        )
    )
