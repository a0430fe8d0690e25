"""The data folders the dispatch and memory benchmarks dispatch from (not timed).

A folder initialised with the sample agencies, Prefect's home already created by a trivial
flow in a separate process, and sample complaints (seeded: Persian names and texts of
varied length, a PDF and scanned JPEG/PNG attachments, one or two agencies) registered
through ``archive.intake.file_complaint`` and accepted through ``office.casework.accept``,
until they make N referral letters.  One build serves every size of a run.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import PYTHON, check, child_env, run_timed

ACTOR = "bench"
SEED = 1405

# Run in a fresh interpreter: creates Prefect's home (its SQLite database, migrated) the
# way the first dispatch of an installation would, so the timed runs find it ready.
_PREFECT_WARM_UP = """
import sys
from pathlib import Path
from flows.prefect_setup import configure_prefect
configure_prefect(Path(sys.argv[1]))
from prefect import flow

@flow(name="bench-warm-up", persist_result=False)
def warm_up() -> int:
    return 1

assert warm_up() == 1
"""


# Every size either benchmark uses, built once per run (see ``prepared``).
SIZES = {False: (500, 1000, 5000), True: (20, 40, 100)}
_built: dict[int, Path] = {}
_scratch: list[tempfile.TemporaryDirectory[str]] = []


def prepared(size: int, quick: bool) -> Path:
    """The built folder of ``size`` letters (copy it before dispatching into it).

    The first call builds every size of ``SIZES[quick]`` in one registration run, so the
    dispatch and memory benchmarks of one ``python -m bench`` share the set-up.
    """
    if size not in _built:
        scratch = tempfile.TemporaryDirectory(prefix="bench-folders-")
        _scratch.append(scratch)  # removed at exit, or by ``cleanup``
        _built.update(build_folders(Path(scratch.name), sorted({size, *SIZES[quick]})))
    return _built[size]


def cleanup() -> None:
    for scratch in _scratch:
        scratch.cleanup()
    _scratch.clear()
    _built.clear()


REALISTIC = 200  # complaints registered one by one through intake; the rest are copies


def build_folders(root: Path, sizes: Sequence[int]) -> dict[int, Path]:
    """Data folders with exactly ``size`` referral letters to dispatch, for each size.

    The first ``REALISTIC`` accepted complaints are registered as staff would
    (``file_complaint`` with their files, then ``casework.accept``); registering thousands
    that way takes ~50 ms each (fsync of every archived file, the duplicate check), so
    the rest are copies of those rows (complainant, complaint with a new tracking code,
    agencies, documents pointing at the same archived files, events) made in bulk.  The
    dispatch reads nothing that tells a copy from an original.  One build, copied at each
    size: the smaller folders are prefixes of the larger.  Returns {size: folder}.
    """
    from office.runtime import Runtime
    from office.setup import initialise
    from registry.settings import load_settings

    sizes = sorted(sizes)
    work = root / "building"
    runtime = Runtime(load_settings(home=work))
    initialise(runtime, sample=True, actor=ACTOR)
    runtime.engine.dispose()
    warm = run_timed(
        [PYTHON, "-c", _PREFECT_WARM_UP, str(work / "prefect")], env=child_env(), cwd=root
    )
    check(warm[1], "creating Prefect's home")
    folders: dict[int, Path] = {}
    letters = _register(runtime, sizes, folders, root)
    if sizes[len(folders) :]:
        _copy_rows(runtime, sizes[len(folders) :], letters, folders, root)
    shutil.rmtree(work)
    return folders


def _snapshot(runtime: Any, letters: int, folders: dict[int, Path], root: Path) -> None:
    runtime.engine.dispose()  # nothing open while the folder is copied
    folders[letters] = root / f"letters-{letters}"
    shutil.copytree(runtime.settings.home, folders[letters])


def _register(runtime: Any, sizes: list[int], folders: dict[int, Path], root: Path) -> int:
    """Register and accept up to REALISTIC sample complaints; the letters they make."""
    from archive.intake import file_complaint, sample_files
    from office import casework
    from office.pipeline import Batch
    from registry.agencies import list_agencies
    from registry.db import transaction
    from registry.kinds import AgencyKind, DocumentKind
    from registry.samples import sample_complaints

    batch = Batch(runtime, ACTOR)
    with runtime.sessions() as session:
        targets = [
            a.name
            for a in list_agencies(session)
            if a.kind in (AgencyKind.MUNICIPALITY, AgencyKind.COUNTY_GOVERNORATE)
        ]
    letters = registered = 0
    pending = list(sizes)
    for sample in sample_complaints(REALISTIC * 2, targets, seed=SEED):
        if not pending or registered == REALISTIC:
            break
        if sample.review != "accept":
            continue
        agencies = len(sample.data.agencies)
        if letters + agencies > pending[0]:
            continue  # two agencies where one letter is left: exactly N letters
        with transaction(runtime.sessions) as session:
            complaint = file_complaint(
                session,
                runtime.store,
                sample.data,
                sample_files(sample),
                actor=ACTOR,
                at=runtime.clock.now(),
                duplicate_window_days=runtime.settings.duplicate_window_days,
            ).complaint
            tracking = complaint.tracking_code
        # As the demo does: the reviewer's summary, and an anonymous complaint's evidence
        # marked forwardable.
        forward = [
            n
            for n, f in enumerate(sample.files, start=1)
            if sample.data.anonymous and f.kind is DocumentKind.EVIDENCE
        ]
        casework.accept(batch, tracking, summary=sample.summary, forward=forward)
        letters += agencies
        registered += 1
        if letters == pending[0]:
            _snapshot(runtime, letters, folders, root)
            pending.pop(0)
    return letters


def _copy_rows(
    runtime: Any, sizes: list[int], letters: int, folders: dict[int, Path], root: Path
) -> None:
    """Copies of the registered complaints' rows, in bulk, until each size is reached."""
    import datetime as dt
    import random

    from sqlalchemy import func, insert, select

    from registry.models import (
        ArchiveObject,
        Complainant,
        Complaint,
        ComplaintAgency,
        Document,
        Event,
    )
    from registry.tracking import new_tracking_code

    rng = random.Random(SEED)
    engine = runtime.engine
    with engine.connect() as connection:

        def rows(table: Any, key: Any) -> dict[int, list[dict[str, Any]]]:
            grouped: dict[int, list[dict[str, Any]]] = {}
            for row in connection.execute(select(table)).mappings():
                grouped.setdefault(row[key], []).append(dict(row))
            return grouped

        people = {r["id"]: dict(r) for r in connection.execute(select(Complainant)).mappings()}
        cases = [
            dict(r) for r in connection.execute(select(Complaint).order_by(Complaint.id)).mappings()
        ]
        agencies = rows(ComplaintAgency, "complaint_id")
        documents = rows(Document, "complaint_id")
        objects = rows(ArchiveObject, "complaint_id")
        events = rows(Event, "complaint_id")
        codes = set(connection.scalars(select(Complaint.tracking_code)))
        next_person = (connection.scalar(select(func.max(Complainant.id))) or 0) + 1
        next_case = (connection.scalar(select(func.max(Complaint.id))) or 0) + 1
        last_at = max(case["registered_at"] for case in cases)
    out: dict[Any, list[dict[str, Any]]] = {}
    pending = list(sizes)
    index = 0
    while pending:
        case = cases[index % len(cases)]
        index += 1
        mine = agencies[case["id"]]
        if letters + len(mine) > pending[0]:
            continue
        person_id, case_id = next_person, next_case
        next_person += 1
        next_case += 1
        code = new_tracking_code(rng)
        while code in codes:
            code = new_tracking_code(rng)
        codes.add(code)
        at = last_at + dt.timedelta(milliseconds=index)
        out.setdefault(Complainant, []).append(people[case["complainant_id"]] | {"id": person_id})
        out.setdefault(Complaint, []).append(
            case
            | {
                "id": case_id,
                "tracking_code": code,
                "complainant_id": person_id,
                "registered_at": at,
                "possible_duplicate_of_id": None,
            }
        )
        for table, source in ((ComplaintAgency, agencies), (Document, documents),
                              (ArchiveObject, objects), (Event, events)):  # fmt: skip
            for row in source.get(case["id"], []):
                copy = row | {"complaint_id": case_id}
                if table is not ComplaintAgency:
                    del copy["id"]
                out.setdefault(table, []).append(copy)
        letters += len(mine)
        if letters == pending[0]:
            with engine.begin() as connection:
                # Parents first: the foreign keys are checked.
                parents_first: tuple[Any, ...] = (
                    Complainant, Complaint, ComplaintAgency, Document, ArchiveObject, Event,
                )  # fmt: skip
                for model in parents_first:
                    if out.get(model):
                        connection.execute(insert(model), out[model])
            out.clear()
            _snapshot(runtime, letters, folders, root)
            pending.pop(0)


def copy_folder(folder: Path, target: Path) -> Path:
    """An equal, fresh copy of a built folder (each dispatch changes the one it runs on)."""
    shutil.copytree(folder, target)
    return target
