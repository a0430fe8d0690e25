"""DOCX letters from the docxtpl templates, prepared once and rendered per letter quickly.

Preparing = what docxtpl does on every ``render()``: open the zip, straighten the Jinja
tags Word splits across runs (``DocxTemplate.patch_xml``) and compile them; and embed the
fonts (``generators.docx_fonts``), so the letter looks the same where Vazirmatn is absent.
We do it once per template and keep the compiled Jinja templates and the untouched zip
members; a letter is then a Jinja render per part, a strict XML parse (a broken document
fails here, never silently: docxtpl's own path re-parses with ``recover=True``), the
letter's QR picture and core properties, and a zip whose entry times come from the letter.
"""

from __future__ import annotations

import functools
import re
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from jinja2 import Template, TemplateError
from lxml import etree

from generators.docx_fonts import embed_fonts
from generators.environment import TEMPLATES_DIR, environment
from generators.errors import TemplateProblem
from generators.kinds import KINDS, rendering
from generators.qr import png
from generators.wording import compose, template_problem
from generators.ziputil import Member, deflate, write

_TEMPLATED = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_PARA_OPEN = re.compile(r"<w:p([ >])")
_QR_EMBED = re.compile(r'<wp:docPr[^>]*\bname="qr"[^>]*/>.*?r:embed="([^"]+)"', re.DOTALL)
_REL = re.compile(
    r'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"|'
    r'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"'
)
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class PreparedDocx:
    """One kind's template, ready to render: compiled parts and the other members' bytes."""

    name: str
    members: tuple[tuple[str, Member | None], ...]  # None: rendered or generated per letter
    parts: dict[str, Template]
    qr_member: str | None


def _paragraph_of(source: str, line: int | None) -> str:
    # Each paragraph starts a line in the prepared XML (as docxtpl does), so the line of a
    # Jinja error is the paragraph's number, counting from the top of the part.
    return f"paragraph {line - 1}" if line else ""


def prepare(kind: str) -> PreparedDocx:
    """Read and compile ``<kind>/letter.docx`` (once per process via ``prepared``)."""
    from docxtpl import DocxTemplate  # its patch_xml is the reference tag cleaner

    name = rendering(kind).docx
    path = TEMPLATES_DIR / name
    if not path.is_file():
        raise TemplateProblem(name, detail="missing DOCX template", code="template_missing")
    cleaner = DocxTemplate(str(path))
    members: list[tuple[str, Member | None]] = []
    parts: dict[str, Template] = {}
    qr_member: str | None = None
    fixed: dict[str, bytes] = {}  # members that are the same in every letter
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        document_xml = archive.read("word/document.xml").decode("utf-8")
        rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        found = _QR_EMBED.search(document_xml)
        if found:
            for match in _REL.finditer(rels):
                rid, target = (
                    (match.group(1), match.group(2))
                    if match.group(1)
                    else (
                        match.group(4),
                        match.group(3),
                    )
                )
                if rid == found.group(1):
                    qr_member = "word/" + target.lstrip("/").removeprefix("word/")
        for member in names:
            if _TEMPLATED.match(member):
                source = cleaner.patch_xml(archive.read(member).decode("utf-8"))
                source = _PARA_OPEN.sub(r"\n<w:p\1", source)
                part_name = f"{name}:{member}"
                try:
                    parts[member] = environment().from_string(source)
                except TemplateError as exc:
                    problem = template_problem(exc, part_name)
                    raise TemplateProblem(
                        part_name,
                        _paragraph_of(source, getattr(exc, "lineno", None)),
                        problem.variable,
                        problem.detail,
                    ) from exc
                members.append((member, None))
            elif member in ("docProps/core.xml",) or member == qr_member:
                members.append((member, None))
            else:
                fixed[member] = archive.read(member)
                members.append((member, None))
    # Vazirmatn goes inside every letter (generators/docx_fonts.py): new parts at the end.
    fixed = embed_fonts(fixed)
    members.extend((part, None) for part in fixed if part not in names)
    ready = tuple(
        (member, deflate(member, fixed[member]) if member in fixed else None)
        for member, _ in members
    )
    return PreparedDocx(name, ready, parts, qr_member)


_PREPARE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=len(KINDS))
def _prepared(kind: str) -> PreparedDocx:
    return prepare(kind)


def prepared(kind: str) -> PreparedDocx:
    """The per-process prepared template of ``kind`` (a deliberate cache)."""
    rendering(kind)  # UnknownKind before the cache sees it
    with _PREPARE_LOCK:
        return _prepared(kind)


def _render_part(template: Template, part_name: str, context: Mapping[str, Any]) -> bytes:
    try:
        xml = template.render(context)
    except TemplateError as exc:
        problem = template_problem(exc, part_name)
        line = None
        if problem.where.startswith("line "):
            line = int(problem.where.split()[1])
        raise TemplateProblem(
            part_name, _paragraph_of("", line), problem.variable, problem.detail
        ) from exc
    xml = _PARA_OPEN.sub(r"<w:p\1", xml.replace("\n<w:p", "<w:p"))
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    data = xml.encode("utf-8")
    try:
        etree.fromstring(data, _SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateProblem(part_name, detail=f"rendered XML is not well-formed: {exc}") from exc
    return data


def _core_xml(context: Mapping[str, Any], subject: str) -> bytes:
    issued = context["letter"]["issued_at"]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(subject)}</dc:title>"
        f"<dc:creator>{escape(context['office']['office'])}</dc:creator>"
        f"<dc:identifier>{escape(context['letter']['guid'])}</dc:identifier>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{issued}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{issued}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def render_docx(kind: str, context: Mapping[str, Any]) -> bytes:
    """The letter of ``kind`` for ``context`` (from build_context) as DOCX bytes.

    Same context, same bytes (zip entry times are the letter's issue time).  Raises
    TemplateProblem naming the part and paragraph when the template fails.
    """
    template = prepared(kind)
    text = compose(kind, context)
    full = dict(context, text=text)
    issued = datetime.fromisoformat(context["letter"]["issued_at"])
    members: list[Member] = []
    for member, ready in template.members:
        if ready is not None:
            members.append(ready)
            continue
        if member in template.parts:
            body = _render_part(template.parts[member], f"{template.name}:{member}", full)
        elif member == template.qr_member:
            body = png(context["qr"]["payload"])
        else:
            body = _core_xml(context, text.subject)
        members.append(deflate(member, body))
    return write(members, issued)
