"""Assisted voting: an assistant checks a person's identity, the census confirms them, and the assistant's device
becomes a kiosk for that one voter until it is reset (issue 4, "Eligibility and channels")."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.processes.models import VotingMethod
from pb.settings import Settings
from pb.voting.models import Ballot, Channel, VoterRecord
from tests.conftest import FormClient
from tests.paper.support import VILLE, add_voting_staff, person_form
from tests.voting_support import (
    AINO_IN_CENSUS,
    SIXTEN_IN_CENSUS,
    Resident,
    add_census,
    budgets,
    keys_for,
    make_voting_process,
    project_ids,
)

IN_PROGRESS = "kiosk-in-progress"


def test_an_assistant_sees_the_rounds_open_for_assisted_voting(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    open_round = make_voting_process(db, slug="lahibudjetti-2026")
    make_voting_process(db, slug="ennen-aanestysta", open_phase="review")
    without_assistants = make_voting_process(db, slug="vain-verkossa")
    without_assistants.voting_methods = [VotingMethod.CENSUS]
    db.commit()
    add_voting_staff(db)
    client.log_in(VILLE)

    page = client.get("/assist").text

    assert f'href="/assist/{open_round.slug}"' in page
    assert "/assist/ennen-aanestysta" not in page
    assert "/assist/vain-verkossa" not in page
    assert client.get("/assist/vain-verkossa").status_code == 404


def test_the_assistant_starts_a_kiosk_voter_and_the_device_goes_to_the_voting_pages(
    client: FormClient, db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, SIXTEN_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)
    assert IN_PROGRESS not in client.get(f"/assist/{process.slug}").text

    response = client.submit(f"/assist/{process.slug}", person_form(SIXTEN_IN_CENSUS))

    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/processes/{process.slug}/vote"
    assert IN_PROGRESS in client.get(f"/assist/{process.slug}").text


def test_reset_clears_the_kiosk_voter_for_the_next_person(client: FormClient, db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, SIXTEN_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)
    client.submit(f"/assist/{process.slug}", person_form(SIXTEN_IN_CENSUS))

    response = client.submit(f"/assist/{process.slug}/reset")

    assert response.status_code == 303
    assert response.headers["location"] == f"/assist/{process.slug}"
    page = client.get(f"/assist/{process.slug}").text
    assert IN_PROGRESS not in page
    assert 'name="identifier"' in page


def test_the_assistant_must_confirm_checking_the_identity_document(
    client: FormClient, db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, SIXTEN_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)

    response = client.submit(f"/assist/{process.slug}", person_form(SIXTEN_IN_CENSUS, id_checked=""))

    assert response.status_code == 422
    assert 'id="id_checked-error"' in response.text
    assert IN_PROGRESS not in response.text


def test_a_person_not_in_the_census_or_too_young_is_refused(
    client: FormClient, db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    process.minimum_age = 18
    db.commit()
    add_census(db, keys_for(settings), process, SIXTEN_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)

    stranger = client.submit(f"/assist/{process.slug}", person_form(AINO_IN_CENSUS))
    too_young = client.submit(f"/assist/{process.slug}", person_form(SIXTEN_IN_CENSUS))

    assert stranger.status_code == 422
    assert "identifier-error" in stranger.text
    assert too_young.status_code == 422
    assert "birth_date-error" in too_young.text
    # The identifier is never shown back on the page.
    assert AINO_IN_CENSUS.identifier not in stranger.text


def test_guessing_a_birth_date_is_throttled_per_identifier(client: FormClient, db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)
    for day in range(1, 6):
        wrong = person_form(AINO_IN_CENSUS, birth_date=f"{day}.1.1990")
        assert client.submit(f"/assist/{process.slug}", wrong).status_code == 422

    right = client.submit(f"/assist/{process.slug}", person_form(AINO_IN_CENSUS))

    assert right.status_code == 422
    assert "identifier-error" in right.text
    assert IN_PROGRESS not in client.get(f"/assist/{process.slug}").text


def test_nobody_can_be_started_when_voting_is_not_open(client: FormClient, db: Session, settings: Settings) -> None:
    process = make_voting_process(db, open_phase="review")
    add_census(db, keys_for(settings), process, SIXTEN_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)

    assert 'name="identifier"' not in client.get(f"/assist/{process.slug}").text
    response = client.submit(f"/assist/{process.slug}", person_form(SIXTEN_IN_CENSUS))

    assert response.status_code == 422
    assert IN_PROGRESS not in client.get(f"/assist/{process.slug}").text


def test_the_audit_log_says_who_helped_where_and_when_but_not_whom(
    client: FormClient, db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, SIXTEN_IN_CENSUS)
    assistant = add_voting_staff(db)[VILLE.email]
    client.log_in(VILLE)

    client.submit(f"/assist/{process.slug}", person_form(SIXTEN_IN_CENSUS))

    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "assisted_voting.started")).one()
    assert (event.actor_id, event.object_type, event.object_id) == (assistant.id, "process", str(process.id))
    stored = json.dumps([event.before, event.after, event.object_id])
    person = keys_for(settings).person(SIXTEN_IN_CENSUS.identifier)
    for secret in (SIXTEN_IN_CENSUS.identifier, person, SIXTEN_IN_CENSUS.birth_date.isoformat()):
        assert secret not in stored


def test_a_resident_cannot_start_a_kiosk_voter(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    from tests.personas import AINO

    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, Resident("010101-9999", SIXTEN_IN_CENSUS.birth_date, "saaristo"))
    client.log_in(AINO)

    assert client.get(f"/assist/{process.slug}").status_code == 403
    assert client.submit(f"/assist/{process.slug}", person_form(SIXTEN_IN_CENSUS)).status_code == 403


def test_a_kiosk_voter_casts_a_ballot_on_the_assistants_device_and_the_next_voter_starts_afresh(
    client: FormClient, db: Session, settings: Settings
) -> None:
    keys = keys_for(settings)
    process = make_voting_process(db)
    citywide, _ = budgets(process)
    ids = project_ids(db, citywide)
    add_census(db, keys, process, SIXTEN_IN_CENSUS)
    add_voting_staff(db)
    client.log_in(VILLE)
    client.submit(f"/assist/{process.slug}", person_form(SIXTEN_IN_CENSUS))
    assert client.get(f"/processes/{process.slug}/vote").status_code == 200

    cast = client.submit(f"/processes/{process.slug}/vote/{citywide.id}/cast", {"project": [str(ids["Lava"])]})

    assert cast.status_code == 303, cast.text
    done = client.get(cast.headers["location"]).text
    assert f'action="/assist/{process.slug}/reset"' in done
    record = db.scalars(select(VoterRecord)).one()
    assert (record.voter_key, record.channel) == (keys.person(SIXTEN_IN_CENSUS.identifier), Channel.ASSISTED)
    assert db.scalars(select(Ballot)).one().choices == [[ids["Lava"], 1]]

    assert client.submit(f"/assist/{process.slug}/reset").status_code == 303
    # The device no longer holds Sixten: his ballot cannot be seen or changed from it.
    ballot_page = client.get(f"/processes/{process.slug}/vote/{citywide.id}")
    assert ballot_page.status_code == 403
    assert 'name="project"' not in ballot_page.text
    again = client.submit(f"/processes/{process.slug}/vote/{citywide.id}/cast", {"project": [str(ids["Uimaranta"])]})
    assert again.status_code == 403
    assert db.scalars(select(Ballot)).one().choices == [[ids["Lava"], 1]]
