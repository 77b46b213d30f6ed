"""Proposals: access-checked loading and the public status timeline."""

from __future__ import annotations

from litestar.exceptions import NotFoundException, PermissionDeniedException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import STAFF_ROLES, User
from pb.db import utcnow
from pb.proposals.models import Coauthor, Proposal, ProposalEvent, ProposalStatus


def is_staff(user: User | None) -> bool:
    return user is not None and bool(user.role_names & STAFF_ROLES)


async def is_author(db: AsyncSession, proposal: Proposal, user: User | None) -> bool:
    """The author or an accepted co-author."""
    if user is None:
        return False
    if proposal.author_id == user.id:
        return True
    accepted = await db.scalar(
        select(Coauthor.id).where(
            Coauthor.proposal_id == proposal.id, Coauthor.user_id == user.id, Coauthor.accepted_at.is_not(None)
        )
    )
    return accepted is not None


async def get_proposal_for(db: AsyncSession, user: User | None, proposal_id: int, *, write: bool = False) -> Proposal:
    """404 when the user may not know the proposal exists (someone else's draft, an unpublished process);
    403 when they may see it but not change it (``write``: only its authors)."""
    proposal = await db.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFoundException()
    author = await is_author(db, proposal, user)
    if proposal.status == ProposalStatus.DRAFT and not author:
        raise NotFoundException()
    if not author and not is_staff(user):
        from pb.processes.models import Process

        process = await db.get(Process, proposal.process_id)
        if process is None or not process.is_published:
            raise NotFoundException()
    if write and not author:
        raise PermissionDeniedException()
    return proposal


def record_event(proposal: Proposal, kind: str, *, status: str | None = None, public_note: str = "") -> ProposalEvent:
    """Add a public timeline entry (and change the status) in the caller's transaction."""
    if status is not None:
        proposal.status = status
    proposal.updated_at = utcnow()
    event = ProposalEvent(kind=kind, status=status, public_note=public_note, at=utcnow())
    proposal.events.append(event)
    return event
