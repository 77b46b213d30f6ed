"""The demo's paper ballots (pb.demo_paper) for a round whose voting has ended."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import Database
from pb.demo_paper import load_paper_demo
from pb.paper import services as paper
from pb.paper.models import BatchStatus, PaperBatch, PaperEntry, PaperVoter
from pb.processes.models import Process
from pb.settings import Settings
from pb.voting.models import Ballot, BallotStatus
from tests.paper.support import VILLE, add_voting_staff, vote_online
from tests.personas import ANNA
from tests.voting_support import (
    AINO_IN_CENSUS,
    SIXTEN_IN_CENSUS,
    add_census,
    budgets,
    keys_for,
    make_voting_process,
    project_ids,
)


async def test_the_demo_has_a_register_an_accepted_batch_a_differing_batch_and_a_double_voter(
    db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    keys = keys_for(settings)
    process = make_voting_process(db, slug="omabudjetti-2024", open_phase="results")
    citywide, _ = budgets(process)
    add_census(db, keys, process, AINO_IN_CENSUS)
    add_census(db, keys, process, SIXTEN_IN_CENSUS)
    await vote_online(settings, db, process, citywide, AINO_IN_CENSUS, {project_ids(db, citywide)["Lava"]: 1})
    users = {"voting_assistant": add_voting_staff(db)[VILLE.email], "admin": personas[ANNA.email]}

    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            loaded = await session.get(Process, process.id)
            assert loaded is not None
            await load_paper_demo(session, keys, users, loaded)
            report = await paper.reconciliation_report(session, keys, loaded)
    finally:
        await database.engine.dispose()

    register = db.scalars(select(PaperVoter)).all()
    assert len(register) == 10
    assert keys.person(AINO_IN_CENSUS.identifier) in {entry.person_key for entry in register}
    batches = {batch.label: batch for batch in db.scalars(select(PaperBatch))}
    assert batches["Kirjasto 1"].status == BatchStatus.ACCEPTED
    assert batches["Kirjasto 2"].status == BatchStatus.DIFFERENT
    entries = {
        entry.round: entry.sheets
        for entry in db.scalars(select(PaperEntry).where(PaperEntry.batch_id == batches["Kirjasto 2"].id))
    }
    assert [difference.sheet for difference in paper.differences(entries[1], entries[2])] == ["9"]
    assert sorted((case.sheet, case.reason) for case in report.cases) == [
        ("11", paper.SetAsideReason.NOT_REGISTERED),
        ("6", paper.SetAsideReason.ELECTRONIC),
    ]
    assert report.out_of_date == 0
    line = next(line for line in report.totals if line.budget.id == citywide.id)
    assert (line.sheets, line.counted, line.spoilt, line.not_returned) == (7, 4, 1, 4)
    paper_ballots = db.scalars(select(Ballot).where(Ballot.is_paper.is_(True))).all()
    assert sum(ballot.status == BallotStatus.COUNTED for ballot in paper_ballots) == 4
