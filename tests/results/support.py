"""Arranging a round whose vote has ended, with counted ballots, for the results tests.

The city-wide budget of tests.voting_support (500,000 €: Uimaranta 200,000, Skeittipuisto 150,000,
Kirjastoauto 100,000, Lava 400,000) gets the ballots of BALLOTS below: Lava has the most votes, so greedy funds
it and then only Kirjastoauto fits; proportional MES funds what the two camps want instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import Database, utcnow
from pb.processes.models import Budget, Process
from pb.results import services as results
from pb.results.models import ResultRecord
from pb.settings import Settings
from pb.voting.models import Ballot, BallotStatus
from tests.voting_support import budgets, make_voting_process, project_ids

# (titles chosen, how many voters cast that ballot)
BALLOTS = (
    (("Lava",), 10),
    (("Uimaranta", "Skeittipuisto"), 5),
    (("Uimaranta", "Kirjastoauto"), 4),
    (("Skeittipuisto", "Kirjastoauto"), 2),
)


def ended_round(db: Session, *, slug: str = "omabudjetti-2024") -> Process:
    """A round in its results phase: voting has ended."""
    return make_voting_process(db, slug=slug, open_phase="results")


def add_ballot(
    db: Session, budget: Budget, choices: Mapping[int, int], *, status: BallotStatus = BallotStatus.COUNTED
) -> Ballot:
    ballot = Ballot(
        id=secrets.token_hex(16),
        budget_id=budget.id,
        link=secrets.token_hex(32),
        choices=[[project, value] for project, value in sorted(choices.items())],
        receipt_hash=None,
        is_paper=False,
        status=status,
    )
    db.add(ballot)
    db.commit()
    return ballot


def cast_ballots(db: Session, budget: Budget, ballots: Iterable[tuple[tuple[str, ...], int]] = BALLOTS) -> None:
    ids = project_ids(db, budget)
    for titles, count in ballots:
        for _ in range(count):
            add_ballot(db, budget, {ids[title]: 1 for title in titles})


def citywide(process: Process) -> Budget:
    return budgets(process)[0]


async def compute(
    settings: Settings,
    process_id: int,
    budget_id: int,
    rule: str = "mes",
    *,
    threshold: int | None = None,
    publish_as: int | None = None,
) -> ResultRecord:
    """Counts through the service, as the admin page does, on a connection of its own; `publish_as` (a user
    id) publishes the record too."""
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            process = await session.get(Process, process_id)
            budget = await session.get(Budget, budget_id)
            assert process is not None and budget is not None
            record = await results.compute_result(
                session, process, budget, rule=rule, threshold=threshold, actor=None, now=utcnow(), unit="Esimerkkilä"
            )
            if publish_as is not None:
                admin = await session.get(User, publish_as)
                assert admin is not None
                await results.publish(session, process, record, admin, utcnow())
            return record
    finally:
        await database.engine.dispose()
