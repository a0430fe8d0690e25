"""How many sheets each of a complaint's documents prints on, for the attachment tables."""

from __future__ import annotations

from archive.attachments import sheet_count
from archive.errors import ArchiveError
from archive.store import ArchiveStore
from registry.models import Complaint


def document_sheets(store: ArchiveStore, complaint: Complaint) -> dict[str, int | None]:
    """sha256 → sheet count of each document of ``complaint`` (None when the object is not
    in the store: the letter then prints «—» rather than failing)."""
    counts: dict[str, int | None] = {}
    for document in complaint.documents:
        if document.sha256 in counts:
            continue
        try:
            data = store.get(document.sha256)
        except ArchiveError:
            counts[document.sha256] = None
            continue
        counts[document.sha256] = sheet_count(data, document.media_type)
    return counts
