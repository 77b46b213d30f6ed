"""Fixtures of the lived-experience tests: their personas and a group arranged in the database."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import User
from tests.conftest import add_persona
from tests.experts.personas import ALL
from tests.experts.support import Arranged, arrange
from tests.personas import AINO, ANNA


@pytest.fixture
def people(db: Session) -> dict[str, User]:
    """Every persona of tests.experts.personas, plus Aino (a resident) and Anna (an admin)."""
    return {persona.email: add_persona(db, persona) for persona in (*ALL, AINO, ANNA)}


@pytest.fixture
def group(db: Session, people: dict[str, User]) -> Arranged:
    return arrange(db, people)
