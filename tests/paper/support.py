"""Arranging assisted-voting and paper-ballot scenarios: the voting staff, and steps staff take through the pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from pb.db import Database, utcnow
from pb.processes.models import Budget, Process
from pb.settings import Settings
from pb.voting import services as voting
from tests.conftest import FormClient, add_persona
from tests.personas import Persona
from tests.voting_support import Resident, keys_for, voter

# Ville: an English-speaking voting assistant at the library's voting point; helps people vote and types paper
# ballots, nothing else.
VILLE = Persona(
    "ville@example.fi", "Ville Avustaja", "ville-avustaa-1", "en", frozenset({Role.RESIDENT, Role.VOTING_ASSISTANT})
)
# Saga: a Swedish-speaking voting assistant; types the second round of the batches Ville typed first.
SAGA = Persona(
    "saga@example.fi", "Saga Röstvärd", "saga-rostvard-1", "sv", frozenset({Role.RESIDENT, Role.VOTING_ASSISTANT})
)


def add_voting_staff(db: Session) -> dict[str, User]:
    return {persona.email: add_persona(db, persona) for persona in (VILLE, SAGA)}


def person_form(resident: Resident, **extra: str) -> dict[str, str]:
    """The identity check as staff type it (birth date the Finnish way)."""
    born = resident.birth_date
    return {
        "id_checked": "yes",
        "identifier": resident.identifier,
        "birth_date": f"{born.day}.{born.month}.{born.year}",
    } | extra


def register(client: FormClient, process: Process, budget: Budget, resident: Resident, sheet: str) -> Any:
    return client.submit(f"/paper/{process.slug}/register", person_form(resident, budget=str(budget.id), sheet=sheet))


def create_batch(client: FormClient, process: Process, budget: Budget, label: str) -> str:
    """Creates a batch through the page; returns its address."""
    response = client.submit(f"/paper/{process.slug}/batches", {"budget": str(budget.id), "label": label})
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def start_round(client: FormClient, batch: str, number: int) -> Any:
    return client.submit(f"{batch}/rounds/{number}/start")


def type_sheet(client: FormClient, batch: str, number: int, sheet: str, projects: list[int], **extra: str) -> Any:
    data: dict[str, Any] = {"sheet": sheet, "project": [str(project) for project in projects]} | extra
    return client.submit(f"{batch}/rounds/{number}/sheets", data)


def type_round(client: FormClient, batch: str, number: int, sheets: dict[str, list[int]]) -> None:
    """Starts a round, types every sheet and marks the round complete."""
    assert start_round(client, batch, number).status_code == 303
    for sheet, projects in sheets.items():
        response = type_sheet(client, batch, number, sheet, projects)
        assert response.status_code == 303, response.text
    assert client.submit(f"{batch}/rounds/{number}/complete").status_code == 303


async def vote_online(
    settings: Settings, db: Session, process: Process, budget: Budget, resident: Resident, choices: dict[int, int]
) -> None:
    """An electronic ballot, written as the voting page's service writes it."""
    who = voter(db, keys_for(settings), process, resident)
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            loaded_process = await session.get(Process, process.id)
            loaded_budget = await session.get(Budget, budget.id)
            assert loaded_process is not None and loaded_budget is not None
            await voting.store_ballot(
                session, keys_for(settings), loaded_process, loaded_budget, who, choices, utcnow()
            )
    finally:
        await database.engine.dispose()
