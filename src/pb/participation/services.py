"""Reading who voted (voter records and the paper register) for the participation tables.

Only the "who" side is read: no ballot, no choice. Both staff and public pages show counts only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from litestar.exceptions import NotFoundException
from sqlalchemy import Select, String, case, func, literal_column, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role, User
from pb.paper.models import PaperVoter
from pb.participation.statistics import (
    HELSINKI,
    Group,
    Overview,
    Participation,
    Statistics,
    compute,
    overview,
    people,
)
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


async def participation_rows(
    db: AsyncSession, process: Process, among: Select[tuple[str]] | None = None
) -> list[Participation]:
    """Every voter's participation in every budget of the round: electronic voter records and the paper
    register (only the voters whose keys `among` selects, if given). Plain columns, no ORM objects: during
    voting these tables are large and busy."""
    records_query = select(
        VoterRecord.voter_key,
        VoterRecord.budget_id,
        VoterRecord.channel,
        VoterRecord.district_id,
        VoterRecord.age_band,
        VoterRecord.first_voted_at,
    ).where(VoterRecord.process_id == process.id)
    paper_query = select(
        PaperVoter.person_key,
        PaperVoter.budget_id,
        PaperVoter.district_id,
        PaperVoter.age_band,
        PaperVoter.registered_at,
    ).where(PaperVoter.process_id == process.id)
    if among is not None:
        records_query = records_query.where(VoterRecord.voter_key.in_(among))
        paper_query = paper_query.where(PaperVoter.person_key.in_(among))
    records = await db.execute(records_query)
    paper = await db.execute(paper_query)
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


async def overview_for(db: AsyncSession, process: Process) -> Overview:
    """`statistics_for`'s voters and breakdowns by district, age band and channel (no budgets, no timeline),
    counted by the database for the PB outcome report (issue 5): a round of 50,000 voters is a few hundred
    grouped rows instead of 100,000 rows merged in Python.

    statistics.people merges a voter's rows into one person: the channel of their first row (by moment, then
    budget) and the first known home district and age band. When all of a voter's rows agree (the usual case),
    that is simply the one value they share, which GROUP BY finds; the few voters whose rows disagree are read
    row by row and merged by statistics.people itself, so the result is always that of `statistics_for`.
    """
    electronic = select(
        VoterRecord.voter_key.label("voter"),
        VoterRecord.channel.label("channel"),
        VoterRecord.district_id.label("district"),
        VoterRecord.age_band.label("band"),
        VoterRecord.first_voted_at.label("moment"),
    ).where(VoterRecord.process_id == process.id)
    paper = select(
        PaperVoter.person_key,
        literal_column(f"'{Channel.PAPER.value}'", String),
        PaperVoter.district_id,
        PaperVoter.age_band,
        PaperVoter.registered_at,
    ).where(PaperVoter.process_id == process.id)
    rows = union_all(electronic, paper).subquery("participation")
    # NULL compares as unknown and falls to "else": a voter with one known district and rows without is not mixed.
    disagree = or_(*(func.min(column) != func.max(column) for column in (rows.c.district, rows.c.band, rows.c.channel)))
    persons = (
        select(
            case((disagree, 1), else_=0).label("mixed"),
            func.max(rows.c.district).label("district"),
            func.max(rows.c.band).label("band"),
            func.max(rows.c.channel).label("channel"),
            func.min(rows.c.moment).label("moment"),
        )
        .group_by(rows.c.voter)
        .subquery("persons")
    )
    groups: list[tuple[datetime, Group]] = []
    mixed = False
    found = await db.execute(
        select(
            persons.c.mixed,
            persons.c.district,
            persons.c.band,
            persons.c.channel,
            func.count(),
            func.min(persons.c.moment),
        ).group_by(persons.c.mixed, persons.c.district, persons.c.band, persons.c.channel)
    )
    for is_mixed, district_id, band, channel, count, moment in found:
        if is_mixed:
            mixed = True
        else:
            groups.append((_utc(moment), Group(district_id, band, channel, count)))
    if mixed:
        disagreeing = select(rows.c.voter).group_by(rows.c.voter).having(disagree)
        merged: dict[tuple[int | None, str | None, str], tuple[datetime, int]] = {}
        for person in people(await participation_rows(db, process, disagreeing)):
            key = (person.district_id, person.age_band, person.channel)
            first, count = merged.get(key, (person.first_voted_at, 0))
            merged[key] = (min(first, person.first_voted_at), count + 1)
        groups += [(first, Group(*key, count)) for key, (first, count) in merged.items()]
    populations = {
        item.district_id: {band: int(count) for band, count in item.population_by_age.items()}
        for item in process.districts
    }
    # In the order their first voter came, as compute() meets them (it matters only for lines outside the
    # round's own districts, age bands and channels, which follow those).
    groups.sort(key=lambda item: item[0])
    return overview(
        [group for _, group in groups],
        populations=populations,
        age_bands=process.age_bands,
        channels=channels_of(process),
    )


def _utc(moment: datetime | str) -> datetime:
    """An aggregate's moment as an aware UTC datetime (a driver may hand back an aggregate as stored text)."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
