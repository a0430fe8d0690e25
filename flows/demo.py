"""The whole pipeline on sample data, in a fresh data folder: what `residegi demo` runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from archive.attachments import Attachment
from archive.intake import file_complaint
from archive.store import sha256_of
from flows.runtime import Runtime
from registry import complaints
from registry.agencies import list_agencies, load_sample
from registry.db import transaction
from registry.errors import Refused
from registry.kinds import AgencyKind, DocumentKind
from registry.models import Complaint
from registry.samples import SampleComplaint, sample_complaints

Progress = Callable[[str, int, int], None]  # (stage, done, total)

REJECTION_REASON = (
    "موضوع شکایت در صلاحیت مراجع قضایی است و رسیدگی به آن در حدود وظایف این دفتر نیست."
)


@dataclass
class DemoSummary:
    """What the demo did, for the summary table."""

    complaints: int = 0
    states: Counter[str] = field(default_factory=Counter)
    tracking_codes: list[str] = field(default_factory=list)


def _files(sample: SampleComplaint) -> list[tuple[DocumentKind, Attachment]]:
    return [
        (
            f.kind,
            Attachment(
                data=f.data,
                media_type=_media_type(f.name),
                original_name=f.name,
                sha256=sha256_of(f.data),
            ),
        )
        for f in sample.files
    ]


def _media_type(name: str) -> str:
    return {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}[
        name.rsplit(".", 1)[1]
    ]


def run_demo(
    runtime: Runtime, *, count: int, actor: str, progress: Progress | None = None
) -> DemoSummary:
    """Load the Qazvin sample, register ``count`` complaints with their files, review them.

    Refused (exit 4) when the data folder already holds complaints: the demo wants a
    fresh folder so that what it prints describes exactly what it did.
    """
    runtime.initialise()
    sessions = runtime.sessions
    now = runtime.clock.now
    with transaction(sessions) as session:
        if session.scalar(select(func.count()).select_from(Complaint)):
            raise Refused("demo_needs_fresh_home", home=str(runtime.settings.home))
        load_sample(session, at=now(), actor=actor)
        targets = [
            a.name
            for a in list_agencies(session)
            if a.kind in (AgencyKind.MUNICIPALITY, AgencyKind.COUNTY_GOVERNORATE)
        ]
    summary = DemoSummary()
    samples = list(sample_complaints(count, targets))
    for done, sample in enumerate(samples, start=1):
        with transaction(sessions) as session:
            registration = file_complaint(
                session,
                runtime.store,
                sample.data,
                _files(sample),
                actor=actor,
                at=now(),
                duplicate_window_days=runtime.settings.duplicate_window_days,
            )
            complaint = registration.complaint
            if sample.review == "reject":
                complaints.reject(
                    session, complaint, reason=REJECTION_REASON, actor=actor, at=now()
                )
            elif sample.review == "incomplete":
                complaints.mark_incomplete(
                    session, complaint, missing=[DocumentKind.EVIDENCE], actor=actor, at=now()
                )
            else:
                complaints.accept(session, complaint, actor=actor, at=now())
            summary.tracking_codes.append(complaint.tracking_code)
            summary.states[complaint.state.value] += 1
        summary.complaints = done
        if progress:
            progress("register", done, len(samples))
    return summary
