"""Writing one file all or nothing: a temporary name beside it, then a rename.

Light on purpose (the standard library only): the CLI imports it inside a command.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path``, all or nothing: written and fsynced under a temporary name
    beside it, then renamed into place (an existing file is replaced).  An OSError
    propagates, and the temporary file is removed whatever happens."""
    temp = path.parent / f".{path.name}.tmp-{secrets.token_hex(6)}"
    try:
        with temp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
