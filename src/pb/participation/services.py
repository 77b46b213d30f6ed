"""Reading who voted (voter records and the paper register) for the participation tables.

Only the "who" side is read: no ballot, no choice. Both staff and public pages show counts only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role, User
from pb.paper.models import PaperVoter
from pb.participation.statistics import HELSINKI, Participation, Statistics, compute
from pb.processes import services as processes
from pb.processes.models import PhaseKind, Process, VotingMethod
from pb.voting.models import Channel, VoterRecord

# Staff who follow the vote as it happens: admins run the round, voting assistants staff the voting points.
# Council members are elected officials, not staff of the vote: they see the public (suppressed) figures.
STAFF_ROLES = (Role.ADMIN, Role.VOTING_ASSISTANT)


def voting_has_started(process: Process, now: datetime) -> bool:
    phase = process.phase(PhaseKind.VOTING)
    return phase is not None and phase.state(now) != "upcoming"


async def get_process_for_public_figures(db: AsyncSession, user: User | None, slug: str, now: datetime) -> Process:
    """A visible process whose voting has started (figures appear with the first day of voting); else 404."""
    process = await processes.get_process_for(db, user, slug)
    if not voting_has_started(process, now):
        raise NotFoundException()
    return process


async def get_process_for_staff_figures(db: AsyncSession, user: User, slug: str) -> Process:
    """For the staff page, whose guard admits STAFF_ROLES: any process the user may see, even before voting."""
    assert user.has_role(*STAFF_ROLES)
    return await processes.get_process_for(db, user, slug)


async def participation_rows(db: AsyncSession, process: Process) -> list[Participation]:
    """Every voter's participation in every budget of the round: electronic voter records and the paper
    register. Plain columns, no ORM objects: during voting these tables are large and busy."""
    records = await db.execute(
        select(
            VoterRecord.voter_key,
            VoterRecord.budget_id,
            VoterRecord.channel,
            VoterRecord.district_id,
            VoterRecord.age_band,
            VoterRecord.first_voted_at,
        ).where(VoterRecord.process_id == process.id)
    )
    paper = await db.execute(
        select(
            PaperVoter.person_key,
            PaperVoter.budget_id,
            PaperVoter.district_id,
            PaperVoter.age_band,
            PaperVoter.registered_at,
        ).where(PaperVoter.process_id == process.id)
    )
    rows = [
        Participation(key, budget, channel, district, band, at) for key, budget, channel, district, band, at in records
    ]
    rows += [Participation(key, budget, Channel.PAPER, district, band, at) for key, budget, district, band, at in paper]
    return rows


# The channel a voting method's ballots are recorded under (Voter.channel).
METHOD_CHANNELS = {
    VotingMethod.CENSUS: Channel.ONLINE,
    VotingMethod.CENSUS_AND_CODE: Channel.ONLINE,
    VotingMethod.CODE: Channel.CODE,
    VotingMethod.ASSISTED: Channel.ASSISTED,
    VotingMethod.PAPER: Channel.PAPER,
}


def channels_of(process: Process) -> list[str]:
    """The round's channels, in the order of Channel: only those its methods allow, because a channel nobody
    can use is no information (and a zero shown as "<5" would hide other cells needlessly)."""
    allowed = {METHOD_CHANNELS[VotingMethod(method)] for method in process.voting_methods if method in METHOD_CHANNELS}
    return [channel for channel in Channel if channel in allowed]


def voting_days(process: Process, now: datetime) -> list[date]:
    """The days (Europe/Helsinki) of voting so far, each listed even with no voters."""
    phase = process.phase(PhaseKind.VOTING)
    if phase is None or now < phase.starts_at:
        return []
    first = phase.starts_at.astimezone(HELSINKI).date()
    last = (min(now, phase.effective_end) - timedelta(microseconds=1)).astimezone(HELSINKI).date()
    return [date.fromordinal(day) for day in range(first.toordinal(), max(first, last).toordinal() + 1)]


async def statistics_for(db: AsyncSession, process: Process, now: datetime) -> Statistics:
    populations = {
        item.district_id: {band: int(count) for band, count in item.population_by_age.items()}
        for item in process.districts
    }
    return compute(
        await participation_rows(db, process),
        budget_ids=[budget.id for budget in process.budgets],
        populations=populations,
        age_bands=process.age_bands,
        channels=channels_of(process),
        days=voting_days(process, now),
    )
