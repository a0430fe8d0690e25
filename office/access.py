"""Who may do what: the one table of actions and the roles that may take them.

Every use case that changes something names its action and calls ``require`` first, so
the desk and the command line enforce the same rules; the desk also asks ``may`` to show
only the actions a user's roles allow, and guards its read-only pages with ``require``.

The acting person is a ``Staff`` (a logged-in user, or a user the command line acts as
when the ``cli_acts_as_user`` setting is on) or a plain name: the machine's operator,
who runs the command line, the demo and scheduled flows and holds every role.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from registry.errors import Refused
from registry.kinds import Classification, Role
from registry.settings import Settings

__all__ = [
    "ALL_ROLES",
    "Action",
    "Actor",
    "Forbidden",
    "Staff",
    "actor_name",
    "clearance_of",
    "may",
    "require",
    "visible_levels",
]

ALL_ROLES = frozenset(Role)


class Forbidden(Refused):
    """The acting user's roles do not allow the action (exit 4; 403 on the desk)."""


@dataclass(frozen=True)
class Staff:
    """A member of staff acting through the desk (or as a named user on the command line)."""

    username: str
    full_name: str
    roles: frozenset[Role]
    # The highest classification they may see (``user clear``); «عادی» unless raised.
    clearance: Classification = Classification.NORMAL
    # Named by the head as deputy: may sign letters «از طرف» the head (SIGN_LETTER).
    deputy: bool = False

    @property
    def role_labels(self) -> str:
        """The roles in Persian, for the page header."""
        return "، ".join(role.label_fa for role in sorted(self.roles))


# A plain name is the machine's operator (command line, demo, schedule): every role.
Actor = Staff | str

_STAFF = ALL_ROLES - {Role.ADMIN}
_CASEWORK = frozenset({Role.INSPECTOR, Role.HEAD})


class Action(enum.Enum):
    """An action staff take, with the roles that may take it (DESIGN: users and roles)."""

    READ_CASES = ("read_cases", ALL_ROLES)
    # The complainant's contacts and identity, and the case's files (scans, letters):
    # those who work the cases; not the admin, who handles none.
    READ_PERSONAL = ("read_personal", _STAFF)
    REGISTER = ("register", frozenset({Role.SECRETARIAT}))
    ATTACH = ("attach", frozenset({Role.SECRETARIAT}))
    REVIEW = ("review", _CASEWORK)
    WITHDRAW = ("withdraw", _CASEWORK | {Role.SECRETARIAT})
    REOPEN = ("reopen", _CASEWORK)
    CLOSE = ("close", _CASEWORK)
    DISPATCH = ("dispatch", frozenset({Role.SECRETARIAT}))
    RECORD_REPLY = ("record_reply", frozenset({Role.SECRETARIAT}))
    # The incoming register (issue 16): the secretariat registers what arrives and files it
    # under a case; the register books are read by those who work the correspondence.
    REGISTER_INCOMING = ("register_incoming", frozenset({Role.SECRETARIAT}))
    READ_REGISTER = ("read_register", _STAFF)
    # The dispatch book (دفتر ارسال, issue 16): the secretariat sends the letters out and
    # records how each left and when it was received.
    RECORD_DISPATCH = ("record_dispatch", frozenset({Role.SECRETARIAT}))
    TRACK_REPLIES = ("track_replies", _CASEWORK)
    EDIT_DEADLINE = ("edit_deadline", _CASEWORK)
    CHASE = ("chase", _CASEWORK)
    INSPECT = ("inspect", _CASEWORK)
    REPORT = ("report", _CASEWORK)
    ANSWER = ("answer", frozenset({Role.HEAD}))
    # The final answer's text, drafted for the head to sign (answer14): casework.
    DRAFT_ANSWER = ("draft_answer", _CASEWORK)
    VOID_LETTER = ("void_letter", frozenset({Role.HEAD}))
    # Drafts waiting for approval and signature (their page, a sample); پاراف of a draft;
    # its signature (the head, or a deputy the head named: see ``may``); naming a deputy.
    READ_DRAFTS = ("read_drafts", _CASEWORK)
    APPROVE_LETTER = ("approve_letter", _CASEWORK)
    SIGN_LETTER = ("sign_letter", frozenset({Role.HEAD}))
    NAME_DEPUTY = ("name_deputy", frozenset({Role.HEAD, Role.ADMIN}))
    SEARCH = ("search", _STAFF)
    DOSSIER = ("dossier", frozenset({Role.ARCHIVIST, Role.INSPECTOR, Role.HEAD}))
    VERIFY = ("verify", _STAFF)
    FIXITY = ("fixity", frozenset({Role.ARCHIVIST, Role.ADMIN}))
    MANAGE_AGENCIES = ("manage_agencies", frozenset({Role.ADMIN}))
    MANAGE_HOLIDAYS = ("manage_holidays", frozenset({Role.ADMIN}))
    MANAGE_USERS = ("manage_users", frozenset({Role.ADMIN}))
    # The service's figures (/stats): the office's head and the system's admin.
    READ_STATS = ("read_stats", frozenset({Role.HEAD, Role.ADMIN}))

    def __init__(self, code: str, roles: frozenset[Role]) -> None:
        self.code = code
        self.roles = roles


def may(actor: Actor, action: Action) -> bool:
    """Whether ``actor`` may take ``action``: by a role, or, to read and sign drafts, as
    the head's named deputy."""
    if isinstance(actor, str) or actor.roles & action.roles:
        return True
    return actor.deputy and action in (Action.SIGN_LETTER, Action.READ_DRAFTS)


def actor_name(actor: Actor) -> str:
    """The name an Event records for ``actor``."""
    return actor if isinstance(actor, str) else actor.username


def require(actor: Actor, action: Action) -> str:
    """The name to record for ``actor``, once it is known that they may take ``action``;
    ``Forbidden`` (naming the roles that may) otherwise."""
    if not may(actor, action):
        roles = "، ".join(role.label_fa for role in sorted(action.roles))
        raise Forbidden("role_required", action=action.code, roles=roles)
    return actor_name(actor)


def clearance_of(actor: Actor, settings: Settings) -> Classification:
    """The highest classification ``actor`` may see: a member of staff's own clearance;
    the machine's operator only what the office gives it (``operator_clearance``)."""
    return settings.operator_clearance if isinstance(actor, str) else actor.clearance


def visible_levels(actor: Actor, settings: Settings) -> frozenset[Classification]:
    """The classifications of the cases ``actor`` may see, the one rule every query that
    lists or loads cases applies: their clearance and every level below it.  A case
    classified above is treated as if it did not exist (not found, never listed)."""
    return clearance_of(actor, settings).levels_up_to()
