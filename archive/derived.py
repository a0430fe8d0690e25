"""Derived PDFs: a scanned image, converted to PDF once, when it arrives.

Dossiers are assembled from PDFs only, so an image (JPEG, PNG or TIFF) is stored twice: the
original as it came, and a PDF made from it, catalogued with ``role="derived"`` and
``derived_from=<the original's SHA-256>``.  A dossier then never converts at read time.

How the PDF is made (in the spirit of img2pdf, with Pillow only):

- **Lossless.**  A JPEG is embedded as it is (``/DCTDecode``, the original bytes, no
  re-encoding), unless its EXIF says it must be rotated or its colours are CMYK (Adobe
  CMYK JPEGs are often stored inverted); every other image is decoded and its pixels
  deflated (``/FlateDecode``).  Bilevel scans stay one bit per pixel.
- **One page per frame.**  A multi-page TIFF gives a multi-page PDF, frames in order.
- **Page size from the image's resolution** (``dpi``), 96 dpi where the file states none
  or something absurd, so a scan prints at the size it was scanned.
- **Deterministic.**  The bytes depend on the image's bytes only: no dates, a fixed
  producer, and a file identifier made from the original's SHA-256 (which the PDF also
  names in its ``/Subject``).  Converting the same scan again gives the same object.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageSequence

from archive.errors import DerivationFailed

__all__ = ["DERIVABLE_MEDIA_TYPES", "PRODUCER", "image_to_pdf", "needs_derived_pdf"]

PDF = "application/pdf"
DERIVABLE_MEDIA_TYPES = frozenset({"image/jpeg", "image/png", "image/tiff"})
PRODUCER = "residegi archive.derived 1"
DEFAULT_DPI = 96.0
# Resolutions outside this range are taken for missing or wrong metadata, not a real scan.
_DPI_RANGE = (20.0, 4800.0)
_DEFLATE_LEVEL = 6
_EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class _PageImage:
    """One image XObject and the size (in points) of the page that shows it."""

    width: int
    height: int
    colour_space: str
    bits: int
    filter: str
    data: bytes
    page_width: float
    page_height: float
    decode: str | None = None


def needs_derived_pdf(media_type: str) -> bool:
    """Whether an object of this media type gets a derived PDF at intake."""
    return media_type in DERIVABLE_MEDIA_TYPES


def _dpi(image: Image.Image) -> tuple[float, float]:
    found = image.info.get("dpi")
    try:
        x, y = (float(found[0]), float(found[1])) if found else (0.0, 0.0)
    except (TypeError, ValueError, IndexError):
        x = y = 0.0
    low, high = _DPI_RANGE
    if not (low <= x <= high and low <= y <= high):
        return DEFAULT_DPI, DEFAULT_DPI
    return x, y


def _page_size(size: tuple[int, int], dpi: tuple[float, float]) -> tuple[float, float]:
    return round(size[0] * 72.0 / dpi[0], 3), round(size[1] * 72.0 / dpi[1], 3)


def _flattened(frame: Image.Image) -> Image.Image:
    """The frame in a mode PDF can show directly: 1, L, RGB or CMYK (alpha over white)."""
    if frame.mode in ("1", "L", "RGB", "CMYK"):
        return frame
    if frame.mode in ("LA", "PA", "RGBA", "La", "RGBa") or (
        frame.mode == "P" and "transparency" in frame.info
    ):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if frame.mode.startswith("I;16") or frame.mode in ("I", "F"):
        # 16-bit and 32-bit greys: scale to 8 bits over the range actually used.
        return ImageOps.autocontrast(frame.convert("F").convert("L"))
    return frame.convert("RGB")


def _deflated(frame: Image.Image, dpi: tuple[float, float]) -> _PageImage:
    frame = _flattened(frame)
    space = {"1": "/DeviceGray", "L": "/DeviceGray", "RGB": "/DeviceRGB", "CMYK": "/DeviceCMYK"}
    raw = frame.tobytes()  # rows padded to whole bytes in mode "1", as PDF wants
    compressor = zlib.compressobj(_DEFLATE_LEVEL)
    data = compressor.compress(raw) + compressor.flush()
    width, height = _page_size(frame.size, dpi)
    return _PageImage(
        width=frame.size[0],
        height=frame.size[1],
        colour_space=space[frame.mode],
        bits=1 if frame.mode == "1" else 8,
        filter="/FlateDecode",
        data=data,
        page_width=width,
        page_height=height,
    )


def _jpeg_pages(data: bytes) -> Iterator[_PageImage]:
    with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
        dpi = _dpi(image)
        orientation = image.getexif().get(_EXIF_ORIENTATION, 1)
        if image.mode in ("L", "RGB") and orientation in (1, None):
            width, height = _page_size(image.size, dpi)
            yield _PageImage(
                width=image.size[0],
                height=image.size[1],
                colour_space="/DeviceGray" if image.mode == "L" else "/DeviceRGB",
                bits=8,
                filter="/DCTDecode",
                data=data,
                page_width=width,
                page_height=height,
            )
            return
        upright = ImageOps.exif_transpose(image)
        if upright.mode == "CMYK":
            upright = upright.convert("RGB")
        if orientation in (5, 6, 7, 8):  # a quarter turn: the resolutions swap too
            dpi = (dpi[1], dpi[0])
        yield _deflated(upright, dpi)


def _frames(data: bytes, pillow_format: str) -> Iterator[_PageImage]:
    with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
        for frame in ImageSequence.Iterator(image):
            dpi = _dpi(frame)
            frame.load()
            yield _deflated(frame.copy(), dpi)


def _pdf_string(text: str) -> bytes:
    return (
        b"("
        + text.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        + b")"
    )


def _write_pdf(pages: list[_PageImage], original_sha256: str) -> bytes:
    """A minimal PDF 1.4: catalog, page tree, one page + content + image per frame, info."""
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    tree = add(b"")
    kids: list[int] = []
    for index, page in enumerate(pages):
        stream = [
            b"/Type /XObject /Subtype /Image",
            f"/Width {page.width} /Height {page.height}".encode(),
            f"/ColorSpace {page.colour_space} /BitsPerComponent {page.bits}".encode(),
            f"/Filter {page.filter} /Length {len(page.data)}".encode(),
        ]
        image = add(b"<< " + b" ".join(stream) + b" >>\nstream\n" + page.data + b"\nendstream")
        name = f"/Im{index}"
        content = f"q {page.page_width} 0 0 {page.page_height} 0 0 cm {name} Do Q".encode()
        drawing = add(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
        kids.append(
            add(
                (
                    f"<< /Type /Page /Parent {tree} 0 R"
                    f" /MediaBox [0 0 {page.page_width} {page.page_height}]"
                    f" /Resources << /XObject << {name} {image} 0 R >> >>"
                    f" /Contents {drawing} 0 R >>"
                ).encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
    refs = " ".join(f"{kid} 0 R" for kid in kids)
    objects[tree - 1] = f"<< /Type /Pages /Kids [{refs}] /Count {len(kids)} >>".encode()
    info = add(
        b"<< /Producer "
        + _pdf_string(PRODUCER)
        + b" /Subject "
        + _pdf_string(f"derived from sha256:{original_sha256}")
        + b" >>"
    )

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    file_id = hashlib.md5(original_sha256.encode(), usedforsecurity=False).hexdigest()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R"
        f" /ID [<{file_id}> <{file_id}>] >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def image_to_pdf(data: bytes, media_type: str) -> bytes:
    """The scan ``data`` (JPEG, PNG or TIFF, as ``media_type`` says) as PDF bytes.

    Same bytes in, same bytes out; one page per frame; lossless (see the module
    docstring).  DerivationFailed (exit 2) if ``media_type`` is not an image this module
    converts or the image cannot be decoded; callers check attachments first
    (:func:`archive.attachments.read_attachment`), so that is a damaged file.
    """
    if media_type not in DERIVABLE_MEDIA_TYPES:
        raise DerivationFailed("archive_derivation_failed", media_type=media_type, reason="type")
    original = hashlib.sha256(data).hexdigest()
    try:
        if media_type == "image/jpeg":
            pages = list(_jpeg_pages(data))
        else:
            pages = list(_frames(data, "PNG" if media_type == "image/png" else "TIFF"))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise DerivationFailed(
            "archive_derivation_failed", media_type=media_type, reason=type(exc).__name__
        ) from exc
    if not pages:
        raise DerivationFailed("archive_derivation_failed", media_type=media_type, reason="empty")
    return _write_pdf(pages, original)
