from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from tests.conftest import FormClient, Mailbox, count
from tests.personas import AINO

GOOD = {
    "email": "Maija.Meikalainen@Example.fi",
    "display_name": "Maija",
    "password": "kolme sanaa peräkkäin",
    "password_again": "kolme sanaa peräkkäin",
    "language": "fi",
    "accept_terms": "yes",
}


def test_a_new_resident_gets_a_confirmation_link_and_can_confirm_it(
    client: FormClient, mailbox: Mailbox, db: Session
) -> None:
    response = client.submit("/register", GOOD)
    assert response.status_code == 303
    assert response.headers["location"] == "/register/sent"

    user = db.scalars(select(User).where(User.email == "maija.meikalainen@example.fi")).one()
    assert user.email_verified_at is None
    assert user.role_names == {Role.RESIDENT}
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")

    message = mailbox.last_to("maija.meikalainen@example.fi")
    assert message["Subject"] == "Vahvista sähköpostiosoitteesi"
    link = mailbox.link_in_last_to("maija.meikalainen@example.fi")
    path = link.removeprefix("http://testserver.local")
    assert client.get(path).status_code == 200
    confirmed = client.submit(path)
    assert confirmed.headers["location"] == "/login?notice=verified"
    db.refresh(user)
    assert user.email_verified_at is not None


def test_a_confirmation_link_works_only_once(client: FormClient, mailbox: Mailbox) -> None:
    client.submit("/register", GOOD)
    path = mailbox.link_in_last_to("maija.meikalainen@example.fi").removeprefix("http://testserver.local")
    assert client.submit(path).status_code == 303
    again = client.submit(path)
    assert again.status_code == 404
    assert "already been used" in again.text or "käytetty" in again.text


def test_registering_a_taken_address_looks_the_same_but_tells_the_owner_by_email(
    client: FormClient, mailbox: Mailbox, personas: dict[str, User], db: Session
) -> None:
    users_before = count(db, "users")
    response = client.submit("/register", {**GOOD, "email": AINO.email})
    assert response.status_code == 303
    assert response.headers["location"] == "/register/sent"
    assert count(db, "users") == users_before
    assert "/password-reset" in mailbox.link_in_last_to(AINO.email)


def test_it_shows_each_problem_next_to_its_field_and_keeps_what_was_typed(client: FormClient, db: Session) -> None:
    response = client.submit(
        "/register",
        {
            "email": "not-an-address",
            "display_name": "  ",
            "password": "short",
            "password_again": "x",
            "language": "de",
            "accept_terms": "",
        },
    )
    assert response.status_code == 422
    page = response.text
    for field_name in ("email", "display_name", "password", "language", "accept_terms"):
        assert f'id="{field_name}-error"' in page, field_name
    assert 'aria-invalid="true"' in page
    assert 'value="not-an-address"' in page
    assert "kolme" not in page  # passwords are never echoed back
    assert count(db, "users") == 0


def test_the_form_speaks_the_visitors_language(client: FormClient) -> None:
    response = client.submit("/register?lang=sv", {**GOOD, "email": ""})
    assert response.status_code == 422
    assert '<html lang="sv">' in response.text
    assert "Ange din e-postadress." in response.text


def test_mismatched_passwords_are_reported_on_the_second_field(client: FormClient) -> None:
    response = client.submit("/register", {**GOOD, "password_again": "something else entirely"})
    assert response.status_code == 422
    assert 'id="password_again-error"' in response.text
