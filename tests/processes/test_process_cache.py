"""The worker's cache of rounds (pb.processes.cache) sees every change made anywhere, through the triggers that
raise processes.config_version (migration 0010)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from pb.db import Database, utcnow
from pb.processes.cache import ProcessCache
from pb.processes.models import Budget, Phase, PhaseKind, Process, ProcessDistrict, Project, Theme
from tests.voting_support import make_voting_process

SLUG = "omabudjetti-2026"


def version(db: Session) -> int:
    return int(db.scalar(select(Process.config_version).where(Process.slug == SLUG)) or 0)


def cached_twice(
    database_url: str, change: Callable[[], None]
) -> tuple[Process | None, Process | None, Process | None]:
    """The cache's answer before the change, again before it, and after it (the change made outside the cache,
    as another worker or an operator with psql would)."""

    async def run() -> tuple[Process | None, Process | None, Process | None]:
        database = Database.connect(database_url)
        cache = ProcessCache()
        try:
            async with database.sessionmaker() as db:
                first = await cache.get(db, SLUG)
            async with database.sessionmaker() as db:
                again = await cache.get(db, SLUG)
            change()
            async with database.sessionmaker() as db:
                after = await cache.get(db, SLUG)
            return first, again, after
        finally:
            await database.engine.dispose()

    return asyncio.run(run())


def test_an_unchanged_round_is_served_from_the_cache(database_url: str, db: Session) -> None:
    make_voting_process(db)
    first, again, after = cached_twice(database_url, lambda: None)
    assert first is not None
    assert again is first
    assert after is first


def test_closing_the_voting_phase_by_hand_in_the_database_is_seen_by_the_next_request(
    database_url: str, db: Session
) -> None:
    process = make_voting_process(db)
    voting = next(phase for phase in process.phases if phase.kind == PhaseKind.VOTING)

    def close_now() -> None:
        db.execute(update(Phase).where(Phase.id == voting.id).values(ends_at=utcnow() - timedelta(minutes=1)))
        db.commit()

    first, _, after = cached_twice(database_url, close_now)
    assert first is not None and first.is_open_for(PhaseKind.VOTING, utcnow())
    assert after is not None and after is not first
    assert not after.is_open_for(PhaseKind.VOTING, utcnow())


@pytest.mark.parametrize(
    "table",
    ["processes", "process_phases", "process_districts", "budgets", "themes", "ballot_projects"],
)
def test_every_change_to_a_rounds_configuration_raises_its_version(table: str, db: Session) -> None:
    process = make_voting_process(db)
    citywide = process.budgets[0]
    changes = {
        "processes": lambda: update(Process).where(Process.id == process.id).values(name_en="Changed"),
        "process_phases": lambda: (
            update(Phase).where(Phase.process_id == process.id).values(ends_at=utcnow() + timedelta(days=9))
        ),
        "process_districts": lambda: delete(ProcessDistrict).where(ProcessDistrict.process_id == process.id),
        "budgets": lambda: update(Budget).where(Budget.id == citywide.id).values(amount_cents=1),
        "themes": lambda: insert(Theme).values(process_id=process.id, name_fi="Uusi", position=9),
        "ballot_projects": lambda: insert(Project).values(
            budget_id=citywide.id, title="Uusi", summary="Uusi.", cost_cents=100
        ),
    }
    before = version(db)
    db.execute(changes[table]())
    db.commit()
    assert version(db) > before


def test_a_deleted_round_is_not_served_from_the_cache(database_url: str, db: Session) -> None:
    process = make_voting_process(db)

    def delete_round() -> None:
        db.execute(delete(Process).where(Process.id == process.id))
        db.commit()

    first, _, after = cached_twice(database_url, delete_round)
    assert first is not None
    assert after is None
