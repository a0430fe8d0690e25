"""A minimal deterministic ZIP writer that accepts members compressed ahead of time.

A DOCX template's big members (styles.xml is ~350 kB) never change between letters; the
standard ``zipfile`` would deflate them again for every letter.  Here they are deflated
once when the template is prepared; only the rendered parts are deflated per letter.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Member:
    """One ZIP member, already deflated (raw DEFLATE stream, no zlib header)."""

    name: str
    crc: int
    size: int
    deflated: bytes


def deflate(name: str, data: bytes, level: int = 6) -> Member:
    """``data`` as a member named ``name``."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    body = compressor.compress(data) + compressor.flush()
    return Member(name, zlib.crc32(data) & 0xFFFFFFFF, len(data), body)


def dos_time(moment: datetime) -> tuple[int, int]:
    """The (time, date) words ZIP stores; years before 1980 clamp to 1980."""
    year = max(moment.year, 1980)
    time_word = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    date_word = ((year - 1980) << 9) | (moment.month << 5) | moment.day
    return time_word, date_word


def write(members: list[Member], moment: datetime) -> bytes:
    """The ZIP archive of ``members`` in order, every entry stamped ``moment``."""
    time_word, date_word = dos_time(moment)
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for member in members:
        name = member.name.encode("utf-8")
        flags = 0x800 if not member.name.isascii() else 0
        local = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            flags,
            8,
            time_word,
            date_word,
            member.crc,
            len(member.deflated),
            member.size,
            len(name),
            0,
        )
        chunks += [local, name, member.deflated]
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                0x0314,  # made by: UNIX, spec 2.0
                20,
                flags,
                8,
                time_word,
                date_word,
                member.crc,
                len(member.deflated),
                member.size,
                len(name),
                0,
                0,
                0,
                0,
                0o100644 << 16,
                offset,
            )
            + name
        )
        offset += len(local) + len(name) + len(member.deflated)
    directory = b"".join(central)
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), offset, 0
    )
    return b"".join(chunks) + directory + end
