"""A case's dossier: the archive's assembly with the generators' Persian cover page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.dossier import DossierResult, export_dossier
from office.access import Actor, visible_levels
from office.runtime import Runtime
from registry import complaint_queries
from registry.tracking import parse_tracking_code


def case_dossier(
    runtime: Runtime, actor: Actor, tracking: str, output: Path, *, bag: Path | None = None
) -> DossierResult:
    """Write case ``tracking``'s dossier PDF to ``output`` (and a BagIt package to ``bag``);
    NotFound, before anything is written, for a case ``actor`` may not see."""
    from generators.dossier_cover import render_cover

    office = runtime.settings.office
    with runtime.sessions() as session:
        complaint_queries.get_complaint(session, tracking, visible_levels(actor, runtime.settings))
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
    runtime: Runtime, actor: Actor, tracking: str, output: Path, *, bag: Path | None = None
) -> dict[str, Any]:
    """Write case ``tracking``'s dossier (and BagIt package) as ``case_dossier`` does; its
    record: tracking_code, output, sha256, pages, cover_pages, documents, index (an entry
    without pages is a document the dossier could not include, with a note), bag."""
    return dossier_record(case_dossier(runtime, actor, tracking, output, bag=bag))


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


def dossier_file(
    runtime: Runtime, actor: Actor, tracking: str, folder: Path, *, bag: bool = False
) -> Path:
    """Write case ``tracking``'s dossier into the empty ``folder`` as one file to hand out:
    ``dossier-<code>.pdf``, or with ``bag`` its BagIt package zipped, ``dossier-<code>.zip``
    (a top folder ``dossier-<code>`` holding the bag).  The file's path; the caller owns
    ``folder`` and removes it.  Works for a case in any state (a case without letters has
    a dossier of its complaint and documents)."""
    from archive.bagit import zip_bag

    name = f"dossier-{parse_tracking_code(tracking)}"
    if not bag:
        return case_dossier(runtime, actor, tracking, folder / f"{name}.pdf").output
    result = case_dossier(runtime, actor, tracking, folder / "dossier.pdf", bag=folder / name)
    assert result.bag is not None
    return zip_bag(result.bag.path, folder / f"{name}.zip")
