"""Reconciliation: one person, one ballot per budget across channels. The electronic ballot stands; a paper ballot
of the same person, or of a sheet nobody registered, is set aside, and the report lists every case without
naming anyone (issue 4)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.audit.models import AuditEvent
from pb.db import Database
from pb.paper import services as paper
from pb.processes.models import Process
from pb.settings import Settings
from pb.voting.models import Ballot, BallotStatus
from tests.conftest import FormClient
from tests.paper.support import SAGA, VILLE, add_voting_staff, create_batch, register, type_round, vote_online
from tests.voting_support import (
    AINO_IN_CENSUS,
    SIXTEN_IN_CENSUS,
    add_census,
    budgets,
    keys_for,
    make_voting_process,
    project_ids,
)


def statuses(db: Session, settings: Settings, budget_id: int) -> dict[str, str]:
    """Sheet number -> status of its paper ballot (sheets 1-3)."""
    keys = keys_for(settings)
    db.expire_all()
    found = {ballot.link: ballot.status for ballot in db.scalars(select(Ballot).where(Ballot.is_paper.is_(True)))}
    return {
        sheet: found[keys.paper_ballot_link(budget_id, sheet)]
        for sheet in ("1", "2", "3")
        if keys.paper_ballot_link(budget_id, sheet) in found
    }


async def run_reconcile(settings: Settings, process_id: int) -> paper.Reconciliation:
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            process = await session.get(Process, process_id)
            assert process is not None
            return await paper.reconcile(session, keys_for(settings), process)
    finally:
        await database.engine.dispose()


async def test_a_person_who_voted_both_ways_keeps_the_electronic_ballot_and_the_unregistered_sheet_is_set_aside(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    keys = keys_for(settings)
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    add_census(db, keys, process, AINO_IN_CENSUS)
    add_census(db, keys, process, SIXTEN_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)
    another_client.log_in(SAGA)
    assert register(client, process, citywide, AINO_IN_CENSUS, "1").status_code == 303
    assert register(client, process, citywide, SIXTEN_IN_CENSUS, "2").status_code == 303
    # Aino votes online after taking her paper ballot: the electronic ballot stands.
    await vote_online(settings, db, process, citywide, AINO_IN_CENSUS, {ids["Uimaranta"]: 1})
    sheets = {"1": [ids["Lava"]], "2": [ids["Skeittipuisto"]], "3": [ids["Kirjastoauto"]]}
    batch = create_batch(client, process, citywide, "Kirjasto 1")

    type_round(client, batch, 1, sheets)
    type_round(another_client, batch, 2, sheets)

    # Reconciled on acceptance.
    assert statuses(db, settings, citywide.id) == {
        "1": BallotStatus.SET_ASIDE,
        "2": BallotStatus.COUNTED,
        "3": BallotStatus.SET_ASIDE,
    }
    electronic = db.scalars(select(Ballot).where(Ballot.is_paper.is_(False))).one()
    assert electronic.status == BallotStatus.COUNTED
    page = client.get(f"/paper/{process.slug}/reconciliation").text
    cases = page.split('id="cases"', 1)[1]
    assert "the electronic ballot stands" in cases and "not in the paper voter register" in cases
    assert "Kirjasto 1" in cases
    for secret in (AINO_IN_CENSUS.identifier, keys.person(AINO_IN_CENSUS.identifier), "Aino"):
        assert secret not in page


async def test_reconciling_again_changes_nothing(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    add_voting_staff(db)
    client.log_in(VILLE)
    another_client.log_in(SAGA)
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    type_round(client, batch, 1, {"1": [ids["Lava"]]})
    type_round(another_client, batch, 2, {"1": [ids["Lava"]]})
    before = statuses(db, settings, citywide.id)

    first = await run_reconcile(settings, process.id)
    second = await run_reconcile(settings, process.id)

    assert before == statuses(db, settings, citywide.id) == {"1": BallotStatus.SET_ASIDE}
    assert [(case.sheet, case.reason) for case in first.cases] == [("1", paper.SetAsideReason.NOT_REGISTERED)]
    assert [(case.sheet, case.reason, case.batch.id) for case in second.cases] == [
        (case.sheet, case.reason, case.batch.id) for case in first.cases
    ]
    # Only the reconciliation at acceptance changed a status, so only it is in the log.
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "paper.reconciled")).all()
    assert len(events) == 1


async def test_an_electronic_vote_after_the_batch_sets_the_paper_ballot_aside_on_the_next_reconciliation(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    keys = keys_for(settings)
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    add_census(db, keys, process, AINO_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)
    another_client.log_in(SAGA)
    assert register(client, process, citywide, AINO_IN_CENSUS, "1").status_code == 303
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    type_round(client, batch, 1, {"1": [ids["Lava"]]})
    type_round(another_client, batch, 2, {"1": [ids["Lava"]]})
    assert statuses(db, settings, citywide.id) == {"1": BallotStatus.COUNTED}

    await vote_online(settings, db, process, citywide, AINO_IN_CENSUS, {ids["Uimaranta"]: 1})
    page = client.get(f"/paper/{process.slug}/reconciliation").text
    assert "1 paper ballot does not yet follow the rule" in page
    response = client.submit(f"/paper/{process.slug}/reconciliation")

    assert response.status_code == 303
    assert statuses(db, settings, citywide.id) == {"1": BallotStatus.SET_ASIDE}
    assert "does not yet follow the rule" not in client.get(f"/paper/{process.slug}/reconciliation").text


async def test_the_report_counts_sheets_per_budget(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    keys = keys_for(settings)
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    add_census(db, keys, process, AINO_IN_CENSUS)
    add_census(db, keys, process, SIXTEN_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)
    another_client.log_in(SAGA)
    register(client, process, citywide, AINO_IN_CENSUS, "1")
    register(client, process, citywide, SIXTEN_IN_CENSUS, "2")
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    # Sheet 1 counted, sheet 3 unregistered (set aside), sheet 4 blank (spoilt); sheet 2 not returned yet.
    sheets = {"1": [ids["Lava"]], "3": [ids["Lava"]], "4": []}
    type_round(client, batch, 1, sheets)
    type_round(another_client, batch, 2, sheets)

    report = await run_reconcile(settings, process.id)

    line = next(line for line in report.totals if line.budget.id == citywide.id)
    assert (line.registered, line.sheets, line.counted, line.set_aside, line.spoilt, line.not_returned) == (
        2,
        3,
        1,
        1,
        1,
        1,
    )
