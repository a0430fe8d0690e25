"""Regenerate the golden images: ``.venv/bin/python tests/golden/refresh.py [--docx]``.

Commit the result on its own, saying why the reference changed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generators import build_context, render_docx, render_pdf  # noqa: E402
from generators.kinds import KINDS  # noqa: E402
from generators.samples import sample_facts  # noqa: E402
from tests.letters_support import GOLDEN, libreoffice_pdf, png_page1  # noqa: E402


def main() -> None:
    for kind in KINDS:
        context = build_context(kind, sample_facts(kind))
        png_page1(render_pdf(kind, context)).save(GOLDEN / f"letter_{kind}.png", optimize=True)
    if "--docx" in sys.argv:
        context = build_context("referral", sample_facts("referral"))
        with tempfile.TemporaryDirectory() as tmp:
            pdf = libreoffice_pdf(render_docx("referral", context), Path(tmp))
        png_page1(pdf).save(GOLDEN / "docx_referral_libreoffice.png", optimize=True)


if __name__ == "__main__":
    main()
