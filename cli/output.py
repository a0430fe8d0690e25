"""Printing: Rich tables for people, JSON for programs, errors in Persian or as JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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


def _cell(value: Any, *, persian_digits: bool = True) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return "، ".join(_cell(v, persian_digits=persian_digits) for v in value)
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    return to_persian_digits(value) if persian_digits else str(value)


def say(text: str) -> None:
    stdout.print(text)


def record_or_sentence(record: Any, sentence: str, *, as_json: bool) -> None:
    """``record`` as JSON under ``--json``, else the one sentence for staff."""
    if as_json:
        emit_json(record)
    else:
        say(sentence)


def records_or_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    *,
    title: str,
    as_json: bool,
) -> None:
    """``rows`` as JSON under ``--json``, else as a table with Persian headings."""
    if as_json:
        emit_json(rows)
    else:
        table(rows, columns, title=title)


def fields(pairs: Sequence[tuple[str, Any]], *, persian_digits: bool = True) -> None:
    """A record as label: value lines; ``persian_digits=False`` keeps values as they are
    (paths, fingerprints, ISO times)."""
    for label, value in pairs:
        stdout.print(f"[bold]{label}:[/bold] {_cell(value, persian_digits=persian_digits)}")


def warn(text: str) -> None:
    stderr.print(f"[yellow]هشدار:[/yellow] {text}")


def error(code: str, message: str, *, as_json: bool) -> None:
    """An error for staff (Persian, on stderr) or, under ``--json``, as the contract's object."""
    if as_json:
        emit_json({"error": {"code": code, "message": message}})
    else:
        stderr.print(f"[red]خطا:[/red] {message}")


@contextmanager
def progress(
    stages: Mapping[str, str], *, quiet: bool = False
) -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback ``(stage, done, total)``: a Rich bar with the rate on a terminal,
    one plain line per step otherwise (logs, CI, a test reading stderr), nothing if quiet."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class _Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f}/s" if speed else "")

    if quiet:
        yield lambda stage, done, total: None
        return
    if not stderr.is_terminal:

        def line(stage: str, done: int, total: int) -> None:
            sys.stderr.write(f"{stage} {done}/{total}\n")
            sys.stderr.flush()

        yield line
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=stderr) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stages.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update
