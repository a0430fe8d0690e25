"""Build the DOCX template of every letter kind: ``python letter_templates/build_docx.py``.

The generated ``<kind>/letter.docx`` files are sources (committed; staff may open and edit
them in Word or LibreOffice).  Right-to-left lives in the styles: ``w:bidi`` on paragraphs
and the section, ``w:rtl`` with the complex-script font (``rFonts/@w:cs``), ``szCs`` and
``bCs``; tables are ``bidiVisual`` with grid widths and a fixed layout; the page is A4.
Alignment is never left/right (LibreOffice reads those as start/end in bidi paragraphs)
and never justified (LibreOffice stretches justified Persian with kashida): paragraphs are
start-aligned or centred.  The labels here must match ``_layout.html``: a test compares
the text of both formats.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from generators.kinds import KINDS  # noqa: E402
from generators.qr import png  # noqa: E402

FONT = "Vazirmatn"
SIZE = 10.5  # pt, as letter.css
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # zip entry times of the template itself: reproducible


def _rpr(size_pt: float, bold: bool = False) -> str:
    half = int(size_pt * 2)
    b = "<w:b/><w:bCs/>" if bold else ""
    return (
        f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" '
        f'w:eastAsia="{FONT}"/>{b}<w:sz w:val="{half}"/><w:szCs w:val="{half}"/><w:rtl/>'
        '<w:lang w:val="fa-IR" w:bidi="fa-IR"/></w:rPr>'
    )


def _ppr(
    jc: str | None = None,
    before: int = 0,
    after: int = 40,
    start_indent: int = 0,
    keep_next: bool = False,
) -> str:
    align = f'<w:jc w:val="{jc}"/>' if jc else ""
    keep = "<w:keepNext/>" if keep_next else ""
    # In a bidi paragraph w:ind/@w:right is the start (right-hand) indent in Word, while
    # LibreOffice 7.4 reads left/right as start/end: we only ever indent with "start".
    indent = f'<w:ind w:start="{start_indent}"/>' if start_indent else ""
    return (
        f'<w:pPr {nsdecls("w")}>{keep}<w:bidi/><w:spacing w:before="{before}" '
        f'w:after="{after}" w:line="276" w:lineRule="auto"/>{indent}{align}</w:pPr>'
    )


def _style(doc: DocumentObject, name: str, size: float, bold: bool = False, **ppr: object) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    element = style.element
    element.append(parse_xml(_ppr(**ppr)))  # type: ignore[arg-type]
    element.append(parse_xml(_rpr(size, bold)))


def _defaults(doc: DocumentObject) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault>{_rpr(SIZE)}</w:rPrDefault>"
            f"<w:pPrDefault>{_ppr()}</w:pPrDefault></w:docDefaults>"
        ),
    )
    normal = doc.styles["Normal"].element
    for tag in ("w:pPr", "w:rPr"):
        old = normal.find(qn(tag))
        if old is not None:
            normal.remove(old)
    normal.append(parse_xml(_ppr()))
    normal.append(parse_xml(_rpr(SIZE)))
    _style(doc, "Letter Body", SIZE)
    _style(doc, "Letter Bold", SIZE, bold=True)
    # A heading never ends a page; the closing styles keep the last paragraph, the
    # signature block and the «رونوشت» lines on one page (as letter.css does for the PDF).
    _style(doc, "Letter Heading", SIZE, bold=True, before=80, after=20, keep_next=True)
    _style(doc, "Letter Item", SIZE, start_indent=240)
    _style(doc, "Letter Centre", SIZE, bold=True, jc="center")
    _style(doc, "Letter Closing", SIZE, keep_next=True)
    _style(doc, "Letter Closing Centre", SIZE, jc="center", keep_next=True)
    _style(doc, "Letter Closing Bold", SIZE, bold=True, jc="center", keep_next=True)
    _style(doc, "Letter Small", 9)
    _style(doc, "Letter Small Keep", 9, keep_next=True)
    _style(doc, "Letter Tiny", 7.5)
    _style(doc, "Letter Tiny Keep", 7.5, keep_next=True)
    _style(doc, "Letter Micro Keep", 6.5, after=0, keep_next=True)
    _style(doc, "Letter Footer", 8, jc="center")
    # A classified letter's classification at the top and bottom of every page.
    _style(doc, "Letter Mark", 10, bold=True)


def _para(target: DocumentObject | _Cell, text: str, style: str) -> Paragraph:
    paragraph = target.add_paragraph(style=style)
    if text:
        paragraph.add_run(text)
    return paragraph


def _table(doc: DocumentObject, widths_mm: list[float], borders: bool) -> Table:
    table = doc.add_table(rows=1, cols=len(widths_mm))
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    total = sum(int(Mm(w).twips) for w in widths_mm)
    border = (
        "<w:tblBorders>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="444444"/>'
            for side in ("top", "start", "bottom", "end", "insideH", "insideV")
        )
        + "</w:tblBorders>"
        if borders
        else ""
    )
    for xml in (
        f'<w:tblW {nsdecls("w")} w:w="{total}" w:type="dxa"/>',
        f"<w:bidiVisual {nsdecls('w')}/>",
        f"<w:tblBorders {nsdecls('w')}/>"
        if not borders
        else border.replace("<w:tblBorders>", f"<w:tblBorders {nsdecls('w')}>"),
        f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>',
        f'<w:tblCellMar {nsdecls("w")}><w:start w:w="80" w:type="dxa"/>'
        '<w:end w:w="80" w:type="dxa"/></w:tblCellMar>',
    ):
        tbl_pr.append(parse_xml(xml))
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
        cell.paragraphs[0].style = doc.styles["Letter Body"]
    return table


def _fill(cell: _Cell, lines: list[tuple[str, str]]) -> None:
    first = cell.paragraphs[0]
    for index, (text, style) in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.style = style
        if text:
            paragraph.add_run(text)


def _labelled(cell: _Cell, label: str, value: str, style: str, first: bool) -> None:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.style = style
    _bold_run(paragraph, label)
    paragraph.add_run(value)


def _bold_run(paragraph: Paragraph, text: str) -> None:
    # run.bold sets only w:b; Persian (complex script) text needs w:bCs too.
    run = paragraph.add_run(text)
    run._r.get_or_add_rPr().append(parse_xml(f"<w:b {nsdecls('w')}/>"))
    run._r.get_or_add_rPr().append(parse_xml(f"<w:bCs {nsdecls('w')}/>"))


def build(kind: str) -> bytes:
    """The DOCX template of ``kind`` as bytes (same every time)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(14), Mm(20)
    section.left_margin = section.right_margin = Mm(18)
    section.header_distance = Mm(8)
    section.footer_distance = Mm(8)
    section._sectPr.append(parse_xml(f"<w:bidi {nsdecls('w')}/>"))
    _defaults(doc)
    doc.paragraphs[0]._element.getparent().remove(
        doc.paragraphs[0]._element
    ) if doc.paragraphs else None

    head = _table(doc, [80, 28, 62], borders=False)
    org, basmala, meta = head.rows[0].cells
    _fill(
        org,
        [
            ("{{ office.ministry }}", "Letter Bold"),
            ("{{ office.governorate }}", "Letter Bold"),
            ("{{ office.office }}", "Letter Bold"),
        ],
    )
    _fill(
        basmala,
        [
            ("بسمه تعالی", "Letter Centre"),
            # The priority (فوری، خیلی فوری، آنی) under it; «عادی» leaves no paragraph.
            ("{%p if letter.priority %}", "Letter Centre"),
            ("{{ letter.priority }}", "Letter Centre"),
            ("{%p endif %}", "Letter Centre"),
        ],
    )
    _labelled(meta, "شماره: ", "{{ letter.number }}", "Letter Body", True)
    _labelled(meta, "تاریخ: ", "{{ letter.date }}", "Letter Body", False)
    _labelled(meta, "پیوست: ", "{{ letter.attachments }}", "Letter Body", False)
    # «پیرو» / «عطف» lines, one a cited paper (none on letters frozen before references).
    _labelled(meta, "", "{%p for r in letter.references %}", "Letter Body", False)
    _labelled(meta, "{{ r.label }}: ", "{{ r.number }} مورخ {{ r.date }}", "Letter Small", False)
    _labelled(meta, "", "{%p endfor %}", "Letter Body", False)
    rule = _para(doc, "", "Letter Small")
    rule._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="8" w:space="1" '
            'w:color="000000"/></w:pBdr>'
        )
    )

    _para(doc, "{%p for line in recipient.lines %}", "Letter Body")
    _para(doc, "{{ line }}", "Letter Bold")
    _para(doc, "{%p endfor %}", "Letter Body")
    subject = _para(doc, "", "Letter Body")
    _bold_run(subject, "موضوع:")
    subject.add_run(" {{ text.subject }}")
    _para(doc, "{{ text.salutation }}", "Letter Body")
    for line, style in (
        # Every block but the last; the last one goes with the signature block below.
        ("{%p for block in text.blocks[:-1] %}", "Letter Body"),
        ('{%p if block.style == "h" %}', "Letter Body"),
        ("{{ block.text }}", "Letter Heading"),
        ('{%p elif block.style == "li" %}', "Letter Body"),
        ("{{ block.label }} {{ block.text }}", "Letter Item"),
        ("{%p else %}", "Letter Body"),
        ("{{ block.text }}", "Letter Body"),
        ("{%p endif %}", "Letter Body"),
        ("{%p endfor %}", "Letter Body"),
        ("{%p if attachments %}", "Letter Body"),
        ("فهرست پیوست‌ها", "Letter Heading"),
    ):
        _para(doc, line, style)
    table = _table(doc, [14, 130, 30], borders=True)
    for cell, label in zip(table.rows[0].cells, ("ردیف", "عنوان پیوست", "تعداد برگ"), strict=True):
        _fill(cell, [(label, "Letter Bold")])
    _row_props(table.rows[0]._tr, header=True)
    for marker in ("{%tr for a in attachments %}", None, "{%tr endfor %}"):
        row = table.add_row()
        _row_props(row._tr)
        for index, cell in enumerate(row.cells):
            cell.paragraphs[0].style = doc.styles["Letter Body"]
            if marker is not None:
                if index == 0:
                    cell.paragraphs[0].add_run(marker)
            else:
                value = (
                    "{{ loop.index|fa_digits }}",
                    # A file name (only when the office prints them) is an isolated
                    # left-to-right run (LRI … PDI), as in the PDF.
                    "{{ a.title }}{% if a.file_name %} (\u2066{{ a.file_name }}\u2069){% endif %}",
                    "{{ a.sheets }}",
                )[index]
                cell.paragraphs[0].add_run(value)
    _para(doc, "{%p endif %}", "Letter Body")

    # The closing group: the last paragraph, the signature table, the «رونوشت» lines and the
    # document ID; every paragraph but the last keeps with the next, the row never splits.
    _para(doc, "{%p if text.blocks %}", "Letter Body")
    _para(doc, "{{ text.blocks[-1].text }}", "Letter Closing")
    _para(doc, "{%p endif %}", "Letter Body")
    # Two adjacent tables merge into one in Word and LibreOffice: keep a paragraph between.
    _para(doc, "", "Letter Small Keep")

    closing = _table(doc, [22, 50, 102], borders=False)
    _row_props(closing.rows[0]._tr)
    qr_cell, check_cell, sign_cell = closing.rows[0].cells
    qr_para = qr_cell.paragraphs[0]
    qr_para.style = doc.styles["Letter Closing"]
    qr_para.add_run().add_picture(io.BytesIO(png("placeholder")), width=Mm(20), height=Mm(20))
    doc_pr = qr_para._p.find(".//" + qn("wp:docPr"))
    if doc_pr is not None:
        doc_pr.set("name", "qr")
        doc_pr.set("descr", "کد QR نامه")
    # Beside the QR, as _layout.html prints it: how to check the letter, the page's address
    # cut after /verify/ (isolated left-to-right runs), then the code to type there.
    # Letters frozen before verification print only the code.
    check_cell.paragraphs[0].style = doc.styles["Letter Tiny Keep"]
    check_cell.paragraphs[0].add_run("{%p if qr.check %}")
    for line in (
        "{{ qr.check.line }}",
        "\u2066{{ qr.check.page }}\u2069",
        "\u2066{{ letter.guid }}\u2069",
    ):
        _para(check_cell, line, "Letter Micro Keep")
    _para(check_cell, "{%p endif %}", "Letter Tiny Keep")
    _labelled(check_cell, "کد صحت: ", "{{ letter.verification_code }}", "Letter Tiny Keep", False)
    _fill(
        sign_cell,
        [
            ("{{ signatory.name }}", "Letter Closing Bold"),
            ("{{ signatory.title }}", "Letter Closing Centre"),
        ],
    )

    _para(doc, "{%p for c in copies %}", "Letter Small Keep")
    _para(doc, "رونوشت: {{ c.recipient }} {{ c.description }}.", "Letter Small Keep")
    _para(doc, "{%p endfor %}", "Letter Small Keep")
    _para(doc, "شناسه سند: \u2066{{ letter.guid }}\u2069", "Letter Tiny")

    _header_footer(doc)

    raw = io.BytesIO()
    doc.save(raw)
    return _reproducible(raw.getvalue())


def _row_props(tr: Any, header: bool = False) -> None:
    """A row that never splits across pages; a header row repeats on each page."""
    props = tr.get_or_add_trPr()
    props.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    if header:
        props.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``paragraph``; ``shown`` until it is updated."""
    p = paragraph._p
    rpr = '<w:rPr><w:rtl/><w:lang w:val="fa-IR" w:bidi="fa-IR"/></w:rPr>'
    for xml in (
        f'<w:r {nsdecls("w")}>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}>{rpr}<w:instrText xml:space="preserve"> {instruction} '
        "</w:instrText></w:r>",
        f'<w:r {nsdecls("w")}>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}>{rpr}<w:t>{shown}</w:t></w:r>",
        f'<w:r {nsdecls("w")}>{rpr}<w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p.append(parse_xml(xml))


def _page_of(paragraph: Paragraph) -> None:
    paragraph.add_run("صفحه ")
    _field(paragraph, "PAGE", "۱")
    paragraph.add_run(" از ")
    _field(paragraph, "NUMPAGES", "۱")


def _header_footer(doc: DocumentObject) -> None:
    """Footer on every page: address, phone (an isolated left-to-right run, never reversed)
    and «صفحه X از Y»; continuation pages carry a header with the letter's number, date and
    page (the first page has the letterhead instead: a different first-page header)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    address = (
        "نشانی: {{ office.address }}"
        "{% if office.phone %}، تلفن: \u2066{{ office.phone }}\u2069{% endif %}"
    )
    for footer in (section.footer, section.first_page_footer):
        footer.is_linked_to_previous = False
        first = footer.paragraphs[0]
        first.style = doc.styles["Letter Footer"]
        first.add_run(address)
        _page_of(footer.add_paragraph(style="Letter Footer"))
        _classification(footer.add_paragraph)
    header = section.header
    header.is_linked_to_previous = False
    line = header.paragraphs[0]
    line.style = doc.styles["Letter Footer"]
    line.add_run("شماره: {{ letter.number }}   تاریخ: {{ letter.date }}   ")
    _page_of(line)
    line._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="4" w:space="1" '
            'w:color="666666"/></w:pBdr>'
        )
    )
    section.first_page_header.is_linked_to_previous = False
    _classification(section.first_page_header.paragraphs[0].insert_paragraph_before)
    _classification(line.insert_paragraph_before)


def _classification(add: Any) -> None:
    """A classified letter's classification (the bylaw on classified documents), in a
    header or footer: three paragraphs of which docxtpl keeps only the mark, and only when
    the letter is classified (an unclassified letter's header and footer are as before)."""
    for text in ("{%p if letter.classification %}", "{{ letter.classification }}", "{%p endif %}"):
        add(text, style="Letter Mark")


# python-docx's default package carries a thumbnail of an unrelated document and a second
# 430 kB copy of the styles; Word and LibreOffice need neither.
_DROPPED = {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"}
_DROPPED_RELS = (
    rb'<Relationship [^>]*Target="docProps/thumbnail.jpeg"/>',
    rb'<Relationship [^>]*Target="stylesWithEffects.xml"/>',
    rb'<Override PartName="/word/stylesWithEffects.xml"[^>]*/>',
    rb'<Default Extension="jpeg"[^>]*/>',
)


def _reproducible(data: bytes) -> bytes:
    """The same archive with fixed entry times, so rebuilding changes no byte."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in _DROPPED:
                continue
            body = src.read(info.filename)
            for pattern in _DROPPED_RELS:
                body = re.sub(pattern, b"", body)
            if info.filename == "docProps/core.xml":
                body = (
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
                    b'2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                    b'xmlns:dcterms="http://purl.org/dc/terms/" '
                    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                    b"<dc:title>residegi letter template</dc:title></cp:coreProperties>"
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def main() -> None:
    """Write ``<kind>/letter.docx`` for every kind."""
    for kind in KINDS:
        target = HERE / kind / "letter.docx"
        target.write_bytes(build(kind))
        print(target.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
