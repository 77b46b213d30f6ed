from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.proposals.models import Proposal
from tests.comments.factories import make_proposal
from tests.conftest import make_process
from tests.personas import SIXTEN


@pytest.fixture
def process(db: Session) -> Any:
    return make_process(db, open_phase="proposals")


@pytest.fixture
def proposal(db: Session, process: Any, personas: dict[str, User]) -> Proposal:
    """Sixten's published proposal in an open round."""
    return make_proposal(db, process, personas[SIXTEN.email])
