"""Assisted voting: which rounds an assistant can help in, and starting a kiosk voter after an identity check.

The kiosk voter lives in the assistant's session (pb.voting.identity.KIOSK) as a keyed hash; the voting pages
serve it like any voter. Staff never see what the person chooses: the assistant's pages hold no ballot, and
the audit log records that a session started (who helped, in which round, when), never whom they helped.
"""

from __future__ import annotations

from datetime import datetime

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.assisted.forms import Person
from pb.audit.services import record
from pb.eligibility.services import EligibilityRefused, accepts, census_voter
from pb.i18n import N_
from pb.processes.models import Process, VotingMethod
from pb.processes.services import get_process_for
from pb.voting.models import Channel
from pb.voting.secrecy import Keys
from pb.voting.services import Voter, voting_is_open


async def assisted_processes(db: AsyncSession, now: datetime) -> list[Process]:
    """Published rounds whose voting is open now and that accept voting with an assistant."""
    query = select(Process).where(Process.is_published.is_(True)).order_by(Process.created_at.desc(), Process.id)
    return [
        process
        for process in await db.scalars(query)
        if accepts(process, VotingMethod.ASSISTED) and voting_is_open(process, now)
    ]


async def get_process_for_assisting(db: AsyncSession, user: User, slug: str) -> Process:
    """A round the assistant may know that accepts assisted voting; otherwise 404 (there is no such page)."""
    process = await get_process_for(db, user, slug)
    if not accepts(process, VotingMethod.ASSISTED):
        raise NotFoundException()
    return process


async def start_assisted_voter(
    db: AsyncSession, keys: Keys, process: Process, assistant: User, person: Person, now: datetime, address: str
) -> Voter:
    """The census check of a person whose identity document the assistant has seen. Raises EligibilityRefused."""
    if not voting_is_open(process, now):
        raise EligibilityRefused(N_("Voting is not open in this round."))
    voter = await census_voter(db, keys, process, person.identifier, person.birth_date, Channel.ASSISTED)
    # Who helped, where and when (the event's time): enough to follow up a complaint about a voting point,
    # not enough to tell whom they helped.
    record(
        db,
        actor=assistant,
        action="assisted_voting.started",
        object_type="process",
        object_id=process.id,
        client_address=address,
    )
    await db.commit()
    return voter
