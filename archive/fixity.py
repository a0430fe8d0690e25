"""Fixity: proving that the archive still holds exactly what the catalogue says it holds.

:func:`verify_archive` reads (never writes) the whole store and the catalogue and reports:

``missing``
    an object the catalogue names is not in the store;
``altered``
    an object's bytes no longer hash to its name;
``unreferenced``
    an object in the store that no catalogue row names (a crash between storing and
    cataloguing leaves one; anything else is a file put there by hand);
``letter_uncatalogued``
    a letter's recorded PDF or DOCX SHA-256 that no catalogue row names;
``document_uncatalogued``
    a case document (attachment, agency reply) whose SHA-256 no catalogue row names;
``derived_orphan``
    a derived object (a PDF made from a scan) whose original no catalogue row names.

Any finding means the archive cannot be vouched for; the CLI exits 5 (see
:meth:`FixityReport.raise_if_failed`).  Nothing is repaired: an archive of record is
reported on, never rewritten.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.errors import FixityFailed, ObjectMissing
from archive.store import ArchiveStore
from registry.models import ArchiveObject, Complaint, Document, Letter

__all__ = ["FINDING_KINDS", "Finding", "FixityReport", "verify_archive"]

FINDING_KINDS = (
    "missing",
    "altered",
    "unreferenced",
    "letter_uncatalogued",
    "document_uncatalogued",
    "derived_orphan",
)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Finding:
    """One thing wrong: its kind (one of :data:`FINDING_KINDS`), the object, and context
    (tracking codes, letter number, the hash the bytes have now, …)."""

    kind: str
    sha256: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        """The finding under the ``--json`` contract."""
        return {"kind": self.kind, "sha256": self.sha256, **self.detail}


@dataclass
class FixityReport:
    """What a full check saw: counts, and every finding in a stable order."""

    objects_checked: int = 0
    bytes_checked: int = 0
    catalogue_rows: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing at all was found."""
        return not self.findings

    def counts(self) -> dict[str, int]:
        """Findings by kind, every kind present (zero where none)."""
        found = Counter(f.kind for f in self.findings)
        return {kind: found.get(kind, 0) for kind in FINDING_KINDS}

    def as_record(self) -> dict[str, Any]:
        """The report under the ``--json`` contract."""
        return {
            "ok": self.ok,
            "objects_checked": self.objects_checked,
            "bytes_checked": self.bytes_checked,
            "catalogue_rows": self.catalogue_rows,
            "counts": self.counts(),
            "findings": [f.as_record() for f in self.findings],
        }

    def raise_if_failed(self) -> None:
        """FixityFailed (exit 5) if there is any finding; ``detail`` counts them."""
        if not self.ok:
            summary = ", ".join(f"{kind}={n}" for kind, n in self.counts().items() if n)
            raise FixityFailed("archive_fixity_failed", summary, detail=summary)


def _catalogued(session: Session) -> tuple[dict[str, set[str]], set[str], int]:
    """Each catalogued object with the tracking codes of its cases; derived originals; rows."""
    cases: dict[str, set[str]] = {}
    derived_from: set[str] = set()
    rows = 0
    query = select(ArchiveObject.sha256, ArchiveObject.derived_from, Complaint.tracking_code).join(
        Complaint, Complaint.id == ArchiveObject.complaint_id, isouter=True
    )
    for sha256, original, tracking in session.execute(query):
        rows += 1
        codes = cases.setdefault(sha256, set())
        if tracking is not None:
            codes.add(tracking)
        if original is not None:
            derived_from.add(original)
    return cases, derived_from, rows


def _hash_object(store: ArchiveStore, sha256: str) -> tuple[str, int] | None:
    """The SHA-256 and size of the object's bytes now, or None if it vanished meanwhile."""
    try:
        data = store.get(sha256, verify=False)
    except ObjectMissing:
        return None
    return hashlib.sha256(data).hexdigest(), len(data)


def verify_archive(
    session: Session, store: ArchiveStore, *, progress: Progress | None = None
) -> FixityReport:
    """Re-hash every object in ``store`` and compare store, catalogue and registry.

    Read-only: no object, row or file is written or touched.  Findings come sorted by
    kind (in :data:`FINDING_KINDS` order), then by object name.
    """
    report = FixityReport()
    cases, derived_from, report.catalogue_rows = _catalogued(session)
    found: list[Finding] = []

    present: set[str] = set()
    names = list(store.iter_objects())
    for done, sha256 in enumerate(names, start=1):
        hashed = _hash_object(store, sha256)
        if hashed is None:
            continue
        present.add(sha256)
        actual, size = hashed
        report.objects_checked += 1
        report.bytes_checked += size
        if actual != sha256:
            detail = {"actual": actual, "tracking_codes": sorted(cases.get(sha256, ()))}
            found.append(Finding("altered", sha256, detail))
        if sha256 not in cases:
            found.append(Finding("unreferenced", sha256, {"size": size}))
        if progress:
            progress("hash", done, len(names))

    for name, codes in cases.items():
        if name not in present:
            found.append(Finding("missing", name, {"tracking_codes": sorted(codes)}))
    for original in derived_from - cases.keys():
        found.append(Finding("derived_orphan", original, {}))

    letters = session.execute(select(Letter.number, Letter.pdf_sha256, Letter.docx_sha256))
    for number, pdf, docx in letters:
        for role, recorded in (("pdf", pdf), ("docx", docx)):
            if recorded is not None and recorded not in cases:
                found.append(
                    Finding("letter_uncatalogued", recorded, {"number": number, "file": role})
                )
    documents = session.execute(
        select(Document.sha256, Document.original_name, Complaint.tracking_code).join(
            Complaint, Complaint.id == Document.complaint_id
        )
    )
    for document_sha256, name, tracking in documents:
        if document_sha256 not in cases:
            found.append(
                Finding(
                    "document_uncatalogued",
                    document_sha256,
                    {"tracking_code": tracking, "name": name},
                )
            )

    order = {kind: n for n, kind in enumerate(FINDING_KINDS)}
    report.findings = sorted(found, key=lambda f: (order[f.kind], f.sha256, repr(f.detail)))
    return report
