"""Where a flow run finds its resources: the process that started it, or its own settings.

A deployed flow runs on a Prefect worker with nothing but its JSON parameters, so it builds
its ``Runtime`` from the worker's settings (``RESIDEGI_*``, the data folder's file, the
``home`` parameter).  A process that runs a flow in-process (the CLI, a warm runner kept by
the web desk for small batches) may instead give it a runtime it keeps, a render pool already
warm, a progress callback and, in tests, armed failpoints: ``with given(RunContext(...))``.
What is given is scoped to that block and owned (closed) by the giver.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from generators.batch import RenderPool
from office.failpoints import Failpoints
from office.failures import ensure_room
from office.pipeline import Batch, Progress
from office.runtime import Runtime
from registry.settings import load_settings


@dataclass
class RunContext:
    """What a flow run works with besides its parameters."""

    runtime: Runtime
    progress: Progress | None = None
    failpoints: Failpoints = field(default_factory=Failpoints)
    # Rendering processes already started; None: the flow starts its own for the run.
    pool: RenderPool[int] | None = None

    def batch(self, actor: str) -> Batch:
        """A batch acting as ``actor`` on this context's resources."""
        return Batch(self.runtime, actor, self.failpoints, progress=self.progress)


_given: ContextVar[RunContext | None] = ContextVar("residegi_run_context", default=None)


@contextmanager
def given(context: RunContext) -> Iterator[RunContext]:
    """Flow runs started in this block (in this process) use ``context``."""
    token = _given.set(context)
    try:
        yield context
    finally:
        _given.reset(token)


@contextmanager
def run_context(home: str | None) -> Iterator[RunContext]:
    """The context given by the calling process, or one built from this machine's settings
    (with ``home`` as the data folder, if named) and closed when the run ends."""
    context = _given.get()
    if context is not None:
        yield context
        return
    runtime = Runtime(load_settings(home=Path(home).expanduser() if home else None))
    # On a worker, nothing checked the data folder before: refuse a full or read-only one
    # now, with a message, rather than fail half-way through the run.
    ensure_room(runtime.settings)
    try:
        yield RunContext(runtime, failpoints=Failpoints.parse(runtime.settings.failpoints))
    finally:
        runtime.close()
