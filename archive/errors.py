"""Errors raised by ``archive``: one root, subclasses by what went wrong.

Codes are stable snake_case (see :mod:`registry.errors`); the lead may add classes here.
"""

from __future__ import annotations

from registry.errors import ErrorKind, ResidegiError

__all__ = ["ArchiveError", "AttachmentRefused", "ObjectMissing"]


class ArchiveError(ResidegiError):
    """Root of the errors raised by ``archive``."""


class AttachmentRefused(ArchiveError):
    """A file offered as an attachment is missing, unreadable, too large or of a refused
    type (exit 2); nothing was stored."""

    kind = ErrorKind.INPUT


class ObjectMissing(ArchiveError):
    """An object the catalogue names is not in the store (exit 3)."""

    kind = ErrorKind.NOT_FOUND


# -- the object store and its catalogue (archive/store.py, archive/catalogue.py) -------------


class ObjectAltered(ArchiveError):
    """A stored object no longer matches its name: its bytes hash otherwise, or its size
    differs from the bytes being stored again (exit 5).  Reported, never repaired."""

    kind = ErrorKind.VERIFICATION


class InvalidObjectName(ArchiveError):
    """A string given as an object's SHA-256 is not 64 hex digits (exit 2)."""

    kind = ErrorKind.INPUT


class NotLocalStore(ArchiveError):
    """A file path was asked of a store that is not on the local file system (exit 2)."""

    kind = ErrorKind.INPUT


class InvalidObjectMeta(ArchiveError):
    """Catalogue data for an object is malformed: empty kind, over-long name, … (exit 2)."""

    kind = ErrorKind.INPUT


class CatalogueConflict(ArchiveError):
    """The same object is already catalogued for the same case, kind, letter and role, but
    with a different media type, letter number or original (exit 4)."""

    kind = ErrorKind.REFUSED


__all__ += [
    "CatalogueConflict",
    "InvalidObjectMeta",
    "InvalidObjectName",
    "NotLocalStore",
    "ObjectAltered",
]
