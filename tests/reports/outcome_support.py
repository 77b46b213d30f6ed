"""A demo-like round whose results are published, for the outcome report's tests.

The round of tests.results.support (voting ended; the city-wide budget's ballots are BALLOTS there, so MES funds
Uimaranta, Skeittipuisto and Kirjastoauto) with ballots in the Keskusta budget too, voter records for the
participation figures (Saaristo has 3 voters, shown as "<5"), and proposals that went every way: feasible, not
feasible with a public reason (one of them hidden by a moderator), withdrawn, merged into a plan. The city-wide
result can be given a stored stability run (`add_stability_run`); the Keskusta one then has none.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.processes.models import Process
from pb.proposals.models import ProposalStatus
from pb.results.models import JobStatus, ResultRecord, StabilityRun
from pb.results.stability import stability_of_file
from pb.review.models import Feasibility, Review
from pb.settings import Settings
from pb.voting.models import VoterRecord
from tests.conftest import empty_postgresql_database
from tests.results.support import cast_ballots, compute, ended_round
from tests.review.support import make_proposal, mark_feasible
from tests.voting_support import budgets, district

SLUG = "omabudjetti-2024"
# Proposals found not feasible, with the reasons the report must carry.
NOT_FEASIBLE = {
    "Koirapuisto Saaristoon": "Alue on Natura 2000 -suojelualuetta, eikä sinne voi rakentaa aitausta.",
    "Valaistus uimarannalle": "Kaupunki valaisee rannan jo vuoden 2026 katusuunnitelmassa.",
}
HIDDEN_TITLE = "Piilotettu ehdotus"
HIDDEN_REASON = "Ei kuulu kaupungin tehtäviin."
# (district code, age band, channel, how many voters) of the city-wide budget's 21 voters.
VOTERS = (
    ("keskusta", "18-64", "online", 9),
    ("keskusta", "65+", "online", 5),
    ("keskusta", "18-64", "paper", 4),
    ("saaristo", "12-17", "online", 1),
    ("saaristo", "18-64", "assisted", 2),
)
CENTRAL_BALLOTS = ((("Penkit",), 6), (("Valaistus",), 3), (("Penkit", "Valaistus"), 2))


def fresh_database(template_url: str, folder: Path) -> str:
    """An empty migrated database of its own: a copy of the SQLite template, or the PostgreSQL one emptied."""
    if template_url.startswith("postgresql"):
        empty_postgresql_database(template_url)
        return template_url
    target = folder / "outcome.db"
    shutil.copyfile(Path(template_url.removeprefix("sqlite:///")), target)
    return f"sqlite:///{target}"


def add_voter_records(db: Session, process: Process) -> None:
    citywide = budgets(process)[0]
    moment = utcnow() - timedelta(days=35)
    number = 0
    for code, band, channel, count in VOTERS:
        for _ in range(count):
            number += 1
            db.add(
                VoterRecord(
                    process_id=process.id,
                    budget_id=citywide.id,
                    voter_key=f"voter-{number:03d}",
                    slot=f"budget:{citywide.id}",
                    channel=channel,
                    district_id=district(db, code).id,
                    age_band=band,
                    first_voted_at=moment,
                    last_voted_at=moment,
                )
            )
    db.commit()


def add_proposals(db: Session, process: Process, author: User) -> None:
    saaristo = district(db, "saaristo").id
    mark_feasible(db, make_proposal(db, process, author, "Uimaranta"), 20_000_000)
    mark_feasible(db, make_proposal(db, process, author, "Skeittipuisto"), 15_000_000)
    for title, reason in NOT_FEASIBLE.items():
        proposal = make_proposal(db, process, author, title, district_id=saaristo if "Saaristo" in title else None)
        db.add(Review(proposal_id=proposal.id, feasibility=Feasibility.NOT_FEASIBLE, public_reason=reason))
        proposal.status = ProposalStatus.NOT_FEASIBLE
    hidden = make_proposal(db, process, author, HIDDEN_TITLE)
    hidden.hidden_at = utcnow()
    hidden.hidden_reason = "Loukkaava."
    db.add(Review(proposal_id=hidden.id, feasibility=Feasibility.NOT_FEASIBLE, public_reason=HIDDEN_REASON))
    make_proposal(db, process, author, "Vedetty ehdotus", status=ProposalStatus.WITHDRAWN)
    make_proposal(db, process, author, "Yhdistetty ehdotus", status=ProposalStatus.MERGED)
    db.commit()


def build_round(db: Session, settings: Settings, admin: User, *, publish: bool = True) -> Process:
    """The round with its two results counted (MES city-wide, greedy in Keskusta) and, if `publish`, published."""
    process = ended_round(db, slug=SLUG)
    citywide, central = budgets(process)
    cast_ballots(db, citywide)
    cast_ballots(db, central, CENTRAL_BALLOTS)
    add_voter_records(db, process)
    add_proposals(db, process, admin)
    publish_as = admin.id if publish else None

    async def count_both() -> None:
        await compute(settings, process.id, citywide.id, "mes", publish_as=publish_as)
        await compute(settings, process.id, central.id, "greedy", publish_as=publish_as)

    asyncio.run(count_both())
    return process


STABILITY_SEED = "c0ffee"


def add_stability_run(db: Session, record: ResultRecord, resamples: int = 200) -> StabilityRun:
    """A finished bootstrap run of the record, computed by pb.results.stability as the results page's worker
    would, and stored as it stores it."""
    run = StabilityRun(
        record_id=record.id,
        rule=record.rule,
        variant=record.variant,
        tie_order=record.tie_order,
        resamples=resamples,
        seed=STABILITY_SEED,
        ballot_digest=record.ballot_digest,
        status=JobStatus.DONE,
        wins=stability_of_file(record.ballots_file, record.rule, STABILITY_SEED, resamples),
        versions=dict(record.versions),
        finished_at=utcnow(),
    )
    db.add(run)
    db.commit()
    return run


def records(db: Session, process: Process) -> list[ResultRecord]:
    db.expire_all()
    found = db.query(ResultRecord).filter(ResultRecord.process_id == process.id).order_by(ResultRecord.budget_id)
    return list(found)
