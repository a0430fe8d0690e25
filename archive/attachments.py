"""Checking a file offered as an attachment before it is stored.

An attachment is accepted when it is a regular file no larger than the limit, its
content (never its name) is PDF, JPEG, PNG or TIFF, and it opens: a PDF with pypdf (at
least one page, not locked by a password), an image with Pillow (``verify()`` and then
every frame decoded, which is what finds a truncated JPEG).  Anything else raises
:class:`~archive.errors.AttachmentRefused` with one of four stable codes:

``attachment_missing``
    ``path``, ``reason`` (``absent`` or ``not_a_file``).
``attachment_unreadable``
    ``path``, ``reason``: ``permission_denied``, ``io_error``, ``corrupt``, ``encrypted``,
    ``no_pages`` or ``decompression_bomb``.
``attachment_too_large``
    ``path``, ``size`` and ``limit`` in bytes.  The file is read with
    :func:`registry.files.read_bounded`: the size of the opened file is checked before
    reading, and the read itself stops one byte past the limit, so a file that grows in
    between cannot fill the memory either; a FIFO or device is ``not_a_file``.
``attachment_type_refused``
    ``path``, ``hint``: what the content looks like (``exe``, ``zip``, ``text``, ``empty``,
    …) or ``None``.

Parsers' warnings: Pillow's decompression-bomb warning (more pixels than
``PIL.Image.MAX_IMAGE_PIXELS``) is a refusal whatever the process's warning filters say.
The other warnings a parser gives about a damaged-but-readable file are logged, and
deprecation warnings are emitted again after the check, so that tests (which turn
warnings into errors) still see them.  Changing the warning filters is process-wide, so
the parsing runs under a lock; run many checks at once in processes, not threads.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import threading
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
from PIL import Image, ImageFile, ImageSequence

from archive.errors import AttachmentRefused
from registry.files import FileRefused, read_bounded

__all__ = [
    "ACCEPTED_MEDIA_TYPES",
    "JPEG",
    "PDF",
    "PNG",
    "TIFF",
    "Attachment",
    "check_upload",
    "content_hint",
    "read_attachment",
    "sniff_media_type",
]

logger = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
ACCEPTED_MEDIA_TYPES = frozenset({PDF, JPEG, PNG, TIFF})

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),  # little-endian
    (b"MM\x00*", TIFF),  # big-endian
)
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF"}

# What refused content looks like, for the message; signatures of four bytes or more.
_HINTS: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x7fELF", "elf"),
    (0, b"PK\x03\x04", "zip"),  # also DOCX, XLSX, ODT
    (0, b"PK\x05\x06", "zip"),
    (0, b"Rar!\x1a\x07", "rar"),
    (0, b"7z\xbc\xaf\x27\x1c", "7z"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),  # DOC, XLS, MSG
    (0, b"{\\rtf", "rtf"),
    (0, b"%!PS", "postscript"),
    (0, b"GIF87a", "gif"),
    (0, b"GIF89a", "gif"),
    (0, b"II+\x00", "bigtiff"),
    (0, b"MM\x00+", "bigtiff"),
    (0, b"\x00\x00\x00\x0cjP  \r\n\x87\n", "jpeg2000"),
    (0, b"\xff\x4f\xff\x51", "jpeg2000"),
    (4, b"ftyp", "iso_media"),  # HEIC, MP4, MOV
    (0, b"OggS", "ogg"),
    (0, b"fLaC", "flac"),
    (0, b"ID3", "mp3"),
    (0, b"\xca\xfe\xba\xbe", "mach_o_or_java"),
    (0, b"\xcf\xfa\xed\xfe", "mach_o"),
)
_RIFF_HINTS = {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}
# Two-byte signatures, tried after the text test so that text starting "BM" stays text.
_WEAK_HINTS: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "exe"),  # Windows executable or DLL
    (b"BM", "bmp"),
    (b"\x1f\x8b", "gzip"),
)
_TEXT_CONTROLS_ALLOWED = frozenset("\t\n\r\f")

# catch_warnings changes process-wide state; two threads inside it at once could leave
# the filters changed for good.
_WARNINGS_LOCK = threading.Lock()
_REEMITTED = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A checked attachment, ready to be stored."""

    data: bytes = field(repr=False)
    media_type: str
    original_name: str
    sha256: str  # hex, lower case, of ``data``


def sniff_media_type(data: bytes) -> str | None:
    """The accepted media type that the leading bytes announce, or ``None``."""
    for magic, media_type in _SIGNATURES:
        if data.startswith(magic):
            return media_type
    return None


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        return True
    try:
        # Incremental, so that a character cut at the end of ``head`` is not an error.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    # Control characters other than white space mean binary; format characters (ZWNJ,
    # direction marks) are ordinary in Persian text.
    return all(ch in _TEXT_CONTROLS_ALLOWED or unicodedata.category(ch) != "Cc" for ch in text)


def content_hint(data: bytes) -> str | None:
    """A short name for what refused content seems to be (for the message), or ``None``."""
    if not data:
        return "empty"
    for offset, magic, hint in _HINTS:
        if data.startswith(magic, offset):
            return hint
    if data.startswith(b"RIFF") and len(data) >= 12:
        return _RIFF_HINTS.get(data[8:12], "riff")
    head = data[:4096]
    if _looks_like_text(head):
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if start.startswith((b"<!doctype html", b"<html")):
            return "html"
        if start.startswith(b"<svg") or (start.startswith(b"<?xml") and b"<svg" in start):
            return "svg"
        if start.startswith(b"<?xml"):
            return "xml"
        return "text"
    for magic, hint in _WEAK_HINTS:
        if data.startswith(magic):
            return hint
    return None


def _refused(code: str, path: Path, **params: object) -> AttachmentRefused:
    return AttachmentRefused(code, path=str(path), **params)


def _unreadable(path: Path, reason: str) -> AttachmentRefused:
    return _refused("attachment_unreadable", path, reason=reason)


def _too_large(path: Path, size: int, limit: int) -> AttachmentRefused:
    return _refused("attachment_too_large", path, size=size, limit=limit)


def _check_pdf(data: bytes, path: Path) -> None:
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    # The reader has already tried the empty user password, which is all an
    # "owner password only" PDF needs; asking again tells whether it worked.
    if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
        raise _unreadable(path, "encrypted")
    if len(reader.pages) < 1:
        raise _unreadable(path, "no_pages")


def _check_pixels(size: tuple[int, int], path: Path) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and size[0] * size[1] > limit:
        raise _unreadable(path, "decompression_bomb")


# Pixels of all the pages of one scan, together, that are decoded and converted at most
# (the setting max_image_pixels): ~ 23 A4 pages at 300 dpi.
DEFAULT_MAX_IMAGE_PIXELS = 200_000_000


def _check_total_pixels(data: bytes, path: Path, pillow_format: str, max_pixels: int) -> None:
    """Refuse a scan whose pages hold more than ``max_pixels`` pixels together, from their
    headers alone, before any page is decoded: a small TIFF of many huge, well-compressed
    pages would otherwise take minutes of CPU (and gigabytes) to check and convert."""
    total = 0
    with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
        for frame in ImageSequence.Iterator(image):  # seeking reads a page's header only
            total += frame.size[0] * frame.size[1]
            if total > max_pixels:
                raise _refused("attachment_too_many_pixels", path, limit_pixels=max_pixels)


def _check_image(
    data: bytes, path: Path, pillow_format: str, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> None:
    with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
        _check_pixels(image.size, path)
        image.verify()  # structure and checksums (PNG); must come straight after open
    _check_total_pixels(data, path, pillow_format, max_pixels)
    # verify() leaves the image unusable: open again and decode every frame, which is
    # what finds truncated or damaged image data.
    with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
        for frame in ImageSequence.Iterator(image):
            _check_pixels(frame.size, path)
            frame.load()


def _check_readable(check: Callable[[], None], path: Path) -> None:
    """Run a parser's check with its warnings handled as the module docstring says."""
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        # Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, which
        # would let a truncated scan through in any process that also renders letters.
        truncated_allowed = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            check()
        except AttachmentRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _unreadable(path, "decompression_bomb") from exc
        except MemoryError:
            raise
        except Exception as exc:
            # A parser fed a damaged file can fail in many ways (its own errors, but also
            # ValueError, KeyError, struct.error, zlib.error, RecursionError, …); every one
            # of them means this file cannot be read.
            logger.info("attachment %s refused as corrupt: %r", path, exc)
            raise _unreadable(path, "corrupt") from exc
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed
    for warning in caught:
        if issubclass(warning.category, _REEMITTED):
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
        else:
            logger.warning("attachment %s: %s", path, warning.message)


def read_attachment(
    path: Path, max_bytes: int, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> Attachment:
    """Read and check the file at ``path`` (at most ``max_bytes``; an image of at most
    ``max_pixels`` pixels over all its pages); see the module docstring."""
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be positive, got {max_bytes}")
    path = Path(path)
    try:
        data = read_bounded(path, max_bytes)
    except FileRefused as exc:
        if exc.reason == "too_large":
            raise _too_large(path, exc.size, max_bytes) from exc
        raise _refused("attachment_missing", path, reason="not_a_file") from exc
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise _refused("attachment_missing", path, reason="absent") from exc
    except PermissionError as exc:
        raise _unreadable(path, "permission_denied") from exc
    except OSError as exc:
        raise _unreadable(path, "io_error") from exc

    return _checked(data, path, path.name, max_pixels)


def check_upload(
    data: bytes, name: str, max_bytes: int, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> Attachment:
    """Check an uploaded file's bytes (the desk's upload, read no further than one byte
    past ``max_bytes``) as ``read_attachment`` checks a file: size, then content.  The
    name is only kept for the record: the content decides."""
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be positive, got {max_bytes}")
    # Only the name's last part, as a browser may send a client path.
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "upload"
    if len(data) > max_bytes:
        raise _too_large(Path(base), len(data), max_bytes)
    return _checked(data, Path(base), base, max_pixels)


def _checked(data: bytes, path: Path, original_name: str, max_pixels: int) -> Attachment:
    media_type = sniff_media_type(data)
    if media_type is None:
        raise _refused("attachment_type_refused", path, hint=content_hint(data))
    if media_type == PDF:
        _check_readable(lambda: _check_pdf(data, path), path)
    else:
        pillow_format = _PILLOW_FORMATS[media_type]
        _check_readable(lambda: _check_image(data, path, pillow_format, max_pixels), path)

    return Attachment(
        data=data,
        media_type=media_type,
        original_name=original_name,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def sheet_count(data: bytes, media_type: str) -> int | None:
    """How many sheets («برگ») a stored document prints on: a PDF's pages, a TIFF's
    frames, 1 for any other image; None when it cannot be told (it is then printed «—»)."""
    try:
        with _WARNINGS_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if media_type == "application/pdf":
                reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
                if reader.is_encrypted:
                    reader.decrypt("")
                return len(reader.pages) or None
            if media_type == "image/tiff":
                with Image.open(io.BytesIO(data), formats=["TIFF"]) as image:
                    return int(getattr(image, "n_frames", 1))
    except Exception as exc:  # a damaged file prints «—»: a count is never worth a failure
        logger.info("sheet count failed (%s): %r", media_type, exc)
        return None
    return 1 if media_type.startswith("image/") else None
