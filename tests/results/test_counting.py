"""Counting a budget from its stored ballots into a result record (issue 9, "Result records")."""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.counting.cli import tally
from pb.counting.election import Election
from pb.counting.pabulib import ballot_digest, parse_pabulib
from pb.counting.rules import CLI_NAMES, count
from pb.processes.models import BallotFormat
from pb.results import explain
from pb.results import services as results
from pb.results.models import PublishedRecordChanged, ResultLot, ResultRecord
from pb.results.services import ResultRefused, lot_order
from pb.settings import Settings
from pb.voting.models import BallotStatus
from tests.results.support import BALLOTS, add_ballot, cast_ballots, citywide, compute, ended_round
from tests.voting_support import budgets, make_voting_process, project_ids


def engine_on_stored_ballots(db: Session, budget_id: int, lot: list[str], rule: str) -> tuple[str, ...]:
    """The engine's outcome built straight from the database rows, without the .pb file in between."""
    from pb.processes.models import Budget, Project
    from pb.voting.models import Ballot

    budget = db.get(Budget, budget_id)
    assert budget is not None
    costs = {
        str(p.id): Fraction(p.cost_cents, 100)
        for p in db.scalars(select(Project).where(Project.budget_id == budget_id))
    }
    rows = db.scalars(select(Ballot).where(Ballot.budget_id == budget_id, Ballot.status == "counted")).all()
    ballots = [[str(project) for project, _ in row.choices] for row in rows]
    election = Election.build(Fraction(budget.amount_cents, 100), costs, ballots, lot_order=lot)
    return count(CLI_NAMES[rule], election, "default").selected


@pytest.mark.parametrize("rule", ["mes", "greedy", "mes-fill", "greedy-no-skip", "phragmen", "mes-checker"])
async def test_counting_from_stored_ballots_equals_the_engine_on_the_same_pb_file(
    db: Session, settings: Settings, rule: str
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)

    record = await compute(settings, process.id, budget.id, rule)

    data = parse_pabulib(record.ballots_file)
    from_file = count(CLI_NAMES[rule], Election.from_pabulib(data), "default").selected
    assert [str(project) for project in record.selected] == list(from_file)
    assert engine_on_stored_ballots(db, budget.id, record.lot_order, rule) == from_file
    assert record.voters == sum(n for _, n in BALLOTS) == len(data.votes)


async def test_greedy_and_equal_shares_choose_differently_and_the_record_keeps_both(
    db: Session, settings: Settings
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    ids = project_ids(db, budget)

    record = await compute(settings, process.id, budget.id, "greedy")

    # Lava (10 votes, 400,000 €) first; Uimaranta and Skeittipuisto no longer fit; Kirjastoauto does.
    assert record.selected == [ids["Lava"], ids["Kirjastoauto"]]
    assert sorted(int(p) for p in record.comparison["mes"]) != sorted(record.selected)
    steps = {step["project"]: step["state"] for step in record.explanation["steps"]}
    assert steps[str(ids["Uimaranta"])] == "did_not_fit"
    assert steps[str(ids["Lava"])] == "funded"


async def test_the_pb_file_recounted_with_pb_tally_gives_the_same_selection_and_digest(
    db: Session, settings: Settings, tmp_path: Path
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    record = await compute(settings, process.id, budget.id, "mes")
    path = tmp_path / "ballots.pb"
    path.write_bytes(record.ballots_file.encode())

    result = CliRunner().invoke(tally, [str(path), "--rule", "mes", "--ties", "default", "--json"])

    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["selected"] == [str(project) for project in record.selected]
    assert body["digest"] == record.ballot_digest
    assert body["endowment"] == record.endowment
    assert hashlib.sha256(path.read_bytes()).hexdigest() == record.file_digest


async def test_the_file_has_no_voter_data_but_sequence_numbers_and_lists_projects_in_lot_order(
    db: Session, settings: Settings
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)

    record = await compute(settings, process.id, budget.id)

    data = parse_pabulib(record.ballots_file)
    assert [vote.voter_id for vote in data.votes] == [str(n) for n in range(1, len(data.votes) + 1)]
    assert all(vote.extra == () for vote in data.votes)
    assert [project.project_id for project in data.projects] == record.lot_order
    lot = db.scalars(select(ResultLot)).one()
    assert lot_order(lot.seed, lot.order) == lot.order == record.lot_order
    assert data.meta_map["budget"] == "500000" and data.meta_map["vote_type"] == "approval"


async def test_set_aside_ballots_are_not_counted(db: Session, settings: Settings) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    ids = project_ids(db, budget)
    for _ in range(30):
        add_ballot(db, budget, {ids["Skeittipuisto"]: 1}, status=BallotStatus.SET_ASIDE)

    record = await compute(settings, process.id, budget.id, "greedy")

    assert record.voters == 21
    assert ids["Skeittipuisto"] not in record.selected
    # Only the counted ballots are in the file: 5 + 2 of them choose Skeittipuisto, none of the 30 set aside.
    assert sum(str(ids["Skeittipuisto"]) in vote.projects for vote in parse_pabulib(record.ballots_file).votes) == 7


async def test_a_recount_reuses_the_lot_and_makes_a_new_record(db: Session, settings: Settings) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)

    first = await compute(settings, process.id, budget.id, "mes")
    second = await compute(settings, process.id, budget.id, "greedy")

    assert first.id != second.id
    assert (first.lot_seed, first.lot_order) == (second.lot_seed, second.lot_order)
    assert first.ballot_digest == second.ballot_digest
    assert len(db.scalars(select(ResultRecord)).all()) == 2


async def test_a_published_record_cannot_be_changed_or_deleted(
    db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    admin = personas["anna@example.fi"]
    record = await compute(settings, process.id, budget.id, "mes", publish_as=admin.id)

    stored = db.get(ResultRecord, record.id)
    assert stored is not None and stored.is_published
    stored.selected = []
    with pytest.raises(PublishedRecordChanged):
        db.commit()
    db.rollback()
    stored = db.get(ResultRecord, record.id)
    assert stored is not None
    db.delete(stored)
    with pytest.raises(PublishedRecordChanged):
        db.commit()
    db.rollback()
    assert db.get(ResultRecord, record.id) is not None


async def test_a_draft_record_can_be_published_once(db: Session, settings: Settings, personas: dict[str, User]) -> None:
    from pb.db import Database, utcnow
    from pb.processes.models import Process
    from pb.results import services as results

    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    admin = personas["anna@example.fi"]
    record = await compute(settings, process.id, budget.id, "mes", publish_as=admin.id)

    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            loaded = await session.get(ResultRecord, record.id)
            same_process = await session.get(Process, process.id)
            user = await session.get(User, admin.id)
            assert loaded is not None and same_process is not None and user is not None
            with pytest.raises(ResultRefused):
                await results.publish(session, same_process, loaded, user, utcnow())
    finally:
        await database.engine.dispose()


async def test_results_cannot_be_counted_before_voting_has_ended(db: Session, settings: Settings) -> None:
    process = make_voting_process(db)  # voting open now
    budget = citywide(process)
    cast_ballots(db, budget)

    with pytest.raises(ResultRefused) as refused:
        await compute(settings, process.id, budget.id)

    assert "after voting has ended" in refused.value.message
    assert db.scalars(select(ResultRecord)).all() == []


async def test_cumulative_ballots_are_counted_as_points(db: Session, settings: Settings) -> None:
    process = ended_round(db)
    _, central = budgets(process)
    central.ballot_format, central.points_total, central.points_per_project = BallotFormat.CUMULATIVE, 5, 5
    db.commit()
    ids = project_ids(db, central)  # Penkit 50,000 €, Valaistus 120,000 €; budget 200,000 €
    add_ballot(db, central, {ids["Penkit"]: 1, ids["Valaistus"]: 4})
    add_ballot(db, central, {ids["Penkit"]: 5})

    record = await compute(settings, process.id, central.id, "greedy")

    data = parse_pabulib(record.ballots_file)
    assert data.vote_type == "cumulative" and data.meta_map["max_sum_points"] == "5"
    assert sorted((vote.projects, vote.points) for vote in data.votes) == sorted(
        [((str(ids["Penkit"]), str(ids["Valaistus"])), (1, 4)), ((str(ids["Penkit"]),), (5,))]
    )
    assert record.explanation["steps"][0] == {
        "project": str(ids["Penkit"]),
        "score": 6,
        "cost_cents": 5_000_000,
        "left_before_cents": 20_000_000,
        "state": "funded",
    }


async def test_the_record_keeps_each_projects_voters_and_points_as_its_ballots_file_gives_them(
    db: Session, settings: Settings
) -> None:
    process = ended_round(db)
    _, central = budgets(process)
    central.ballot_format, central.points_total, central.points_per_project = BallotFormat.CUMULATIVE, 5, 5
    db.commit()
    ids = project_ids(db, central)
    add_ballot(db, central, {ids["Penkit"]: 1, ids["Valaistus"]: 4})
    add_ballot(db, central, {ids["Penkit"]: 5})

    record = await compute(settings, process.id, central.id, "greedy")

    # Stored when counted, so pages and reports need not parse the ballots file again.
    assert record.tallies == {str(ids["Penkit"]): [2, 6], str(ids["Valaistus"]): [1, 4]}
    stored = results.tallies(record)
    assert stored == ({ids["Penkit"]: 2, ids["Valaistus"]: 1}, {ids["Penkit"]: 6, ids["Valaistus"]: 4})
    # A record counted before pb stored tallies (migration 0011) gets the same figures from its ballots file.
    record.tallies = None
    assert results.tallies(record) == stored


async def test_ranked_ballots_are_written_in_rank_order_and_scored_by_the_krakow_convention(
    db: Session, settings: Settings
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    budget.ballot_format, budget.max_choices = BallotFormat.RANKED, 3
    db.commit()
    ids = project_ids(db, budget)
    # Stored as [project, rank]; rank 1 is the first choice.
    add_ballot(db, budget, {ids["Kirjastoauto"]: 2, ids["Lava"]: 1, ids["Uimaranta"]: 3})

    record = await compute(settings, process.id, budget.id, "greedy")

    data = parse_pabulib(record.ballots_file)
    assert data.vote_type == "ordinal" and data.meta_map["max_length"] == "3"
    assert data.votes[0].projects == (str(ids["Lava"]), str(ids["Kirjastoauto"]), str(ids["Uimaranta"]))
    scores = {step["project"]: step["score"] for step in record.explanation["steps"]}
    assert scores[str(ids["Lava"])] == 3 and scores[str(ids["Uimaranta"])] == 1


async def test_a_tie_is_broken_by_the_lot_and_recorded(db: Session, settings: Settings) -> None:
    process = ended_round(db)
    _, central = budgets(process)
    ids = project_ids(db, central)
    central.amount_cents = 12_000_000  # room for one of the two projects only
    db.commit()
    from pb.processes.models import Project

    penkit = db.get(Project, ids["Penkit"])
    assert penkit is not None
    penkit.cost_cents = 12_000_000  # same cost and the same votes as Valaistus: only the lot separates them
    db.commit()
    add_ballot(db, central, {ids["Penkit"]: 1})
    add_ballot(db, central, {ids["Valaistus"]: 1})

    record = await compute(settings, process.id, central.id, "greedy")

    first_in_lot = int(record.lot_order[0])
    assert record.selected == [first_in_lot]
    assert record.ties == [
        {"step": 0, "tied": record.lot_order, "chosen": str(first_in_lot), "criterion": "lot"},
    ]


async def test_each_round_of_equal_shares_is_paid_in_full_by_its_supporters(db: Session, settings: Settings) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)

    record = await compute(settings, process.id, budget.id, "mes-uncompleted")

    data = parse_pabulib(record.ballots_file)
    election = Election.from_pabulib(data)
    outcome = count("mes", election, "default")
    assert outcome.endowment == Fraction(500_000, 21)
    detail = explain.explain_mes(election, outcome.selected, outcome.endowment)
    assert [r["project"] for r in detail["rounds"]] == list(outcome.selected)
    assert detail == record.explanation
    assert ballot_digest(data) == record.ballot_digest
    for item in detail["unfunded"]:
        assert item["money_left_cents"] < item["cost_cents"] or item["supporters"] == 0
