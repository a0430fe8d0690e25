"""``residegi search``: one box for tracking codes, letter numbers, national IDs and words."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption, choice, jalali_date_or_none
from office import search as searching
from registry.kinds import ComplaintState
from registry.search import Match
from registry.tracking import format_tracking_code

MATCH_FA = {
    Match.TRACKING_CODE: "کد رهگیری",
    Match.LETTER_NUMBER: "شماره نامه",
    Match.NATIONAL_ID: "کد ملی",
    Match.NAME: "نام شاکی",
    Match.AGENCY: "دستگاه",
    Match.SUBJECT: "موضوع",
    Match.TEXT: "متن",
}

COLUMNS = [
    ("tracking_code", "کد رهگیری"),
    ("registered_date", "تاریخ ثبت"),
    ("complainant", "شاکی"),
    ("agencies", "دستگاه"),
    ("subject", "موضوع"),
    ("state", "وضعیت"),
    ("matched", "یافته در"),
    ("letter_number", "شماره نامه"),
]


def search(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            help="Tracking code, letter number, national ID, or words of a name, agency, "
            "subject or body (Persian or Latin digits, any keyboard)."
        ),
    ],
    date_from: Annotated[
        str | None, typer.Option("--from", help="Registered (or letter dated) on or after.")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="… on or before.")] = None,
    state_name: Annotated[
        str | None, typer.Option("--state", help="Only cases in this state.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", help="At most this many results.")
    ] = searching.DEFAULT_LIMIT,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Search cases: exact codes first, then name, agency and subject before body, newest first."""
    state: App = ctx.obj
    wanted = choice(state_name, ComplaintState, "state") if state_name else None
    start = jalali_date_or_none(date_from)
    end = jalali_date_or_none(date_to)
    found = searching.search(
        state,
        acting(state, actor),
        query,
        date_from=start,
        date_to=end,
        state=wanted,
        limit=limit,
    )
    records = found.records
    if as_json:
        output.emit_json(
            {"query": {"text": query, "kind": found.query_kind}, "results": records,
             "more": found.more}
        )  # fmt: skip
        return
    if not records:
        output.say("نتیجه‌ای پیدا نشد.")
        return
    for record in records:
        record["tracking_code"] = format_tracking_code(record["tracking_code"])
        record["state"] = ComplaintState(record["state"]).label_fa
        record["matched"] = [MATCH_FA[Match(m)] for m in record["matched"]]
    output.table(records, COLUMNS, title="نتیجه جست‌وجو")
    if found.more:
        output.warn(
            f"بیش از {len(records)} نتیجه هست؛ جست‌وجو را دقیق‌تر کنید یا --limit را بزرگ‌تر کنید."
        )
