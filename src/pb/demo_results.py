"""Demo results: the ended round Omabudjetti 2024 (pb.demo_voting) counted, published and partly carried out.

The city-wide budget is counted with pb's default rule (the Method of Equal Shares completed as equalshares.net
does) and the district budget with greedy, so the demo shows both kinds of explanation. Then two city-wide
winners get an implementation status: one done (with its actual cost and dated notes), one in progress.
Call it after every ballot of the round is in (the paper demo's batches included), since it counts them.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.db import utcnow
from pb.processes.models import Process, Project
from pb.results import services as results
from pb.results.models import ImplementationStatus
from pb.settings import Settings
from pb.voting.services import projects_of

DEMO_RESULTS_ROUND = "omabudjetti-2024"
# The rule per budget, by position: the city-wide budget first, then the district one.
DEMO_RULES = ("mes", "greedy")


async def load_results_demo(
    db: AsyncSession, users: dict[str, User], process: Process, *, unit: str = Settings().municipality_name
) -> None:
    admin = users["admin"]
    await db.refresh(process, ["budgets", "phases"])
    now = utcnow()
    winners: list[Project] = []
    for budget, rule in zip(process.budgets, DEMO_RULES, strict=False):
        record = await results.compute_result(
            db, process, budget, rule=rule, threshold=None, actor=admin, now=now, unit=unit
        )
        await results.publish(db, process, record, admin, now)
        if not winners:
            by_id = {project.id: project for project in await projects_of(db, budget)}
            winners = [by_id[project_id] for project_id in record.selected]
    today = now.astimezone(results.HELSINKI).date()
    if winners:
        done = winners[0]
        await results.set_implementation(
            db,
            done,
            status=ImplementationStatus.DONE,
            cancel_reason="",
            actual_cost_cents=done.cost_cents - 350_000,
            actor=admin,
            now=now,
        )
        await results.add_note(
            db,
            done,
            day=today - timedelta(days=120),
            text="Hankinta kilpailutettu, työt alkavat toukokuussa.",
            actor=admin,
        )
        await results.add_note(
            db,
            done,
            day=today - timedelta(days=20),
            text="Valmis ja avattu käyttöön. Kiitos kaikille äänestäneille!",
            actor=admin,
        )
    if len(winners) > 1:
        started = winners[1]
        await results.set_implementation(
            db,
            started,
            status=ImplementationStatus.IN_PROGRESS,
            cancel_reason="",
            actual_cost_cents=None,
            actor=admin,
            now=now,
        )
        await results.add_note(
            db, started, day=today - timedelta(days=10), text="Suunnittelu valmis, rakentaminen käynnissä.", actor=admin
        )
