"""Child processes for the concurrency tests: started with a pipe, awaited with a deadline.

A deadline turns a hang into a failure; nothing here waits on the clock otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any

import pytest


@contextmanager
def started(
    spawn: BaseContext,
    target: Callable[..., None],
    args: tuple[Any, ...],
    *,
    deadline: float,
    duplex: bool = True,
) -> Iterator[tuple[BaseProcess, Connection]]:
    """A child running ``target(*args, child_end)`` and our end of its pipe.

    The parent closes its copy of the child's end at once, so a child that dies makes
    ``recv`` raise EOFError instead of blocking.  Whatever happens in the test, the child
    does not outlive it.
    """
    ours, theirs = spawn.Pipe(duplex=duplex)
    process = spawn.Process(target=target, args=(*args, theirs), daemon=True)  # type: ignore[attr-defined]
    process.start()
    theirs.close()
    try:
        yield process, ours
    finally:
        ours.close()
        if process.is_alive():
            process.kill()
        process.join(deadline)
        process.close()


def receive(connection: Connection, deadline: float) -> Any:
    """The next message from a child, or a failure if none comes before the deadline."""
    if not connection.poll(deadline):
        pytest.fail(f"no message from the child process within {deadline} s")
    try:
        return connection.recv()
    except EOFError:
        pytest.fail("the child process ended without reporting: see its traceback above")
