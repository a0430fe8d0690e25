"""The whole pipeline on sample data, in a fresh data folder: what `residegi demo` runs.

Registration and review, the dispatch flow, the agencies' replies, the answer flow: the
same functions and flows staff use, driven by the seeded sample of registry/samples.py.
Prefect must be configured (flows.prefect_setup) before this module is imported.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from archive.attachments import Attachment
from archive.intake import sample_files
from archive.store import sha256_of
from flows.answer import run_answers
from flows.dispatch import DispatchParams, run_dispatch
from office import complaints, drafts, replies
from office.access import Staff
from office.complaints import Decision
from office.dossiers import case_dossier
from office.pipeline import Batch, Progress
from office.runtime import Runtime
from office.setup import DEMO_SETTINGS, initialise, install_trial_key_if_missing
from office.users import DEMO_USERS, add_demo_users
from registry.agencies import list_agencies
from registry.db import transaction
from registry.errors import Refused
from registry.kinds import (
    AgencyKind,
    ComplaintState,
    DocumentKind,
    LetterKind,
    ReplyOutcome,
    Role,
)
from registry.models import Complaint, Letter
from registry.private import private_dir
from registry.samples import sample_complaints, scan_png
from registry.settings import load_settings

REJECTION_REASON = (
    "موضوع شکایت اختلافی حقوقی میان اشخاص است که رسیدگی به آن در حدود وظایف این دفتر نیست."
)
DECISION = (
    "پس از بررسی پاسخ دستگاه‌های مربوط، موضوع شکایت شما پیگیری شد و دستور رفع مشکل صادر گردید. "
    "در صورت تکرار، می‌توانید با همین کد رهگیری موضوع را دوباره اعلام کنید."
)
REPLY_SUMMARIES = [
    "موضوع بررسی شد و دستور رفع مشکل به واحد مربوط ابلاغ گردید.",
    "اقدامات لازم انجام شده و نتیجه به اطلاع شاکی رسیده است.",
    "درخواست شاکی با ضوابط مطابقت ندارد و امکان اقدام وجود ندارد.",
]


@dataclass
class DemoSummary:
    """What the demo did, for the summary table."""

    complaints: int = 0
    states: Counter[str] = field(default_factory=Counter)
    letters: Counter[str] = field(default_factory=Counter)
    replies: int = 0
    sample_letters: list[tuple[str, str, str]] = field(default_factory=list)  # number, pdf, docx
    sample_case: str | None = None
    sample_dossier: str | None = None
    # The desk's demo users with their passwords (office.users.add_demo_users).
    users: list[dict[str, Any]] = field(default_factory=list)


def _register_and_review(batch: Batch, count: int, progress: Progress | None) -> None:
    runtime = batch.runtime
    with transaction(runtime.sessions) as session:
        if session.scalar(select(func.count()).select_from(Complaint)):
            raise Refused("demo_needs_fresh_home", home=str(runtime.settings.home))
        targets = [
            a.name
            for a in list_agencies(session)
            if a.kind in (AgencyKind.MUNICIPALITY, AgencyKind.COUNTY_GOVERNORATE)
        ]
    samples = list(sample_complaints(count, targets))
    for done, sample in enumerate(samples, start=1):
        # As staff do it: `complaint register`, then `complaint review`.
        registered = complaints.register(runtime, batch.actor, sample.data, sample_files(sample))
        tracking = registered.record["tracking_code"]
        if sample.review == "reject":
            complaints.review(
                runtime,
                batch.actor,
                tracking,
                Decision.REJECT,
                reason=REJECTION_REASON,
                refer_to="judicial",
            )
        elif sample.review == "incomplete":
            complaints.review(
                runtime, batch.actor, tracking, Decision.INCOMPLETE, missing=[DocumentKind.EVIDENCE]
            )
        else:
            # An anonymous complainant's own evidence goes to the agency (the reviewer
            # checked it names nobody); their follow-up scans and earlier replies do not.
            forward = [
                n
                for n, f in enumerate(sample.files, start=1)
                if sample.data.anonymous and f.kind is DocumentKind.EVIDENCE
            ]
            complaints.review(
                runtime,
                batch.actor,
                tracking,
                Decision.ACCEPT,
                summary=sample.summary,
                forward=forward,
            )
        if progress:
            progress("register", done, len(samples))


def _record_replies(batch: Batch, rng: random.Random, progress: Progress | None) -> int:
    """About three referrals in four get their agency's reply, scanned and recorded as
    staff record one (``reply record``: the scan stored with its derived PDF)."""
    runtime = batch.runtime
    with runtime.sessions() as session:
        referrals = list(
            session.execute(
                select(Letter.number, Letter.recipient)
                .where(Letter.kind == LetterKind.REFERRAL)
                .order_by(Letter.id)
            )
        )
    chosen = [r for r in referrals if rng.random() < 0.75]
    for done, (number, recipient) in enumerate(chosen, start=1):
        scan = scan_png(rng, 14)
        scanned = Attachment(
            data=scan,
            media_type="image/png",
            original_name=f"پاسخ-{recipient}.png",
            sha256=sha256_of(scan),
        )
        replies.record(
            runtime,
            batch.actor,
            number,
            file=scanned,
            their_number=f"{rng.randrange(1000, 99999)}/ش",
            their_date=runtime.clock.today(),
            outcome=rng.choice(list(ReplyOutcome)),
            summary=rng.choice(REPLY_SUMMARIES),
        )
        if progress:
            progress("reply", done, len(chosen))
    return len(chosen)


def run_demo(
    runtime: Runtime, *, count: int, actor: str, progress: Progress | None = None
) -> DemoSummary:
    """Register ``count`` sample complaints with their files, review them (rejections and
    requests for documents with their letters), dispatch the referrals, record replies,
    answer every complaint whose agencies all replied.  The demo's office asks approval
    and signature before the number of referrals, escalations, rejections, reports and
    final answers (``DEMO_SETTINGS``): its inspector approves and its head signs them.

    Refused (exit 4) when the data folder already holds complaints: the demo wants a fresh
    folder so that what it prints describes exactly what it did.
    """
    initialise(runtime, sample=True, actor=actor, profile=DEMO_SETTINGS)
    # The demo's office profile was just written to the data folder: read it.
    runtime = Runtime(load_settings(home=runtime.settings.home))
    install_trial_key_if_missing(runtime)
    users = add_demo_users(runtime, actor)
    batch = Batch(runtime, actor, progress=progress)
    _register_and_review(batch, count, progress)
    _approve_and_sign(runtime)  # the rejection letters leave as they are signed
    run_dispatch(DispatchParams(actor=actor), runtime.settings, progress=progress)
    if _approve_and_sign(runtime):  # the referrals, numbered by the next dispatch
        run_dispatch(DispatchParams(actor=actor), runtime.settings, progress=progress)
    summary = DemoSummary(complaints=count)
    summary.replies = _record_replies(batch, random.Random(count), progress)
    with runtime.sessions() as session:
        replied = list(
            session.scalars(
                select(Complaint.tracking_code).where(Complaint.state == ComplaintState.REPLIED)
            )
        )
    if replied:
        run_answers(runtime.settings, [(code, DECISION) for code in replied], actor)
        _approve_and_sign(runtime)  # the final answers leave sealed as they are signed
    _summarise(runtime, actor, summary)
    summary.users = users
    return summary


def _approve_and_sign(runtime: Runtime) -> int:
    """What the demo's inspector and head do on /drafts: the inspector approves (پاراف)
    every waiting draft, the head signs them all (the kinds other than referral then leave
    at once); how many were signed."""
    inspector = Staff(*DEMO_USERS[Role.INSPECTOR], frozenset({Role.INSPECTOR}))
    head = Staff(*DEMO_USERS[Role.HEAD], frozenset({Role.HEAD}))
    if not drafts.list_drafts(runtime, inspector):
        return 0
    drafts.approve(runtime, inspector, every=True)
    return len(drafts.sign(runtime, head, every=True))


def _summarise(runtime: Runtime, actor: str, summary: DemoSummary) -> None:
    with runtime.sessions() as session:
        summary.states.update(s.value for s in session.scalars(select(Complaint.state)))
        summary.letters.update(k.value for k in session.scalars(select(Letter.kind)))
        picked: dict[LetterKind, Letter] = {}
        for letter in session.scalars(select(Letter).order_by(Letter.seq)):
            picked.setdefault(letter.kind, letter)
        # Copies named by their numbers, to open with a double click; the archive keeps
        # each under its SHA-256.
        folder = runtime.settings.home / "sample-letters"
        private_dir(folder)
        for letter in picked.values():
            if letter.pdf_sha256 and letter.docx_sha256:
                stem = folder / f"{letter.kind.value}-{letter.number.replace('/', '-')}"
                pdf, docx = stem.with_suffix(".pdf"), stem.with_suffix(".docx")
                pdf.write_bytes(runtime.store.get(letter.pdf_sha256))
                docx.write_bytes(runtime.store.get(letter.docx_sha256))
                summary.sample_letters.append((letter.number, str(pdf), str(docx)))
        answered = session.scalars(
            select(Complaint.tracking_code).where(Complaint.state == ComplaintState.ANSWERED)
        ).first()
        summary.sample_case = answered
    if answered:
        # A whole case, as the archivists retrieve it.
        dossier = runtime.settings.home / f"dossier-{answered}.pdf"
        case_dossier(runtime, actor, answered, dossier)
        summary.sample_dossier = str(dossier)
