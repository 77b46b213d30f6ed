"""Casting ballots through the service: the rules are enforced on the server, and one voter has one ballot
per budget however many times and however concurrently they submit (issue 4)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pb.db import Database, utcnow
from pb.processes.models import Budget, BudgetRule, Phase, PhaseKind, Process
from pb.settings import Settings
from pb.voting import services
from pb.voting.models import Ballot, Channel, VoterRecord
from pb.voting.secrecy import receipt_hash
from pb.voting.services import Voter, VotingRefused
from tests.voting_support import (
    AINO_IN_CENSUS,
    SIXTEN_IN_CENSUS,
    budgets,
    keys_for,
    make_voting_process,
    project_ids,
    voter,
)


async def cast(
    settings: Settings,
    process_id: int,
    budget_id: int,
    who: Voter,
    choices: dict[int, int],
    round_version: int | None = None,
) -> str:
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            process = await session.get(Process, process_id)
            budget = await session.get(Budget, budget_id)
            assert process is not None and budget is not None
            return await services.cast_ballot(
                session, keys_for(settings), process, budget, who, choices, utcnow(), round_version=round_version
            )
    finally:
        await database.engine.dispose()


async def test_a_ballot_within_the_budget_is_stored_with_the_receipts_hash(db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    aino = voter(db, keys_for(settings), process, AINO_IN_CENSUS)

    receipt = await cast(settings, process.id, citywide.id, aino, {ids["Uimaranta"]: 1, ids["Kirjastoauto"]: 1})

    ballot = db.scalars(select(Ballot)).one()
    assert sorted(ballot.choices) == sorted([[ids["Uimaranta"], 1], [ids["Kirjastoauto"], 1]])
    assert ballot.receipt_hash == receipt_hash(receipt)
    record = db.scalars(select(VoterRecord)).one()
    assert (record.budget_id, record.channel, record.age_band) == (citywide.id, "online", "18-64")


async def test_it_rejects_a_ballot_over_budget(db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    aino = voter(db, keys_for(settings), process, AINO_IN_CENSUS)

    with pytest.raises(VotingRefused) as refused:
        await cast(settings, process.id, citywide.id, aino, {ids["Uimaranta"]: 1, ids["Lava"]: 1})

    assert [problem.code for problem in refused.value.problems] == ["over_budget"]
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0
    assert db.scalar(select(func.count()).select_from(VoterRecord)) == 0


async def test_a_second_ballot_replaces_the_first_and_the_old_receipt_finds_nothing(
    db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    aino = voter(db, keys_for(settings), process, AINO_IN_CENSUS)

    first = await cast(settings, process.id, citywide.id, aino, {ids["Uimaranta"]: 1})
    second = await cast(settings, process.id, citywide.id, aino, {ids["Skeittipuisto"]: 1})

    ballot = db.scalars(select(Ballot)).one()
    assert ballot.choices == [[ids["Skeittipuisto"], 1]]
    assert ballot.receipt_hash == receipt_hash(second) != receipt_hash(first)
    assert db.scalar(select(func.count()).select_from(VoterRecord)) == 1


async def test_a_ballot_posted_after_voting_closed_is_refused(db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    aino = voter(db, keys_for(settings), process, AINO_IN_CENSUS)
    db.execute(
        update(Phase)
        .where(Phase.process_id == process.id, Phase.kind == PhaseKind.VOTING)
        .values(closed_early_at=utcnow() - timedelta(minutes=1))
    )
    db.commit()

    with pytest.raises(VotingRefused) as refused:
        await cast(settings, process.id, citywide.id, aino, {ids["Uimaranta"]: 1})

    assert refused.value.message == "Voting has closed. Your ballot was not saved."
    assert db.scalar(select(func.count()).select_from(Ballot)) == 0


async def test_a_cast_decided_on_an_outdated_copy_of_the_round_writes_nothing_and_says_so(
    db: Session, settings: Settings
) -> None:
    """The voting pages' cached copy of a round carries the config_version it was loaded at; the write checks
    it in the same statement, so a round closed (or repriced) in between never takes a ballot decided on the
    old copy."""
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    aino = voter(db, keys_for(settings), process, AINO_IN_CENSUS)
    loaded_at = process.config_version
    db.execute(update(Budget).where(Budget.id == citywide.id).values(amount_cents=citywide.amount_cents + 1))
    db.commit()

    with pytest.raises(services.RoundChanged):
        await cast(settings, process.id, citywide.id, aino, {ids["Uimaranta"]: 1}, round_version=loaded_at)

    assert db.scalar(select(func.count()).select_from(Ballot)) == 0
    assert db.scalar(select(func.count()).select_from(VoterRecord)) == 0
    db.refresh(process)
    await cast(settings, process.id, citywide.id, aino, {ids["Uimaranta"]: 1}, round_version=process.config_version)
    assert db.scalar(select(func.count()).select_from(Ballot)) == 1


async def test_under_the_one_district_rule_a_second_district_is_refused(db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    _, central = budgets(process)
    other = Budget(name_fi="Saaristo", amount_cents=10_000_000, district_id=None, position=2)
    process.budget_rule = BudgetRule.CITYWIDE_PLUS_ONE
    other.district_id = central.district_id  # a second district budget; which district does not matter here
    process.budgets.append(other)
    db.commit()
    from pb.processes.models import Project

    other.projects.append(Project(title="Laituri", cost_cents=1_000_000))
    db.commit()
    sixten = voter(db, keys_for(settings), process, SIXTEN_IN_CENSUS)
    await cast(settings, process.id, central.id, sixten, {project_ids(db, central)["Penkit"]: 1})

    with pytest.raises(VotingRefused) as refused:
        await cast(settings, process.id, other.id, sixten, {project_ids(db, other)["Laituri"]: 1})

    assert "another district" in refused.value.message
    assert db.scalar(select(func.count()).select_from(Ballot)) == 1


async def test_fifty_concurrent_submissions_of_one_voter_leave_exactly_one_ballot(
    db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = list(project_ids(db, citywide).values())
    aino = voter(db, keys_for(settings), process, AINO_IN_CENSUS)
    database = Database.connect(settings.database_url)

    async def submit(n: int) -> str:
        async with database.sessionmaker() as session:
            loaded_process = await session.get(Process, process.id)
            budget = await session.get(Budget, citywide.id)
            assert loaded_process is not None and budget is not None
            choice = {ids[n % 3]: 1}
            return await services.cast_ballot(
                session, keys_for(settings), loaded_process, budget, aino, choice, utcnow()
            )

    try:
        receipts = await asyncio.gather(*(submit(n) for n in range(50)))
    finally:
        await database.engine.dispose()

    assert len(set(receipts)) == 50  # every submission was acknowledged with its own receipt
    ballots = db.scalars(select(Ballot)).all()
    assert len(ballots) == 1
    assert ballots[0].receipt_hash in {receipt_hash(r) for r in receipts}
    assert db.scalar(select(func.count()).select_from(VoterRecord)) == 1


def test_a_voter_is_the_same_person_in_every_channel(db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    keys = keys_for(settings)

    online = voter(db, keys, process, AINO_IN_CENSUS, Channel.ONLINE)
    assisted = voter(db, keys, process, AINO_IN_CENSUS, Channel.ASSISTED)

    assert online.key == assisted.key == keys.person(" 150590-901a ")
