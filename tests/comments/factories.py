"""Arranging proposals and comments directly in the database, for the comment and moderation tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.comments.models import Comment
from pb.db import utcnow
from pb.proposals.models import Proposal, ProposalStatus


def make_proposal(
    db: Session, process: Any, author: User, *, status: str = ProposalStatus.PUBLISHED, title: str = "Uimaranta"
) -> Proposal:
    proposal = Proposal(
        process_id=process.id,
        author_id=author.id,
        title=title,
        summary="Uusi uimaranta Saaristoon.",
        body="Ranta, laituri ja pukukopit.",
        status=status,
        published_at=utcnow() if status != ProposalStatus.DRAFT else None,
    )
    db.add(proposal)
    db.commit()
    return proposal


def add_comment(
    db: Session,
    proposal: Proposal,
    author: User,
    body: str = "Hyvä ajatus.",
    *,
    parent: Comment | None = None,
    stance: str = "neutral",
    minutes_ago: int = 60,
) -> Comment:
    """A comment as if posted ``minutes_ago`` (counted on the proposal, as the app does)."""
    comment = Comment(
        proposal_id=proposal.id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author_id=author.id,
        stance=stance,
        body=body,
        created_at=utcnow() - timedelta(minutes=minutes_ago),
    )
    db.add(comment)
    proposal.comment_count += 1
    db.commit()
    return comment


def log_in_in_english(client: Any, persona: Any) -> None:
    """Log in and switch to English, so that tests can read the English message ids."""
    client.log_in(persona)
    client.get("/?lang=en")
