"""The facilitators and the members in the workspace: a new join link for a member who has not joined, and every
facilitator's look at a page with the members' names, attendance or seats in the audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.audit.models import AuditEvent
from pb.mail import Mailer
from pb.panels.work_models import PanelMember
from tests.conftest import FormClient, Mailbox, add_persona
from tests.panels.selection_support import drawn
from tests.panels.support import FANNI, FOLKE
from tests.panels.work_support import add_recommendation, add_session, log_in_in_english, panel_at_work
from tests.personas import SIXTEN

LINK = re.compile(r"http://testserver\.local/panels/raati-2026/join/\S+")


def join_link_in(mailbox: Mailbox, email: str) -> str:
    """The first link in the newest email to ``email``, which is the join link (the panel's page comes after)."""
    link = mailbox.link_in_last_to(email)
    assert LINK.fullmatch(link), link
    return link.removeprefix("http://testserver.local")


def test_a_facilitator_emails_a_member_a_new_join_link_and_the_old_one_stops_working(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch, mailbox: Mailbox
) -> None:
    pooled, selection = drawn(client, db, database_url, monkeypatch)
    client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/notify")
    registrations = {r.id: r for r in pooled.registrations}
    selected = next(
        registrations[p.registration_id or 0]
        for p in selection.people
        if p.on_panel and registrations[p.registration_id or 0].email
    )
    old_link = join_link_in(mailbox, selected.email)
    member = db.scalars(select(PanelMember).where(PanelMember.registration_id == selected.id)).one()
    client.get("/?lang=en")
    button = f"Email {selected.name} a new join link"
    assert button in client.get("/panels/raati-2026/workspace").text

    response = client.submit(f"/panels/raati-2026/workspace/members/{member.id}/join-link")

    assert response.status_code == 303 and response.headers["location"].endswith("/workspace#members")
    assert f"A new join link has been emailed to {selected.name}." in client.get("/panels/raati-2026/workspace").text
    message = mailbox.last_to(selected.email)
    assert message["Content-Language"] == selected.language
    new_link = join_link_in(mailbox, selected.email)
    assert new_link != old_link
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.join_link_resent")).one()
    assert event.after == {"member_id": member.id}
    # Only the newest link works (pb keeps one token's hash per member).
    assert "This link does not work" in client.get(old_link).text
    assert "This link does not work" not in client.get(new_link).text


def test_no_link_is_sent_to_a_member_who_joined_or_has_no_email_address(client: FormClient, db: Session) -> None:
    work = panel_at_work(db)
    log_in_in_english(client, FANNI)
    page = client.get("/panels/raati-2026/workspace").text
    # Sixten joined already: his row has no button; Aila has not.
    assert "Email Sixten Lindqvist a new join link" not in page and "Email Aila Mäkinen a new join link" in page

    client.submit(f"/panels/raati-2026/workspace/members/{work.members[0].id}/join-link")
    assert "Sixten Lindqvist has already joined the workspace." in client.get("/panels/raati-2026/workspace").text
    # The members of this arrangement were added without a registration: there is no address to email.
    client.submit(f"/panels/raati-2026/workspace/members/{work.members[1].id}/join-link")
    assert "pb has no email address for Aila Mäkinen" in client.get("/panels/raati-2026/workspace").text
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.join_link_resent")).all() == []
    assert client.submit("/panels/raati-2026/workspace/members/999999/join-link").status_code == 404


def test_only_the_panels_facilitators_send_join_links(client: FormClient, db: Session) -> None:
    work = panel_at_work(db)
    path = f"/panels/raati-2026/workspace/members/{work.members[1].id}/join-link"
    log_in_in_english(client, SIXTEN)
    assert client.submit(path).status_code == 403
    client.submit("/logout")
    add_persona(db, FOLKE)
    client.log_in(FOLKE)
    assert client.submit(path).status_code == 403
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.join_link_resent")).all() == []


def test_a_facilitators_look_at_members_data_in_the_workspace_is_audit_logged_and_a_members_is_not(
    client: FormClient, db: Session
) -> None:
    work = panel_at_work(db)
    session = add_session(db, work.panel)
    recommendation = add_recommendation(db, work.panel, work.members[1], "Penkkejä torille")
    log_in_in_english(client, FANNI)

    for path in (
        "/panels/raati-2026/workspace",
        f"/panels/raati-2026/workspace/sessions/{session.id}",
        f"/panels/raati-2026/workspace/recommendations/{recommendation.id}",
    ):
        assert "Aila Mäkinen" in client.get(path).text, path

    events = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "panel.workspace_viewed").order_by(AuditEvent.id)
    ).all()
    assert [(event.actor_id, event.object_id) for event in events] == [(work.fanni.id, str(work.panel.id))] * 3
    assert [event.after for event in events] == [
        {"page": "workspace", "members": 6},
        {"page": "session", "session_id": session.id, "members": 6},
        {"page": "recommendation", "recommendation_id": recommendation.id},
    ]
    # A failed form shows the same page again, and is logged as a look too.
    assert (
        client.submit(f"/panels/raati-2026/workspace/sessions/{session.id}/tables", {"tables": "x"}).status_code == 422
    )
    assert len(db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.workspace_viewed")).all()) == 4

    client.submit("/logout")
    log_in_in_english(client, SIXTEN)
    assert "Aila Mäkinen" in client.get("/panels/raati-2026/workspace").text
    assert len(db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.workspace_viewed")).all()) == 4


def test_when_the_email_cannot_be_sent_the_earlier_link_keeps_working(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch, mailbox: Mailbox
) -> None:
    pooled, selection = drawn(client, db, database_url, monkeypatch)
    client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/notify")
    registrations = {r.id: r for r in pooled.registrations}
    selected = next(
        registrations[p.registration_id or 0]
        for p in selection.people
        if p.on_panel and registrations[p.registration_id or 0].email
    )
    old_link = join_link_in(mailbox, selected.email)
    member = db.scalars(select(PanelMember).where(PanelMember.registration_id == selected.id)).one()

    async def refused(self: Mailer, message: object) -> None:
        raise OSError("the mail server is down")

    monkeypatch.setattr(Mailer, "send", refused)
    client.get("/?lang=en")
    client.submit(f"/panels/raati-2026/workspace/members/{member.id}/join-link")

    assert "The email could not be sent. Try again later." in client.get("/panels/raati-2026/workspace").text
    assert "This link does not work" not in client.get(old_link).text
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.join_link_resent")).all() == []
