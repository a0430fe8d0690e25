"""``residegi complaint``: registering, reviewing and following a complaint."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import output
from cli.context import App, acting
from cli.options import (
    ActorOption,
    JsonOption,
    attach_specs,
    choice,
    jalali_date_or_none,
    text_or_file,
)
from office import complaints as office
from office.messages import ACTIVE_CONTENT_FA, REVIEW_WARNINGS_FA, possible_duplicate_warning
from registry.complaints import ComplainantInput, ComplaintInput
from registry.errors import InvalidInput
from registry.kinds import (
    Channel,
    Classification,
    ComplainantKind,
    ComplaintState,
    DocumentKind,
    Honorific,
    Priority,
)
from registry.text import to_persian_digits as fa
from registry.tracking import format_tracking_code

app = typer.Typer(
    help="شکایت‌ها: ثبت، بررسی، پیوست، انصراف، بازگشایی، مختومه.", no_args_is_help=True
)

COLUMNS = [
    ("tracking_code", "کد رهگیری"),
    ("registered_date", "تاریخ ثبت"),
    ("complainant", "شاکی"),
    ("agencies", "دستگاه"),
    ("subject", "موضوع"),
    ("state", "وضعیت"),
]

TrackingArg = Annotated[str, typer.Argument(help="Tracking code (کد رهگیری).")]
AttachOption = Annotated[
    list[str] | None,
    typer.Option("--attach", help="KIND=PATH; KIND: evidence, followup, agency_reply, other."),
]


@app.command("register")
def register(
    ctx: typer.Context,
    first_name: Annotated[
        str, typer.Option(help="First name (of the representative, for a legal person).")
    ],
    last_name: Annotated[str, typer.Option(help="Last name.")],
    mobile: Annotated[str, typer.Option(help="Mobile: 09…, +989…, 00989…, any digits.")],
    address: Annotated[str, typer.Option(help="Postal address.")],
    agency: Annotated[list[str], typer.Option("--agency", help="Agency concerned (repeatable).")],
    subject: Annotated[str, typer.Option(help="Subject of the complaint.")],
    text: Annotated[str | None, typer.Option(help="Complaint text.")] = None,
    text_file: Annotated[
        Path | None, typer.Option(help="Complaint text from a UTF-8 file.")
    ] = None,
    kind: Annotated[str, typer.Option(help="person, foreign, legal.")] = "person",
    honorific: Annotated[str, typer.Option(help="mr (آقای), mrs (خانم), none.")] = "none",
    national_id: Annotated[
        str | None, typer.Option(help="National ID; a legal person's 11-digit ID.")
    ] = None,
    foreign_id: Annotated[
        str | None, typer.Option(help="Passport or FIDA number (foreign nationals).")
    ] = None,
    company_name: Annotated[str | None, typer.Option(help="Legal person's name.")] = None,
    father_name: Annotated[str | None, typer.Option(help="Father's name.")] = None,
    landline: Annotated[str | None, typer.Option(help="Landline with area code.")] = None,
    postal_code: Annotated[str | None, typer.Option(help="10-digit postal code.")] = None,
    attach: AttachOption = None,
    anonymous: Annotated[
        bool, typer.Option(help="Keep the complainant's identity from the agency.")
    ] = False,
    channel: Annotated[str, typer.Option(help="in-person, web, mail, phone, samad.")] = "in-person",
    receipt: Annotated[
        Path | None, typer.Option(help="Write the registration receipt (PDF) to this file.")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register a complaint; prints its tracking code (and writes its receipt)."""
    state: App = ctx.obj
    data = ComplaintInput(
        complainant=ComplainantInput(
            kind=choice(kind, ComplainantKind, "kind"),
            honorific=choice(honorific, Honorific, "honorific"),
            first_name=first_name,
            last_name=last_name,
            father_name=father_name,
            national_id=national_id,
            foreign_id=foreign_id,
            company_name=company_name,
            mobile=mobile,
            landline=landline,
            address=address,
            postal_code=postal_code,
        ),
        agencies=agency,
        subject=subject,
        text=text_or_file(text, text_file, "text"),
        channel=choice(channel, Channel, "channel"),
        anonymous=anonymous,
    )
    registered = office.register(
        state, acting(state, actor), data, attach_specs(attach or []), receipt=receipt is not None
    )
    record = registered.record
    if receipt is not None:
        receipt.write_bytes(registered.receipt_pdf or b"")
        record["receipt"] = {"number": registered.receipt_number, "file": str(receipt)}
    if as_json:
        output.emit_json(record)
        return
    output.say(
        f"شکایت ثبت شد. کد رهگیری: [bold]{format_tracking_code(record['tracking_code'])}[/bold]"
    )
    if receipt is not None:
        output.say(f"رسید ثبت، نامه شماره {fa(record['receipt']['number'])}: {receipt}")
    if registered.possible_duplicate_of:
        output.warn(
            possible_duplicate_warning(
                registered.duplicate_window_days, registered.possible_duplicate_of
            )
        )
    for name in record["active_content"]:
        output.warn(ACTIVE_CONTENT_FA.format(name=name))


@app.command("show")
def show(
    ctx: typer.Context,
    tracking: TrackingArg,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """One complaint with its complainant and documents."""
    record = office.show(ctx.obj, acting(ctx.obj, actor), tracking)
    label = ComplaintState(record["state"]).label_fa
    if as_json:
        output.emit_json(record)
        return
    output.fields(
        [
            ("کد رهگیری", format_tracking_code(record["tracking_code"])),
            ("وضعیت", label),
            ("فوریت", Priority(record["priority"]).label_fa),
            ("طبقه‌بندی", Classification(record["classification"]).label_fa),
            ("تاریخ ثبت", record["registered_date"]),
            ("شاکی", record["complainant"]),
            ("دستگاه", record["agencies"]),
            ("موضوع", record["subject"]),
            ("متن", record["text"]),
            (
                "مدارک",
                [f"{d['name']} ({DocumentKind(d['kind']).label_fa})" for d in record["documents"]],
            ),
        ]
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    state_name: Annotated[
        str | None, typer.Option("--state", help="Only complaints in this state.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many, newest first.")] = None,
    agency: Annotated[str | None, typer.Option(help="Only complaints about this agency.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Registered on or after this Jalali date.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Registered on or before this Jalali date.")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only those with a referral unanswered past due.")
    ] = False,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Complaints, newest first."""
    state: App = ctx.obj
    wanted = choice(state_name, ComplaintState, "state") if state_name else None
    records = office.list_complaints(
        state,
        acting(state, actor),
        wanted,
        limit,
        agency=agency,
        since=jalali_date_or_none(since),
        until=jalali_date_or_none(until),
        overdue=overdue,
    )
    if as_json:
        output.emit_json(records)
    else:
        for record in records:
            record["state"] = ComplaintState(record["state"]).label_fa
        output.table(records, COLUMNS, title="شکایت‌ها")


@app.command("review")
def review(
    ctx: typer.Context,
    tracking: TrackingArg,
    accept: Annotated[bool, typer.Option("--accept", help="Accept for referral.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject (needs --reason).")] = False,
    incomplete: Annotated[
        bool, typer.Option("--incomplete", help="Ask for documents (needs --missing).")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="Reason for a rejection.")] = None,
    missing: Annotated[
        list[str] | None, typer.Option("--missing", help="Missing document kind (repeatable).")
    ] = None,
    note: Annotated[
        str | None, typer.Option(help="Reviewer's note (why, when evidence is missing).")
    ] = None,
    summary: Annotated[
        str | None,
        typer.Option(
            help="With --accept: the reviewer's summary the referral prints under «خلاصه "
            "شکایت» (required for an anonymous complaint)."
        ),
    ] = None,
    forward: Annotated[
        list[int] | None,
        typer.Option(
            "--forward",
            help="With --accept, anonymous complaint: position of a document (as complaint "
            "show lists them) the agency may receive (repeatable; none by default).",
        ),
    ] = None,
    refer_to: Annotated[
        str | None,
        typer.Option(
            help="With --reject: the competent body's code (setting office.competent_bodies)."
        ),
    ] = None,
    priority: Annotated[
        str,
        typer.Option(
            help="The case's priority: normal (عادی), urgent (فوری), very_urgent (خیلی فوری) "
            "or immediate (آنی); its letters' reply deadline where the office sets one."
        ),
    ] = Priority.NORMAL.value,
    classification: Annotated[
        str,
        typer.Option(
            help="The case's classification: normal (عادی), confidential (محرمانه), "
            "highly_confidential (خیلی محرمانه), secret (سری) or top_secret (به‌کلی سری); "
            "only staff cleared for it see the case. At most your own clearance."
        ),
    ] = Classification.NORMAL.value,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """The initial review: accept, reject or ask for missing documents (with its letter).

    Where the office asks approval of rejections, the rejection letter is drafted: the
    head's signature (letter sign) numbers and sends it."""
    if [accept, reject, incomplete].count(True) != 1:
        raise InvalidInput("review_decision_required")
    kinds: list[DocumentKind] = []
    if accept:
        decision = office.Decision.ACCEPT
    elif reject:
        decision = office.Decision.REJECT
    else:
        decision = office.Decision.INCOMPLETE
        kinds = [choice(k, DocumentKind, "missing") for k in (missing or [])]
    reviewed = office.review(
        ctx.obj,
        acting(ctx.obj, actor),
        tracking,
        decision,
        reason=reason,
        missing=kinds,
        note=note,
        summary=summary,
        forward=forward or (),
        refer_to=refer_to,
        priority=choice(priority, Priority, "priority"),
        classification=choice(classification, Classification, "classification"),
    )
    if as_json:
        output.emit_json(reviewed.as_record())
        return
    code = format_tracking_code(reviewed.tracking_code)
    output.say(f"وضعیت شکایت {code}: {reviewed.state.label_fa}")
    if reviewed.letter_number:
        output.say(f"نامه شماره {fa(reviewed.letter_number)} ساخته، بایگانی و ارسال شد.")
    if reviewed.draft is not None:
        output.say(f"پیش‌نویس نامه (شماره پیش‌نویس {fa(reviewed.draft)}) در انتظار امضاست.")
    for warning in reviewed.warnings:
        output.warn(REVIEW_WARNINGS_FA.get(warning, warning))


@app.command("attach")
def attach(
    ctx: typer.Context,
    tracking: TrackingArg,
    attach: AttachOption = None,
    channel: Annotated[
        str, typer.Option(help="How they came: in-person (default), web, mail, phone, samad.")
    ] = "in-person",
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add documents; an incomplete complaint returns to review."""
    specs = attach_specs(attach or [])
    how = choice(channel, Channel, "channel")
    record = office.attach(ctx.obj, acting(ctx.obj, actor), tracking, specs, channel=how)
    if as_json:
        output.emit_json(record)
    else:
        output.say(
            f"{len(specs)} پیوست افزوده شد؛ وضعیت: {ComplaintState(record['state']).label_fa}"
        )
        for name in record["active_content"]:
            output.warn(ACTIVE_CONTENT_FA.format(name=name))


def _simple_move(
    ctx: typer.Context,
    tracking: str,
    actor: str | None,
    as_json: bool,
    action: str,
    reason: str | None,
    collected: str | None = None,
) -> None:
    runtime: App = ctx.obj
    who = acting(runtime, actor)
    if action == "withdraw":
        record = office.withdraw(runtime, who, tracking, reason=reason or "")
    elif action == "reopen":
        record = office.reopen(runtime, who, tracking, reason=reason or "")
    else:
        how = choice(collected, Channel, "collected") if collected else None
        record = office.close(runtime, who, tracking, note=reason, collected=how)
    if as_json:
        output.emit_json(record)
    else:
        label = ComplaintState(record["state"]).label_fa
        output.say(f"وضعیت شکایت {format_tracking_code(record['tracking_code'])}: {label}")


ReasonOption = Annotated[str, typer.Option(help="Why.")]


@app.command("withdraw")
def withdraw(
    ctx: typer.Context,
    tracking: TrackingArg,
    reason: ReasonOption,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """The complainant withdraws the complaint."""
    _simple_move(ctx, tracking, actor, as_json, "withdraw", reason)


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    tracking: TrackingArg,
    reason: ReasonOption,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reopen a closed or withdrawn case."""
    _simple_move(ctx, tracking, actor, as_json, "reopen", reason)


@app.command("close")
def close(
    ctx: typer.Context,
    tracking: TrackingArg,
    note: Annotated[str | None, typer.Option(help="Closing note.")] = None,
    collected: Annotated[
        str | None,
        typer.Option(help="How the complainant received the answer: in-person, mail, web..."),
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close an answered or rejected case."""
    _simple_move(ctx, tracking, actor, as_json, "close", note, collected)
