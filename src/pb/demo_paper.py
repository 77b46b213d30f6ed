"""Demo paper ballots for a round whose voting has ended (the demo's omabudjetti-2024).

What it makes, in the round's first budget:
- a paper voter register of ten people (sheets 1–10), one of whom also voted online: the demo resident
  (150590-901A) when they have an electronic ballot in that budget, otherwise another online voter;
- the batch "Kirjasto 1" (sheets 1–6 and 11), typed twice alike and accepted: sheet 4 is spoilt, sheet 6 is
  the online voter's (set aside: the electronic ballot stands), sheet 11 is not in the register (set aside);
- the batch "Kirjasto 2" (sheets 7–10), whose two entries differ on sheet 9, waiting for a correction.
The register's people come from the round's census (people who did not vote online); when the census has too
few, made-up people are added to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.db import utcnow
from pb.eligibility.models import CensusEntry
from pb.paper import services as paper
from pb.paper.models import PaperBatch, PaperEntry, PaperVoter
from pb.processes.models import Budget, PhaseKind, Process, Project
from pb.voting import rules
from pb.voting.models import VoterRecord
from pb.voting.secrecy import Keys
from pb.voting.services import age_band, age_on, ballot_rules, encode_choices, last_voting_day, projects_of, slot_for

DEMO_RESIDENT = "150590-901A"
REGISTERED_SHEETS = [str(number) for number in range(1, 11)]
DOUBLE_VOTER_SHEET = "6"
SPOILT_SHEET = "4"
UNREGISTERED_SHEET = "11"
DIFFERING_SHEET = "9"


def _sheet_choices(budget: Budget, projects: list[Project], seed: int) -> list[list[int]]:
    """A valid ballot: projects taken in a rotating order while the budget's rules allow them."""
    ballot = ballot_rules(budget)
    costs = {project.id: project.cost_cents for project in projects}
    chosen: dict[int, int] = {}
    for offset in range(len(projects)):
        project = projects[(seed + offset) % len(projects)]
        trial = {**chosen, project.id: 1}
        if not [p for p in rules.problems(ballot, costs, trial) if p.code in ("over_budget", "too_many")]:
            chosen = trial
    return encode_choices(chosen)


async def _online_voter(db: AsyncSession, keys: Keys, process: Process, budget: Budget) -> VoterRecord | None:
    records = list(
        await db.scalars(
            select(VoterRecord)
            .where(VoterRecord.process_id == process.id, VoterRecord.slot == slot_for(process, budget))
            .order_by(VoterRecord.id)
        )
    )
    resident = keys.person(DEMO_RESIDENT)
    return next((record for record in records if record.voter_key == resident), records[0] if records else None)


async def _paper_people(
    db: AsyncSession, keys: Keys, process: Process, budget: Budget, wanted: int
) -> list[CensusEntry]:
    """Census people without an electronic ballot in the budget's slot; made-up ones added when too few."""
    voted = set(
        await db.scalars(
            select(VoterRecord.voter_key).where(
                VoterRecord.process_id == process.id, VoterRecord.slot == slot_for(process, budget)
            )
        )
    )
    census = await db.scalars(
        select(CensusEntry).where(CensusEntry.process_id == process.id).order_by(CensusEntry.id.desc())
    )
    people = [entry for entry in census if entry.person_key not in voted]
    if budget.district_id is not None:
        people = [entry for entry in people if entry.district_id == budget.district_id]
    district_id = budget.district_id or (process.districts[0].district_id if process.districts else None)
    number = 0
    while len(people) < wanted and district_id is not None:
        number += 1
        # Made-up identity codes with individual numbers from 950 up (900–999 are for testing).
        birth = date(1950 + 3 * number, 1 + number % 12, 1 + number)
        identifier = f"{birth:%d%m%y}-{950 + number}P"
        entry = CensusEntry(
            process_id=process.id, person_key=keys.person(identifier), birth_date=birth, district_id=district_id
        )
        db.add(entry)
        people.append(entry)
    await db.flush()
    return people[:wanted]


async def load_paper_demo(db: AsyncSession, keys: Keys, users: Mapping[str, User], process: Process) -> None:
    budget = process.budgets[0]
    projects = await projects_of(db, budget)
    assistant, admin = users["voting_assistant"], users["admin"]
    voting = process.phase(PhaseKind.VOTING)
    assert voting is not None and projects, "the paper demo needs a round with a voting phase and projects"
    day = last_voting_day(process)

    online = await _online_voter(db, keys, process, budget)
    people = await _paper_people(db, keys, process, budget, len(REGISTERED_SHEETS) - (1 if online else 0))
    registered_at = voting.starts_at + timedelta(days=2, hours=3)
    people_iter = iter(people)
    for position, sheet in enumerate(REGISTERED_SHEETS):
        if sheet == DOUBLE_VOTER_SHEET and online is not None:
            person_key, district_id, band = online.voter_key, online.district_id, online.age_band
        else:
            person = next(people_iter)
            person_key, district_id = person.person_key, person.district_id
            band = age_band(process.age_bands, age_on(person.birth_date, day)) if day else None
        db.add(
            PaperVoter(
                process_id=process.id,
                budget_id=budget.id,
                person_key=person_key,
                sheet_key=keys.paper_sheet(budget.id, sheet),
                district_id=district_id,
                age_band=band,
                registered_by_id=assistant.id,
                registered_at=registered_at + timedelta(minutes=7 * position),
            )
        )

    def sheets(numbers: list[str]) -> dict[str, Any]:
        typed: dict[str, Any] = {}
        for number in numbers:
            typed[number] = paper.SPOILT if number == SPOILT_SHEET else _sheet_choices(budget, projects, int(number))
        return typed

    accepted = PaperBatch(
        process_id=process.id,
        budget_id=budget.id,
        label="Kirjasto 1",
        note="Pääkirjaston äänestyspiste, ensimmäinen päivä.",
        created_by_id=assistant.id,
    )
    waiting = PaperBatch(
        process_id=process.id,
        budget_id=budget.id,
        label="Kirjasto 2",
        note="Pääkirjaston äänestyspiste, toinen päivä.",
        created_by_id=assistant.id,
    )
    db.add_all([accepted, waiting])
    await db.flush()
    first_sheets = sheets(["1", "2", "3", "4", "5", "6", UNREGISTERED_SHEET])
    second_batch = sheets(["7", "8", "9", "10"])
    # Round 2 of "Kirjasto 2" read sheet 9 as another sheet's marks.
    misread = dict(second_batch)
    other = _sheet_choices(budget, projects, int(DIFFERING_SHEET) + 1)
    misread[DIFFERING_SHEET] = other if other != second_batch[DIFFERING_SHEET] else paper.SPOILT
    for batch, typed, retyped in ((accepted, first_sheets, first_sheets), (waiting, second_batch, misread)):
        db.add(PaperEntry(batch_id=batch.id, round=1, entered_by_id=assistant.id, sheets=typed, is_complete=True))
        db.add(PaperEntry(batch_id=batch.id, round=2, entered_by_id=admin.id, sheets=retyped, is_complete=True))
    await db.commit()

    now = utcnow()
    for batch in (accepted, waiting):
        view = await paper.get_batch(db, process, batch.id)
        # Accepts "Kirjasto 1" (storing its ballots and reconciling the round) and marks "Kirjasto 2" different.
        await paper.compare_batch(db, keys, process, view, admin, now, None)
