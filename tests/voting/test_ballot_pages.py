"""Casting each ballot format through the voting pages, with htmx and without JavaScript (issue 4: "choosing a
project updates the running total and remaining budget (htmx; without JavaScript the same through form posts),
rule violations are explained before submitting, a review step, then a confirmation with a receipt code")."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.settings import Settings
from tests.conftest import FormClient
from tests.personas import AINO
from tests.voting.ballot_support import ballots_of, open_round, plain, receipt_on


def cast_without_javascript(client: FormClient, url: str, form: dict[str, Any]) -> str:
    """Review, cast, and read the receipt off the done page, as a browser without JavaScript does."""
    review = client.submit(f"{url}?lang=en", {**form, "action": "review"})
    assert review.status_code == 200, review.text
    assert "Review your ballot" in review.text and f'action="{url}/cast"' in review.text
    cast = client.submit(f"{url}/cast", form)
    assert cast.status_code == 303 and cast.headers["location"] == f"{url}/done"
    return receipt_on(client.get(f"{url}/done?lang=en").text)


def cast_with_htmx(client: FormClient, url: str, form: dict[str, Any]) -> str:
    cast = client.submit(f"{url}/cast", form, htmx=True)
    assert cast.status_code == 200 and cast.headers["hx-redirect"] == f"{url}/done"
    return receipt_on(client.get(f"{url}/done?lang=en").text)


def test_aino_casts_an_approval_ballot_without_javascript_and_gets_her_receipt_once(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    ids = voting.citywide_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.citywide)

    page = client.get(f"{url}?lang=en")
    assert page.status_code == 200
    assert 'aria-live="polite"' in page.text and f'hx-post="{url}/total"' in page.text
    assert f'name="project" value="{ids["Uimaranta"]}"' in page.text

    chosen = {"project": [str(ids["Uimaranta"]), str(ids["Kirjastoauto"])]}
    updated = client.submit(f"{url}?lang=en", {**chosen, "action": "update"})
    assert updated.status_code == 200 and "<html" in updated.text
    assert "Chosen: 2, total cost 300 000,00 €." in plain(updated.text)
    assert "Budget left: 200 000,00 €." in plain(updated.text)

    receipt = cast_without_javascript(client, url, chosen)

    assert ballots_of(db, voting.citywide) == [{ids["Uimaranta"]: 1, ids["Kirjastoauto"]: 1}]
    again = client.get(f"{url}/done?lang=en")
    assert receipt not in again.text and "cannot be shown again" in again.text


def test_with_htmx_a_change_returns_only_the_running_total(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    ids = voting.citywide_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.citywide)

    fragment = client.submit(f"{url}/total?lang=en", {"project": [str(ids["Uimaranta"]), str(ids["Lava"])]}, htmx=True)

    assert fragment.status_code == 200 and fragment.headers["vary"] == "HX-Request"
    assert "<html" not in fragment.text and "<form" not in fragment.text
    text = plain(fragment.text)
    assert "Chosen: 2, total cost 600 000,00 €." in text and "Over the budget by 100 000,00 €." in text
    # The rule problem is explained before submitting, with the money in the reader's format.
    assert "The chosen projects cost 100 000,00 € more than the budget. Remove some projects." in text
    finnish = client.submit(f"{url}/total?lang=fi", {"project": [str(ids["Uimaranta"])]}, htmx=True)
    assert "200 000,00 €" in plain(finnish.text) and "<html" not in finnish.text


def test_without_htmx_the_total_address_answers_with_the_whole_ballot_page(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    client.log_in(AINO)
    url = voting.vote_url(voting.citywide)

    page = client.submit(f"{url}/total?lang=en", {"project": [str(voting.citywide_ids["Lava"])]})

    assert page.status_code == 200 and "<html" in page.text
    assert f'value="{voting.citywide_ids["Lava"]}" checked' in page.text
    assert "Budget left: 100 000,00 €." in plain(page.text)


def test_an_approval_ballot_over_the_budget_is_refused_next_to_the_projects(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    ids = voting.citywide_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.citywide)
    over = {"project": [str(ids["Uimaranta"]), str(ids["Lava"])]}

    review = client.submit(f"{url}?lang=en", {**over, "action": "review"})
    assert review.status_code == 422
    assert 'id="choices-error"' in review.text and 'aria-describedby="choices-error"' in review.text
    assert "There is a problem" in review.text and "more than the budget" in review.text
    # The choices are kept, so the voter only removes a project.
    assert f'value="{ids["Lava"]}" checked' in review.text

    cast = client.submit(f"{url}/cast?lang=en", over)
    assert cast.status_code == 422 and 'id="choices-error"' in cast.text
    fragment = client.submit(f"{url}/cast?lang=en", over, htmx=True)
    assert fragment.status_code == 422 and "<html" not in fragment.text and "more than the budget" in fragment.text
    assert ballots_of(db, voting.citywide) == []


def test_an_approval_ballot_must_spend_the_minimum_share_and_keep_the_number_of_projects(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas, min_spend_percent=50, max_choices=2)
    ids = voting.central_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.central)

    page = client.get(f"{url}?lang=en")
    assert "Choose projects worth at least 50 % of the budget." in page.text
    too_little = client.submit(f"{url}?lang=en", {"project": [str(ids["Penkit"])], "action": "review"})
    assert too_little.status_code == 422 and "worth at least 50 % of the budget" in too_little.text
    three = [str(ids["Valaistus"]), str(ids["Kukat"]), str(ids["Kirppis"])]
    too_many = client.submit(f"{url}?lang=en", {"project": three, "action": "review"})
    assert too_many.status_code == 422 and "Choose at most 2 projects." in too_many.text

    cast_without_javascript(client, url, {"project": [str(ids["Valaistus"])]})
    assert ballots_of(db, voting.central) == [{ids["Valaistus"]: 1}]


@pytest.mark.parametrize("htmx", [False, True], ids=["without JavaScript", "with htmx"])
def test_aino_casts_a_k_approval_ballot_of_at_most_k_projects(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User], htmx: bool
) -> None:
    voting = open_round(db, settings, personas, central_format="k_approval", max_choices=2)
    ids = voting.central_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.central)

    page = client.get(f"{url}?lang=en")
    assert "Choose between 1 and 2 projects." in page.text
    three = {"project": [str(ids["Penkit"]), str(ids["Valaistus"]), str(ids["Kukat"])]}
    total = client.submit(f"{url}/total?lang=en", three, htmx=htmx)
    assert "Chosen: 3 of at most 2 projects." in total.text and "Choose at most 2 projects." in total.text
    two = {"project": [str(ids["Penkit"]), str(ids["Valaistus"])]}

    (cast_with_htmx if htmx else cast_without_javascript)(client, url, two)

    assert ballots_of(db, voting.central) == [{ids["Penkit"]: 1, ids["Valaistus"]: 1}]


@pytest.mark.parametrize("htmx", [False, True], ids=["without JavaScript", "with htmx"])
def test_aino_distributes_her_points_on_a_cumulative_ballot(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User], htmx: bool
) -> None:
    voting = open_round(db, settings, personas, central_format="cumulative", points_total=10, points_per_project=5)
    ids = voting.central_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.central)

    page = client.get(f"{url}?lang=en")
    assert f'name="points-{ids["Penkit"]}"' in page.text and "You have 10 points." in page.text
    total = client.submit(
        f"{url}/total?lang=en", {f"points-{ids['Penkit']}": "4", f"points-{ids['Kukat']}": ""}, htmx=htmx
    )
    assert "Points given: 4 of 10." in total.text and "Points left: 6." in total.text

    too_many = client.submit(f"{url}?lang=en", {f"points-{ids['Penkit']}": "6", "action": "review"})
    assert too_many.status_code == 422
    assert (
        f'id="points-{ids["Penkit"]}-error"' in too_many.text and "Give this project at most 5 points." in too_many.text
    )
    not_a_number = client.submit(f"{url}?lang=en", {f"points-{ids['Penkit']}": "kolme", "action": "review"})
    assert not_a_number.status_code == 422 and "Enter the points as a whole number" in not_a_number.text

    form = {f"points-{ids['Penkit']}": "5", f"points-{ids['Kukat']}": "3", f"points-{ids['Valaistus']}": "0"}
    (cast_with_htmx if htmx else cast_without_javascript)(client, url, form)

    assert ballots_of(db, voting.central) == [{ids["Penkit"]: 5, ids["Kukat"]: 3}]


@pytest.mark.parametrize("htmx", [False, True], ids=["without JavaScript", "with htmx"])
def test_aino_ranks_projects_on_a_ranked_ballot(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User], htmx: bool
) -> None:
    voting = open_round(db, settings, personas, central_format="ranked", max_choices=3)
    ids = voting.central_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.central)

    page = client.get(f"{url}?lang=en")
    assert f'<select id="rank-{ids["Penkit"]}" name="rank-{ids["Penkit"]}"' in page.text
    assert "Place 3" in page.text and "Place 4" not in page.text
    gap = {f"rank-{ids['Penkit']}": "1", f"rank-{ids['Kukat']}": "3"}
    total = client.submit(f"{url}/total?lang=en", gap, htmx=htmx)
    assert "Number your choices 1, 2, 3 … without gaps or repeats." in total.text
    refused = client.submit(f"{url}?lang=en", {**gap, "action": "review"})
    assert refused.status_code == 422

    form = {f"rank-{ids['Kukat']}": "1", f"rank-{ids['Penkit']}": "2", f"rank-{ids['Valaistus']}": ""}
    (cast_with_htmx if htmx else cast_without_javascript)(client, url, form)

    assert ballots_of(db, voting.central) == [{ids["Kukat"]: 1, ids["Penkit"]: 2}]


def test_the_review_step_keeps_the_choices_when_the_voter_goes_back_to_change_them(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas, central_format="ranked", max_choices=3)
    ids = voting.central_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.central)
    form = {f"rank-{ids['Kukat']}": "1", f"rank-{ids['Penkit']}": "2"}

    review = client.submit(f"{url}?lang=en", {**form, "action": "review"})
    assert f'<input type="hidden" name="rank-{ids["Kukat"]}" value="1">' in review.text
    assert review.text.index("Kukat") < review.text.index("Penkit")  # read back in the order of the ranks
    back = client.submit(f"{url}?lang=en", {**form, "action": "edit"})

    assert back.status_code == 200 and '<option value="2" selected>Place 2</option>' in back.text
    assert ballots_of(db, voting.central) == []


def test_the_project_search_and_order_keep_the_choices_the_search_hides(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    ids = voting.citywide_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.citywide)

    found = client.submit(
        f"{url}?lang=en", {"project": [str(ids["Lava"])], "q": "skeitti", "sort": "cost", "action": "filter"}
    )

    assert found.status_code == 200
    assert f'id="project-{ids["Skeittipuisto"]}"' in found.text
    assert f'id="project-{ids["Lava"]}"' not in found.text
    assert f'<input type="hidden" name="project" value="{ids["Lava"]}">' in found.text
    assert "Showing 1 of 4 projects." in found.text and "1 of your choices is hidden by the search" in found.text
    ordered = client.get(f"{url}?sort=-cost&lang=en").text
    positions = [ordered.index(f'id="project-{ids[title]}"') for title in ("Lava", "Uimaranta", "Skeittipuisto")]
    assert positions == sorted(positions)
