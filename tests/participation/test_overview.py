"""The database's grouped count (services.overview_for, used by the PB outcome report) gives the same figures as
the row-by-row merge of statistics.compute (services.statistics_for), voters with disagreeing rows included."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.orm import Session

from pb.db import Database, utcnow
from pb.paper.models import PaperVoter
from pb.participation import services
from pb.participation.statistics import Overview, Statistics
from pb.processes.models import Process
from tests.participation.test_pages import vote
from tests.voting_support import budgets, district, make_voting_process


def both(database_url: str, process_id: int) -> tuple[Overview, Statistics]:
    async def read() -> tuple[Overview, Statistics]:
        database = Database.connect(database_url)
        try:
            async with database.sessionmaker() as session:
                process = await session.get(Process, process_id)
                assert process is not None
                overview = await services.overview_for(session, process)
                statistics = await services.statistics_for(session, process, utcnow())
                return overview, statistics
        finally:
            await database.engine.dispose()

    return asyncio.run(read())


def test_the_grouped_count_equals_the_row_by_row_merge(db: Session, database_url: str) -> None:
    process = make_voting_process(db)
    citywide, centre = budgets(process)
    start = utcnow() - timedelta(hours=5)
    for n in range(9):
        vote(db, process, f"k{n}", citywide.id, at=start + timedelta(minutes=n))
        vote(db, process, f"k{n}", centre.id, at=start + timedelta(minutes=30 + n))
    # Rows that disagree: the first row decides the channel, the first known district and age band count.
    vote(db, process, "mixed-1", citywide.id, channel="code", band=None, at=start + timedelta(minutes=50))
    vote(db, process, "mixed-1", centre.id, channel="online", at=start + timedelta(minutes=51))
    vote(db, process, "mixed-2", centre.id, district_code="saaristo", band="12-17", at=start + timedelta(hours=1))
    vote(db, process, "mixed-2", citywide.id, band="65+", at=start + timedelta(hours=2))
    # A voter online in one budget and on paper in the other, and one on paper only without a known age.
    vote(db, process, "both", centre.id, band=None, at=start + timedelta(hours=3))
    for key, band in (("both", "18-64"), ("paper-only", None)):
        db.add(
            PaperVoter(
                process_id=process.id,
                budget_id=citywide.id,
                person_key=key,
                sheet_key=f"sheet-{key}",
                district_id=district(db, "saaristo").id,
                age_band=band,
                registered_at=start + timedelta(hours=4),
            )
        )
    db.commit()

    overview, statistics = both(database_url, process.id)

    assert overview.voters == statistics.voters == 13
    assert overview.eligible == statistics.eligible
    assert overview.turnout == statistics.turnout
    for name in ("by_district", "by_age", "by_channel"):
        assert getattr(overview, name) == getattr(statistics, name), name


def test_a_round_without_voters_has_empty_figures(db: Session, database_url: str) -> None:
    process = make_voting_process(db)

    overview, statistics = both(database_url, process.id)

    assert overview.voters == 0
    for name in ("by_district", "by_age", "by_channel"):
        assert getattr(overview, name) == getattr(statistics, name), name
