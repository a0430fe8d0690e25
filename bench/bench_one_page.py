"""Share of the demo's referrals that fit on one page (issue 12: at least 85 %).

    .venv/bin/python bench/bench_one_page.py [--home DIR]

Runs ``residegi --home DIR demo`` (today's sample complaints, registry/samples.py, their
texts as they are) in a new temporary folder, or reuses DIR when it already holds a demo's
registry.  Then renders every referral the demo numbered from its frozen facts with the
current templates, counts the pages of each PDF, prints the share that fit on one page and
the page-count distribution, and writes JSON to bench/results/one_page.json.  Also counts
the other kinds the demo wrote, for information, and renders every referral once more
marked as the longest priority and classification print («خیلی فوری» in the box,
«به‌کلی سری» at the top and bottom of each page, issue 16): the marks must cost no page.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdf  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.common import RESIDEGI, child_env, print_table, say, write_results  # noqa: E402
from generators import build_context, render_pdf  # noqa: E402
from registry.kinds import LetterKind  # noqa: E402
from registry.models import Letter  # noqa: E402

TARGET = 0.85


# The longest marks a letter can carry (issue 16).
MARKED = {"priority": "very_urgent", "classification": "top_secret"}


def _pages(name: str, facts: dict[str, Any]) -> int:
    pdf = render_pdf(name, build_context(name, facts), archival=False)
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def page_counts(home: Path) -> dict[str, Counter[int]]:
    """kind → Counter(pages → letters), every letter of the demo rendered again; under
    ``referral (marked)`` the referrals once more with the longest marks."""
    engine = create_engine(f"sqlite:///{home / 'registry.sqlite3'}")
    counts: dict[str, Counter[int]] = {}
    with Session(engine) as session:
        for letter in session.scalars(select(Letter).order_by(Letter.id)):
            name = LetterKind(letter.kind).value
            facts: dict[str, Any] = letter.facts
            counts.setdefault(name, Counter())[_pages(name, facts)] += 1
            if name == "referral":
                marked = {**facts, "complaint": {**facts["complaint"], **MARKED}}
                counts.setdefault("referral (marked)", Counter())[_pages(name, marked)] += 1
    engine.dispose()
    return counts


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a demo's data folder (made if absent)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="residegi-one-page-") as tmp:
        home: Path = args.home or Path(tmp) / "demo"
        if not (home / "registry.sqlite3").is_file():
            say(f"residegi --home {home} demo …")
            subprocess.run(
                [RESIDEGI, "--home", str(home), "demo"],
                check=True,
                capture_output=True,
                env=child_env(),
            )
        counts = page_counts(home)
    referrals = counts.get("referral", Counter())
    total = sum(referrals.values())
    share = referrals[1] / total if total else 0.0
    print_table(
        "Letters of the demo by page count (current templates)",
        ["kind", "letters", "1 page", "2 pages", "3+ pages", "one-page share"],
        [
            (
                kind,
                sum(c.values()),
                c[1],
                c[2],
                sum(n for pages, n in c.items() if pages > 2),
                f"{c[1] / sum(c.values()):.1%}",
            )
            for kind, c in sorted(counts.items())
        ],
    )
    verdict = "PASS" if share >= TARGET else "MISS"
    say(f"referrals on one page: {referrals[1]}/{total} = {share:.1%} (target ≥ 85 %): {verdict}")
    marked = counts.get("referral (marked)", Counter())
    say(
        f"marked «خیلی فوری», «به‌کلی سری»: {marked[1]}/{sum(marked.values())} on one page"
        f" ({'no page lost' if marked[1] == referrals[1] else 'PAGES LOST'})"
    )
    figures = {
        "referrals": total,
        "one_page": referrals[1],
        "share": round(share, 4),
        "one_page_marked": marked[1],
        "target": TARGET,
        "pages": {kind: dict(sorted(c.items())) for kind, c in counts.items()},
    }
    write_results("one_page", figures)
    return figures


if __name__ == "__main__":
    main()
