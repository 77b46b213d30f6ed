"""Forms no voting page sends (tampered, stale or typed by hand) are answered with messages, never a 500, and
never stored: the server is the authority on the rules (issue 4)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.settings import Settings
from tests.conftest import FormClient
from tests.personas import AINO
from tests.voting.ballot_support import ballots_of, open_round

FORMS = [
    {"project": ["abc"]},
    {"project": ["99999999999999999999"]},
    {"project": ["-1"]},
    {"points-1": "1"},  # a cumulative field on an approval ballot names no choice
    {},
]


@pytest.mark.parametrize("form", FORMS, ids=["not a number", "huge", "negative", "wrong format", "empty"])
def test_a_tampered_approval_ballot_is_refused_with_a_message(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User], form: dict[str, object]
) -> None:
    voting = open_round(db, settings, personas)
    client.log_in(AINO)
    url = voting.vote_url(voting.citywide)

    assert client.submit(f"{url}/total", form, htmx=True).status_code == 200
    assert client.submit(url, {**form, "action": "review"}).status_code == 422
    assert client.submit(f"{url}/cast", form).status_code == 422
    assert ballots_of(db, voting.citywide) == []


@pytest.mark.parametrize(
    "value", ["-3", "2.5", "1e3", "５", "99999999999999999999", "<b>"], ids=["negative", "fraction", "exponent",
    "fullwidth digit", "huge", "markup"]
)  # fmt: skip
def test_points_that_are_not_whole_numbers_are_explained_next_to_the_project(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User], value: str
) -> None:
    voting = open_round(db, settings, personas, central_format="cumulative", points_total=10, points_per_project=5)
    penkit = voting.central_ids["Penkit"]
    client.log_in(AINO)

    refused = client.submit(voting.vote_url(voting.central, "/cast?lang=en"), {f"points-{penkit}": value})

    assert refused.status_code == 422 and f'id="points-{penkit}-error"' in refused.text
    assert "<b>" not in refused.text.split("<main", 1)[1]
    assert ballots_of(db, voting.central) == []
