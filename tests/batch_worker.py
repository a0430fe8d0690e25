"""What the batch lease's race test runs in its child processes: each builds its own
engine (nothing inherited), waits at the barrier, then takes the lease once, exactly as
the desk's «ارسال» does, and sends back whether it started a batch and which holds it."""

from __future__ import annotations

import datetime as dt
import uuid
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier

from registry.batches import take_lease
from registry.db import make_engine, session_factory

BARRIER_TIMEOUT_S = 60.0


def take(url: str, barrier: Barrier, out: Connection) -> None:
    """Take the dispatch lease once, right after every racer reached the barrier."""
    engine = make_engine(url)
    try:
        factory = session_factory(engine)
        with engine.connect():  # connected before the race: the race is the transaction
            pass
        barrier.wait(BARRIER_TIMEOUT_S)
        taken = take_lease(
            factory,
            kind="dispatch",
            run_id=uuid.uuid4().hex,
            actor="racer",
            now=dt.datetime.now(dt.UTC),
            expires_after=dt.timedelta(seconds=60),
        )
        out.send((taken.started, taken.run.run_id))
    finally:
        engine.dispose()
        out.close()
