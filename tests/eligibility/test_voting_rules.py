"""The admin sets the rules of the vote: minimum age, budget rule, ways to vote and each budget's ballot.
Validated with the ballot rules' own checks, and fixed once voting has started."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.processes.models import Process
from tests.conftest import FormClient
from tests.personas import ANNA, RIIKKA
from tests.voting_support import budgets, make_voting_process


def rules_form(process: Process, **changes: Any) -> dict[str, Any]:
    citywide, central = budgets(process)
    form: dict[str, Any] = {
        "minimum_age": "13",
        "budget_rule": "citywide_plus_one",
        "voting_methods": ["census_and_code", "assisted", "paper"],
        f"ballot_format_{citywide.id}": "approval",
        f"min_spend_percent_{citywide.id}": "50",
        f"ballot_format_{central.id}": "cumulative",
        f"points_total_{central.id}": "10",
        f"points_per_project_{central.id}": "5",
        # Ignored by the cumulative format's neighbours: a stale value from another format is not kept.
        f"min_spend_percent_{central.id}": "30",
    }
    form.update(changes)
    return form


def test_an_admin_sets_the_rules_and_each_budgets_ballot_before_voting(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_voting_process(db, open_phase="review")
    client.log_in(ANNA)
    page = client.get(f"/admin/processes/{process.id}/voting?lang=en").text
    assert "identity codes are not secret" in page and "not configured in this installation" in page

    response = client.submit(f"/admin/processes/{process.id}/voting", rules_form(process))

    assert response.status_code == 303
    db.expire_all()
    saved = db.get_one(Process, process.id)
    citywide, central = budgets(saved)
    assert (saved.minimum_age, saved.budget_rule) == (13, "citywide_plus_one")
    assert saved.voting_methods == ["census_and_code", "assisted", "paper"]
    assert (citywide.ballot_format, citywide.min_spend_percent, citywide.max_choices) == ("approval", 50, None)
    assert (central.ballot_format, central.points_total, central.points_per_project) == ("cumulative", 10, 5)
    assert central.min_spend_percent == 0
    (event,) = db.scalars(select(AuditEvent)).all()
    assert event.action == "process.voting_rules_updated" and event.after is not None
    assert event.after["minimum_age"] == 13 and event.before is not None and event.before["minimum_age"] == 12


def test_ballot_limits_that_make_no_ballot_are_explained_next_to_their_fields(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_voting_process(db, open_phase="review")
    citywide, central = budgets(process)
    client.log_in(ANNA)
    form = rules_form(
        process,
        **{
            f"ballot_format_{citywide.id}": "ranked",  # ranked needs k
            f"min_spend_percent_{citywide.id}": "",
            f"points_per_project_{central.id}": "",  # cumulative needs m
            "minimum_age": "twelve",
        },
    )

    response = client.submit(f"/admin/processes/{process.id}/voting", form)

    assert response.status_code == 422
    for name in (f"max_choices_{citywide.id}", f"points_per_project_{central.id}", "minimum_age"):
        assert f'id="{name}-error"' in response.text, name
    db.expire_all()
    assert db.get_one(Process, process.id).minimum_age == 12


def test_no_way_to_vote_or_the_census_check_both_alone_and_with_a_code_is_refused(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_voting_process(db, open_phase="review")
    client.log_in(ANNA)
    for methods in ([], ["census", "census_and_code"]):
        response = client.submit(f"/admin/processes/{process.id}/voting", rules_form(process, voting_methods=methods))
        assert response.status_code == 422 and 'id="voting_methods-error"' in response.text, methods


def test_once_voting_has_started_the_rules_are_shown_but_cannot_be_changed(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_voting_process(db, open_phase="voting")
    client.log_in(ANNA)
    page = client.get(f"/admin/processes/{process.id}/voting?lang=en").text
    assert "can no longer be changed" in page and 'action="/admin/processes/' not in page.split("<main", 1)[1]

    response = client.submit(f"/admin/processes/{process.id}/voting", rules_form(process))

    assert response.status_code == 303
    assert "can no longer be changed" in client.get(response.headers["location"] + "?lang=en").text
    db.expire_all()
    assert db.get_one(Process, process.id).minimum_age == 12
    assert db.scalars(select(AuditEvent)).all() == []


def test_the_round_page_links_to_the_voting_pages(client: FormClient, personas: dict[str, User], db: Session) -> None:
    process = make_voting_process(db, open_phase="review")
    client.log_in(ANNA)
    page = client.get(f"/admin/processes/{process.id}").text
    for path in ("voting", "census", "codes"):
        assert f'href="/admin/processes/{process.id}/{path}"' in page


def test_a_reviewer_and_a_resident_are_refused_the_rules(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_voting_process(db, open_phase="review")
    client.log_in(RIIKKA)
    assert client.get(f"/admin/processes/{process.id}/voting").status_code == 403
    assert client.submit(f"/admin/processes/{process.id}/voting", rules_form(process)).status_code == 403
    db.expire_all()
    assert db.get_one(Process, process.id).minimum_age == 12
