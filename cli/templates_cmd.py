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
    from office.setup import check_templates

    checked = check_templates()
    if as_json:
        output.emit_json({"kinds": list(checked.kinds), "problems": list(checked.problems)})
    else:
        for problem in checked.problems:
            output.warn(problem)
        if not checked.problems:
            output.say(
                f"هر {fa(len(checked.kinds))} قالب نامه در هر دو قالب PDF و DOCX درست ساخته شد."
            )
    if checked.problems:
        raise Refused("templates_failing", problems=f"{len(checked.problems)}")
