"""A case's dossier: the archive's assembly with the generators' Persian cover page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.dossier import DossierResult, export_dossier
from office.runtime import Runtime


def case_dossier(
    runtime: Runtime, tracking: str, output: Path, *, bag: Path | None = None
) -> DossierResult:
    """Write case ``tracking``'s dossier PDF to ``output`` (and a BagIt package to ``bag``)."""
    from generators.dossier_cover import render_cover

    office = runtime.settings.office
    with runtime.sessions() as session:
        return export_dossier(
            session,
            runtime.store,
            tracking,
            output,
            render_cover,
            office={
                "ministry": office.ministry,
                "governorate": office.governorate,
                "office": office.name,
            },
            zone=runtime.clock.zone,
            at=runtime.clock.now(),
            bag=bag,
        )


def dossier(
    runtime: Runtime, tracking: str, output: Path, *, bag: Path | None = None
) -> dict[str, Any]:
    """Write case ``tracking``'s dossier (and BagIt package) as ``case_dossier`` does; its
    record: tracking_code, output, sha256, pages, cover_pages, documents, index (an entry
    without pages is a document the dossier could not include, with a note), bag."""
    return dossier_record(case_dossier(runtime, tracking, output, bag=bag))


def dossier_record(result: DossierResult) -> dict[str, Any]:
    """The JSON record of a written dossier."""
    return {
        "tracking_code": result.dossier.tracking_code,
        "output": str(result.output),
        "sha256": result.sha256,
        "pages": result.dossier.total_pages,
        "cover_pages": result.dossier.cover_pages,
        "documents": len(result.dossier.placed),
        "index": result.dossier.index_record(),
        "bag": None
        if result.bag is None
        else {"path": str(result.bag.path), "files": result.bag.files, "bytes": result.bag.bytes},
    }
