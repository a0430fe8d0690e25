"""The system of record: SQLAlchemy 2 models.

Times are stored in UTC (``UtcDateTime``) and shown in the office's time zone; Jalali
dates are derived when printed, except on letters, whose date is frozen at numbering.
Every column that a search compares has a normalized shadow (``*_norm``).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from registry.kinds import (
    AgencyKind,
    Channel,
    Classification,
    ComplainantKind,
    ComplaintState,
    DispatchMethod,
    DocumentKind,
    DraftState,
    Honorific,
    LetterKind,
    LetterState,
    Priority,
    ReferenceKind,
    ReplyOutcome,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored as UTC; SQLite, which keeps no zone, gets it back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _enum(kind: type[enum.Enum]) -> Enum:
    # Stored as its value in a plain string column: readable, and migrations stay simple.
    return Enum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
    }


class Agency(Base):
    """A body that complaints concern, or the office itself."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AgencyKind] = mapped_column(_enum(AgencyKind))
    name: Mapped[str] = mapped_column(String(200))
    name_norm: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    county: Mapped[str | None] = mapped_column(String(100))
    reply_deadline_days: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Agency | None] = relationship(remote_side="Agency.id")
    heads: Mapped[list[AgencyHead]] = relationship(
        back_populates="agency", order_by="AgencyHead.since", cascade="all, delete-orphan"
    )

    @property
    def current_head(self) -> AgencyHead | None:
        return self.heads[-1] if self.heads else None


class AgencyHead(Base):
    """Who heads an agency from ``since`` on; the newest row is the current head."""

    __tablename__ = "agency_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    since: Mapped[dt.datetime]
    # «جناب آقای» / «سرکار خانم» before the name in letters (migration 0007).
    honorific: Mapped[Honorific] = mapped_column(
        _enum(Honorific), default=Honorific.NONE, server_default=Honorific.NONE.value
    )

    agency: Mapped[Agency] = relationship(back_populates="heads")


class Complainant(Base):
    """A person, foreign national or legal person who files complaints."""

    __tablename__ = "complainant"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ComplainantKind] = mapped_column(_enum(ComplainantKind))
    national_id: Mapped[str | None] = mapped_column(String(11), index=True)
    foreign_id: Mapped[str | None] = mapped_column(String(20))
    company_name: Mapped[str | None] = mapped_column(String(200))
    honorific: Mapped[Honorific] = mapped_column(_enum(Honorific), default=Honorific.NONE)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    father_name: Mapped[str | None] = mapped_column(String(100))
    mobile: Mapped[str] = mapped_column(String(11))
    landline: Mapped[str | None] = mapped_column(String(11))
    address: Mapped[str] = mapped_column(Text)
    postal_code: Mapped[str | None] = mapped_column(String(10))
    name_norm: Mapped[str] = mapped_column(String(400), index=True)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Complaint(Base):
    """A complaint, from registration to closing."""

    __tablename__ = "complaint"
    # The work queue's shelves and the filtered list: a state's newest cases, and the
    # count per state, from the index alone (migration 0012), also for a reader who may
    # not see every classification (migration 0013).
    __table_args__ = (
        Index("ix_complaint_state_registered_at", "state", "registered_at", "id", "classification"),
        # The service's figures select a period's cases by when they were served; on
        # PostgreSQL the index holds what they read, so the heap is not visited
        # (migrations 0010 and 0018).
        Index(
            "ix_complaint_served_at",
            "served_at",
            postgresql_include=[
                "registered_at",
                "channel",
                "complainant_key",
                "in_person_events",
            ],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(12), unique=True)
    complainant_id: Mapped[int] = mapped_column(ForeignKey("complainant.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    subject_norm: Mapped[str] = mapped_column(String(300))
    text_norm: Mapped[str] = mapped_column(Text)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[ComplaintState] = mapped_column(_enum(ComplaintState))
    registered_at: Mapped[dt.datetime] = mapped_column(index=True)
    registered_by: Mapped[str] = mapped_column(String(100))
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    missing_kinds: Mapped[list[str] | None] = mapped_column(JSON)
    decision: Mapped[str | None] = mapped_column(Text)
    # The reviewer's summary written at acceptance: what letters to agencies print under
    # «خلاصه شکایت» instead of the complainant's own words (migration 0007).
    summary: Mapped[str | None] = mapped_column(Text)
    # When the case was served: first answered or, never answered, first closed (set by
    # registry/states.py; migration 0010). The service's figures select periods by it.
    served_at: Mapped[dt.datetime | None]
    # The events done in person after registration (documents brought, the answer
    # collected): counted by registry/events.py as each is recorded, filled from the events
    # by migration 0018, so the figures add a column instead of searching events per case.
    in_person_events: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Who filed it, as the figures count complainants (registry.complaints.complainant_key:
    # the kind and the national or foreign ID): set at registration, the one place a
    # complaint is made, filled by migration 0018; a complainant's identity never changes.
    complainant_key: Mapped[str] = mapped_column(String(40), server_default="")
    # Chosen at review (migration 0013): the priority sets its letters' reply deadline
    # where the office gives it one; the classification hides the case from staff not
    # cleared for it (office.access.visible_levels).
    priority: Mapped[Priority] = mapped_column(
        _enum(Priority), default=Priority.NORMAL, server_default="normal"
    )
    classification: Mapped[Classification] = mapped_column(
        _enum(Classification), default=Classification.NORMAL, server_default="normal"
    )

    complainant: Mapped[Complainant] = relationship()
    agencies: Mapped[list[ComplaintAgency]] = relationship(
        back_populates="complaint", order_by="ComplaintAgency.position", cascade="all"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="complaint", order_by="Document.id"
    )


class ComplaintAgency(Base):
    """An agency a complaint concerns, in the order staff named them."""

    __tablename__ = "complaint_agency"
    # An agency's links with their complaints, from the index alone: the complaint list
    # filtered by agency counts them (migration 0019).
    __table_args__ = (Index("ix_complaint_agency_agency_complaint", "agency_id", "complaint_id"),)

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    complaint: Mapped[Complaint] = relationship(back_populates="agencies")
    agency: Mapped[Agency] = relationship()


class Document(Base):
    """A file belonging to a case: its bytes live in the archive under ``sha256``."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind))
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[dt.datetime]
    added_by: Mapped[str] = mapped_column(String(100))
    # Whether the reviewer marked it to be forwarded to the agency: consulted for anonymous
    # complaints only, whose documents go to no agency unless marked (migration 0007).
    forwardable: Mapped[bool | None] = mapped_column(Boolean)

    complaint: Mapped[Complaint] = relationship(back_populates="documents")


class LetterCounter(Base):
    """The last number handed out in one register (series) in one Jalali year."""

    __tablename__ = "letter_counter"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Letter(Base):
    """A numbered letter.  Its wording data is frozen in ``facts`` when it is numbered."""

    __tablename__ = "letter"
    __table_args__ = (UniqueConstraint("series", "year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[LetterKind] = mapped_column(_enum(LetterKind))
    state: Mapped[LetterState] = mapped_column(_enum(LetterState), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    recipient: Mapped[str] = mapped_column(String(300))
    # A reminder or escalation points at the referral it chases.
    chases_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"), index=True)
    issued_at: Mapped[dt.datetime]
    date: Mapped[dt.date] = mapped_column(Date)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    verification_code: Mapped[str] = mapped_column(String(16))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[dt.datetime | None]
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    void_reason: Mapped[str | None] = mapped_column(Text)
    # When the (referral) letter got its first reply: keeps the outstanding list an index
    # scan of open referrals only, however long the register's history (migration 0002).
    replied_at: Mapped[dt.datetime | None]

    complaint: Mapped[Complaint | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    chases: Mapped[Letter | None] = relationship(remote_side="Letter.id")


class LetterDraft(Base):
    """A letter waiting for its approval (پاراف) and signature before it gets a number
    (migration 0009).  The draft holds no number and no frozen facts: those come in the
    short transaction that numbers it, which also sets ``letter_id``; a rejected draft
    never gets one.  Each decision is recorded here (who, when) and as an Event."""

    __tablename__ = "letter_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LetterKind] = mapped_column(_enum(LetterKind))
    state: Mapped[DraftState] = mapped_column(_enum(DraftState), index=True)
    # The run that drafted it: the head approves and signs a whole batch at once.
    batch: Mapped[str] = mapped_column(String(16), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    recipient: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    approved_at: Mapped[dt.datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(100))
    signed_at: Mapped[dt.datetime | None]
    signed_by: Mapped[str | None] = mapped_column(String(100))
    # A deputy's signature «از طرف» the head: the name and title the letter prints.
    deputy_name: Mapped[str | None] = mapped_column(String(200))
    deputy_title: Mapped[str | None] = mapped_column(String(200))
    rejected_at: Mapped[dt.datetime | None]
    rejected_by: Mapped[str | None] = mapped_column(String(100))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"), unique=True)
    # What the path was asked, to number the letter from once signed (migration 0017): a
    # rejection's reason, an answer's decision, a chaser's referral and step; None for a
    # referral, rebuilt from its case.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    complaint: Mapped[Complaint | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    letter: Mapped[Letter | None] = relationship()


# A reply is current until a later one supersedes it; a referral has at most one current
# reply.  The database enforces it (migration 0005), so two replies recorded at the same
# moment cannot both be current, whatever the application does.
CURRENT_REPLY = "superseded_by_id IS NULL"


class Reply(Base):
    """An agency's reply, linked to the referral it answers (whichever letter it cited)."""

    __tablename__ = "reply"
    __table_args__ = (
        Index(
            "uq_reply_current_letter_id",
            "letter_id",
            unique=True,
            sqlite_where=text(CURRENT_REPLY),
            postgresql_where=text(CURRENT_REPLY),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"), index=True)
    cited_letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"))
    their_number: Mapped[str] = mapped_column(String(60))
    their_date: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[ReplyOutcome | None] = mapped_column(_enum(ReplyOutcome))
    summary: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    recorded_at: Mapped[dt.datetime]
    recorded_by: Mapped[str] = mapped_column(String(100))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("reply.id"))
    # The reply's place in the incoming register (migration 0008); None for a reply
    # recorded before the register existed.  A superseding reply is a new paper: its own.
    incoming_id: Mapped[int | None] = mapped_column(
        ForeignKey("incoming_letter.id"), index=True, unique=True
    )

    letter: Mapped[Letter] = relationship(foreign_keys=[letter_id])
    document: Mapped[Document] = relationship()
    incoming: Mapped[IncomingLetter | None] = relationship()


class IncomingLetter(Base):
    """A paper the office received, in the incoming register (وارده, migration 0008).

    Numbered like our letters (``LetterCounter``, its own series, per Jalali year,
    gapless), with the sender's own number and date, the archived scan, the letter of ours
    it answers (عطف) and the case it belongs to, once it is attached to one.
    """

    __tablename__ = "incoming_letter"
    __table_args__ = (UniqueConstraint("series", "year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    # The office's day of registration: the register book's date.
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    received_at: Mapped[dt.datetime]
    sender: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    their_number: Mapped[str] = mapped_column(String(60))
    their_date: Mapped[dt.date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(300))
    enclosures: Mapped[int | None] = mapped_column(Integer)
    cites_letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    scan_sha256: Mapped[str] = mapped_column(String(64))
    scan_name: Mapped[str] = mapped_column(String(255))
    scan_media_type: Mapped[str] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(String(100))
    attached_at: Mapped[dt.datetime | None]
    attached_by: Mapped[str | None] = mapped_column(String(100))

    agency: Mapped[Agency | None] = relationship()
    cites: Mapped[Letter | None] = relationship()
    complaint: Mapped[Complaint | None] = relationship()
    document: Mapped[Document | None] = relationship()


class Event(Base):
    """The append-only audit trail: who did what, when, and the state before and after."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_complaint_at", "complaint_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"), index=True)
    before: Mapped[str | None] = mapped_column(String(50))
    after: Mapped[str | None] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Holiday(Base):
    """An official holiday; the office edits this table, seeded from the holidays package."""

    __tablename__ = "holiday"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(50))


class ArchiveObject(Base):
    """The catalogue: what an archived object is.  One object may be catalogued more than once
    (the same scan attached to two cases); the bytes are stored once, under their SHA-256."""

    __tablename__ = "archive_object"
    __table_args__ = (
        UniqueConstraint("sha256", "complaint_id", "kind", "letter_id", "role"),
        Index("ix_archive_object_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), default="original")
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"))
    letter_number: Mapped[str | None] = mapped_column(String(40))
    original_name: Mapped[str | None] = mapped_column(String(255))
    derived_from: Mapped[str | None] = mapped_column(String(64))
    stored_by: Mapped[str] = mapped_column(String(100))
    stored_at: Mapped[dt.datetime]


# -- replies and deadlines (registry/deadlines.py, registry/holidays.py, registry/outstanding.py)


class DeadlineChangeKind(enum.StrEnum):
    START = "start"  # the letter was sent: day 0 and the working days it was given
    EXTENSION = "extension"  # more working days
    PAUSE = "pause"  # stop-the-clock from ``start`` to ``end`` (inclusive; None = still stopped)
    # The recipient received the letter on ``start``: day 0 from then on, where the office
    # counts reply deadlines from receipt (setting ``reply_deadline_from_receipt``).
    RECEIVED = "received"


class DeadlineChange(Base):
    """One fact a letter's due date is computed from; the due date is always recomputable.

    The start row keeps day 0 and the days the letter itself stated, so a later change of
    the settings or of the office's time zone never moves a deadline already running.
    """

    __tablename__ = "deadline_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"), index=True)
    kind: Mapped[DeadlineChangeKind] = mapped_column(_enum(DeadlineChangeKind))
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    days: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(100))


class HolidaySeedYear(Base):
    """A Jalali year whose official holidays were seeded once; the office's edits rule after."""

    __tablename__ = "holiday_seed_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(50))
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(100))


class Inspection(Base):
    """An inspection by the office: who inspects which agency when, what they found."""

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    inspector: Mapped[str] = mapped_column(String(200))
    inspector_honorific: Mapped[Honorific] = mapped_column(
        _enum(Honorific), default=Honorific.NONE, server_default=Honorific.NONE.value
    )
    inspection_date: Mapped[dt.date] = mapped_column(Date)
    findings: Mapped[str | None] = mapped_column(Text)
    assignment_letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"))
    report_letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"))
    recorded_at: Mapped[dt.datetime]
    recorded_by: Mapped[str] = mapped_column(String(100))

    agency: Mapped[Agency | None] = relationship()


class StaffUser(Base):
    """A member of staff who logs in to the desk: roles, an argon2 password hash, and
    ``disabled_at`` once disabled (never deleted: events keep naming them)."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    # Space-separated role names (registry.kinds.Role), sorted.
    roles: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    disabled_at: Mapped[dt.datetime | None]
    # Named by the head as deputy: signs letters «از طرف» the head (migration 0009).
    deputy_title: Mapped[str | None] = mapped_column(String(200))
    deputy_named_by: Mapped[str | None] = mapped_column(String(100))
    deputy_named_at: Mapped[dt.datetime | None]
    # The highest classification this user may see (``user clear``, migration 0013).
    clearance: Mapped[Classification] = mapped_column(
        _enum(Classification), default=Classification.NORMAL, server_default="normal"
    )


class LoginFailure(Base):
    """One failed login, kept per user name and per address so that every ``serve``
    process slows the same guesser (registry/users.py)."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime]


class LetterDispatch(Base):
    """How a sent letter left the office and when its recipient received it (دفتر ارسال,
    migration 0014): one row a letter."""

    __tablename__ = "letter_dispatch"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"), unique=True)
    method: Mapped[DispatchMethod] = mapped_column(_enum(DispatchMethod))
    left_on: Mapped[dt.date] = mapped_column(Date)
    # The post's or courier's tracking number, the e-mail's or the exchange's reference;
    # none for a hand delivery.
    tracking: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime]
    received_on: Mapped[dt.date | None] = mapped_column(Date)
    # Who signed for it, or the receipt's number (a returned postal receipt).
    received_by: Mapped[str | None] = mapped_column(String(200))
    receipt_recorded_by: Mapped[str | None] = mapped_column(String(100))
    receipt_recorded_at: Mapped[dt.datetime | None]

    letter: Mapped[Letter] = relationship()


class LetterReference(Base):
    """A letter of ours citing an earlier paper (migration 0014): a letter of ours it
    follows (پیرو) or a paper received that it answers (عطف); exactly one of the two."""

    __tablename__ = "letter_reference"
    __table_args__ = (
        CheckConstraint(
            "(cites_letter_id IS NULL) <> (cites_incoming_id IS NULL)", name="one_cited"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"), index=True)
    kind: Mapped[ReferenceKind] = mapped_column(_enum(ReferenceKind))
    cites_letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"), index=True)
    cites_incoming_id: Mapped[int | None] = mapped_column(
        ForeignKey("incoming_letter.id"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    cites_letter: Mapped[Letter | None] = relationship(foreign_keys=[cites_letter_id])
    cites_incoming: Mapped[IncomingLetter | None] = relationship()


class BatchRun(Base):
    """A letter batch started from the desk (migration 0015): who started it, its run's id,
    its heartbeat and counts, how it ended.  ``lease`` holds the batch's kind while the run
    holds the lease and NULL once it ended or expired: unique, so one batch of a kind runs
    at a time across workers and machines (NULLs do not collide)."""

    __tablename__ = "batch_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    lease: Mapped[str | None] = mapped_column(String(32), unique=True)
    actor: Mapped[str] = mapped_column(String(100))
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[dt.datetime]
    heartbeat_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    total: Mapped[int] = mapped_column(Integer, default=0)
    numbered: Mapped[int] = mapped_column(Integer, default=0)
    rendered: Mapped[int] = mapped_column(Integer, default=0)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    drafts: Mapped[int] = mapped_column(Integer, default=0)
    first_number: Mapped[str | None] = mapped_column(String(64))
    last_number: Mapped[str | None] = mapped_column(String(64))
    # The numbers the run sent, in order (the summary's links); the staff's sentence on failure.
    numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)


# The outstanding-replies list is a scan of this partial index: referrals sent and not yet
# answered, by agency and due date; it holds only the open ones (registry/outstanding.py).
_AWAITING_REPLY = (
    (Letter.kind == LetterKind.REFERRAL.value)
    & (Letter.state == LetterState.SENT.value)
    & Letter.replied_at.is_(None)
)
Index(
    "ix_letter_awaiting_reply",
    Letter.agency_id,
    Letter.due_date,
    postgresql_where=_AWAITING_REPLY,
    sqlite_where=_AWAITING_REPLY,
)
Index("ix_reply_letter_current", Reply.letter_id, Reply.superseded_by_id)
# Holiday edits look for the open deadlines that end on or after the edited day.
Index("ix_letter_due_date", Letter.due_date)
# The service's figures: referrals answered in a period, by the time of their first reply
# (on PostgreSQL with what the figures read, so that the heap is not visited).
_REFERRAL = (Letter.kind == LetterKind.REFERRAL.value) & (Letter.state != LetterState.VOID.value)
Index(
    "ix_letter_referral_replied_at",
    Letter.replied_at,
    postgresql_include=["agency_id", "sent_at"],
    postgresql_where=_REFERRAL,
    sqlite_where=_REFERRAL,
)
# ... and referrals by due date, with what the share overdue reads (migration 0018).
Index(
    "ix_letter_referral_due_date",
    Letter.due_date,
    postgresql_include=["agency_id", "replied_at"],
    postgresql_where=_REFERRAL,
    sqlite_where=_REFERRAL,
)
