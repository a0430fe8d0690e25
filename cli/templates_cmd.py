"""``residegi templates``: checking the letter templates staff may have edited."""

from __future__ import annotations

import typer

from cli import output
from cli.options import JsonOption
from registry.errors import Refused
from registry.text import to_persian_digits as fa

app = typer.Typer(help="قالب نامه‌ها: بررسی.", no_args_is_help=True)


@app.command("check")
def check(as_json: JsonOption = False) -> None:
    """Render every kind in both formats with sample data; exit 4 on any problem."""
    from generators import KINDS, check_templates

    problems = check_templates()
    if as_json:
        output.emit_json({"kinds": list(KINDS), "problems": [p.describe() for p in problems]})
    else:
        for problem in problems:
            output.warn(problem.describe())
        if not problems:
            output.say(f"هر {fa(len(KINDS))} قالب نامه در هر دو قالب PDF و DOCX درست ساخته شد.")
    if problems:
        raise Refused("templates_failing", problems=f"{len(problems)}")
