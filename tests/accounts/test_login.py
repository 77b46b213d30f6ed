from __future__ import annotations

from pb.accounts.models import User
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, PEKKA


def session_cookie(client: FormClient) -> str | None:
    return client.cookies.get("pb_session")


def test_a_resident_logs_in_and_sees_their_account(client: FormClient, personas: dict[str, User]) -> None:
    response = client.submit("/login", {"email": AINO.email, "password": AINO.password})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    page = client.get("/account")
    assert page.status_code == 200
    assert AINO.email in page.text


def test_the_email_address_is_not_case_sensitive(client: FormClient, personas: dict[str, User]) -> None:
    response = client.submit("/login", {"email": "  AINO@Example.FI ", "password": AINO.password})
    assert response.status_code == 303


def test_a_wrong_password_is_reported_next_to_the_password_field(client: FormClient, personas: dict[str, User]) -> None:
    response = client.submit("/login", {"email": AINO.email, "password": "wrong password"})
    assert response.status_code == 422
    assert 'id="password-error"' in response.text
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(
    client: FormClient, personas: dict[str, User]
) -> None:
    unknown = client.submit("/login", {"email": "nobody@example.fi", "password": "whatever-123"})
    wrong = client.submit("/login", {"email": AINO.email, "password": "whatever-123"})
    assert unknown.status_code == wrong.status_code == 422
    assert unknown.text.replace("nobody@example.fi", "X") == wrong.text.replace(AINO.email, "X")


def test_logging_in_gives_a_new_session_id_and_ignores_a_planted_one(
    client: FormClient, personas: dict[str, User]
) -> None:
    planted = "attacker-chosen-session-id-0123456789"
    client.cookies.set("pb_session", planted, domain="testserver.local")
    client.log_in(AINO)
    assert session_cookie(client) not in (None, planted)


def test_logging_out_ends_the_session_for_good(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(AINO)
    old_session = session_cookie(client)
    assert old_session
    response = client.submit("/logout")
    assert response.status_code == 303
    assert session_cookie(client) is None
    # Replaying the old cookie does not bring the session back.
    client.cookies.set("pb_session", old_session, domain="testserver.local")
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_after_login_the_visitor_returns_to_the_page_they_wanted(client: FormClient, personas: dict[str, User]) -> None:
    redirect = client.get("/account", follow_redirects=False)
    assert redirect.headers["location"] == "/login?next=%2Faccount"
    response = client.submit("/login", {"email": AINO.email, "password": AINO.password, "next": "/account"})
    assert response.headers["location"] == "/account"


def test_it_does_not_redirect_to_another_site_after_login(client: FormClient, personas: dict[str, User]) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client.cookies.clear()
        response = client.submit("/login", {"email": AINO.email, "password": AINO.password, "next": target})
        assert response.headers["location"] == "/", target


def test_an_unconfirmed_account_can_log_in_and_is_told_to_confirm(
    client: FormClient, personas: dict[str, User]
) -> None:
    client.log_in(PEKKA)
    page = client.get("/account?lang=en")
    assert "Send a new confirmation link" in page.text


def test_the_language_follows_the_users_preference_after_login(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(ANNA)  # prefers English
    assert '<html lang="en">' in client.get("/").text


def test_an_account_is_locked_for_a_while_after_five_wrong_passwords(
    client: FormClient, personas: dict[str, User]
) -> None:
    for _ in range(5):
        client.submit("/login", {"email": AINO.email, "password": "guess-guess"})
    blocked = client.submit("/login?lang=en", {"email": AINO.email, "password": AINO.password})
    assert blocked.status_code == 422
    assert "Too many failed attempts" in blocked.text
    # Another account from the same address is not blocked by Aino's counter.
    assert client.submit("/login", {"email": ANNA.email, "password": ANNA.password}).status_code == 303


def test_one_address_trying_many_accounts_is_stopped_by_its_own_counter(
    client: FormClient, personas: dict[str, User]
) -> None:
    for number in range(20):
        client.submit("/login", {"email": f"guess{number}@example.fi", "password": "guess-guess"})
    blocked = client.submit("/login?lang=en", {"email": AINO.email, "password": AINO.password})
    assert "Too many failed attempts" in blocked.text


def test_a_password_hash_made_with_old_parameters_is_upgraded_at_login(
    client: FormClient, personas: dict[str, User], db: object
) -> None:
    from argon2 import PasswordHasher
    from sqlalchemy.orm import Session

    assert isinstance(db, Session)
    user = personas[AINO.email]
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(AINO.password)
    db.commit()
    client.log_in(AINO)
    db.refresh(user)
    assert user.password_hash is not None and "m=8,t=1,p=1" in user.password_hash
