from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from pb.audit.models import AuditEvent
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, RIIKKA


def test_an_admin_grants_a_role_and_the_audit_log_records_before_and_after(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    client.log_in(ANNA)
    aino = personas[AINO.email]
    response = client.submit(f"/admin/users/{aino.id}/roles", {"roles": ["moderator", "reviewer"]})
    assert response.headers["location"] == f"/admin/users/{aino.id}"
    db.expire_all()
    assert db.get_one(User, aino.id).role_names == {Role.RESIDENT, Role.MODERATOR, Role.REVIEWER}
    event = db.scalars(select(AuditEvent)).one()
    assert (event.action, event.object_type, event.object_id) == ("user.roles_changed", "user", str(aino.id))
    assert event.actor_id == personas[ANNA.email].id
    assert event.before == {"roles": ["resident"]}
    assert event.after == {"roles": ["moderator", "resident", "reviewer"]}
    assert event.client_address


def test_an_admin_removes_a_role(client: FormClient, personas: dict[str, User], db: Session) -> None:
    client.log_in(ANNA)
    riikka = personas[RIIKKA.email]
    client.submit(f"/admin/users/{riikka.id}/roles", {})
    db.expire_all()
    assert db.get_one(User, riikka.id).role_names == {Role.RESIDENT}


def test_saving_unchanged_roles_writes_nothing_to_the_audit_log(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    client.log_in(ANNA)
    client.submit(f"/admin/users/{personas[RIIKKA.email].id}/roles", {"roles": ["reviewer"]})
    assert db.scalars(select(AuditEvent)).all() == []


def test_an_admin_cannot_remove_their_own_admin_role(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    client.log_in(ANNA)
    anna = personas[ANNA.email]
    response = client.submit(f"/admin/users/{anna.id}/roles", {"roles": ["moderator"]})
    assert response.status_code == 422
    assert 'id="roles-error"' in response.text
    db.expire_all()
    assert Role.ADMIN in db.get_one(User, anna.id).role_names


def test_an_unknown_role_is_refused(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(ANNA)
    response = client.submit(f"/admin/users/{personas[AINO.email].id}/roles", {"roles": ["emperor"]})
    assert response.status_code == 422


def test_an_unknown_account_is_not_found(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(ANNA)
    assert client.get("/admin/users/99999").status_code == 404
    assert client.submit("/admin/users/99999/roles", {"roles": ["moderator"]}).status_code == 404


def test_a_reviewer_is_refused_the_admin_pages(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(RIIKKA)
    assert client.get("/admin/users").status_code == 403
    response = client.submit(f"/admin/users/{personas[AINO.email].id}/roles", {"roles": ["admin"]})
    assert response.status_code == 403


def test_the_user_list_searches_and_filters_by_role(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(ANNA)
    found = client.get("/admin/users", params={"q": "riikka"}).text
    assert RIIKKA.email in found and AINO.email not in found
    reviewers = client.get("/admin/users", params={"role": "reviewer"}).text
    assert RIIKKA.email in reviewers and AINO.email not in reviewers


def test_the_user_list_answers_htmx_with_the_list_fragment_and_browsers_with_the_page(
    client: FormClient, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    fragment = client.get("/admin/users", params={"q": "aino"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and AINO.email in fragment.text
    full = client.get("/admin/users", params={"q": "aino"})
    assert "<html" in full.text and 'id="user-list"' in full.text


def test_the_audit_log_cannot_be_changed_or_deleted_in_the_database(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    import pytest
    from sqlalchemy.exc import DatabaseError

    client.log_in(ANNA)
    client.submit(f"/admin/users/{personas[AINO.email].id}/roles", {"roles": ["moderator"]})
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("UPDATE audit_events SET action = 'nothing'"))
    db.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("DELETE FROM audit_events"))
    db.rollback()
    assert db.scalars(select(AuditEvent)).one().action == "user.roles_changed"


def test_the_audit_log_filters_by_who_what_and_when(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(ANNA)
    aino, riikka = personas[AINO.email], personas[RIIKKA.email]
    client.submit(f"/admin/users/{aino.id}/roles", {"roles": ["moderator"]})
    client.submit(f"/admin/users/{riikka.id}/roles", {"roles": ["facilitator"]})
    everything = client.get("/admin/audit?lang=en").text
    assert "2 entries" in everything
    only_aino = client.get("/admin/audit", params={"object_type": "user", "object_id": str(aino.id), "lang": "en"})
    assert "1 entry" in only_aino.text and "moderator" in only_aino.text
    by_anna = client.get("/admin/audit", params={"actor": str(personas[ANNA.email].id), "lang": "en"})
    assert "2 entries" in by_anna.text
    future = client.get("/admin/audit", params={"since": "2999-01-01", "lang": "en"})
    assert "0 entries" in future.text


def test_a_mistyped_date_in_the_audit_filter_is_shown_next_to_the_field(
    client: FormClient, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    response = client.get("/admin/audit", params={"since": "31.12.2026"})
    assert response.status_code == 422
    assert 'id="since-error"' in response.text
