"""Arranging the voting pages' tests: a round open for voting whose Keskusta budget takes the ballot format under
test, Aino (tests.personas.AINO) proven eligible, and reading what the app stored."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.processes.models import Budget, Phase, PhaseKind, Process, Project
from pb.settings import Settings
from pb.voting.models import Ballot
from pb.voting.services import decode_choices
from tests.personas import AINO
from tests.voting_support import AINO_IN_CENSUS, add_census, keys_for, make_voting_process, project_ids, prove

# Keskusta's projects for the formats other than approval (the k-approval, cumulative and ranked ballots).
CENTRAL_PROJECTS = {"Penkit": 5_000_000, "Valaistus": 12_000_000, "Kirppis": 3_000_000, "Kukat": 1_000_000}


@dataclass(frozen=True)
class Round:
    process: Process
    citywide: Budget
    central: Budget
    citywide_ids: dict[str, int]
    central_ids: dict[str, int]

    def vote_url(self, budget: Budget, suffix: str = "") -> str:
        return f"/processes/{self.process.slug}/vote/{budget.id}{suffix}"


def open_round(
    db: Session,
    settings: Settings,
    personas: dict[str, User],
    *,
    central_format: str = "approval",
    prove_aino: bool = True,
    **limits: int | None,
) -> Round:
    """make_voting_process, with Keskusta's ballot in `central_format` (with `limits`) and Aino eligible."""
    process = make_voting_process(db)
    citywide, central = process.budgets
    central.ballot_format = central_format
    for name, value in limits.items():
        setattr(central, name, value)
    for title, cost in CENTRAL_PROJECTS.items():
        if title not in {project.title for project in central.projects}:
            central.projects.append(Project(title=title, summary=f"{title}: kuvaus.", cost_cents=cost))
    db.commit()
    keys = keys_for(settings)
    add_census(db, keys, process, AINO_IN_CENSUS)
    if prove_aino:
        prove(db, keys, process, personas[AINO.email].id, AINO_IN_CENSUS)
    return Round(process, citywide, central, project_ids(db, citywide), project_ids(db, central))


def ballots_of(db: Session, budget: Budget) -> list[dict[int, int]]:
    db.expire_all()
    return [
        decode_choices(ballot.choices) for ballot in db.scalars(select(Ballot).where(Ballot.budget_id == budget.id))
    ]


def move_phase(db: Session, process: Process, kind: PhaseKind, *, starts_in_days: int, lasts_days: int = 30) -> None:
    """Puts a phase `starts_in_days` from now (negative: in the past)."""
    starts = utcnow() + timedelta(days=starts_in_days)
    db.execute(
        update(Phase)
        .where(Phase.process_id == process.id, Phase.kind == kind)
        .values(starts_at=starts, ends_at=starts + timedelta(days=lasts_days), closed_early_at=None)
    )
    db.commit()


def close_voting(db: Session, process: Process) -> None:
    """Voting ended yesterday and the results phase began."""
    move_phase(db, process, PhaseKind.VOTING, starts_in_days=-31)
    move_phase(db, process, PhaseKind.RESULTS, starts_in_days=-1)


def publish_results(settings: Settings, process: Process, admin_id: int) -> None:
    """Counts every budget with MES and publishes the results, as an admin does on the results page; this is
    what makes the receipt check and the anonymised ballot lists public."""
    from tests.results.support import compute

    for budget in process.budgets:
        asyncio.run(compute(settings, process.id, budget.id, publish_as=admin_id))


RECEIPT = re.compile(r'<p class="receipt-code"><code>([0-9A-Z-]+)</code></p>')


def receipt_on(page: str) -> str:
    match = RECEIPT.search(page)
    assert match, page
    return match.group(1)


def plain(text: str) -> str:
    """Page text with Babel's no-break spaces (thousands, before €) as ordinary spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")
