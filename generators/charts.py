"""Charts for the desk and the printed report: data in, an HTML fragment out.

Pure and deterministic (the same data gives the same text). A chart is a ``<figure>``: its
title, then one row per bar, right to left as the page reads: the label (HTML text), the
bar (an inline SVG rectangle growing leftwards from the label) and the value in Persian
digits just after its end. The labels are HTML, not SVG ``<text>``, on purpose:
WeasyPrint (70) lays SVG text out one character at a time, so Persian letters in SVG come
out unjoined and in reverse order, while HTML text is shaped by Pango in the PDF and by
the browser on the desk, with the Vazirmatn font both load. The bars stay SVG so that they
print in colour without relying on background printing. User text (subjects, agency
names) is escaped and shortened, never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from registry.text import to_persian_digits

__all__ = ["Bar", "bar_chart", "format_number_fa"]

_MAX_LABEL = 40  # characters; longer labels end in «…»


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, and the value as printed (default: the value in
    Persian digits)."""

    label: str
    value: float
    shown: str | None = None


def format_number_fa(value: float | None, digits: int = 1) -> str:
    """``value`` in Persian digits, with the Persian decimal separator and at most
    ``digits`` decimals (none when whole); «—» for no value."""
    if value is None:
        return "—"
    # Half up, as people round (29.25 days is ۲۹٫۳), not the float's nearest-even.
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return to_persian_digits(text.replace(".", "٫"))


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1].rstrip() + "…"


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    colour: str = "#2f6f8f",
    empty: str = "داده‌ای برای این دوره نیست.",
) -> str:
    """A horizontal bar chart, right to left: ``title`` above, one row per bar in the given
    order, the longest bar the largest value; ``empty`` in place of the rows when there
    are none. Returns the ``<figure class="chart">`` element as HTML text."""
    largest = max((bar.value for bar in bars), default=0.0)
    parts = [
        '<figure class="chart">',
        f'<figcaption class="chart-title">{escape(title)}</figcaption>',
    ]
    if not bars:
        parts.append(f'<p class="chart-empty">{escape(empty)}</p>')
    else:
        parts.append('<table class="chart-bars">')
        for bar in bars:
            share = 0.0 if largest <= 0 else 100 * max(bar.value, 0.0) / largest
            shown = bar.shown if bar.shown is not None else format_number_fa(bar.value)
            # The longest bar takes 85% of its cell: the value follows it on the left.
            parts.append(
                f'<tr><th class="chart-label" title="{escape(bar.label)}">'
                f"{escape(_short(bar.label))}</th>"
                '<td class="chart-bar"><svg xmlns="http://www.w3.org/2000/svg" '
                f'width="{0.85 * share:.2f}%" height="14" viewBox="0 0 100 10" '
                'preserveAspectRatio="none" aria-hidden="true">'
                f'<rect x="0" y="0" width="100" height="10" fill="{colour}"/></svg>'
                f'<span class="chart-value">{escape(shown)}</span></td></tr>'
            )
        parts.append("</table>")
    parts.append("</figure>")
    return "\n".join(parts)
