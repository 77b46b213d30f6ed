from __future__ import annotations

from sqlalchemy.orm import Session

from pb.accounts.models import User
from tests.conftest import FormClient, Mailbox
from tests.personas import AINO, ANNA, SIXTEN


def test_a_resident_changes_their_name_and_language(client: FormClient, personas: dict[str, User], db: Session) -> None:
    client.log_in(AINO)
    response = client.submit("/account/profile", {"display_name": "Aino V.", "language": "sv"})
    assert response.headers["location"] == "/account"
    page = client.get("/account")
    assert '<html lang="sv">' in page.text
    assert 'value="Aino V."' in page.text
    user = personas[AINO.email]
    db.refresh(user)
    assert (user.display_name, user.preferred_language) == ("Aino V.", "sv")


def test_a_profile_with_an_empty_name_is_refused_next_to_the_field(
    client: FormClient, personas: dict[str, User]
) -> None:
    client.log_in(AINO)
    response = client.submit("/account/profile", {"display_name": "   ", "language": "fi"})
    assert response.status_code == 422
    assert 'id="display_name-error"' in response.text


def test_a_new_email_address_takes_effect_only_after_it_is_confirmed(
    client: FormClient, mailbox: Mailbox, personas: dict[str, User], db: Session
) -> None:
    client.log_in(SIXTEN)
    client.submit("/account/email", {"new_email": "sixten.ny@example.fi"})
    user = personas[SIXTEN.email]
    db.refresh(user)
    assert user.email == SIXTEN.email
    link = mailbox.link_in_last_to("sixten.ny@example.fi").removeprefix("http://testserver.local")
    assert client.submit(link).headers["location"] == "/account"
    db.refresh(user)
    assert user.email == "sixten.ny@example.fi"


def test_asking_for_an_address_that_is_taken_reveals_nothing_and_sends_nothing(
    client: FormClient, mailbox: Mailbox, personas: dict[str, User]
) -> None:
    client.log_in(SIXTEN)
    response = client.submit("/account/email", {"new_email": ANNA.email})
    assert response.status_code == 303
    assert mailbox.to(ANNA.email) == []


def test_changing_the_password_needs_the_current_one(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(AINO)
    response = client.submit(
        "/account/password",
        {"current_password": "not it", "new_password": "new long password", "new_password_again": "new long password"},
    )
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.text


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    client: FormClient, another_client: FormClient, personas: dict[str, User]
) -> None:
    client.log_in(AINO)
    another_client.log_in(AINO)
    response = client.submit(
        "/account/password",
        {
            "current_password": AINO.password,
            "new_password": "new long password",
            "new_password_again": "new long password",
        },
    )
    assert response.headers["location"] == "/account"
    assert client.get("/account").status_code == 200
    assert another_client.get("/account", follow_redirects=False).status_code == 303


def test_a_resident_can_ask_for_a_new_confirmation_link(
    client: FormClient, mailbox: Mailbox, personas: dict[str, User]
) -> None:
    from tests.personas import PEKKA

    client.log_in(PEKKA)
    client.submit("/account/verification")
    assert "/verify-email/" in mailbox.link_in_last_to(PEKKA.email)
