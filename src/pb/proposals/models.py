"""Residents' proposals, with their images, co-authors, supports, followers and public status history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import Base, UTCDateTime, utcnow
from pb.i18n import N_


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"  # combined into a plan
    FEASIBLE = "feasible"
    NOT_FEASIBLE = "not_feasible"
    ON_BALLOT = "on_ballot"


STATUS_LABELS = {
    ProposalStatus.DRAFT: N_("Draft"),
    ProposalStatus.PUBLISHED: N_("Published"),
    ProposalStatus.WITHDRAWN: N_("Withdrawn"),
    ProposalStatus.MERGED: N_("Merged into a plan"),
    ProposalStatus.FEASIBLE: N_("Feasible"),
    ProposalStatus.NOT_FEASIBLE: N_("Not feasible"),
    ProposalStatus.ON_BALLOT: N_("On the ballot"),
}
# Statuses the public can see (drafts only by their authors).
PUBLIC_STATUSES = frozenset(ProposalStatus) - {ProposalStatus.DRAFT}


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_process_status", "process_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A plan is a combined proposal made by staff from several proposals (co-creation).
    is_plan: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(150))
    summary: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)  # Markdown as written; sanitised HTML is made on display
    language: Mapped[str] = mapped_column(String(2), default="fi")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))  # None: city-wide
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    author_cost_cents: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.DRAFT)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    # Moderation: hidden content stays in the database and is replaced by a notice with the public reason.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    # Denormalised counters, updated in the same transaction as the rows they count (lists sort by them).
    support_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    images: Mapped[list[ProposalImage]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalImage.position"
    )
    events: Mapped[list[ProposalEvent]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalEvent.at"
    )


class ProposalImage(Base):
    """An image re-encoded on upload (metadata such as GPS stripped), stored in the database."""

    __tablename__ = "proposal_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)

    proposal: Mapped[Proposal] = relationship(back_populates="images")


class Coauthor(Base):
    """A co-author invited by email; the invitation becomes a link to an account when accepted."""

    __tablename__ = "proposal_coauthors"
    __table_args__ = (UniqueConstraint("proposal_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Support(Base):
    __tablename__ = "proposal_supports"
    # One support per resident per proposal, enforced by the database (a double click cannot count twice).
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Follow(Base):
    __tablename__ = "proposal_follows"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    notify_comments: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProposalEvent(Base):
    """The public status timeline of a proposal (published, merged, reviewed, on the ballot...)."""

    __tablename__ = "proposal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(20))
    public_note: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="events")
