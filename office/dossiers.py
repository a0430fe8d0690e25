"""A case's dossier: the archive's assembly with the generators' Persian cover page."""

from __future__ import annotations

from pathlib import Path

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
