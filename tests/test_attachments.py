"""Attachment checks on small files made here: real documents from pypdf and Pillow, and
the damaged, disguised, missing, unreadable and oversized files staff will meet."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import io
import logging
import os
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PIL import Image

import archive.attachments as attachments
from archive.attachments import (
    ACCEPTED_MEDIA_TYPES,
    Attachment,
    content_hint,
    read_attachment,
    sniff_media_type,
)
from archive.errors import ArchiveError, AttachmentRefused, ObjectMissing
from registry.errors import ErrorKind, ResidegiError

LIMIT = 1_000_000


# --- makers -----------------------------------------------------------------------------


def make_pdf(pages: int = 1, **encrypt: Any) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt(**encrypt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_image(
    fmt: str, mode: str = "RGB", size: tuple[int, int] = (32, 24), **options: Any
) -> bytes:
    color: int | tuple[int, int, int] = (200, 30, 30) if mode == "RGB" else 7
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **options)
    return out.getvalue()


def make_tiff_pages(*sizes: tuple[int, int]) -> bytes:
    first, *rest = (Image.new("L", size, 100) for size in sizes)
    out = io.BytesIO()
    first.save(out, format="TIFF", save_all=True, append_images=rest)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def make_png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims ``width`` × ``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + png_chunk(b"IEND", b"")
    )


def make_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


EXE_BLOB = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00"


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write


def refusal(path: Path, max_bytes: int = LIMIT) -> AttachmentRefused:
    with pytest.raises(AttachmentRefused) as caught:
        read_attachment(path, max_bytes)
    error = caught.value
    assert error.kind is ErrorKind.INPUT
    assert error.kind.exit_code == 2
    assert error.params["path"] == str(path)
    return error


# --- accepted ---------------------------------------------------------------------------

ACCEPTED = [
    ("complaint.pdf", make_pdf(), "application/pdf"),
    ("three-pages.pdf", make_pdf(pages=3), "application/pdf"),
    # Encrypted with an owner password only: opens without a password, as in any viewer.
    (
        "owner-only.pdf",
        make_pdf(user_password="", owner_password="owner", algorithm="AES-256"),
        "application/pdf",
    ),
    ("photo.jpg", make_image("JPEG"), "image/jpeg"),
    ("grey.jpg", make_image("JPEG", mode="L"), "image/jpeg"),
    ("receipt.png", make_image("PNG"), "image/png"),
    ("scan.tif", make_image("TIFF"), "image/tiff"),  # II*\0
    ("scan-big-endian.tif", make_image("TIFF", mode="I;16B"), "image/tiff"),  # MM\0*
    ("scan-lzw.tiff", make_image("TIFF", compression="tiff_lzw"), "image/tiff"),
    ("multi-page.tif", make_tiff_pages((40, 30), (30, 40), (10, 10)), "image/tiff"),
]


@pytest.mark.parametrize(("name", "data", "media_type"), ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_accepted(
    write: Callable[[str, bytes], Path], name: str, data: bytes, media_type: str
) -> None:
    path = write(name, data)
    attachment = read_attachment(path, LIMIT)
    assert attachment == Attachment(
        data=data,
        media_type=media_type,
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    assert attachment.media_type in ACCEPTED_MEDIA_TYPES


def test_big_endian_tiff_really_is_big_endian() -> None:
    assert make_image("TIFF", mode="I;16B").startswith(b"MM\x00*")
    assert make_image("TIFF").startswith(b"II*\x00")


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("scan.pdf", make_image("PNG"), "image/png"),
        ("letter.jpg", make_pdf(), "application/pdf"),
        ("photo.png", make_image("JPEG"), "image/jpeg"),
        ("no-extension", make_image("TIFF"), "image/tiff"),
        ("PHOTO.PDF.exe", make_image("JPEG"), "image/jpeg"),
    ],
)
def test_type_comes_from_content_not_name(
    write: Callable[[str, bytes], Path], name: str, data: bytes, media_type: str
) -> None:
    attachment = read_attachment(write(name, data), LIMIT)
    assert attachment.media_type == media_type
    assert attachment.original_name == name


def test_attachment_is_frozen_and_its_repr_leaves_out_the_bytes(
    write: Callable[[str, bytes], Path],
) -> None:
    attachment = read_attachment(write("a.png", make_image("PNG")), LIMIT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        attachment.media_type = "application/pdf"  # type: ignore[misc]
    assert "data=" not in repr(attachment)
    assert attachment.sha256 in repr(attachment)


def test_a_path_given_as_str_works(write: Callable[[str, bytes], Path]) -> None:
    path = write("a.pdf", make_pdf())
    assert read_attachment(str(path), LIMIT).media_type == "application/pdf"  # type: ignore[arg-type]


# --- refused by type --------------------------------------------------------------------

REFUSED_TYPES = [
    ("complaint.pdf", "شکایت من درباره‌ی شهرداری\nبا احترام\n".encode(), "text"),
    ("complaint.pdf", b"\xef\xbb\xbfPlain text with a byte-order mark\r\n", "text"),
    ("setup.png", EXE_BLOB, "exe"),
    ("empty.pdf", b"", "empty"),
    ("letter.pdf", make_zip(), "zip"),  # what a DOCX looks like
    ("animated.png", make_image("GIF", mode="L"), "gif"),
    ("bitmap.jpg", make_image("BMP"), "bmp"),
    ("page.pdf", b"<!DOCTYPE html><html><body>x</body></html>", "html"),
    ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "svg"),
    ("note.pdf", b"BM is also how this text starts\n", "text"),
    ("noise.tif", bytes(range(256)) * 4, None),
    ("space-first.pdf", b" %PDF-1.7\n", "text"),  # the signature must be at the start
    ("jpeg-in-name.jpg", b"\xff\xd8", None),  # two bytes of the three
]


@pytest.mark.parametrize(
    ("name", "data", "hint"), REFUSED_TYPES, ids=[row[0] for row in REFUSED_TYPES]
)
def test_type_refused(
    write: Callable[[str, bytes], Path], name: str, data: bytes, hint: str | None
) -> None:
    error = refusal(write(name, data))
    assert error.code == "attachment_type_refused"
    assert error.params["hint"] == hint


def test_sniffing_reads_only_the_signature() -> None:
    assert sniff_media_type(b"%PDF-") == "application/pdf"
    assert sniff_media_type(b"\xff\xd8\xff") == "image/jpeg"
    assert sniff_media_type(b"\x89PNG\r\n\x1a\n") == "image/png"
    assert sniff_media_type(b"II*\x00") == "image/tiff"
    assert sniff_media_type(b"MM\x00*") == "image/tiff"
    assert sniff_media_type(b"II+\x00") is None  # BigTIFF is not accepted
    assert sniff_media_type(b"%PDF") is None
    assert sniff_media_type(b"") is None


def test_hints_for_other_common_files() -> None:
    assert content_hint(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(8)) == "ole2"
    assert content_hint(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert content_hint(b"\x00\x00\x00\x18ftypheic") == "iso_media"
    assert content_hint(b"II+\x00\x08\x00\x00\x00") == "bigtiff"
    assert content_hint(b"\x7fELF\x02\x01\x01") == "elf"
    assert content_hint("متن".encode()[:-1]) == "text"  # a character cut at the end


# --- refused as unreadable --------------------------------------------------------------


def corrupt_png_crc() -> bytes:
    data = bytearray(make_image("PNG", size=(64, 64)))
    idat = data.index(b"IDAT")
    data[idat + 6] ^= 0xFF  # a byte of the compressed data; its CRC no longer matches
    return bytes(data)


UNREADABLE = [
    ("truncated.jpg", make_image("JPEG", size=(64, 64))[:300], "corrupt"),
    ("truncated.png", make_image("PNG", size=(64, 64))[:-30], "corrupt"),
    ("bad-crc.png", corrupt_png_crc(), "corrupt"),
    ("truncated.tif", make_image("TIFF", size=(64, 64))[:-200], "corrupt"),
    ("header-only.jpg", b"\xff\xd8\xff\xe0" + bytes(20), "corrupt"),
    ("header-only.tif", b"II*\x00\x08\x00\x00\x00", "corrupt"),
    ("garbage.pdf", b"%PDF-1.7\nthis is not a PDF\n", "corrupt"),
    ("truncated.pdf", make_pdf()[:200], "corrupt"),
    ("no-pages.pdf", make_pdf(pages=0), "no_pages"),
    (
        "locked.pdf",
        make_pdf(user_password="secret", owner_password="owner", algorithm="AES-256"),
        "encrypted",
    ),
    (
        "locked-rc4.pdf",
        make_pdf(user_password="secret", owner_password="owner", algorithm="RC4-128"),
        "encrypted",
    ),
]


@pytest.mark.parametrize(("name", "data", "reason"), UNREADABLE, ids=[row[0] for row in UNREADABLE])
def test_unreadable(
    write: Callable[[str, bytes], Path],
    caplog: pytest.LogCaptureFixture,
    name: str,
    data: bytes,
    reason: str,
) -> None:
    caplog.set_level(logging.CRITICAL, logger="pypdf")  # it logs what it repairs
    error = refusal(write(name, data))
    assert error.code == "attachment_unreadable"
    assert error.params["reason"] == reason


def test_open_denied(write: Callable[[str, bytes], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    path = write("a.pdf", make_pdf())

    def denied(name: Any, *args: Any, **kwargs: Any) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", str(name))

    monkeypatch.setattr(os, "open", denied)
    error = refusal(path)
    assert (error.code, error.params["reason"]) == ("attachment_unreadable", "permission_denied")
    assert isinstance(error.__cause__, PermissionError)


def test_io_error_while_reading(
    write: Callable[[str, bytes], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write("a.pdf", make_pdf())

    def failing_read(fd: int, size: int, /) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "read", failing_read)
    error = refusal(path)
    assert (error.code, error.params["reason"]) == ("attachment_unreadable", "io_error")


def test_stat_denied(write: Callable[[str, bytes], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # What a folder without search permission gives; root would not see it, so simulated.
    path = write("a.pdf", make_pdf())

    real_fstat, inode = os.fstat, path.stat().st_ino

    def denied(fd: int, /) -> os.stat_result:
        found = real_fstat(fd)
        if found.st_ino == inode:
            raise PermissionError(errno.EACCES, "Permission denied")
        return found

    monkeypatch.setattr(os, "fstat", denied)
    error = refusal(path)
    assert (error.code, error.params["reason"]) == ("attachment_unreadable", "permission_denied")


# --- decompression bombs ----------------------------------------------------------------


def test_image_far_over_the_pixel_limit_is_refused(write: Callable[[str, bytes], Path]) -> None:
    # 50,000² = 2.5·10⁹ pixels: over twice Pillow's default limit, so Pillow raises
    # DecompressionBombError while reading the header; nothing is decoded.
    data = make_png_claiming(50_000, 50_000)
    assert len(data) < 100
    error = refusal(write("bomb.png", data))
    assert (error.code, error.params["reason"]) == ("attachment_unreadable", "decompression_bomb")
    assert isinstance(error.__cause__, Image.DecompressionBombError)


@pytest.mark.parametrize("outside_filter", ["error", "default", "ignore", "always"])
def test_image_over_the_warning_limit_is_refused_whatever_the_filters(
    write: Callable[[str, bytes], Path],
    monkeypatch: pytest.MonkeyPatch,
    outside_filter: Any,
) -> None:
    # Between the limit and twice the limit Pillow only warns; the warning must become a
    # refusal, whether the process turns warnings into errors (pytest here) or not.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    path = write("big.png", make_image("PNG", size=(40, 40)))  # 1,600 pixels
    with warnings.catch_warnings():
        warnings.simplefilter(outside_filter)
        error = refusal(path)
    assert (error.code, error.params["reason"]) == ("attachment_unreadable", "decompression_bomb")


def test_every_tiff_page_is_held_to_the_pixel_limit(
    write: Callable[[str, bytes], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    path = write("pages.tif", make_tiff_pages((20, 20), (20, 20), (45, 45)))
    error = refusal(path)
    assert (error.code, error.params["reason"]) == ("attachment_unreadable", "decompression_bomb")


def test_image_under_the_limit_passes(
    write: Callable[[str, bytes], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    assert read_attachment(write("ok.png", make_image("PNG", size=(30, 30))), LIMIT)


# --- warnings raised while parsing ------------------------------------------------------


def test_parser_warnings_are_logged_and_deprecations_re_emitted(
    write: Callable[[str, bytes], Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = write("a.pdf", make_pdf())
    real_check = attachments._check_pdf

    def check_with_warnings(data: bytes, path: Path) -> None:
        warnings.warn("xref table repaired", UserWarning, stacklevel=1)
        warnings.warn("old API", DeprecationWarning, stacklevel=1)
        real_check(data, path)

    monkeypatch.setattr(attachments, "_check_pdf", check_with_warnings)
    with pytest.warns(DeprecationWarning, match="old API"):
        attachment = read_attachment(path, LIMIT)
    assert attachment.media_type == "application/pdf"
    assert "xref table repaired" in caplog.text


# --- missing ----------------------------------------------------------------------------


def test_absent(tmp_path: Path) -> None:
    error = refusal(tmp_path / "nowhere.pdf")
    assert (error.code, error.params["reason"]) == ("attachment_missing", "absent")


def test_under_a_file_rather_than_a_folder(write: Callable[[str, bytes], Path]) -> None:
    error = refusal(write("a.pdf", make_pdf()) / "b.pdf")
    assert (error.code, error.params["reason"]) == ("attachment_missing", "absent")


def test_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "link.pdf"
    link.symlink_to(tmp_path / "gone.pdf")
    error = refusal(link)
    assert (error.code, error.params["reason"]) == ("attachment_missing", "absent")


def test_symlink_to_a_file_is_followed(write: Callable[[str, bytes], Path]) -> None:
    target = write("a.pdf", make_pdf())
    link = target.with_name("link.pdf")
    link.symlink_to(target)
    assert read_attachment(link, LIMIT).original_name == "link.pdf"


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "scans.pdf"
    folder.mkdir()
    error = refusal(folder)
    assert (error.code, error.params["reason"]) == ("attachment_missing", "not_a_file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_named_pipe_is_not_opened(tmp_path: Path) -> None:
    # Opening a FIFO would wait for a writer for ever; it is opened without blocking and
    # refused by what the opened descriptor is.
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    error = refusal(fifo)
    assert (error.code, error.params["reason"]) == ("attachment_missing", "not_a_file")


# --- too large --------------------------------------------------------------------------


def test_too_large(write: Callable[[str, bytes], Path]) -> None:
    data = make_pdf()
    error = refusal(write("a.pdf", data), max_bytes=len(data) - 1)
    assert error.code == "attachment_too_large"
    assert (error.params["size"], error.params["limit"]) == (len(data), len(data) - 1)


def test_exactly_the_limit_is_accepted(write: Callable[[str, bytes], Path]) -> None:
    data = make_image("PNG")
    assert read_attachment(write("a.png", data), max_bytes=len(data)).data == data


def test_size_is_checked_before_the_file_is_read(
    write: Callable[[str, bytes], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write("a.pdf", make_pdf())

    def must_not_read(fd: int, size: int, /) -> bytes:
        raise AssertionError("read a file that fstat already showed to be too large")

    monkeypatch.setattr(os, "read", must_not_read)
    assert refusal(path, max_bytes=10).code == "attachment_too_large"


def test_too_large_regardless_of_type(write: Callable[[str, bytes], Path]) -> None:
    assert refusal(write("a.bin", EXE_BLOB), max_bytes=8).code == "attachment_too_large"


def test_file_that_grows_after_the_stat_is_still_capped(
    write: Callable[[str, bytes], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make_pdf()
    path = write("a.pdf", data)
    real_fstat, inode = os.fstat, path.stat().st_ino
    calls: list[int] = []

    def stale_fstat(fd: int, /) -> os.stat_result:
        fields = list(real_fstat(fd))
        if fields[1] == inode:
            calls.append(fd)
        if len(calls) == 1 and fields[1] == inode:
            fields[6] = 10  # st_size as it was "before the file grew"
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", stale_fstat)
    error = refusal(path, max_bytes=100)
    assert error.code == "attachment_too_large"
    assert (error.params["size"], error.params["limit"]) == (len(data), 100)


def test_limit_must_be_positive(write: Callable[[str, bytes], Path]) -> None:
    with pytest.raises(ValueError):
        read_attachment(write("a.pdf", make_pdf()), 0)


# --- the error classes ------------------------------------------------------------------


def test_error_hierarchy() -> None:
    assert issubclass(AttachmentRefused, ArchiveError)
    assert issubclass(ObjectMissing, ArchiveError)
    assert issubclass(ArchiveError, ResidegiError)
    assert AttachmentRefused("attachment_missing").kind is ErrorKind.INPUT
    assert ObjectMissing("object_missing").kind is ErrorKind.NOT_FOUND
    assert ObjectMissing("object_missing").kind.exit_code == 3
    error = AttachmentRefused("attachment_too_large", size=10, limit=5)
    assert str(error) == "attachment_too_large: size=10, limit=5"


def test_truncated_scan_refused_even_after_weasyprint_is_imported(
    write: Callable[[str, bytes], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import ImageFile

    # What importing WeasyPrint does to Pillow, in any process that also renders letters.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    truncated = {
        "t.jpg": make_image("JPEG", size=(64, 64))[:300],
        "t.tif": make_image("TIFF", size=(64, 64))[:-200],
    }
    for name, data in truncated.items():
        assert refusal(write(name, data)).code == "attachment_unreadable"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as it was found
