"""``residegi demo``: the pipeline on sample data, with a progress bar and a summary."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.context import App, actor_name
from cli.options import ActorOption, JsonOption
from registry.kinds import ComplaintState, LetterKind, Role
from registry.text import to_persian_digits as fa
from registry.tracking import format_tracking_code

ROLE_FA = {role.value: role.label_fa for role in Role}

STAGES_FA = {
    "register": "ثبت و بررسی شکایت‌ها",
    "send": "ساخت، بایگانی و ارسال نامه‌های ارجاع",
    "reply": "ثبت پاسخ دستگاه‌ها",
}


def demo(
    ctx: typer.Context,
    complaints: Annotated[
        int, typer.Option(help="How many sample complaints.", min=1, max=5000)
    ] = 50,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the whole pipeline on sample data in a fresh data folder.

    Its office asks approval of referrals, escalations, rejections, inspection reports and
    final answers: the demo's inspector approves and its head signs every draft."""
    from flows.prefect_setup import prepare_flows

    state: App = ctx.obj
    prepare_flows(state.settings)
    from flows.demo import run_demo

    with output.progress(STAGES_FA, quiet=as_json) as progress:
        summary = run_demo(state, count=complaints, actor=actor_name(actor), progress=progress)
    result = {
        "home": str(state.settings.home),
        "complaints": summary.complaints,
        "states": dict(summary.states),
        "letters": dict(summary.letters),
        "replies": summary.replies,
        "sample_letters": [
            {"number": number, "pdf": pdf, "docx": docx}
            for number, pdf, docx in summary.sample_letters
        ],
        "sample_case": summary.sample_case,
        "sample_dossier": summary.sample_dossier,
        "users": summary.users,
    }
    if as_json:
        output.emit_json(result)
        return
    output.table(
        [
            {"state": ComplaintState(k).label_fa, "count": v}
            for k, v in sorted(summary.states.items())
        ],
        [("state", "وضعیت شکایت"), ("count", "تعداد")],
        title=f"خلاصه نمایش: {fa(summary.complaints)} شکایت",
    )
    output.table(
        [{"kind": LetterKind(k).label_fa, "count": v} for k, v in sorted(summary.letters.items())],
        [("kind", "نوع نامه"), ("count", "تعداد")],
        title=f"نامه‌ها (و {fa(summary.replies)} پاسخ دستگاه ثبت شد)",
    )
    output.say("نمونه نامه‌ها:")
    for number, pdf, docx in summary.sample_letters:
        output.say(f"  {fa(number)}\n    PDF:  {pdf}\n    DOCX: {docx}")
    if summary.sample_case:
        code = format_tracking_code(summary.sample_case)
        output.say(f"یک پرونده کامل: residegi --home {result['home']} complaint show {code}")
    if summary.sample_dossier:
        output.say(f"پرونده کامل همین شکایت در یک PDF: {summary.sample_dossier}")
    output.say(f"پوشه داده: {result['home']}")
    output.table(
        [{**user, "roles": "، ".join(ROLE_FA[r] for r in user["roles"])} for user in summary.users],
        [("username", "نام کاربری"), ("password", "گذرواژه"), ("roles", "نقش")],
        title="کاربران نمایشی میز کار (تنها برای همین پوشه نمایشی)",
    )
    output.say("میز کار روی داده نمایشی:")
    output.say(f"  residegi --home {result['home']} serve   # سپس http://127.0.0.1:8000/")
