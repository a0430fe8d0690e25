"""The dossier PDF's own parts: its title, and what becomes of signed letters in it.

A signed letter's signature field is not carried into the merged dossier (it would cover
bytes that are no longer there); the signed original is embedded in the dossier instead
(PDF/A-3 allows embedded files), where ``residegi verify`` finds and verifies it.
"""

from __future__ import annotations

from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from registry.text import to_persian_digits
from registry.tracking import format_tracking_code

__all__ = ["dossier_title", "drop_signature_fields", "embedded_name", "is_signed"]


def dossier_title(tracking_code: str) -> str:
    """The dossier's PDF title: «پرونده شکایت ۱۷۶۳-۷۷۳۴-۷۶۲۵» (Persian digits, grouped)."""
    return f"پرونده شکایت {to_persian_digits(format_tracking_code(tracking_code))}"


def is_signed(reader: PdfReader) -> bool:
    """Whether a PDF carries a signature field (the sealed final answer does)."""
    form = reader.root_object.get("/AcroForm")
    if form is None:
        return False
    fields = form.get_object().get("/Fields") or []
    return any(field.get_object().get("/FT") == "/Sig" for field in fields)


def embedded_name(originals: Sequence[tuple[str, str, str]]) -> str:
    """The file name a signed original is embedded under: its bag path's last part."""
    stem = originals[0][0] if originals else "signed"
    return f"{stem.rsplit('/', 1)[-1]}.pdf"


# What makes an annotation a form field; a signature field keeps none of it in a dossier.
_FIELD_KEYS = ("/FT", "/T", "/TU", "/TM", "/V", "/DV", "/Ff", "/Parent", "/Lock", "/SV", "/Kids")


def drop_signature_fields(writer: PdfWriter) -> None:
    """No signature field is carried into the dossier.

    A signature covers the bytes of the file it was made in; in the merged dossier those
    bytes are gone, so a carried-over field reads as tampering («Digest Mismatch» in
    pdfsig and Acrobat).  The form is dropped and each signature widget becomes a plain
    stamp annotation that keeps its appearance (the visible seal); the signed original
    itself is embedded in the dossier beside it.
    """
    root = writer.root_object
    if "/AcroForm" in root:
        del root["/AcroForm"]
    for page in writer.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            parent = annot.get("/Parent")
            is_sig = annot.get("/FT") == "/Sig" or (
                parent is not None and parent.get_object().get("/FT") == "/Sig"
            )
            if not is_sig:
                continue
            for key in _FIELD_KEYS:
                if key in annot:
                    del annot[key]
            annot[NameObject("/Subtype")] = NameObject("/Stamp")
