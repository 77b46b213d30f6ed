from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from pb.proposals.models import Proposal
from tests.comments.factories import make_proposal
from tests.conftest import add_persona, make_process
from tests.personas import MIRJA, SIXTEN, Persona


@pytest.fixture
def process(db: Session) -> Any:
    return make_process(db, open_phase="proposals")


@pytest.fixture
def proposal(db: Session, process: Any, personas: dict[str, User]) -> Proposal:
    """Sixten's published proposal in an open round."""
    return make_proposal(db, process, personas[SIXTEN.email])


# Three more residents with confirmed addresses, so that three distinct people can report something.
REPORTERS = tuple(
    Persona(f"asukas{n}@example.fi", f"Asukas {n}", f"asukas-salasana-{n}", "en", frozenset({Role.RESIDENT}))
    for n in (1, 2, 3)
)


@pytest.fixture
def moderator(db: Session, personas: dict[str, User]) -> User:
    return add_persona(db, MIRJA)


@pytest.fixture
def reporters(db: Session, personas: dict[str, User]) -> list[User]:
    return [add_persona(db, persona) for persona in REPORTERS]
