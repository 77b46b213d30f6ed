"""The LEXIMIN run of a frozen pool, in a worker process (issue 8: a 1,000-person pool takes about 50 seconds).

Why a process, not a thread or the event loop: HiGHS and the column generation hold the CPU (and numpy the GIL
between solver calls) for the whole run, so anything inside the server process would slow every other request.
The worker opens its own database connection and writes its progress and result into the selection's row, so any
server process can show them, and a page that refreshes itself shows the progress without JavaScript.

What ran is recorded as it ran: the algorithm, the solver and the versions come from pb.sortition's own run
record. If LEXIMIN fails, the run fails with the solver's message; pb never falls back to another method.
"""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

import anyio.to_process
from sqlalchemy import update
from sqlalchemy.orm import Session

from pb.db import Database, make_sync_engine, utcnow
from pb.panels import selection as selection_service
from pb.panels.models import PanelSelection
from pb.sortition.draw import round_to_lottery
from pb.sortition.leximin import Progress, find_leximin

logger = logging.getLogger(__name__)
# Progress is written at most this often (seconds), and always at the end of each LEXIMIN step.
PROGRESS_INTERVAL = 1.0


def _write(session: Session, selection_id: int, **values: Any) -> None:
    session.execute(update(PanelSelection).where(PanelSelection.id == selection_id).values(**values))
    session.commit()


def run_selection(database_url: str, selection_id: int) -> str:
    """Runs in the worker: feasibility, LEXIMIN, the lottery of equally likely panels. Returns the final status."""
    engine = make_sync_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session, Session(engine) as progress_session:
            selection = session.get(PanelSelection, selection_id)
            if selection is None or selection.status != selection_service.Status.RUNNING:
                return "gone"
            last = 0.0

            def report(progress: Progress) -> None:
                nonlocal last
                now = time.monotonic()
                if now - last < PROGRESS_INTERVAL and not progress.message.startswith("step"):
                    return
                last = now
                _write(
                    progress_session,
                    selection_id,
                    heartbeat_at=utcnow(),
                    progress={
                        "message": progress.message,
                        "stage": progress.stage,
                        "fixed_groups": progress.fixed_groups,
                        "groups": progress.groups,
                        "panels": progress.panels,
                        "current_minimum": progress.current_minimum,
                        "seconds": round(progress.seconds, 1),
                    },
                )

            try:
                instance = selection_service.instance_of(selection)
                checked = selection_service.check_feasibility(instance)
                selection.feasibility = checked.document()
                if not checked.feasible:
                    selection.status = selection_service.Status.INFEASIBLE
                    selection.finished_at = utcnow()
                    session.commit()
                    return selection.status
                _write(progress_session, selection_id, heartbeat_at=utcnow(), progress={"message": "leximin"})
                result = find_leximin(instance, progress=report)
                _write(progress_session, selection_id, heartbeat_at=utcnow(), progress={"message": "lottery"})
                lottery = round_to_lottery(result)
            except Exception as error:
                logger.exception("panel selection %s failed", selection_id)
                session.rollback()
                _write(
                    session,
                    selection_id,
                    status=selection_service.Status.FAILED,
                    error=f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"[:4000],
                    finished_at=utcnow(),
                )
                return "failed"
            info = dict(result.run_info)
            selection.algorithm = str(info.pop("algorithm"))
            selection.solver = str(info.pop("solver"))
            versions = info.pop("versions")
            selection.versions = dict(versions) if isinstance(versions, dict) else {}
            selection.run_info = info
            selection.min_probability = result.min_probability
            selection.lottery = [list(panel) for panel in lottery.panels]
            selection.lottery_size = len(lottery.panels)
            selection.lottery_sha256 = lottery.digest
            selection.lottery_rounding = lottery.rounding_method
            selection.lottery_max_change = lottery.max_change
            probabilities = result.probability_by_id()
            appearances: dict[str, int] = {}
            for panel in lottery.panels:
                for pseudonym in panel:
                    appearances[pseudonym] = appearances.get(pseudonym, 0) + 1
            for person in selection.people:
                person.probability = probabilities[person.pseudonym]
                person.lottery_panels = appearances.get(person.pseudonym, 0)
            now = utcnow()
            selection.status = selection_service.Status.DONE
            selection.finished_at = selection.lottery_published_at = selection.heartbeat_at = now
            selection.progress = {**selection.progress, "message": "done", "seconds": info.get("seconds", 0)}
            session.commit()
            return selection.status
    finally:
        engine.dispose()


async def run_in_worker(database: Database, database_url: str, selection_id: int) -> None:
    """The background task started after the facilitator's request has been answered."""
    try:
        await anyio.to_process.run_sync(run_selection, database_url, selection_id, cancellable=True)
    except Exception as error:
        logger.exception("the worker of panel selection %s died", selection_id)
        async with database.sessionmaker() as db:
            await selection_service.mark_failed(db, selection_id, f"{type(error).__name__}: {error}")
