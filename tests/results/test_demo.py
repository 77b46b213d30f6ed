"""The demo's results (pb.demo_results): counted, published and partly carried out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import Database
from pb.demo_results import load_results_demo
from pb.processes.models import Process, Project
from pb.results import services as results
from pb.results.models import Implementation, ImplementationNote, RecordStatus, ResultRecord
from pb.settings import Settings
from tests.personas import ANNA
from tests.results.support import cast_ballots, ended_round
from tests.voting_support import budgets


async def test_the_demo_publishes_every_budget_and_tracks_two_winners(
    db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    citywide, central = budgets(process)
    cast_ballots(db, citywide)
    cast_ballots(db, central, [(("Penkit",), 3), (("Valaistus", "Penkit"), 2)])
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            loaded = await session.get(Process, process.id)
            admin = await session.get(User, personas[ANNA.email].id)
            assert loaded is not None and admin is not None
            await load_results_demo(session, {"admin": admin}, loaded)
            assert await results.results_published(session, loaded)
            # The proposal page's hook finds a tracked project through its proposal (none here: no proposals).
            assert await results.implementation_for_proposal(session, 123456) is None
    finally:
        await database.engine.dispose()

    records = db.scalars(select(ResultRecord)).all()
    assert sorted((r.budget_id, r.rule, r.status) for r in records) == sorted(
        [(citywide.id, "mes", RecordStatus.PUBLISHED), (central.id, "greedy", RecordStatus.PUBLISHED)]
    )
    tracked = {item.project_id: item.status for item in db.scalars(select(Implementation))}
    assert sorted(tracked.values()) == ["done", "in_progress"]
    citywide_record = next(r for r in records if r.budget_id == citywide.id)
    assert set(tracked) == set(citywide_record.selected[:2])
    assert len(db.scalars(select(ImplementationNote)).all()) == 3


async def test_a_tracked_project_is_found_from_its_proposal(
    db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    from tests.proposals.conftest import add_proposal

    process = ended_round(db)
    citywide, _ = budgets(process)
    proposal = add_proposal(db, process, personas[ANNA.email])
    project = db.scalars(select(Project).where(Project.budget_id == citywide.id)).first()
    assert project is not None
    project.proposal_id = proposal.id
    db.add(Implementation(project_id=project.id, status="planned"))
    db.commit()

    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            found = await results.implementation_for_proposal(session, proposal.id)
    finally:
        await database.engine.dispose()

    assert found is not None and found[0].id == project.id and found[1].status == "planned"
