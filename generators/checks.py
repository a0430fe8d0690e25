"""``templates check``: every kind rendered in both formats with sample facts.

Each problem names the template file, the line (text templates) or paragraph (DOCX), and
the variable involved.  A dispatch refuses to start while a template it needs fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jinja2 import TemplateError, meta

from generators.context import CONTEXT_KEYS, build_context
from generators.docx_letter import prepare, render_docx
from generators.environment import TEMPLATES_DIR, environment
from generators.errors import GeneratorError, TemplateProblem
from generators.kinds import KINDS, rendering
from generators.pdf import renderer
from generators.samples import sample_facts
from generators.wording import compose, wording_name

LAYOUT_KEYS = frozenset({"text", "qr_image"})
"""What the layouts get besides the context: the composed wording and the QR image."""

FIELD_LABELS: tuple[str, ...] = (
    "شماره",
    "تاریخ",
    "پیوست",
    "موضوع",
    "کد صحت",
    "شناسه سند",
    "نام",
    "کد ملی",
    "تلفن همراه",
    "نشانی",
    "تلفن",
    "رونوشت",
)
_EMPTY_LABEL = re.compile(
    r"(?:^|[\s،])(" + "|".join(sorted(FIELD_LABELS, key=len, reverse=True)) + r"):[ \t]*(?:\n|$|،)",
    re.MULTILINE,
)


def text_problems(template: str, text: str, *, labels: bool = True) -> list[TemplateProblem]:
    """Leftovers a rendered letter must never show: None, Jinja delimiters, empty labels
    (``labels=False`` for text whose extractor moves colons, like pdftotext)."""
    problems: list[TemplateProblem] = []
    for marker in ("None", "{{", "{%", "}}", "%}", "Undefined"):
        if marker in text:
            problems.append(TemplateProblem(template, detail=f"rendered text contains {marker!r}"))
    for match in _EMPTY_LABEL.finditer(text if labels else ""):
        problems.append(
            TemplateProblem(template, variable=match.group(1), detail="empty field label")
        )
    return problems


def undeclared(source: str) -> set[str]:
    """Top-level variables a template source uses that it does not define itself."""
    return set(meta.find_undeclared_variables(environment().parse(source)))


def variable_problems(kind: str) -> list[TemplateProblem]:
    """Variables used by ``kind``'s templates that the context schema does not define."""
    allowed = CONTEXT_KEYS | LAYOUT_KEYS | set(environment().globals)
    row = rendering(kind)
    sources: list[tuple[str, str, frozenset[str]]] = [
        (row.wording, (TEMPLATES_DIR / row.wording).read_text("utf-8"), CONTEXT_KEYS),
        (row.html, (TEMPLATES_DIR / row.html).read_text("utf-8"), allowed),
        ("_layout.html", (TEMPLATES_DIR / "_layout.html").read_text("utf-8"), allowed),
    ]
    problems: list[TemplateProblem] = []
    prepare(kind)  # compiles the DOCX parts: a syntax error there is a problem too
    for name, source, names in sources:
        try:
            used = undeclared(source)
        except TemplateError as exc:
            problems.append(
                TemplateProblem(name, f"line {getattr(exc, 'lineno', '?')}", detail=str(exc))
            )
            continue
        for variable in sorted(used - set(names) - set(environment().globals)):
            problems.append(
                TemplateProblem(name, variable=variable, detail="not in the context schema")
            )
    return problems


def docx_variable_problems(kind: str) -> list[TemplateProblem]:
    """Same check for the DOCX parts, on their prepared (tag-cleaned) XML."""
    import zipfile

    from docxtpl import DocxTemplate

    name = rendering(kind).docx
    allowed = CONTEXT_KEYS | LAYOUT_KEYS | set(environment().globals)
    cleaner = DocxTemplate(str(TEMPLATES_DIR / name))
    problems: list[TemplateProblem] = []
    with zipfile.ZipFile(TEMPLATES_DIR / name) as archive:
        for member in archive.namelist():
            if not re.match(r"^word/(document|header\d*|footer\d*)\.xml$", member):
                continue
            source = cleaner.patch_xml(archive.read(member).decode("utf-8"))
            for variable in sorted(undeclared(source) - allowed):
                problems.append(
                    TemplateProblem(
                        f"{name}:{member}", variable=variable, detail="not in the context schema"
                    )
                )
    return problems


def _collect(kind: str, anonymous: bool) -> Iterable[TemplateProblem]:
    context = build_context(kind, sample_facts(kind, anonymous=anonymous))
    text = compose(kind, context)
    words = "\n".join([text.subject, text.salutation, *(b.text for b in text.blocks)])
    yield from text_problems(wording_name(kind), words)
    html = renderer().html(kind, context)
    yield from text_problems(
        rendering(kind).html, re.sub(r"<[^>]+>", "", html.split("<body>", 1)[-1])
    )
    render_docx(kind, context)
    renderer().render(kind, context, archival=True)


def check_templates(kinds: Iterable[str] = KINDS) -> list[TemplateProblem]:
    """Render every kind in both formats with sample facts; every problem found, none raised."""
    problems: list[TemplateProblem] = []
    for kind in kinds:
        try:
            problems.extend(variable_problems(kind))
            problems.extend(docx_variable_problems(kind))
            for anonymous in (False, True):
                problems.extend(_collect(kind, anonymous))
        except TemplateProblem as exc:
            problems.append(exc)
        except GeneratorError as exc:
            problems.append(TemplateProblem(kind, detail=f"{exc.code}: {exc}"))
    return problems
