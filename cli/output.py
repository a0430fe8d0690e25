"""Printing: Rich tables for people, JSON for programs, errors in Persian or as JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from registry.text import to_persian_digits

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def emit_json(data: Any) -> None:
    """One JSON document on stdout (Persian text kept readable, not \\u-escaped)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def table(
    rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]], *, title: str | None = None
) -> None:
    """Rows as a table with Persian headings; ``columns`` are (key, heading) pairs."""
    grid = Table(title=title, show_lines=False)
    for _key, heading in columns:
        grid.add_column(heading)
    for row in rows:
        grid.add_row(*[_cell(row.get(key)) for key, _heading in columns])
    stdout.print(grid)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return "، ".join(_cell(v) for v in value)
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    return to_persian_digits(value)


def say(text: str) -> None:
    stdout.print(text)


def fields(pairs: Sequence[tuple[str, Any]]) -> None:
    """A record as label: value lines."""
    for label, value in pairs:
        stdout.print(f"[bold]{label}:[/bold] {_cell(value)}")


def warn(text: str) -> None:
    stderr.print(f"[yellow]هشدار:[/yellow] {text}")


def error(code: str, message: str, *, as_json: bool) -> None:
    """An error for staff (Persian, on stderr) or, under ``--json``, as the contract's object."""
    if as_json:
        emit_json({"error": {"code": code, "message": message}})
    else:
        stderr.print(f"[red]خطا:[/red] {message}")
