"""The letter's QR code (number, ISO time, GUID, verification code), drawn deterministically.

The matrix comes from ``qrcode``; we draw it ourselves: a grey PNG with a whole number of
pixels a module for the PDF, a 1-bit PNG for the DOCX.  Same payload, same bytes.

Why a PNG in the PDF, not the SVG it used to be: WeasyPrint draws an SVG path by parsing
it in Python, ~1,000 path commands for a 53-module code, which was a quarter of a
letter's rendering time (bench/README.md).  The PNG is the matrix itself, pixel for
module, with no resampling; drawn with ``image-rendering: crisp-edges`` it is written with
``/Interpolate false`` (which PDF/A requires), so it stays sharp at any zoom or printer.
"""

from __future__ import annotations

import base64
import functools
import io

import qrcode
import qrcode.constants
from PIL import Image


@functools.lru_cache(maxsize=64)
def matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules of ``payload`` (UTF-8, error correction M, quiet zone of 2).

    The mask pattern is fixed: any mask is valid for readers, and choosing the "best" one
    costs qrcode ~60 ms of pure Python per letter.  Cached because the PDF and the DOCX of
    one letter draw the same code.
    """
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, mask_pattern=0
    )
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def pdf_png(payload: str, module_px: int = 4) -> bytes:
    """A greyscale PNG of the code for the PDF, ``module_px`` pixels a module.

    Mode ``L`` because WeasyPrint embeds it as DeviceGray as it is (it would widen a 1-bit
    image to RGB).  Four pixels a module (~245 dpi at 22 mm) so that a viewer that
    smooths images anyway, ignoring ``/Interpolate false``, blurs only a quarter module.
    """
    cells = matrix(payload)
    size = len(cells)
    image = Image.frombytes("L", (size, size), bytes(0 if c else 255 for r in cells for c in r))
    # Nearest neighbour by a whole factor: every module stays a square of one grey level.
    image = image.resize((size * module_px, size * module_px), Image.Resampling.NEAREST)
    out = io.BytesIO()
    # Level 1: WeasyPrint decodes and re-encodes the image anyway; this PNG only carries it.
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def png_data_uri(payload: str) -> str:
    """The PDF's PNG as a ``data:`` URI for the HTML layout."""
    return "data:image/png;base64," + base64.b64encode(pdf_png(payload)).decode()


def png(payload: str, module_px: int = 8) -> bytes:
    """A 1-bit PNG of the code, ``module_px`` pixels a module (for the DOCX)."""
    cells = matrix(payload)
    size = len(cells)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if cell else 1 for row in cells for cell in row])
    image = image.resize((size * module_px, size * module_px), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, dpi=(300, 300))
    return out.getvalue()
