"""``residegi answer``: the final answer to the complainant."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption, read_text_file
from registry.text import to_persian_digits as fa
from registry.tracking import format_tracking_code


def answer(
    ctx: typer.Context,
    tracking: Annotated[str, typer.Argument(help="Tracking code (کد رهگیری).")],
    text_file: Annotated[
        Path, typer.Option("--text-file", help="The office's decision, a UTF-8 text file.")
    ],
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Render, archive and send the final answer; the complaint becomes answered.

    Where the office asks approval of final answers (office.approval_required_kinds), the
    answer is drafted instead: the head's signature (letter sign) numbers, seals and sends
    it; run again, it numbers a signed draft."""
    from flows.prefect_setup import prepare_flows
    from office.answer_desk import answerer

    state: App = ctx.obj
    decision = read_text_file(text_file, "decision")
    # Refused (role, an unknown or hidden case) before Prefect starts.
    name = answerer(state, acting(state, actor), tracking)
    prepare_flows(state.settings)
    from flows.answer import run_answers

    (done,) = run_answers(state.settings, [(tracking, decision)], name)
    if as_json:
        output.emit_json(done.as_record())
        return
    code = format_tracking_code(done.tracking_code)
    if done.draft is not None:
        output.say(
            f"پیش‌نویس پاسخ نهایی شکایت {code} (شماره پیش‌نویس {fa(done.draft)}) در انتظار امضاست."
        )
        return
    output.say(
        f"پاسخ نهایی شکایت {code} با شماره "
        f"{fa(done.letter_number or '—')} ساخته، بایگانی و ارسال شد."
    )
