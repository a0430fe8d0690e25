"""``residegi search``: one box for tracking codes, letter numbers, national IDs and words."""

from __future__ import annotations

import zoneinfo
from typing import Annotated, Any

import typer

from cli import output
from cli.context import App
from cli.options import JsonOption, choice
from registry import search as searching
from registry.jalali import format_jalali_or_none as jalali
from registry.jalali import parse_jalali_date
from registry.kinds import ComplaintState
from registry.records import complaint_record
from registry.tracking import format_tracking_code

MATCH_FA = {
    searching.Match.TRACKING_CODE: "کد رهگیری",
    searching.Match.LETTER_NUMBER: "شماره نامه",
    searching.Match.NATIONAL_ID: "کد ملی",
    searching.Match.NAME: "نام شاکی",
    searching.Match.AGENCY: "دستگاه",
    searching.Match.SUBJECT: "موضوع",
    searching.Match.TEXT: "متن",
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

_RECORD_KEYS = ("tracking_code", "state", "agencies", "subject", "complainant", "registered_date")


def hit_record(hit: searching.SearchHit, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    """One result row of the ``--json`` contract (the office's own search: names shown)."""
    base = complaint_record(hit.complaint, zone)
    record = {key: base[key] for key in _RECORD_KEYS}
    record["matched"] = [m.value for m in hit.matched]
    record["letter_number"] = hit.letter.number if hit.letter else None
    record["letter_date"] = jalali(hit.letter.date) if hit.letter else None
    return record


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
    as_json: JsonOption = False,
) -> None:
    """Search cases: exact codes first, then name, agency and subject before body, newest first."""
    state: App = ctx.obj
    wanted = choice(state_name, ComplaintState, "state") if state_name else None
    start = parse_jalali_date(date_from) if date_from else None
    end = parse_jalali_date(date_to) if date_to else None
    zone = state.clock.zone
    with state.sessions() as session:
        result = searching.search(
            session,
            query,
            series_codes=set(state.settings.office.series.values()),
            zone=zone,
            date_from=start,
            date_to=end,
            state=wanted,
            limit=limit,
        )
        records = [hit_record(hit, zone) for hit in result.hits]
    if as_json:
        output.emit_json(
            {"query": {"text": query, "kind": result.query.kind.value}, "results": records,
             "more": result.more}
        )  # fmt: skip
        return
    if not records:
        output.say("نتیجه‌ای پیدا نشد.")
        return
    for record in records:
        record["tracking_code"] = format_tracking_code(record["tracking_code"])
        record["state"] = ComplaintState(record["state"]).label_fa
        record["matched"] = [MATCH_FA[searching.Match(m)] for m in record["matched"]]
    output.table(records, COLUMNS, title="نتیجه جست‌وجو")
    if result.more:
        output.warn(
            f"بیش از {len(records)} نتیجه هست؛ جست‌وجو را دقیق‌تر کنید یا --limit را بزرگ‌تر کنید."
        )
