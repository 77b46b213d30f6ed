"""Registration with a letter's code on the public page: good, bad and reused codes, consent with its version,
the household key, and registration only while it is open."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.audit.models import AuditEvent
from pb.panels.models import Invitation, PanelAddress, PrivacyNotice, Registration
from pb.panels.recruitment import code_hash
from pb.settings import Settings
from tests.conftest import FormClient, add_persona
from tests.panels.support import FANNI, recruiting_panel, registration_form


def test_sixten_registers_with_the_code_of_his_letter(client: FormClient, db: Session, settings: Settings) -> None:
    arranged = recruiting_panel(db, add_persona(db, FANNI), settings.secret_key)
    page = client.get(f"/panels/{arranged.panel.slug}/register?lang=sv")
    assert page.status_code == 200
    assert "Dataskydd v1" in page.text

    # Typed as people type: lower case, spaces instead of dashes.
    typed = arranged.codes[0].lower().replace("-", " ")
    response = client.submit(f"/panels/{arranged.panel.slug}/register?lang=en", registration_form(arranged, typed))

    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/panels/{arranged.panel.slug}/register/done"
    person = db.scalars(select(Registration)).one()
    first = db.scalars(select(Invitation).where(Invitation.position == 1)).one()
    address = db.get(PanelAddress, first.address_id)
    assert (person.name, person.email, person.language) == ("Sixten Lindqvist", "sixten@example.fi", "sv")
    assert person.household_key == address.address_key  # type: ignore[union-attr]
    assert person.answers == {
        str(arranged.gender.id): str(arranged.gender.values[1].id),
        str(arranged.language.id): str(arranged.language.values[1].id),
    }
    assert person.willing_reserve and person.available_all_sessions
    assert person.accessibility_needs == "Hörslinga"
    assert db.get(PrivacyNotice, person.privacy_notice_id).version == 1  # type: ignore[union-attr]
    assert person.consented_at is not None
    assert first.used_at is not None
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.registered")).one()
    assert "Sixten" not in str(event.after)
    assert client.get(response.headers["location"]).status_code == 200


def test_a_code_that_is_not_in_any_letter_is_refused_next_to_the_field(
    client: FormClient, db: Session, settings: Settings
) -> None:
    arranged = recruiting_panel(db, add_persona(db, FANNI), settings.secret_key)

    response = client.submit(
        f"/panels/{arranged.panel.slug}/register?lang=en", registration_form(arranged, "ZZZZ-ZZZZ-ZZZZ")
    )

    assert response.status_code == 422
    assert 'id="code-error"' in response.text
    assert "not valid for this panel" in response.text
    assert 'aria-invalid="true"' in response.text
    assert db.scalars(select(Registration)).all() == []


def test_a_code_registers_one_person_only(client: FormClient, db: Session, settings: Settings) -> None:
    arranged = recruiting_panel(db, add_persona(db, FANNI), settings.secret_key)
    client.submit(f"/panels/{arranged.panel.slug}/register?lang=en", registration_form(arranged, arranged.codes[2]))

    again = client.submit(
        f"/panels/{arranged.panel.slug}/register?lang=en", registration_form(arranged, arranged.codes[2], name="Sigrid")
    )

    assert again.status_code == 422
    assert 'id="code-error"' in again.text
    assert "already registered with this code" in again.text
    assert db.scalars(select(Registration.name)).all() == ["Sixten Lindqvist"]


def test_a_code_of_another_panel_is_not_valid_here(client: FormClient, db: Session, settings: Settings) -> None:
    fanni = add_persona(db, FANNI)
    arranged = recruiting_panel(db, fanni, settings.secret_key)
    # The same code text hashed for another panel id does not match this panel's letters.
    assert code_hash(settings.secret_key, arranged.panel.id, "AAAA") != code_hash(
        settings.secret_key, arranged.panel.id + 1, "AAAA"
    )


def test_registration_needs_consent_to_the_current_privacy_text(
    client: FormClient, db: Session, settings: Settings
) -> None:
    arranged = recruiting_panel(db, add_persona(db, FANNI), settings.secret_key)
    path = f"/panels/{arranged.panel.slug}/register"

    without = client.submit(path, registration_form(arranged, arranged.codes[0], consent=""))
    outdated = client.submit(path, registration_form(arranged, arranged.codes[0], privacy_version="0"))

    for response in (without, outdated):
        assert response.status_code == 422
        assert 'id="consent-error"' in response.text
    assert db.scalars(select(Registration)).all() == []
    assert db.scalars(select(Invitation.used_at).where(Invitation.position == 1)).one() is None


def test_every_missing_answer_is_named(client: FormClient, db: Session, settings: Settings) -> None:
    arranged = recruiting_panel(db, add_persona(db, FANNI), settings.secret_key)
    form = registration_form(arranged, arranged.codes[0], name="", email="", phone="")
    del form[f"category_{arranged.gender.id}"]

    response = client.submit(f"/panels/{arranged.panel.slug}/register", form)

    assert response.status_code == 422
    for field in ("name", "email", f"category_{arranged.gender.id}"):
        assert f'id="{field}-error"' in response.text, field


def test_registration_is_closed_after_its_last_day(client: FormClient, db: Session, settings: Settings) -> None:
    arranged = recruiting_panel(db, add_persona(db, FANNI), settings.secret_key)
    arranged.panel.registration_closes_on = date.today() - timedelta(days=2)
    db.commit()

    response = client.submit(
        f"/panels/{arranged.panel.slug}/register?lang=en", registration_form(arranged, arranged.codes[0])
    )

    assert response.status_code == 409
    assert db.scalars(select(Registration)).all() == []
    assert "not open" in client.get(f"/panels/{arranged.panel.slug}/register").text


def test_guessing_codes_is_slowed_down(client: FormClient, db: Session, settings: Settings) -> None:
    arranged = recruiting_panel(db, add_persona(db, FANNI), settings.secret_key)
    path = f"/panels/{arranged.panel.slug}/register?lang=en"
    for attempt in range(30):
        client.submit(path, registration_form(arranged, f"GUES-S{attempt:03d}-XXXX"))

    response = client.submit(path, registration_form(arranged, arranged.codes[0]))

    assert response.status_code == 422
    assert "Too many wrong codes" in response.text
    assert db.scalars(select(Registration)).all() == []


def test_an_unpublished_panel_has_no_public_pages(client: FormClient, db: Session, settings: Settings) -> None:
    arranged = recruiting_panel(db, add_persona(db, FANNI), settings.secret_key)
    arranged.panel.is_published = False
    db.commit()
    assert client.get(f"/panels/{arranged.panel.slug}").status_code == 404
    assert client.get(f"/panels/{arranged.panel.slug}/register").status_code == 404
