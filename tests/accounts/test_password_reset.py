from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import AccountToken, User
from tests.conftest import FormClient, Mailbox
from tests.personas import AINO


def reset_link(client: FormClient, mailbox: Mailbox, email: str) -> str:
    response = client.submit("/password-reset", {"email": email})
    assert response.headers["location"] == "/password-reset/sent"
    return mailbox.link_in_last_to(email).removeprefix("http://testserver.local")


def test_a_resident_who_forgot_the_password_chooses_a_new_one_by_email(
    client: FormClient, mailbox: Mailbox, personas: dict[str, User]
) -> None:
    path = reset_link(client, mailbox, AINO.email)
    assert client.get(path).status_code == 200
    new = "uusi salasana tänään"
    response = client.submit(path, {"password": new, "password_again": new})
    assert response.headers["location"] == "/login?notice=reset"
    assert client.submit("/login", {"email": AINO.email, "password": AINO.password}).status_code == 422
    assert client.submit("/login", {"email": AINO.email, "password": new}).status_code == 303


def test_a_reset_link_works_only_once(client: FormClient, mailbox: Mailbox, personas: dict[str, User]) -> None:
    path = reset_link(client, mailbox, AINO.email)
    client.submit(path, {"password": "first new password", "password_again": "first new password"})
    again = client.submit(path, {"password": "second new password", "password_again": "second new password"})
    assert again.status_code == 404


def test_a_reset_link_expires_after_an_hour(
    client: FormClient, mailbox: Mailbox, personas: dict[str, User], db: Session
) -> None:
    path = reset_link(client, mailbox, AINO.email)
    token = db.scalars(select(AccountToken).where(AccountToken.used_at.is_(None))).one()
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.commit()
    assert client.get(path).status_code == 404


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client: FormClient, mailbox: Mailbox, personas: dict[str, User]
) -> None:
    response = client.submit("/password-reset", {"email": "nobody@example.fi"})
    assert response.headers["location"] == "/password-reset/sent"
    assert mailbox.messages == []


def test_resetting_the_password_ends_sessions_on_other_devices(
    client: FormClient, another_client: FormClient, mailbox: Mailbox, personas: dict[str, User]
) -> None:
    another_client.log_in(AINO)
    assert another_client.get("/account").status_code == 200
    path = reset_link(client, mailbox, AINO.email)
    client.submit(path, {"password": "a brand new secret", "password_again": "a brand new secret"})
    assert another_client.get("/account", follow_redirects=False).status_code == 303


def test_a_too_short_new_password_is_refused_next_to_the_field(
    client: FormClient, mailbox: Mailbox, personas: dict[str, User]
) -> None:
    path = reset_link(client, mailbox, AINO.email)
    response = client.submit(path, {"password": "short", "password_again": "short"})
    assert response.status_code == 422
    assert 'id="password-error"' in response.text


def test_reset_requests_are_throttled_per_account(
    client: FormClient, mailbox: Mailbox, personas: dict[str, User]
) -> None:
    for _ in range(3):
        client.submit("/password-reset", {"email": AINO.email})
    blocked = client.submit("/password-reset?lang=en", {"email": AINO.email})
    assert blocked.status_code == 422
    assert "Too many requests" in blocked.text
    assert len(mailbox.to(AINO.email)) == 3
