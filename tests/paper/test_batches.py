"""Paper batches typed twice: a batch counts only when two different people's entries match, and differences are
shown per sheet for correction (issue 4, "Paper ballots")."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.paper.models import BatchStatus, PaperBatch, PaperEntry
from pb.processes.models import BallotFormat
from pb.settings import Settings
from pb.voting.models import Ballot, BallotStatus
from tests.conftest import FormClient
from tests.paper.support import (
    SAGA,
    VILLE,
    add_voting_staff,
    create_batch,
    register,
    start_round,
    type_round,
    type_sheet,
)
from tests.voting_support import (
    AINO_IN_CENSUS,
    SIXTEN_IN_CENSUS,
    add_census,
    budgets,
    keys_for,
    make_voting_process,
    project_ids,
)


def registered_round(db: Session, settings: Settings, client: FormClient) -> tuple:  # type: ignore[type-arg]
    """A round with Aino (sheet 1) and Sixten (sheet 2) on the paper register of the city-wide budget."""
    keys = keys_for(settings)
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    add_census(db, keys, process, AINO_IN_CENSUS)
    add_census(db, keys, process, SIXTEN_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)
    assert register(client, process, citywide, AINO_IN_CENSUS, "1").status_code == 303
    assert register(client, process, citywide, SIXTEN_IN_CENSUS, "2").status_code == 303
    return process, citywide, project_ids(db, citywide)


def test_two_matching_entries_accept_the_batch_and_store_its_ballots(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    process, citywide, ids = registered_round(db, settings, client)
    sheets = {"1": [ids["Uimaranta"], ids["Kirjastoauto"]], "2": [ids["Lava"]], "3": []}
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    another_client.log_in(SAGA)

    type_round(client, batch, 1, sheets)
    assert db.scalars(select(Ballot)).all() == []
    type_round(another_client, batch, 2, sheets)

    stored = db.scalars(select(PaperBatch)).one()
    assert stored.status == BatchStatus.ACCEPTED and stored.accepted_at is not None
    keys = keys_for(settings)
    ballots = {ballot.link: ballot for ballot in db.scalars(select(Ballot))}
    # Sheet 3 was blank: spoilt, so not a ballot.
    assert set(ballots) == {keys.paper_ballot_link(citywide.id, "1"), keys.paper_ballot_link(citywide.id, "2")}
    first = ballots[keys.paper_ballot_link(citywide.id, "1")]
    assert sorted(first.choices) == sorted([[ids["Uimaranta"], 1], [ids["Kirjastoauto"], 1]])
    assert (first.is_paper, first.receipt_hash, first.status) == (True, None, BallotStatus.COUNTED)


def test_the_same_person_may_not_type_both_rounds(client: FormClient, db: Session, settings: Settings) -> None:
    process, citywide, ids = registered_round(db, settings, client)
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    type_round(client, batch, 1, {"1": [ids["Lava"]]})

    response = start_round(client, batch, 2)

    assert response.status_code == 422
    assert "two different people" in response.text
    assert [entry.round for entry in db.scalars(select(PaperEntry))] == [1]


def test_the_second_entrant_cannot_see_the_first_entry(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    process, citywide, ids = registered_round(db, settings, client)
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    assert start_round(client, batch, 1).status_code == 303
    assert type_sheet(client, batch, 1, "1", [ids["Skeittipuisto"]]).status_code == 303
    another_client.log_in(SAGA)
    assert start_round(another_client, batch, 2).status_code == 303

    assert another_client.get(f"{batch}/rounds/1").status_code == 403
    assert another_client.submit(f"{batch}/rounds/1/sheets", {"sheet": "9"}).status_code == 403
    assert "Skeittipuisto" not in another_client.get(batch).text
    # The ballot form lists every project; the list of entered sheets is the entrant's own.
    assert "Skeittipuisto" not in another_client.get(f"{batch}/rounds/2").text.split('id="entered"')[1]
    assert "Skeittipuisto" in client.get(f"{batch}/rounds/1").text.split('id="entered"')[1]


def test_differing_entries_are_shown_per_sheet_and_a_correction_accepts_the_batch(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    process, citywide, ids = registered_round(db, settings, client)
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    another_client.log_in(SAGA)
    type_round(client, batch, 1, {"1": [ids["Uimaranta"]], "2": [ids["Lava"]]})
    type_round(another_client, batch, 2, {"1": [ids["Uimaranta"]], "2": [ids["Skeittipuisto"]]})

    page = client.get(batch).text
    assert db.scalars(select(PaperBatch)).one().status == BatchStatus.DIFFERENT
    assert db.scalars(select(Ballot)).all() == []
    differences = page.split('id="differences-heading"', 1)[1]
    assert "Lava" in differences and "Skeittipuisto" in differences
    assert "Uimaranta" not in differences  # sheet 1 matched

    # Saga checks sheet 2 on paper: she typed it wrong, and corrects her round.
    assert another_client.submit(f"{batch}/rounds/2/sheets/remove", {"sheet": "2"}).status_code == 303
    assert type_sheet(another_client, batch, 2, "2", [ids["Lava"]]).status_code == 303
    response = another_client.submit(f"{batch}/rounds/2/complete")

    assert response.status_code == 303
    assert db.scalars(select(PaperBatch)).one().status == BatchStatus.ACCEPTED
    assert len(db.scalars(select(Ballot)).all()) == 2


def test_compare_again_on_the_batch_page_accepts_corrected_entries(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    process, citywide, ids = registered_round(db, settings, client)
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    another_client.log_in(SAGA)
    type_round(client, batch, 1, {"1": [ids["Uimaranta"]], "2": [ids["Lava"]]})
    type_round(another_client, batch, 2, {"1": [ids["Uimaranta"]]})
    assert "Not entered" in client.get(batch).text  # sheet 2 is missing from round 2

    assert client.submit(f"{batch}/compare").status_code == 303
    assert db.scalars(select(PaperBatch)).one().status == BatchStatus.DIFFERENT
    assert type_sheet(another_client, batch, 2, "2", [ids["Lava"]]).status_code == 303
    assert client.submit(f"{batch}/compare").status_code == 303

    assert db.scalars(select(PaperBatch)).one().status == BatchStatus.ACCEPTED


def test_a_sheet_that_breaks_the_rules_is_entered_as_spoilt(
    client: FormClient, db: Session, settings: Settings
) -> None:
    process, citywide, ids = registered_round(db, settings, client)
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    start_round(client, batch, 1)

    over_budget = type_sheet(client, batch, 1, "1", [ids["Uimaranta"], ids["Lava"]])
    marked_spoilt = type_sheet(client, batch, 1, "2", [ids["Lava"]], spoilt="yes")

    assert over_budget.status_code == marked_spoilt.status_code == 303
    assert db.scalars(select(PaperEntry)).one().sheets == {"1": "invalid", "2": "invalid"}
    page = client.get(f"{batch}/rounds/1").text
    assert "Sheet 1 breaks the rules of the ballot" in page
    assert "100" in page  # the amount over the budget, in euros


def test_points_and_ranks_are_typed_as_numbers(client: FormClient, db: Session, settings: Settings) -> None:
    process, citywide, ids = registered_round(db, settings, client)
    citywide.ballot_format = BallotFormat.RANKED
    citywide.max_choices = 2
    db.commit()
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    start_round(client, batch, 1)

    ranked = client.submit(
        f"{batch}/rounds/1/sheets", {"sheet": "1", f"rank-{ids['Lava']}": "1", f"rank-{ids['Uimaranta']}": "2"}
    )
    gap = client.submit(
        f"{batch}/rounds/1/sheets", {"sheet": "2", f"rank-{ids['Lava']}": "1", f"rank-{ids['Uimaranta']}": "3"}
    )
    typo = client.submit(f"{batch}/rounds/1/sheets", {"sheet": "3", f"rank-{ids['Lava']}": "x"})

    assert ranked.status_code == gap.status_code == 303
    assert typo.status_code == 422
    assert f'id="rank-{ids["Lava"]}-error"' in typo.text
    sheets = db.scalars(select(PaperEntry)).one().sheets
    assert sorted(sheets["1"]) == sorted([[ids["Lava"], 1], [ids["Uimaranta"], 2]])
    assert sheets["2"] == "invalid"
    assert "3" not in sheets


def test_a_sheet_already_in_an_accepted_batch_is_refused(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    process, citywide, ids = registered_round(db, settings, client)
    first = create_batch(client, process, citywide, "Kirjasto 1")
    another_client.log_in(SAGA)
    type_round(client, first, 1, {"1": [ids["Lava"]]})
    type_round(another_client, first, 2, {"1": [ids["Lava"]]})
    second = create_batch(client, process, citywide, "Kirjasto 2")
    start_round(client, second, 1)

    response = type_sheet(client, second, 1, "1", [ids["Lava"]])

    assert response.status_code == 422
    assert "already in the accepted batch Kirjasto 1" in response.text


def test_an_accepted_batch_can_no_longer_be_changed(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    process, citywide, ids = registered_round(db, settings, client)
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    another_client.log_in(SAGA)
    type_round(client, batch, 1, {"1": [ids["Lava"]]})
    type_round(another_client, batch, 2, {"1": [ids["Lava"]]})

    assert type_sheet(client, batch, 1, "2", [ids["Lava"]]).status_code == 422
    assert client.submit(f"{batch}/rounds/1/sheets/remove", {"sheet": "1"}).status_code == 422
    assert client.submit(f"{batch}/compare").status_code == 422
    assert 'name="sheet"' not in client.get(f"{batch}/rounds/1").text
    assert len(db.scalars(select(Ballot)).all()) == 1


def test_a_batch_label_is_unique_within_a_budget(client: FormClient, db: Session, settings: Settings) -> None:
    process, citywide, _ = registered_round(db, settings, client)
    create_batch(client, process, citywide, "Kirjasto 1")

    again = client.submit(f"/paper/{process.slug}/batches", {"budget": str(citywide.id), "label": "Kirjasto 1"})
    empty = client.submit(f"/paper/{process.slug}/batches", {"budget": str(citywide.id), "label": " "})

    assert again.status_code == empty.status_code == 422
    assert 'id="label-error"' in again.text and 'id="label-error"' in empty.text
    assert len(db.scalars(select(PaperBatch)).all()) == 1


def test_a_batch_of_another_round_is_not_found(client: FormClient, db: Session, settings: Settings) -> None:
    process, citywide, _ = registered_round(db, settings, client)
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    other = make_voting_process(db, slug="toinen-kierros")

    assert client.get(batch.replace(process.slug, other.slug)).status_code == 404
    assert client.get(f"/paper/{process.slug}/batches/999").status_code == 404
    assert client.get(f"{batch}/rounds/2").status_code == 404


def test_entries_completed_at_the_same_moment_can_be_compared_from_the_batch_page(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings
) -> None:
    process, citywide, ids = registered_round(db, settings, client)
    batch = create_batch(client, process, citywide, "Kirjasto 1")
    another_client.log_in(SAGA)
    type_round(client, batch, 1, {"1": [ids["Lava"]]})
    start_round(another_client, batch, 2)
    type_sheet(another_client, batch, 2, "1", [ids["Lava"]])
    # As if both had pressed "complete" at once: the second one's comparison did not run.
    entry = db.scalars(select(PaperEntry).where(PaperEntry.round == 2)).one()
    entry.is_complete = True
    db.commit()
    assert f'action="{batch}/compare"' in client.get(batch).text

    assert client.submit(f"{batch}/compare").status_code == 303

    assert db.scalars(select(PaperBatch)).one().status == BatchStatus.ACCEPTED
