"""Folders and files of the data folder, private to the service's account whatever the umask.

The data folder holds citizens' personal data (national IDs, mobiles, addresses, scans), so
everything residegi creates in it is made for its owner alone: folders 0700, files 0600.
The mode is given when the file or folder is created, never left to the process's umask
(which is commonly 022, "readable by everyone").  The umask can only take permissions
away, so a stricter umask still gives private files.

No process-wide ``os.umask`` is set: it is ambient state, and it would also make the files
staff export where they ask (letters, dossiers, receipts) private, which are theirs to share.
Files that other libraries create are covered in two ways instead: SQLite gives its WAL,
SHM and journal files the mode of the database file, so the registry file is created
private before SQLite first opens it (:func:`private_file`); and whatever else a library
writes inside the data folder (Prefect's home) sits in a 0700 folder nobody else can enter.

Light on purpose (the standard library only).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["PRIVATE_DIR_MODE", "PRIVATE_FILE_MODE", "private_dir", "private_file", "write_private"]

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> list[Path]:
    """Create the folder ``path`` and any missing parents, each 0700; return those created,
    outermost first.  Folders that exist already are left as they are (an office may have
    prepared them with a group of its own)."""
    missing: list[Path] = []
    current = path
    while not current.is_dir() and current.parent != current:
        missing.append(current)
        current = current.parent
    created: list[Path] = []
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # another process made it at the same moment
        # mkdir's mode is masked by the umask: say it exactly (an umask of 0o277, say,
        # would otherwise leave the owner unable to write in its own folder).
        folder.chmod(PRIVATE_DIR_MODE)
        created.append(folder)
    return created


def private_file(path: Path) -> bool:
    """Create ``path`` empty and 0600 if it does not exist (its folder as by
    :func:`private_dir`), so that the library that then opens it keeps that mode; True if it
    was created.  An existing file is left as it is."""
    if path.exists():
        return False  # nothing is asked of a folder that may be read-only
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def write_private(path: Path, data: bytes, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """Write ``data`` to a new file ``path`` created with ``mode`` (0600 by default; never
    more than the owner's own read and write).  FileExistsError if it exists: nothing is
    replaced.  A failed write removes the partial file."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode & PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
