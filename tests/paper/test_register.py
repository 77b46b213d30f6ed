"""The paper voter register: staff check a person against the census and note the sheet handed to them; a person
who already voted electronically keeps their electronic ballot instead (issue 4, one person one ballot)."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pb.paper.models import PaperVoter
from pb.processes.models import Budget, BudgetRule, Project
from pb.settings import Settings
from tests.conftest import FormClient
from tests.paper.support import VILLE, add_voting_staff, register, vote_online
from tests.voting_support import (
    AINO_IN_CENSUS,
    SIXTEN_IN_CENSUS,
    add_census,
    budgets,
    district,
    keys_for,
    make_voting_process,
    project_ids,
)


def test_staff_register_a_paper_voter_with_the_sheet_they_hand_over(
    client: FormClient, db: Session, settings: Settings
) -> None:
    keys = keys_for(settings)
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    add_census(db, keys, process, AINO_IN_CENSUS)
    staff = add_voting_staff(db)[VILLE.email]
    client.log_in(VILLE)

    response = register(client, process, citywide, AINO_IN_CENSUS, "0012")

    assert response.status_code == 303, response.text
    entry = db.scalars(select(PaperVoter)).one()
    assert entry.person_key == keys.person(AINO_IN_CENSUS.identifier)
    # "0012" and "12" are the same sheet.
    assert entry.sheet_key == keys.paper_sheet(citywide.id, "12")
    assert (entry.budget_id, entry.district_id, entry.age_band) == (citywide.id, district(db, "keskusta").id, "18-64")
    assert entry.registered_by_id == staff.id
    row = db.execute(text("SELECT * FROM paper_voters")).one()
    assert AINO_IN_CENSUS.identifier not in str(tuple(row))
    assert "sheet 12" in client.get(f"/paper/{process.slug}/register").text.lower()


async def test_a_person_who_voted_electronically_is_told_their_electronic_ballot_stands(
    client: FormClient, db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    citywide, central = budgets(process)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    await vote_online(settings, db, process, citywide, AINO_IN_CENSUS, {project_ids(db, citywide)["Lava"]: 1})
    add_voting_staff(db)
    client.log_in(VILLE)

    refused = register(client, process, citywide, AINO_IN_CENSUS, "1")
    other_budget = register(client, process, central, AINO_IN_CENSUS, "1")

    assert refused.status_code == 422
    assert "their electronic ballot stands" in refused.text
    assert "change it online" in refused.text
    # Only the budget they voted in: the district budget is a ballot of its own.
    assert other_budget.status_code == 303
    assert [entry.budget_id for entry in db.scalars(select(PaperVoter))] == [central.id]


def test_a_person_already_registered_in_the_budget_is_refused(
    client: FormClient, db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)
    assert register(client, process, citywide, AINO_IN_CENSUS, "1").status_code == 303

    again = register(client, process, citywide, AINO_IN_CENSUS, "2")

    assert again.status_code == 422
    assert "already been given a paper ballot in this budget" in again.text
    assert len(db.scalars(select(PaperVoter)).all()) == 1


def test_a_sheet_number_handed_out_already_is_refused(client: FormClient, db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    keys = keys_for(settings)
    add_census(db, keys, process, AINO_IN_CENSUS)
    add_census(db, keys, process, SIXTEN_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)
    assert register(client, process, citywide, AINO_IN_CENSUS, "7").status_code == 303

    again = register(client, process, citywide, SIXTEN_IN_CENSUS, "007")

    assert again.status_code == 422
    assert "Sheet 7 has already been handed out" in again.text
    assert 'id="sheet-error"' in again.text


def test_a_person_outside_the_census_is_not_registered(client: FormClient, db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    add_voting_staff(db)
    client.log_in(VILLE)

    response = register(client, process, citywide, AINO_IN_CENSUS, "1")

    assert response.status_code == 422
    assert 'id="identifier-error"' in response.text
    assert AINO_IN_CENSUS.identifier not in response.text
    assert db.scalars(select(PaperVoter)).all() == []


def test_nothing_is_registered_before_voting_starts(client: FormClient, db: Session, settings: Settings) -> None:
    process = make_voting_process(db, open_phase="review")
    citywide, _ = budgets(process)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)

    assert 'name="identifier"' not in client.get(f"/paper/{process.slug}/register").text
    assert register(client, process, citywide, AINO_IN_CENSUS, "1").status_code == 422
    assert db.scalars(select(PaperVoter)).all() == []


def test_the_identity_check_and_the_fields_are_required(client: FormClient, db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    add_voting_staff(db)
    client.log_in(VILLE)

    response = client.submit(
        f"/paper/{process.slug}/register", {"budget": "999", "sheet": "??", "birth_date": "31.2.1990"}
    )

    assert response.status_code == 422
    for field in ("budget", "sheet", "id_checked", "identifier", "birth_date"):
        assert f'id="{field}-error"' in response.text, field


async def test_under_the_one_district_rule_a_person_gets_one_district_sheet_and_an_online_district_vote_counts(
    client: FormClient, db: Session, settings: Settings
) -> None:
    keys = keys_for(settings)
    process = make_voting_process(db)
    process.budget_rule = BudgetRule.CITYWIDE_PLUS_ONE
    archipelago = Budget(
        name_fi="Saaristo", district_id=district(db, "saaristo").id, amount_cents=5_000_000, position=2
    )
    archipelago.projects.append(Project(title="Laituri", cost_cents=1_000_000))
    process.budgets.append(archipelago)
    db.commit()
    central = process.budgets[1]
    add_census(db, keys, process, AINO_IN_CENSUS)
    add_census(db, keys, process, SIXTEN_IN_CENSUS)
    await vote_online(settings, db, process, central, SIXTEN_IN_CENSUS, {project_ids(db, central)["Penkit"]: 1})
    add_voting_staff(db)
    client.log_in(VILLE)
    assert register(client, process, central, AINO_IN_CENSUS, "1").status_code == 303

    second_district = register(client, process, archipelago, AINO_IN_CENSUS, "2")
    voted_in_another_district = register(client, process, archipelago, SIXTEN_IN_CENSUS, "3")

    assert second_district.status_code == 422
    assert "another district" in second_district.text
    assert voted_in_another_district.status_code == 422
    assert "their electronic ballot stands" in voted_in_another_district.text
    assert len(db.scalars(select(PaperVoter)).all()) == 1
