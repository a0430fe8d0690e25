"""The visible signature stamp, rendered in Persian by WeasyPrint.

pyHanko's own text stamp draws Persian reversed, spread out and clipped
(research/baseline-measurements.md, P12); so the stamp is a one-page PDF made here from
``letter_templates/stamp`` and handed to pyHanko as a static stamp
(``generators.signing.sign_pdf``).  The signature stays valid: the stamp is only the
signature field's appearance.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from jinja2 import TemplateError

from generators.environment import TEMPLATES_DIR, environment
from generators.wording import template_problem
from registry.jalali import format_jalali_fa
from registry.text import to_persian_digits

__all__ = ["STAMP_SIZE_PT", "render_stamp"]

STAMP_DIR = TEMPLATES_DIR / "stamp"
_MM = 72 / 25.4
STAMP_SIZE_PT = (75 * _MM, 26 * _MM)
"""Width and height of the stamp in PDF points: the page size of ``stamp.css``."""


@functools.lru_cache(maxsize=1)
def _stylesheet() -> object:
    from weasyprint import CSS

    from generators.pdf import renderer, warnings_fail

    shared = renderer()
    with warnings_fail("stamp"):
        return CSS(
            string=(STAMP_DIR / "stamp.css").read_text(encoding="utf-8"),
            base_url=STAMP_DIR.as_uri() + "/",
            url_fetcher=shared.fetcher,
            font_config=shared.font_config,
        )


def render_stamp(*, name: str, title: str, office: str, when: dt.datetime) -> bytes:
    """A one-page PDF of STAMP_SIZE_PT: «امضای دیجیتال», signatory, title, office, date and time.

    ``when`` (aware, already in the office's time zone) is printed as the Jalali date and
    the time in Persian digits.  Same arguments, same bytes.  Raises RenderWarning if
    WeasyPrint warns (a missing glyph, say) and TemplateProblem for a broken template.
    """
    from weasyprint import HTML

    from generators.pdf import renderer, warnings_fail

    if when.tzinfo is None:
        raise ValueError("when must be timezone-aware")
    context = {
        "name": name.strip(),
        "title": title.strip(),
        "office": office.strip(),
        "date": format_jalali_fa(when.date()),
        "time": to_persian_digits(when.strftime("%H:%M")),
    }
    try:
        html = environment().get_template("stamp/stamp.html").render(context)
    except TemplateError as exc:
        raise template_problem(exc, "stamp/stamp.html") from exc
    shared = renderer()
    identifier = hashlib.md5(html.encode(), usedforsecurity=False).hexdigest().encode()
    # The renderer's lock: its FontConfiguration is shared with the letters.
    with shared.lock, warnings_fail("stamp"):
        document = HTML(
            string=html, base_url=STAMP_DIR.as_uri() + "/", url_fetcher=shared.fetcher
        ).render(font_config=shared.font_config, stylesheets=[_stylesheet()])
        pdf: bytes = document.write_pdf(pdf_identifier=identifier)
    return pdf
