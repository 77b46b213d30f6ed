"""The demo group (pb.demo_experts): one group with an assignment in progress, and every page of the lived-experience
pages answering in Finnish, Swedish and English for the person it is meant for."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from pb.db import Database
from pb.demo_experts import load_experts_demo
from pb.experts.models import (
    Assignment,
    AssignmentInvitation,
    AssignmentStatus,
    Expert,
    ExpertGroup,
    ExpertIdentity,
    ExpertStatus,
    InvitationResponse,
    Summary,
    SummaryStatus,
)
from pb.settings import Settings
from tests.conftest import FormClient, add_persona
from tests.experts.personas import DORA, KAISA, VILLE
from tests.personas import AINO


async def _load(database_url: str, settings: Settings) -> None:
    database = Database.connect(database_url)
    try:
        async with database.sessionmaker() as db:
            users = {
                Role.COORDINATOR.value: await db.scalar(select(User).where(User.email == KAISA.email)),
                Role.RESIDENT.value: await db.scalar(select(User).where(User.email == AINO.email)),
                Role.REVIEWER.value: await db.scalar(select(User).where(User.email == DORA.email)),
            }
            await load_experts_demo(db, users, settings)  # type: ignore[arg-type]
    finally:
        await database.engine.dispose()


@pytest.fixture
def demo(db: Session, database_url: str, settings: Settings) -> ExpertGroup:
    for persona in (KAISA, AINO, DORA, VILLE):
        add_persona(db, persona)
    asyncio.run(_load(database_url, settings))
    return db.scalars(select(ExpertGroup)).one()


def test_the_demo_has_one_group_with_an_assignment_in_progress(db: Session, demo: ExpertGroup) -> None:
    statuses = {assignment.topic: assignment.status for assignment in db.scalars(select(Assignment))}
    assert statuses["Mielenterveyspalvelujen ajanvaraus"] == AssignmentStatus.OPEN
    assert AssignmentStatus.REQUESTED in statuses.values() and AssignmentStatus.CLOSED in statuses.values()
    assert len(db.scalars(select(Expert).where(Expert.status == ExpertStatus.ACTIVE)).all()) == 7
    published = db.scalars(select(Summary).where(Summary.status == SummaryStatus.PUBLISHED)).one()
    assert published.participant_count == 7


def test_every_page_answers_in_each_language(client: FormClient, db: Session, demo: ExpertGroup) -> None:
    open_assignment = db.scalars(
        select(Assignment).where(Assignment.topic == "Mielenterveyspalvelujen ajanvaraus")
    ).one()
    requested = db.scalars(select(Assignment).where(Assignment.status == AssignmentStatus.REQUESTED)).one()
    summary = db.scalars(select(Summary).where(Summary.status == SummaryStatus.PUBLISHED)).one()
    draft = db.scalars(select(Summary).where(Summary.status == SummaryStatus.DRAFT)).one()
    aino = db.scalars(select(User).where(User.email == AINO.email)).one()
    aino_expert = db.scalars(select(ExpertIdentity).where(ExpertIdentity.user_id == aino.id)).one().expert_id
    invitations = db.scalars(select(AssignmentInvitation).where(AssignmentInvitation.expert_id == aino_expert)).all()
    pending = next(item for item in invitations if item.response == InvitationResponse.PENDING)
    accepted = next(item for item in invitations if item.assignment_id == open_assignment.id)
    group = f"/coordinator/groups/{demo.id}"
    base = f"/coordinator/assignments/{open_assignment.id}"
    pages = {
        KAISA: [
            "/coordinator",
            "/coordinator/settings",
            group,
            f"{group}/experts",
            f"/coordinator/experts/{aino_expert}",
            f"{group}/assignments",
            f"{group}/ledger",
            base,
            f"{base}?searched=1&area={demo.areas[0].id}",
            f"/coordinator/assignments/{requested.id}",
            f"{base}/sessions",
            f"{base}/input",
            f"{base}/summary",
            f"{base}/compensation",
            f"/coordinator/assignments/{summary.assignment_id}/summary",
            f"/expert-summaries/{summary.id}",
        ],
        AINO: [
            "/experts",
            f"/experts/{aino_expert}/consents",
            f"/experts/{aino_expert}/profile",
            f"/experts/{aino_expert}/leave",
            f"/experts/assignments/{pending.id}",
            f"/experts/assignments/{accepted.id}",
            f"/experts/summaries/{draft.id}",
            "/experts/earnings",
            "/expert-requests",
        ],
        DORA: ["/expert-requests", f"/expert-summaries/{summary.id}"],
        VILLE: [f"/expert-summaries/{summary.id}"],
    }
    for persona, paths in pages.items():
        client.cookies.clear()
        client.log_in(persona)
        for path in paths:
            for language in ("fi", "sv", "en"):
                separator = "&" if "?" in path else "?"
                response = client.get(f"{path}{separator}lang={language}")
                assert response.status_code == 200, (persona.email, path, language, response.text[-2000:])
                assert response.text.count("<h1") == 1, (path, language)
                assert f'<html lang="{language}"' in response.text
