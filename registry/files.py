"""Reading a file someone named (a text file, an attachment, a key, a PDF to verify) without
letting it fill the memory or hang the process.

:func:`read_bounded` is the one way a user-named file is read.  It opens the path without
blocking (a FIFO with no writer opens at once), looks at what the *opened* descriptor is
(``fstat``, so the path cannot be swapped between the check and the read), refuses anything
but a regular file (a directory, a FIFO, a device such as ``/dev/zero``, a socket) and a
file larger than the limit before reading a byte, and then reads at most one byte past the
limit, so a file that grows after the check is refused too.

Refusals are :class:`FileRefused`, an ``OSError``, so a caller that already turns
``OSError`` into its own message keeps working; the other ``OSError`` subclasses
(``FileNotFoundError``, ``PermissionError``, …) come through unchanged.
:func:`read_text_file` is the same for a UTF-8 text given as an option, with the staff's
error codes.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from registry.errors import InvalidInput

__all__ = ["FileRefused", "read_bounded", "read_text_file"]

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class FileRefused(OSError):
    """The file was not read: ``reason`` is ``not_a_file`` (a directory, FIFO, device or
    socket) or ``too_large`` (``size`` bytes, or more, against ``limit``)."""

    def __init__(self, path: Path, reason: str, *, size: int = 0, limit: int = 0) -> None:
        super().__init__(errno.EINVAL, f"{reason}: {path}")
        self.path = path
        self.reason = reason
        self.size = size
        self.limit = limit


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    FileRefused when it is not a regular file or holds more than ``limit`` bytes (checked
    before reading, and again while reading); any other ``OSError`` as the system gave it.
    """
    if limit < 0:
        raise ValueError(f"limit must not be negative, got {limit}")
    path = Path(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.EOPNOTSUPP):  # a socket, a device without driver
            raise FileRefused(path, "not_a_file") from exc
        raise
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise FileRefused(path, "not_a_file")
        if status.st_size > limit:
            raise FileRefused(path, "too_large", size=status.st_size, limit=limit)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, limit + 1 - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:  # it grew after the check
            raise FileRefused(path, "too_large", size=max(got, os.fstat(fd).st_size), limit=limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text_file(path: Path, *, field: str, max_chars: int) -> str:
    """The UTF-8 text in the file at ``path`` (a complaint's text, a decision, findings).

    InvalidInput: ``not_a_regular_file`` for a directory, FIFO, device or socket;
    ``field_too_long`` (``field``, ``max_chars``) for more than ``max_chars`` characters,
    told from the size before the file is read when it cannot fit; ``text_file_unreadable``
    when it is missing, unreadable or not UTF-8.
    """
    try:
        data = read_bounded(path, 4 * max_chars)  # UTF-8 spends at most 4 bytes a character
    except FileRefused as exc:
        if exc.reason == "too_large":
            raise InvalidInput("field_too_long", field=field, limit=max_chars) from None
        raise InvalidInput("not_a_regular_file", path=str(path)) from None
    except OSError:
        raise InvalidInput("text_file_unreadable", path=str(path)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("text_file_unreadable", path=str(path)) from None
    if len(text) > max_chars:
        raise InvalidInput("field_too_long", field=field, limit=max_chars)
    if "\x00" in text:
        raise InvalidInput("text_has_nul", field=field)
    return text
