"""Downloading one's own data, the groups part (issue 7: "everything pb holds about them"): the citizens' panel Aino
joined with her account, her request for lived-experience experts and her expert registry entry, and nothing of
Sixten, who sits on the same panel, asked for experts too and is in the same registry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.db import utcnow
from pb.experts.models import Assignment, AssignmentStatus, Expert
from pb.panels.models import Invitation, Panel, PrivacyNotice, Registration
from pb.panels.work_models import (
    MinorityStatement,
    PanelAttendance,
    PanelMember,
    PanelRecommendation,
    PanelSeat,
    PanelSession,
    RecommendationComment,
    RecommendationVersion,
    RecommendationVote,
)
from pb.settings import Settings
from tests.conftest import FormClient
from tests.experts.support import add_expert, make_group
from tests.panels.support import add_fanni, recruiting_panel
from tests.personas import AINO, ANNA, SIXTEN

# Words that exist only in what Sixten gave, wrote or asked: none of them may be in Aino's file.
SIXTENS = (
    SIXTEN.name,
    SIXTEN.email,
    "Sixtens formulering",
    "Sixtens kommentar",
    "Sixtens reservation",
    "Sixtens begäran",
    "Hörslinga",
)


@dataclass(frozen=True)
class Groups:
    panel: Panel
    recommendation: PanelRecommendation
    aino_expert: Expert


def download(client: FormClient) -> tuple[str, dict[str, Any]]:
    response = client.get("/account/data?lang=en")
    assert response.status_code == 200, response.text
    return response.content.decode(), json.loads(response.content)


def arrange(db: Session, settings: Settings, personas: dict[str, User]) -> Groups:
    aino, sixten, anna = personas[AINO.email], personas[SIXTEN.email], personas[ANNA.email]
    recruiting = recruiting_panel(db, add_fanni(db), settings.secret_key)
    panel = recruiting.panel
    notice = db.scalars(select(PrivacyNotice).where(PrivacyNotice.panel_id == panel.id)).one()
    letters = db.scalars(select(Invitation).where(Invitation.panel_id == panel.id).order_by(Invitation.position)).all()
    woman, man = recruiting.gender.values
    finnish, swedish = recruiting.language.values[:2]
    members = {}
    for user, letter, sex, tongue, needs in (
        (aino, letters[0], woman, finnish, "Induktiosilmukka"),
        (sixten, letters[1], man, swedish, "Hörslinga"),
    ):
        answers = {str(recruiting.gender.id): sex.id, str(recruiting.language.id): tongue.id}
        registration = Registration(
            panel_id=panel.id,
            invitation_id=letter.id,
            household_key=f"household-{letter.id}",
            name=user.display_name,
            email=user.email,
            language=user.preferred_language,
            answers=answers,
            accessibility_needs=needs,
            privacy_notice_id=notice.id,
        )
        db.add(registration)
        db.flush()
        member = PanelMember(
            panel_id=panel.id,
            pseudonym=f"p{user.id:07d}",
            registration_id=registration.id,
            user_id=user.id,
            display_name=user.display_name,
            features=answers,
            joined_at=utcnow(),
        )
        db.add(member)
        db.flush()
        members[user.id] = member
    mine, his = members[aino.id], members[sixten.id]
    session = PanelSession(panel_id=panel.id, starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=3))
    session.attendance += [PanelAttendance(member_id=mine.id), PanelAttendance(member_id=his.id, present=False)]
    session.seats += [PanelSeat(member_id=mine.id, table_number=2), PanelSeat(member_id=his.id, table_number=3)]
    db.add(session)
    recommendation = PanelRecommendation(
        panel_id=panel.id, title="Lisää penkkejä", body="Torille penkkejä.", created_by_member_id=mine.id
    )
    recommendation.versions += [
        RecommendationVersion(number=1, title="Penkit", body="Ainon muotoilu", member_id=mine.id),
        RecommendationVersion(number=2, title="Penkit", body="Sixtens formulering", member_id=his.id),
    ]
    recommendation.votes += [
        RecommendationVote(member_id=mine.id, score=5),
        RecommendationVote(member_id=his.id, score=2),
    ]
    recommendation.minority_statements.append(MinorityStatement(member_id=his.id, body="Sixtens reservation"))
    db.add(recommendation)
    db.flush()
    db.add(RecommendationComment(recommendation_id=recommendation.id, member_id=mine.id, body="Ainon kommentti"))
    db.add(RecommendationComment(recommendation_id=recommendation.id, member_id=his.id, body="Sixtens kommentar"))

    group = make_group(db, anna, "Mielenterveyspalvelut")
    for user, topic in ((aino, "Ainon pyyntö"), (sixten, "Sixtens begäran")):
        db.add(
            Assignment(
                group_id=group.id,
                status=AssignmentStatus.REQUESTED,
                requested_by_id=user.id,
                topic=topic,
                questions="Miten neuvonta toimii?",
                starts_on=utcnow().date(),
                ends_on=utcnow().date() + timedelta(days=30),
                experts_wanted=2,
            )
        )
    db.commit()
    aino_expert = add_expert(db, group, aino, AINO.name, AINO.email, [], {}, purposes=())
    add_expert(db, group, sixten, SIXTEN.name, SIXTEN.email, [], {}, purposes=())
    return Groups(panel, recommendation, aino_expert)


def test_the_download_holds_ainos_panel_work_and_nobody_elses(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    groups = arrange(db, settings, personas)
    client.log_in(AINO)
    text, data = download(client)

    [membership] = data["panel_work"]
    assert (membership["panel"], membership["display_name"], membership["name_public"]) == (
        groups.panel.slug,
        AINO.name,
        False,
    )
    assert membership["selection_answers"] == {"Sukupuoli": "Nainen", "Äidinkieli": "suomi"}
    registration = membership["registration"]
    assert (registration["email"], registration["accessibility_needs"]) == (AINO.email, "Induktiosilmukka")
    assert registration["answers"] == membership["selection_answers"] and registration["privacy_notice_version"] == 1
    assert [(item["present"], item["table"]) for item in membership["sessions"]] == [(True, 2)]
    assert [item["title"] for item in membership["recommendations_started"]] == ["Lisää penkkejä"]
    assert [item["body"] for item in membership["versions"]] == ["Ainon muotoilu"]
    assert [item["body"] for item in membership["comments"]] == ["Ainon kommentti"]
    assert [(item["recommendation_id"], item["score"]) for item in membership["votes"]] == [
        (groups.recommendation.id, 5)
    ]
    assert membership["minority_statements"] == []
    for sixtens in SIXTENS:
        assert sixtens not in text, sixtens


def test_the_download_holds_ainos_expert_request_and_registry_entry_and_logs_the_reading(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    groups = arrange(db, settings, personas)
    client.log_in(AINO)
    text, data = download(client)

    [request] = data["expert_requests"]
    assert (request["group"], request["topic"], request["status"]) == (
        "Mielenterveyspalvelut",
        "Ainon pyyntö",
        "requested",
    )
    [entry] = data["lived_experience"]
    assert entry["pseudonym"] == groups.aino_expert.pseudonym and entry["contact"]["email"] == AINO.email
    for sixtens in SIXTENS:
        assert sixtens not in text, sixtens
    # Reading lived-experience data is logged, this reading too, and the file shows it.
    assert "experts.own_data_exported" in [entry["action"] for entry in data["audit_log"]]
    logged = db.scalars(select(AuditEvent).where(AuditEvent.action == "experts.own_data_exported")).all()
    assert [event.actor_id for event in logged] == [personas[AINO.email].id]


def test_an_account_in_no_group_gets_empty_parts_and_reads_no_expert_data(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    client.log_in(AINO)
    _text, data = download(client)
    assert (data["panel_work"], data["expert_requests"], data["lived_experience"]) == ([], [], [])
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "experts.own_data_exported")).all() == []
