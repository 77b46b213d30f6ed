"""Arranging review scenarios: proposals in a process, assignments and decisions, written straight to the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.processes.models import PhaseKind, Process
from pb.proposals.models import Proposal, ProposalEvent, ProposalStatus
from pb.review.models import Feasibility, Review, ReviewAssignment


def make_proposal(
    db: Session,
    process: Process,
    author: User | None,
    title: str,
    *,
    status: str = ProposalStatus.PUBLISHED,
    district_id: int | None = None,
    body: str = "",
) -> Proposal:
    moment = utcnow()
    proposal = Proposal(
        process_id=process.id,
        author_id=author.id if author else None,
        title=title,
        summary=f"Summary of {title}",
        body=body or f"Body of {title}",
        status=status,
        district_id=district_id,
        published_at=moment if status != ProposalStatus.DRAFT else None,
    )
    if status != ProposalStatus.DRAFT:
        proposal.events.append(ProposalEvent(kind="published", status=ProposalStatus.PUBLISHED, at=moment))
    db.add(proposal)
    db.commit()
    return proposal


def assign(db: Session, proposal: Proposal, reviewer: User) -> None:
    db.add(ReviewAssignment(proposal_id=proposal.id, reviewer_id=reviewer.id))
    db.commit()


def mark_feasible(db: Session, proposal: Proposal, low: int | None, high: int | None = None) -> None:
    db.add(
        Review(
            proposal_id=proposal.id,
            feasibility=Feasibility.FEASIBLE,
            public_reason="Fits the park plan.",
            cost_min_cents=low,
            cost_max_cents=high if high is not None else low,
        )
    )
    proposal.status = ProposalStatus.FEASIBLE
    db.commit()


def start_voting(db: Session, process: Process) -> None:
    """Move the voting phase so that it began an hour ago."""
    voting = process.phase(PhaseKind.VOTING)
    assert voting is not None
    voting.starts_at = utcnow() - timedelta(hours=1)
    db.commit()


def text_of(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    content: str = body.get_content()
    return content
