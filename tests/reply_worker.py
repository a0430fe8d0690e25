"""What the reply race tests run in their child processes (see tests/register_worker.py).

Each child builds its own engine, waits at the barrier, then records one reply to the same
letter in its own transaction through ``registry.replies.record_reply``, exactly as
``reply record`` does, and sends back what happened: the reply's id, the refusal's code,
or anything else that went wrong (which the test reports as a failure).
"""

from __future__ import annotations

from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier

from sqlalchemy import text

from registry.db import make_engine, session_factory, transaction
from registry.errors import ResidegiError
from registry.incoming import IncomingTerms
from registry.kinds import DocumentKind
from registry.models import Letter
from registry.replies import record_reply
from tests.factories import new_document
from tests.replies_support import J, at_noon

TODAY = J("1405/02/10")
INCOMING = "و"
BARRIER_TIMEOUT_S = 60.0


def record_one(
    url: str, letter_id: int, worker: int, supersede: bool, barrier: Barrier, out: Connection
) -> None:
    """Wait for every sibling, then record reply number ``worker`` to letter ``letter_id``.

    Sends ``("recorded", reply_id)``, ``("refused", "Class:code")`` or ``("error", text)``.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as connection:  # connect before the race, not in it
            connection.execute(text("select 1"))
        factory = session_factory(engine)
        barrier.wait(BARRIER_TIMEOUT_S)
        try:
            with transaction(factory) as session:
                letter = session.get_one(Letter, letter_id)
                reply = record_reply(
                    session,
                    letter,
                    their_number=f"۱۴۰۵/{worker}",
                    their_date=J("1405/02/05"),
                    document=new_document(DocumentKind.AGENCY_REPLY, 100 + worker),
                    at=at_noon(TODAY),
                    actor=f"worker-{worker}",
                    today=TODAY,
                    supersede=supersede,
                )
                session.flush()
                reply_id = reply.id
            out.send(("recorded", reply_id))
        except ResidegiError as refusal:
            out.send(("refused", f"{type(refusal).__name__}:{refusal.code}"))
        except Exception as exc:  # the test fails on it, with what it was
            out.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        out.close()
        engine.dispose()


def incoming_terms(day: str = "1405/02/10") -> IncomingTerms:
    """The incoming register of the day the race runs on, as the office's defaults set it."""
    return IncomingTerms(
        series=INCOMING, number_template="{year}/{series}/{seq}", date=J(day), year=1405
    )


def record_registered(
    url: str, letter_ids: list[int], worker: int, barrier: Barrier, out: Connection
) -> None:
    """Wait for every sibling, then record one reply to each of ``letter_ids``, each in its
    own transaction and registered in the incoming register, exactly as ``reply record``
    does.

    Sends one list: ``("recorded", letter_id, incoming_number)``, ``("refused", letter_id,
    "Class:code")`` or ``("error", letter_id, text)`` per letter.
    """
    engine = make_engine(url)
    outcomes: list[tuple[str, int, str | None]] = []
    try:
        with engine.connect() as connection:  # connect before the race, not in it
            connection.execute(text("select 1"))
        factory = session_factory(engine)
        barrier.wait(BARRIER_TIMEOUT_S)
        for n, letter_id in enumerate(letter_ids):
            try:
                with transaction(factory) as session:
                    reply = record_reply(
                        session,
                        session.get_one(Letter, letter_id),
                        their_number=f"{worker}/{n}",
                        their_date=J("1405/02/05"),
                        document=new_document(DocumentKind.AGENCY_REPLY, 1000 * worker + n),
                        at=at_noon(TODAY),
                        actor=f"worker-{worker}",
                        today=TODAY,
                        register=incoming_terms(),
                    )
                    assert reply.incoming is not None
                    number = reply.incoming.number
                outcomes.append(("recorded", letter_id, number))
            except ResidegiError as refusal:
                code = f"{type(refusal).__name__}:{refusal.code}"
                outcomes.append(("refused", letter_id, code))
            except Exception as exc:  # the test fails on it, with what it was
                outcomes.append(("error", letter_id, f"{type(exc).__name__}: {exc}"))
        out.send(outcomes)
    finally:
        out.close()
        engine.dispose()
