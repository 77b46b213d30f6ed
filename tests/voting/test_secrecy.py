"""Who voted and what was voted cannot be joined from the database alone (docs/ballot-secrecy.md)."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from pb.cli import main
from pb.settings import Settings
from pb.voting.models import Ballot
from tests.voting.test_casting import cast
from tests.voting_support import AINO_IN_CENSUS, SIXTEN_IN_CENSUS, budgets, keys_for, make_voting_process, project_ids
from tests.voting_support import voter as voter_of

# What a ballot row may hold: nothing about the voter, the time or the channel.
BALLOT_COLUMNS = {"id", "budget_id", "link", "choices", "receipt_hash", "is_paper", "status"}


def every_value(db: Session) -> list[tuple[str, str, Any]]:
    values = []
    for table in inspect(db.get_bind()).get_table_names():
        for row in db.execute(text(f'SELECT * FROM "{table}"')):
            for column, value in row._mapping.items():
                values.append((table, column, value))
    return values


async def cast_two_ballots(db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    keys = keys_for(settings)
    await cast(settings, process.id, citywide.id, voter_of(db, keys, process, AINO_IN_CENSUS), {ids["Uimaranta"]: 1})
    await cast(settings, process.id, citywide.id, voter_of(db, keys, process, SIXTEN_IN_CENSUS), {ids["Lava"]: 1})


def test_a_ballot_row_holds_nothing_about_its_voter_or_its_time() -> None:
    assert {column.name for column in Ballot.__table__.columns} == BALLOT_COLUMNS


async def test_no_value_of_a_ballot_appears_in_any_other_table(db: Session, settings: Settings) -> None:
    await cast_two_ballots(db, settings)

    values = every_value(db)
    ballot_values = {value for table, column, value in values if table == "ballots" and column in {"id", "link"}}
    elsewhere = {
        (table, column)
        for table, column, value in values
        if table != "ballots" and isinstance(value, str) and value in ballot_values
    }

    assert len(ballot_values) == 4
    assert elsewhere == set(), "a ballot's id or link would join it to something"


async def test_no_identifier_is_stored_in_clear(db: Session, settings: Settings) -> None:
    await cast_two_ballots(db, settings)

    texts = [str(value).upper() for _, _, value in every_value(db) if value is not None]

    for identifier in (AINO_IN_CENSUS.identifier, SIXTEN_IN_CENSUS.identifier):
        assert not any(identifier.upper() in value for value in texts)


async def test_ballots_are_listed_in_the_order_of_their_random_ids_after_mixing(
    db: Session, settings: Settings, monkeypatch: Any
) -> None:
    await cast_two_ballots(db, settings)
    monkeypatch.setenv("PB_DATABASE_URL", settings.database_url)

    result = CliRunner().invoke(main, ["voting", "mix"])

    assert result.exit_code == 0, result.output
    db.rollback()
    # Without ORDER BY the database returns rows in storage order: after mixing, that is the random ids' order.
    stored = [row.id for row in db.execute(text("SELECT id FROM ballots"))]
    assert stored == sorted(stored)
