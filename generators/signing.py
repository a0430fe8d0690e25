"""The signed final answer: case data embedded in the PDF/A-3 letter, then a PAdES signature.

Order, as docs/signing.md sets it out: the PDF/A-3u letter (``generators.pdf``) ->
``embed_case_data`` (a full rewrite by qpdf, before any signature exists) -> ``sign_pdf`` (an
incremental update appended last, so the PDF/A identification, the output intent and the
attachment are kept byte for byte and covered by the signature).  ``verify_pdf``
(``generators.verification``) checks the result.

Every function here takes and returns bytes; the key is a loaded ``SigningKey``
(``generators.keys``).  Same input, same bytes: the embedded file's dates come from the
letter, and a B-B signature's time, field name, file identifier and stamp resource are
derived from the input instead of the clock or a random number (a rerun after a crash
finds the object it stored already).  A B-T signature carries the time-stamp server's
token, which differs on every call.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
from typing import TYPE_CHECKING, Any

from generators.errors import CaseDataExists, NotArchivalPdf, PdfUnreadable, SigningFailed
from generators.stamp import STAMP_SIZE_PT

if TYPE_CHECKING:
    from generators.keys import SigningKey

__all__ = [
    "CASE_DATA_NAME",
    "SIGNATURE_FIELD",
    "STAMP_ANCHOR",
    "embed_case_data",
    "extract_embedded",
    "pdf_date",
    "pdfa_part",
    "sign_pdf",
]

CASE_DATA_NAME = "case.json"
CASE_DATA_DESCRIPTION = "اطلاعات پرونده شکایت (JSON)"
SIGNATURE_FIELD = "residegi-signature"
STAMP_ANCHOR = "residegi-signature-stamp"
"""An element with this id in the letter's HTML marks where the stamp's top-left corner goes
(WeasyPrint writes a named destination for every id).  Without it, the stamp goes to the
last page's bottom left corner, above the footer (FALLBACK_ORIGIN_PT)."""
FALLBACK_ORIGIN_PT = (20 * 72 / 25.4, 30 * 72 / 25.4)  # x, y of the lower-left corner


def pdf_date(moment: dt.datetime) -> str:
    """``moment`` (aware) as a PDF date string, ``D:20261125103000+03'30'``."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("a PDF date needs an aware datetime")
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hours:02d}'{rest:02d}'"


def pdfa_part(doc: Any) -> str:
    """``3U`` and the like from the XMP identification, ``""`` for a file without one."""
    meta = doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
    part = str(meta.get("pdfaid:part", "") or "")
    conformance = str(meta.get("pdfaid:conformance", "") or "")
    return f"{part}{conformance}".upper()


def embed_case_data(
    pdf: bytes,
    case_json: bytes,
    *,
    when: dt.datetime,
    name: str = CASE_DATA_NAME,
    description: str = CASE_DATA_DESCRIPTION,
) -> bytes:
    """``pdf`` (PDF/A-3) with ``case_json`` embedded as an associated file of the document.

    As PDF/A-3 requires: a file specification with ``/AFRelationship /Data`` listed in the
    catalog's ``/AF`` and in the ``/EmbeddedFiles`` name tree, the stream typed
    ``application/json`` with ``/Params`` (``/ModDate`` = ``when``, the letter's time,
    ``/Size``, ``/CheckSum``).  The XMP identification, the output intent and the first
    file identifier are kept.  Deterministic.

    Raises NotArchivalPdf if ``pdf`` is not PDF/A-3, CaseDataExists if it already embeds a
    file called ``name``, ValueError if ``case_json`` is not UTF-8 JSON or ``when`` is naive.
    """
    import pikepdf

    json.loads(case_json.decode("utf-8"))  # ValueError: never embed what is not JSON
    modified = pdf_date(when)
    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PdfError as exc:
        raise PdfUnreadable(str(exc)) from exc
    with doc:
        part = pdfa_part(doc)
        if not part.startswith("3"):
            raise NotArchivalPdf(f"PDF/A-{part}" if part else "PDF")
        if name in doc.attachments:
            raise CaseDataExists(name)
        stream = pikepdf.Stream(doc, case_json)
        stream.Type = pikepdf.Name.EmbeddedFile
        stream.Subtype = pikepdf.Name("/application/json")  # written /application#2Fjson
        stream.Params = pikepdf.Dictionary(
            Size=len(case_json),
            CreationDate=pikepdf.String(modified),
            ModDate=pikepdf.String(modified),
            CheckSum=pikepdf.String(hashlib.md5(case_json, usedforsecurity=False).digest()),
        )
        spec = doc.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Filespec,
                F=pikepdf.String(name),
                UF=pikepdf.String(name),
                Desc=pikepdf.String(description),
                AFRelationship=pikepdf.Name.Data,
                EF=pikepdf.Dictionary(F=stream, UF=stream),
            )
        )
        root = doc.Root
        if "/Names" not in root:
            root.Names = pikepdf.Dictionary()
        if "/EmbeddedFiles" not in root.Names:
            root.Names.EmbeddedFiles = pikepdf.NameTree.new(doc).obj
        pikepdf.NameTree(root.Names.EmbeddedFiles)[name] = spec
        if "/AF" not in root:
            root.AF = pikepdf.Array()
        root.AF.append(spec)
        out = io.BytesIO()
        # deterministic_id: the second identifier from the content, not the clock; qpdf
        # keeps the first (the letter's), which a later signature update must keep too.
        doc.save(out, deterministic_id=True)
    return out.getvalue()


def extract_embedded(pdf: bytes, name: str = CASE_DATA_NAME) -> bytes | None:
    """The bytes of the embedded file ``name`` (None if there is none); reads signed files too."""
    import pikepdf

    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PdfError as exc:
        raise PdfUnreadable(str(exc)) from exc
    with doc:
        found = doc.attachments.get(name)
        if found is None:
            return None
        data: bytes = found.get_file().read_bytes()
        return data


# -- signing ---------------------------------------------------------------------------------


def _page_refs(node: Any, depth: int = 0) -> list[int]:
    """Object numbers of the page objects under a page-tree node, in page order."""
    if depth > 32:  # a page tree deeper than this is malformed (or a loop)
        raise PdfUnreadable("page tree too deep")
    kids = node.get_object().get("/Kids")
    if kids is None:
        return [node.idnum]
    refs: list[int] = []
    for kid in kids:
        refs.extend(_page_refs(kid.get_value() if hasattr(kid, "get_value") else kid, depth + 1))
    return refs


def _find_destination(names_node: Any, wanted: str, depth: int = 0) -> Any:
    """The destination array named ``wanted`` in a name tree (None if absent)."""
    if depth > 32:
        return None
    node = names_node.get_object()
    pairs = node.get("/Names")
    if pairs is not None:
        for index in range(0, len(pairs) - 1, 2):
            if str(pairs[index]) == wanted:
                target = pairs[index + 1].get_object()
                return target.get("/D", target) if hasattr(target, "get") else target
    for kid in node.get("/Kids", ()):
        found = _find_destination(kid, wanted, depth + 1)
        if found is not None:
            return found
    return None


def _stamp_field(reader: Any) -> Any:
    """Where the stamp goes: at the letter's STAMP_ANCHOR, else the fallback corner."""
    from pyhanko.sign.fields import SigFieldSpec

    width, height = STAMP_SIZE_PT
    root = reader.root
    names = root.get("/Names")
    dest = None
    if names is not None and "/Dests" in names:
        dest = _find_destination(names.raw_get("/Dests"), STAMP_ANCHOR)
    if dest is not None and len(dest) >= 4 and str(dest[1]) == "/XYZ":
        pages = _page_refs(root.raw_get("/Pages"))
        page_ix = pages.index(dest.raw_get(0).idnum)
        left, top = float(dest[2]), float(dest[3])
        box = (left, top - height, left + width, top)
        return SigFieldSpec(SIGNATURE_FIELD, on_page=page_ix, box=_rounded(box))
    x, y = FALLBACK_ORIGIN_PT
    return SigFieldSpec(SIGNATURE_FIELD, on_page=-1, box=_rounded((x, y, x + width, y + height)))


def _rounded(box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    # pyHanko writes the rectangle as given; whole points keep the file readable and stable.
    x1, y1, x2, y2 = box
    return round(x1), round(y1), round(x2), round(y2)


def _align_producer(writer: Any) -> None:
    """Make ``/Info /Producer`` what pyHanko will write into the XMP ``pdf:Producer``.

    pyHanko sets the XMP producer to its own name but appends its name to the Info
    entry; PDF/A requires the two to be equal, so the Info entry becomes pyHanko's name
    too (the XMP is the authoritative one in PDF/A anyway).
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    if "/Info" not in writer.trailer:
        return
    info = writer.trailer["/Info"]
    info["/Producer"] = generic.TextStringObject(VENDOR)
    writer.update_container(info)


@functools.lru_cache(maxsize=4)
def _timestamper(url: str) -> Any:
    """One time-stamp client per TSA URL: it caches its dummy tokens for size estimates."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=20)


def sign_pdf(
    pdf: bytes,
    key: SigningKey,
    *,
    stamp_pdf: bytes,
    reason: str,
    location: str,
    when: dt.datetime,
    tsa_url: str | None,
) -> bytes:
    """``pdf`` with a PAdES signature (``/SubFilter /ETSI.CAdES.detached``, SHA-256) appended.

    PAdES B-B when ``tsa_url`` is None, B-T (a time-stamp token from that RFC 3161 server)
    otherwise.  The visible stamp is ``stamp_pdf`` (``generators.stamp.render_stamp``),
    placed at the letter's STAMP_ANCHOR or at the fallback corner of the last page.
    ``when`` (aware) is the signing time the signature states (``/M``).  The original bytes
    are the prefix of the result: an incremental update, nothing before it changes.

    Raises SigningFailed when pyHanko refuses or the TSA fails; nothing is returned then.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.timestamps import TimestampRequestError
    from pyhanko.stamp import StaticStampStyle

    from generators.signing_support import FixedTimeSigner, ImportedStamp, PinnedMetadata

    if when.tzinfo is None:
        raise ValueError("when must be timezone-aware")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        field = _stamp_field(writer.prev)
    except (PdfError, ValueError, KeyError) as exc:
        raise PdfUnreadable(str(exc)) from exc
    # The file's second identifier names this revision: derived from the input and the
    # time, not os.urandom, so the same letter signed at the same time gives the same bytes.
    first = writer.document_id[0]
    second = hashlib.md5(pdf + when.isoformat().encode(), usedforsecurity=False).digest()
    # No public setters for these two; tests pin the result (same input, same bytes).
    writer._document_id = generic.ArrayObject(
        [generic.ByteStringObject(first), generic.ByteStringObject(second)]
    )
    writer._meta = PinnedMetadata(when)
    _align_producer(writer)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    signer = FixedTimeSigner(
        meta,
        signer=key.signer,
        when=when,
        timestamper=_timestamper(tsa_url) if tsa_url else None,
        stamp_style=StaticStampStyle(background=ImportedStamp(stamp_pdf), border_width=0),
        new_field_spec=field,
    )
    try:
        output = signer.sign_pdf(writer)
    except TimestampRequestError as exc:
        raise SigningFailed(f"time-stamp server: {exc}", url=tsa_url or "") from exc
    except (SigningError, PdfError) as exc:
        raise SigningFailed(str(exc), url=tsa_url or "") from exc
    signed: bytes = output.getvalue()
    return signed
