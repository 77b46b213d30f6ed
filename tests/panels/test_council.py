"""The council's response: council members answer each final recommendation, report progress and publish; the
members are emailed; the public page shows the recommendations and the answers, never names without consent."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.audit.models import AuditEvent
from pb.panels.work_models import CouncilResponse, PanelMember, RecommendationVote
from tests.conftest import FormClient, Mailbox, add_persona
from tests.panels.selection_support import drawn
from tests.panels.support import FANNI
from tests.panels.work_support import VALTTERI, AtWork, add_recommendation, log_in_in_english, panel_at_work
from tests.personas import AINO, SIXTEN

ANSWER = {
    "decision": "partly",
    "reasoning": "Penkit lisätään, puut tutkitaan.",
    "responsible_body": "Kaupunkiympäristö",
    "deadline": "2026-12-31",
    "decision_reference": "Kvalt 12.5.2026 § 45",
}


def final_panel(db: Session) -> tuple[AtWork, list[int]]:
    work = panel_at_work(db, stage="final")
    ids = []
    for title in ("Penkkejä torille", "Pyöräparkki asemalle"):
        recommendation = add_recommendation(db, work.panel, work.members[1], title)
        for member, score in zip(work.members, [5, 4, 4, 4, 2, 1], strict=True):
            recommendation.votes.append(RecommendationVote(member_id=member.id, score=score))
        ids.append(recommendation.id)
    db.commit()
    return work, ids


def test_a_council_member_answers_publishes_and_the_members_are_emailed(
    client: FormClient, db: Session, mailbox: Mailbox
) -> None:
    work, ids = final_panel(db)
    add_persona(db, VALTTERI)
    log_in_in_english(client, VALTTERI)
    assert "Citizens&#39; panel 2026" in client.get("/council/panels").text

    refused = client.submit(f"/council/panels/{work.panel.id}/recommendations/{ids[0]}/response", {"decision": "yes"})
    assert refused.status_code == 422 and "Choose the decision." in refused.text
    early = client.submit(f"/council/panels/{work.panel.id}/recommendations/{ids[0]}/response", ANSWER)
    assert early.status_code == 303
    client.submit(f"/council/panels/{work.panel.id}/publish")
    db.refresh(work.panel)
    assert work.panel.response_published_at is None  # one recommendation is still unanswered
    client.submit(
        f"/council/panels/{work.panel.id}/recommendations/{ids[1]}/response",
        {"decision": "rejected", "reasoning": "Tilaa ei ole."},
    )

    response = client.submit(f"/council/panels/{work.panel.id}/publish")

    assert response.status_code == 303
    db.refresh(work.panel)
    assert work.panel.response_published_at is not None
    # Sixten, the only member with an account, is emailed at his account's address in Swedish.
    message = mailbox.last_to(SIXTEN.email)
    assert message["Content-Language"] == "sv" and "Penkit lisätään" in message.get_content()
    public = client.get("/panels/raati-2026?lang=en").text
    assert "Penkit lisätään, puut tutkitaan." in public and "Kaupunkiympäristö" in public
    actions = set(db.scalars(select(AuditEvent.action)).all())
    assert {"panel.response_saved", "panel.response_published"} <= actions


def test_progress_reports_show_on_the_public_page_and_reach_the_members_by_email(
    client: FormClient, db: Session, mailbox: Mailbox
) -> None:
    work, ids = final_panel(db)
    add_persona(db, VALTTERI)
    log_in_in_english(client, VALTTERI)
    for recommendation_id in ids:
        client.submit(f"/council/panels/{work.panel.id}/recommendations/{recommendation_id}/response", ANSWER)
    updates = f"/council/panels/{work.panel.id}/recommendations/{ids[0]}/updates"
    # A report made before the answer is published waits for it, and goes out with it.
    assert client.submit(updates, {"on": "2026-06-01", "text": "Penkit tilattu."}).status_code == 303
    assert mailbox.to(SIXTEN.email) == []
    assert "Penkit tilattu." not in client.get("/panels/raati-2026?lang=en").text
    client.submit(f"/council/panels/{work.panel.id}/publish")
    assert "Penkit tilattu." in mailbox.last_to(SIXTEN.email).get_content()

    refused = client.submit(updates, {"on": "1.9.2026", "text": ""})
    assert refused.status_code == 422
    assert "Enter a date as YYYY-MM-DD" in refused.text and "Describe the progress." in refused.text
    response = client.submit(updates, {"on": "2026-09-01", "text": "Kymmenen penkkiä asennettu."})

    assert response.status_code == 303
    public = client.get("/panels/raati-2026?lang=en").text
    assert "Kymmenen penkkiä asennettu." in public and '<time datetime="2026-09-01">' in public
    # Sixten hears of it in Swedish, with the recommendation it concerns.
    assert len(mailbox.to(SIXTEN.email)) == 2
    message = mailbox.last_to(SIXTEN.email)
    assert message["Content-Language"] == "sv"
    assert "Kymmenen penkkiä asennettu." in message.get_content() and "Penkkejä torille" in message.get_content()
    assert len(db.scalars(select(CouncilResponse)).all()) == 2
    logged = db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.response_updated")).all()
    assert len(logged) == 2


def test_an_answer_changed_after_publishing_reaches_the_members_and_an_unchanged_one_does_not(
    client: FormClient, db: Session, mailbox: Mailbox
) -> None:
    work, ids = final_panel(db)
    add_persona(db, VALTTERI)
    log_in_in_english(client, VALTTERI)
    response_of = f"/council/panels/{work.panel.id}/recommendations/{ids[0]}/response"
    for recommendation_id in ids:
        client.submit(f"/council/panels/{work.panel.id}/recommendations/{recommendation_id}/response", ANSWER)
    client.submit(f"/council/panels/{work.panel.id}/publish")
    assert len(mailbox.to(SIXTEN.email)) == 1

    # Saving the same answer again tells the members nothing new.
    assert client.submit(response_of, ANSWER).status_code == 303
    assert len(mailbox.to(SIXTEN.email)) == 1
    changed = ANSWER | {"decision": "accepted", "reasoning": "Penkit ja puut toteutetaan kaikki."}
    response = client.submit(response_of, changed)

    assert response.status_code == 303
    assert "The changed response is public. 1 members were emailed" in client.get(response.headers["location"]).text
    # Sixten hears of it in Swedish, with the recommendation and its new answer.
    message = mailbox.last_to(SIXTEN.email)
    assert len(mailbox.to(SIXTEN.email)) == 2 and message["Content-Language"] == "sv"
    assert "Penkkejä torille" in message.get_content() and "Penkit ja puut toteutetaan kaikki." in message.get_content()
    assert "Penkit ja puut toteutetaan kaikki." in client.get("/panels/raati-2026?lang=en").text


def test_the_published_answer_reaches_every_member_at_the_address_they_registered_with(
    client: FormClient, db: Session, database_url: str, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, _ = drawn(client, db, database_url, monkeypatch)
    members = db.scalars(select(PanelMember).where(PanelMember.panel_id == pooled.panel.id)).all()
    recommendation = add_recommendation(db, pooled.panel, members[0], "Penkkejä torille")
    pooled.panel.recommendations_stage = "final"
    db.commit()
    mailbox.clear()
    add_persona(db, VALTTERI)
    log_in_in_english(client, VALTTERI)
    client.submit(f"/council/panels/{pooled.panel.id}/recommendations/{recommendation.id}/response", ANSWER)

    client.submit(f"/council/panels/{pooled.panel.id}/publish")

    registrations = {r.id: r for r in pooled.registrations}
    for member in members:
        registration = registrations[member.registration_id or 0]
        if registration.email:
            message = mailbox.last_to(registration.email)
            assert message["Content-Language"] == registration.language
            assert "Penkit lisätään, puut tutkitaan." in message.get_content()
    assert len(mailbox.messages) == len([m for m in members if registrations[m.registration_id or 0].email])


@pytest.mark.parametrize("persona", [FANNI, AINO], ids=["facilitator", "resident"])
def test_only_council_members_and_admins_answer(client: FormClient, db: Session, persona: object) -> None:
    work, ids = final_panel(db)
    if persona is AINO:
        add_persona(db, AINO)
    client.log_in(persona)  # type: ignore[arg-type]
    assert client.get("/council/panels").status_code == 403
    assert (
        client.submit(f"/council/panels/{work.panel.id}/recommendations/{ids[0]}/response", ANSWER).status_code == 403
    )
    assert db.scalars(select(CouncilResponse)).all() == []


def test_recommendations_are_public_only_when_final_and_answers_only_when_published(
    client: FormClient, db: Session
) -> None:
    work = panel_at_work(db, stage="voting")
    recommendation = add_recommendation(db, work.panel, work.members[1], "Penkkejä torille")
    assert "Penkkejä torille" not in client.get("/panels/raati-2026?lang=en").text
    work.panel.recommendations_stage = "final"
    db.add(CouncilResponse(recommendation_id=recommendation.id, decision="accepted", reasoning="Hyvä ajatus."))
    db.commit()

    public = client.get("/panels/raati-2026?lang=en").text

    assert "Penkkejä torille" in public and "Hyvä ajatus." not in public
    assert "has not answered yet" in public


def test_the_public_page_shows_the_panel_in_numbers_and_only_consenting_names(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, _ = drawn(client, db, database_url, monkeypatch)
    client.cookies.clear()

    public = client.get("/panels/raati-2026?lang=en").text

    assert "Members by Sukupuoli" in public
    for registration in pooled.registrations:
        assert registration.name not in public
    member = db.scalars(select(PanelMember)).first()
    assert member is not None
    member.name_public = True
    db.commit()
    assert member.display_name in client.get("/panels/raati-2026?lang=en").text
