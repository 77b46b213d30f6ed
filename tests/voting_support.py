"""Arranging a round that is open for voting, with a census, for the voting, eligibility and paper tests.

The people of the census (their identifiers are made up; Finnish identity codes with individual numbers from
900 up are the range used for testing):
- Aino (tests.personas.AINO) lives in Keskusta and is 36; she proves her eligibility online.
- Sixten (SIXTEN) lives in Saaristo and is 16, old enough for the round's minimum age of 12.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.districts.models import District
from pb.eligibility.models import CensusEntry, EligibilityProof
from pb.processes.models import Budget, Process, Project
from pb.settings import Settings
from pb.voting.models import Channel
from pb.voting.secrecy import Keys
from pb.voting.services import Voter, age_band, age_on, last_voting_day
from tests.conftest import make_process


@dataclass(frozen=True)
class Resident:
    identifier: str
    birth_date: date
    district_code: str


AINO_IN_CENSUS = Resident("150590-901A", date(1990, 5, 15), "keskusta")
SIXTEN_IN_CENSUS = Resident("020310A902B", date(2010, 3, 2), "saaristo")


# Costs of the city-wide budget's projects (the budget is 500,000 €): one can choose A + B + C but not D too.
CITYWIDE_COSTS = {"Uimaranta": 20_000_000, "Skeittipuisto": 15_000_000, "Kirjastoauto": 10_000_000, "Lava": 40_000_000}
DISTRICT_COSTS = {"Penkit": 5_000_000, "Valaistus": 12_000_000}


def keys_for(settings: Settings) -> Keys:
    return Keys(settings.secret_key)


def district(db: Session, code: str) -> District:
    found = db.scalar(select(District).where(District.code == code))
    assert found is not None, code
    return found


def make_voting_process(db: Session, *, slug: str = "omabudjetti-2026", open_phase: str | None = "voting") -> Process:
    """make_process with projects on both budgets; voting open now unless `open_phase` says otherwise."""
    process = make_process(db, slug=slug, open_phase=open_phase)
    process.age_bands = ["12-17", "18-64", "65+"]
    citywide, central = process.budgets
    for title, cost in CITYWIDE_COSTS.items():
        citywide.projects.append(Project(title=title, summary=f"{title}: kuvaus.", cost_cents=cost))
    for title, cost in DISTRICT_COSTS.items():
        central.projects.append(Project(title=title, summary=f"{title}: kuvaus.", cost_cents=cost))
    db.commit()
    return process


def project_ids(db: Session, budget: Budget) -> dict[str, int]:
    return {p.title: p.id for p in db.scalars(select(Project).where(Project.budget_id == budget.id))}


def add_census(db: Session, keys: Keys, process: Process, resident: Resident) -> CensusEntry:
    entry = CensusEntry(
        process_id=process.id,
        person_key=keys.person(resident.identifier),
        birth_date=resident.birth_date,
        district_id=district(db, resident.district_code).id,
    )
    db.add(entry)
    db.commit()
    return entry


def prove(db: Session, keys: Keys, process: Process, user_id: int, resident: Resident) -> EligibilityProof:
    """Links an account to its census entry, as the eligibility page does."""
    proof = EligibilityProof(
        process_id=process.id,
        user_id=user_id,
        person_key=keys.person(resident.identifier),
        district_id=district(db, resident.district_code).id,
        birth_date=resident.birth_date,
    )
    db.add(proof)
    db.commit()
    return proof


def voter(db: Session, keys: Keys, process: Process, resident: Resident, channel: Channel = Channel.ONLINE) -> Voter:
    day = last_voting_day(process)
    assert day is not None
    return Voter(
        key=keys.person(resident.identifier),
        channel=channel,
        district_id=district(db, resident.district_code).id,
        age_band=age_band(process.age_bands, age_on(resident.birth_date, day)),
    )


def budgets(process: Process) -> tuple[Budget, Budget]:
    citywide, central = process.budgets
    return citywide, central


def snapshot(db: Session, table: str) -> list[dict[str, Any]]:
    from sqlalchemy import text

    return [dict(row._mapping) for row in db.execute(text(f"SELECT * FROM {table}"))]
