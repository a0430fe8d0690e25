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


# -- derived PDFs, fixity, dossiers and BagIt export (archive/derived.py, fixity.py, …) ------


class DerivationFailed(ArchiveError):
    """A scanned image could not be converted to its derived PDF: not an image this archive
    converts, or damaged (exit 2); nothing was stored."""

    kind = ErrorKind.INPUT


class FixityFailed(ArchiveError):
    """``archive verify`` found missing, altered or unreferenced objects, or records that
    name objects the catalogue does not hold (exit 5).  ``detail`` counts them by kind."""

    kind = ErrorKind.VERIFICATION


class DossierOutputRefused(ArchiveError):
    """The dossier's output file or BagIt folder cannot be written where asked: its folder
    is missing, or the bag folder exists and is not empty (exit 2); nothing was written."""

    kind = ErrorKind.INPUT


class DossierLayoutUnstable(ArchiveError):
    """The cover and index kept changing their own page count as the page numbers in the
    index changed, so the numbers could not be made right (exit 4)."""

    kind = ErrorKind.REFUSED


__all__ += ["DerivationFailed", "DossierLayoutUnstable", "DossierOutputRefused", "FixityFailed"]
