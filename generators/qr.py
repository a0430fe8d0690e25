"""The letter's QR code (number, ISO time, GUID, verification code), drawn deterministically.

The matrix comes from ``qrcode``; we draw it ourselves: a compact SVG path of merged
horizontal runs for the PDF (vector, no raster image in the PDF/A) and a 1-bit PNG for
the DOCX.  Same payload, same bytes.
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


def svg(payload: str) -> str:
    """An SVG document of the code; one unit per module, black on white."""
    cells = matrix(payload)
    size = len(cells)
    runs: list[str] = []
    for y, row in enumerate(cells):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def svg_data_uri(payload: str) -> str:
    """The SVG as a ``data:`` URI for the HTML layout."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(payload).encode()).decode()


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
