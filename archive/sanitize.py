"""Active content in a filed PDF: found, and removed from the copy the office passes on.

A citizen's or an agency's PDF may carry JavaScript, an action run when it opens, a Launch
or URI action, additional actions (``/AA``) on the document, a page or a field, XFA forms or
embedded files.  A scan needs none of them, and the office must not copy them into its own
dossiers.  The original stays in the archive untouched (it is the record of what was
filed; its catalogue row is marked ``role="active_content"``); a sanitized copy, catalogued
as ``role="derived"`` from it, is what dossiers use (archive/intake.py, archive/dossier.py).

The copy is made with pikepdf, deterministically (the same file gives the same bytes): every
action, additional-action dictionary, JavaScript name tree, embedded file, XFA form and the
annotations that exist only to play or hold content are removed; pages, their images and
text, and the appearance of filled fields stay.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

__all__ = ["find_active_content", "sanitized_pdf"]

# Annotations that exist to run or hold content: removed whole.
_ACTIVE_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
)
# What each feature is called in a finding (stable, lowercase).
_ACTION_NAMES = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/URI": "uri",
    "/SubmitForm": "submit_form",
    "/ImportData": "import_data",
    "/GoToR": "remote_goto",
    "/GoToE": "embedded_goto",
    "/RichMediaExecute": "rich_media",
    "/Rendition": "rendition",
}


def find_active_content(data: bytes) -> tuple[str, ...]:
    """The kinds of active content in the PDF ``data``, sorted; empty for a plain one (or
    a file pikepdf cannot open: the attachment check has refused those already)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return tuple(sorted(_sweep(pdf, remove=False)))
    except pikepdf.PdfError:
        return ()


def sanitized_pdf(data: bytes) -> bytes:
    """The PDF ``data`` with its active content removed (see the module docstring)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _sweep(pdf, remove=True)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True)
        return out.getvalue()


def _sweep(pdf: pikepdf.Pdf, *, remove: bool) -> set[str]:
    found: set[str] = set()
    root = pdf.Root
    if "/OpenAction" in root:
        found.add("open_action")
        if remove:
            del root["/OpenAction"]
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        for key, label in (("/JavaScript", "javascript"), ("/EmbeddedFiles", "embedded_files")):
            if key in names:
                found.add(label)
                if remove:
                    del names[key]
    form = root.get("/AcroForm")
    if isinstance(form, Dictionary) and "/XFA" in form:
        found.add("xfa")
        if remove:
            del form["/XFA"]
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if isinstance(annotations, Array):
            kept = Array()
            for annotation in annotations:
                subtype = annotation.get("/Subtype") if isinstance(annotation, Dictionary) else None
                if subtype is not None and str(subtype) in _ACTIVE_ANNOTATIONS:
                    found.add("embedded_files" if subtype == Name.FileAttachment else "media")
                    continue
                kept.append(annotation)
            if remove and len(kept) != len(annotations):
                page.obj["/Annots"] = kept
    # Every dictionary in the file: actions (/A, /Next chains) and additional actions.
    for obj in pdf.objects:
        if isinstance(obj, Dictionary):
            _clean(obj, found, remove=remove, depth=0)
    return found


def _clean(obj: Dictionary, found: set[str], *, remove: bool, depth: int) -> None:
    if depth > 4:  # actions nest shallowly; a deep direct structure holds none we look for
        return
    if "/AA" in obj:
        found.add("additional_actions")
        if remove:
            del obj["/AA"]
    if "/JS" in obj:
        found.add("javascript")
        if remove:
            del obj["/JS"]
    action = obj.get("/A")
    if isinstance(action, Dictionary):
        kind = str(action.get("/S", ""))
        if kind in _ACTION_NAMES:
            found.add(_ACTION_NAMES[kind])
            if remove:
                del obj["/A"]
    nested = obj.get("/Next")  # an action's chain of further actions
    if isinstance(nested, Dictionary):
        _clean(nested, found, remove=remove, depth=depth + 1)
    if isinstance(action, Dictionary) and "/A" not in obj:
        return
    if isinstance(action, Dictionary):
        _clean(action, found, remove=remove, depth=depth + 1)
