"""The pool of registered people: only the panel's facilitators (and admins) see it, and every look is logged."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.settings import Settings
from tests.conftest import FormClient, add_persona
from tests.panels.support import FANNI, FOLKE, recruiting_panel, registration_form
from tests.personas import ANNA


def register_sixten(client: FormClient, db: Session, settings: Settings) -> tuple[User, int]:
    fanni = add_persona(db, FANNI)
    arranged = recruiting_panel(db, fanni, settings.secret_key)
    response = client.submit(f"/panels/{arranged.panel.slug}/register", registration_form(arranged, arranged.codes[0]))
    assert response.status_code == 303
    return fanni, arranged.panel.id


def test_the_facilitator_sees_the_pool_against_the_quotas_and_the_look_is_audit_logged(
    client: FormClient, db: Session, settings: Settings
) -> None:
    fanni, panel_id = register_sixten(client, db, settings)
    client.log_in(FANNI)

    page = client.get(f"/facilitator/panels/{panel_id}/pool")

    assert page.status_code == 200
    assert "Sixten Lindqvist" in page.text and "sixten@example.fi" in page.text and "Hörslinga" in page.text
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.pool_viewed")).one()
    assert (event.actor_id, event.object_id, event.after) == (fanni.id, str(panel_id), {"registrations": 1})


def test_another_panels_facilitator_gets_no_pool_and_leaves_no_read(
    client: FormClient, db: Session, settings: Settings
) -> None:
    _, panel_id = register_sixten(client, db, settings)
    add_persona(db, FOLKE)
    client.log_in(FOLKE)

    assert client.get(f"/facilitator/panels/{panel_id}/pool").status_code == 404
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.pool_viewed")).all() == []


def test_an_anonymous_visitor_is_sent_to_log_in(client: FormClient, db: Session, settings: Settings) -> None:
    _, panel_id = register_sixten(client, db, settings)
    client.cookies.clear()
    response = client.get(f"/facilitator/panels/{panel_id}/pool", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_an_admin_may_read_the_pool_and_is_logged_too(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    _, panel_id = register_sixten(client, db, settings)
    client.log_in(ANNA)

    assert "Sixten Lindqvist" in client.get(f"/facilitator/panels/{panel_id}/pool").text
    actors = db.scalars(select(AuditEvent.actor_id).where(AuditEvent.action == "panel.pool_viewed")).all()
    assert actors == [personas[ANNA.email].id]


def test_the_public_pages_never_show_who_registered(client: FormClient, db: Session, settings: Settings) -> None:
    register_sixten(client, db, settings)
    for path in ("/panels/raati-2026", "/panels/raati-2026/register", "/panels/raati-2026/register/done"):
        assert "Sixten" not in client.get(path).text, path
