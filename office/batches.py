"""Letter batches from the desk: what waits, one batch at a time, and its live record.

«ارسال» on the desk takes the batch lease (registry/batches.py) for a new run, then the
caller starts the dispatch flow beside the web server; a second press while that run
holds the lease gets the running batch back instead.  The run keeps its lease with a
heartbeat (``keeping``: a thread beats every third of ``batch_lease_seconds`` and the
dispatch's progress callback hands it the counts); a run that stops beating (killed, its
machine gone) loses the lease once ``batch_lease_seconds`` have passed, or at once when
it ran on this machine and its process is gone, and shows as crashed; «ادامه» then
starts a new run, which renders first what the crashed one numbered (the flow is
idempotent).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select

from office.access import Action, Actor, require
from office.runtime import Runtime
from registry import batches as lease
from registry import dispatch
from registry.kinds import LetterKind, LetterState
from registry.models import Agency, BatchRun, Complaint, Letter

KIND = "dispatch"
HISTORY = 20
# The progress callback beats at most this often (the thread beats regardless).
PROGRESS_BEAT_S = 1.0


@dataclass(frozen=True)
class Waiting:
    """Referrals waiting for a batch: how many in all, per agency (most first), whether
    a run will make drafts of them (approval on) instead of letters, and the referrals a
    crashed run numbered and left unrendered (the next run sends them first)."""

    total: int
    agencies: list[tuple[str, int]]
    drafting: bool
    unrendered: int = 0


def lease_now() -> dt.datetime:
    """The time leases and heartbeats are on: the wall clock, never the office's training
    clock (expiry is about real seconds between heartbeats)."""
    return dt.datetime.now(dt.UTC)


def lease_expiry(runtime: Runtime) -> dt.timedelta:
    """How long a lease lives without a heartbeat."""
    return dt.timedelta(seconds=runtime.settings.batch_lease_seconds)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process holds the id: not ours to judge
    return True


def dead_here(run: BatchRun) -> bool:
    """A run on this machine whose process is gone: it will never beat again."""
    return run.host == socket.gethostname() and run.pid is not None and not _alive(run.pid)


def waiting(runtime: Runtime, actor: Actor) -> Waiting:
    """The referrals the next batch would take up, counted per agency."""
    require(actor, Action.DISPATCH)
    with runtime.sessions() as session:
        pending = dispatch.pending_referrals(session)
        unrendered = dispatch.letters_in_state(
            session, LetterState.NUMBERED, (LetterKind.REFERRAL,)
        )
        per_agency = Counter(item.agency_id for item in pending)
        found = session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(per_agency)))
        names: dict[int, str] = dict(list(found))
    agencies = sorted(
        ((names[agency_id], count) for agency_id, count in per_agency.items()),
        key=lambda item: (-item[1], item[0]),
    )
    kinds = runtime.settings.office.approval_required_kinds
    return Waiting(len(pending), agencies, LetterKind.REFERRAL in kinds, len(unrendered))


def take_lease(runtime: Runtime, kind: str, actor: str) -> lease.Taken:
    """Take the lease of ``kind`` for a new run (``started``), or the live run that holds
    it; a holder silent too long, or dead on this machine, is let go first."""
    return lease.take_lease(
        runtime.sessions,
        kind=kind,
        run_id=uuid.uuid4().hex,
        actor=actor,
        now=lease_now(),
        expires_after=lease_expiry(runtime),
        dead=dead_here,
    )


def start(runtime: Runtime, actor: Actor) -> lease.Taken:
    """Take the batch lease for a new run (``started``), or the running batch that holds
    it.  A holder whose lease expired is marked crashed first."""
    return take_lease(runtime, KIND, require(actor, Action.DISPATCH))


def started_in(runtime: Runtime, run_id: str, *, host: str, pid: int) -> None:
    """Where the run's process was started (so that its death shows at once here)."""
    lease.beat(runtime.sessions, run_id, lease_now(), host=host, pid=pid)


def failed_to_start(runtime: Runtime, run_id: str, error: str) -> None:
    """The run's process could not be started: the lease is let go with the reason."""
    lease.end(runtime.sessions, run_id, lease_now(), state=lease.FAILED, error=error)


def _settle(runtime: Runtime, run: BatchRun) -> BatchRun:
    """``run`` as it stands: a running one whose lease expired (or whose process here is
    gone) is marked crashed now, so the page offers «ادامه»."""
    if run.state == lease.RUNNING and (
        lease.expired(run, lease_now(), lease_expiry(runtime)) or dead_here(run)
    ):
        with runtime.sessions() as session, session.begin():
            held = session.get_one(BatchRun, run.id, with_for_update=True)
            if held.state == lease.RUNNING and held.heartbeat_at == run.heartbeat_at:
                held.lease = None
                held.state = lease.CRASHED
                held.finished_at = held.heartbeat_at
            return held
    return run


def rate(run: BatchRun) -> float | None:
    """Letters stored a second over the run so far (None before the first)."""
    seconds = (run.heartbeat_at - run.started_at).total_seconds()
    return round(run.stored / seconds, 1) if run.stored and seconds > 0 else None


def find(runtime: Runtime, actor: Actor, run_id: str) -> BatchRun | None:
    """The batch ``run_id`` as it stands now (crashed if its lease expired)."""
    require(actor, Action.DISPATCH)
    with runtime.sessions() as session:
        run = lease.find(session, run_id)
    return _settle(runtime, run) if run is not None else None


def history(runtime: Runtime, actor: Actor, limit: int = HISTORY) -> list[BatchRun]:
    """The last batches, newest first, each as it stands now."""
    require(actor, Action.DISPATCH)
    with runtime.sessions() as session:
        runs = lease.recent(session, KIND, limit)
    return [_settle(runtime, run) for run in runs]


@dataclass(frozen=True)
class SentLetter:
    """A letter a batch sent, with what the case page's letter link needs."""

    number: str
    tracking_code: str
    letter_id: int


def sent_letters(runtime: Runtime, actor: Actor, numbers: list[str]) -> list[SentLetter]:
    """The letters ``numbers`` (a batch's), in that order, each with its case."""
    require(actor, Action.DISPATCH)
    if not numbers:
        return []
    with runtime.sessions() as session:
        rows = session.execute(
            select(Letter.number, Complaint.tracking_code, Letter.id)
            .join(Complaint, Complaint.id == Letter.complaint_id)
            .where(Letter.number.in_(numbers))
        )
        found = {number: SentLetter(number, code, letter_id) for number, code, letter_id in rows}
    return [found[number] for number in numbers if number in found]


@dataclass
class Keeper:
    """A run's hold on its lease: counts from the progress callback, beaten to the
    registry by a thread every third of the expiry."""

    runtime: Runtime
    run_id: str
    # The office's clock when the run began (the letters' times are on it, training
    # clock included): the letters numbered and sent since then are this run's.
    since: dt.datetime
    stored: int = 0
    total: int = 0
    lost: bool = False
    _last: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def progress(self, stage: str, done: int, total: int) -> None:
        """The dispatch's progress callback: letters stored and sent so far, beaten to the
        registry at most once a second (so the page's counts move with the letters)."""
        if stage != "send":
            return
        with self._lock:
            self.stored, self.total = done, total
            due = time.monotonic() - self._last >= PROGRESS_BEAT_S
        if due:
            self.beat()

    def _numbered(self) -> int:
        # Referrals numbered since this batch began (one desk batch runs at a time).
        with self.runtime.sessions() as session:
            count = session.scalar(
                select(func.count())
                .select_from(Letter)
                .where(
                    Letter.kind == LetterKind.REFERRAL,
                    Letter.issued_at >= self.since,
                    Letter.state != LetterState.VOID,
                )
            )
        return int(count or 0)

    def beat(self) -> None:
        """Tell the registry this run lives, with its counts."""
        with self._lock:
            stored, total = self.stored, self.total
            self._last = time.monotonic()
        numbered = max(self._numbered(), stored)
        alive = lease.beat(
            self.runtime.sessions,
            self.run_id,
            lease_now(),
            host=socket.gethostname(),
            pid=os.getpid(),
            numbered=numbered,
            rendered=stored,
            stored=stored,
            total=max(total, numbered),
        )
        self.lost = self.lost or not alive

    def _loop(self, every: float) -> None:
        while not self._stop.wait(every):
            self.beat()

    def run(self) -> threading.Thread:
        every = self.runtime.settings.batch_lease_seconds / 3
        thread = threading.Thread(target=self._loop, args=(every,), name="batch-heartbeat")
        thread.daemon = True
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()


@contextmanager
def keeping(runtime: Runtime, run_id: str) -> Iterator[Keeper]:
    """Hold the lease of ``run_id`` while the block runs the batch (a first beat at once,
    then every third of the expiry); the caller ends it with ``finished`` or ``failed``."""
    keeper = Keeper(runtime, run_id, runtime.clock.now())
    keeper.beat()
    thread = keeper.run()
    try:
        yield keeper
    finally:
        keeper.stop()
        thread.join()


def finished(runtime: Runtime, run_id: str, *, since: dt.datetime, drafts: int) -> BatchRun:
    """The run ended well: the referrals it sent since ``since`` (in number order, those
    a crashed run numbered included) and the drafts it made recorded."""
    with runtime.sessions() as session:
        numbers = list(
            session.scalars(
                select(Letter.number)
                .where(
                    Letter.kind == LetterKind.REFERRAL,
                    Letter.state == LetterState.SENT,
                    Letter.sent_at >= since,
                )
                .order_by(Letter.year, Letter.seq)
            )
        )
    return lease.end(
        runtime.sessions, run_id, lease_now(), state=lease.DONE, numbers=numbers, drafts=drafts
    )


def failed(runtime: Runtime, run_id: str, error: str) -> BatchRun:
    """The run ended with the staff's sentence ``error``."""
    return lease.end(runtime.sessions, run_id, lease_now(), state=lease.FAILED, error=error)
