"""The panel's work (issue 8): its members, sessions with attendance, table allocation and facilitators' notes,
materials and expert hearings, the recommendations with their versions, comments, votes and minority statements,
and the council's response to each recommendation with dated progress updates.

Members are the people the draw put on the panel (and their replacements). A member reaches the workspace by
linking their account with the one-time link in the selection email; the link's token is kept as a keyed hash.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import Base, UTCDateTime, utcnow


class PanelMember(Base):
    __tablename__ = "panel_members"
    __table_args__ = (
        UniqueConstraint("panel_id", "pseudonym"),
        Index("ix_panel_members_join_token_hash", "join_token_hash", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    # The pseudonym in the selection (pb.panels.models.SelectionPerson), which outlives the person's data.
    pseudonym: Mapped[str] = mapped_column(String(16))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_registrations.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The name the other members and the facilitators see; emptied when the members' data is deleted.
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # Category id -> value id: for mixing the tables and for the composition in numbers.
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Consent to show the name on the public page (OECD principle 10, Privacy: never without it).
    name_public: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    join_token_hash: Mapped[str | None] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    dropped_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_active(self) -> bool:
        return self.dropped_out_at is None


class PanelSession(Base):
    __tablename__ = "panel_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    # Facilitators' notes: seen by the panel's facilitators only.
    facilitator_notes: Mapped[str] = mapped_column(Text, default="")
    tables: Mapped[int] = mapped_column(default=0)

    attendance: Mapped[list[PanelAttendance]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    seats: Mapped[list[PanelSeat]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class PanelAttendance(Base):
    __tablename__ = "panel_attendance"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("panel_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(default=True)


class PanelSeat(Base):
    """A member's table (small group) in a session (pb.panels.tables)."""

    __tablename__ = "panel_seats"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("panel_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    table_number: Mapped[int] = mapped_column()


class PanelMaterial(Base):
    """Evidence for the panel (OECD principle 6, Information): a file, what it is and whose perspective it gives."""

    __tablename__ = "panel_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("panel_sessions.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    perspective: Mapped[str] = mapped_column(String(300), default="")
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PanelHearing(Base):
    """An expert heard by the panel, their declared interests and the questions members asked."""

    __tablename__ = "panel_hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("panel_sessions.id", ondelete="SET NULL"))
    speaker: Mapped[str] = mapped_column(String(200))
    affiliation: Mapped[str] = mapped_column(String(300), default="")
    declared_interests: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PanelRecommendation(Base):
    """A recommendation in the members' own words; ``title``, ``body`` and ``rationale`` are the newest version."""

    __tablename__ = "panel_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("panel_members.id", ondelete="SET NULL"))

    versions: Mapped[list[RecommendationVersion]] = relationship(
        cascade="all, delete-orphan", order_by="RecommendationVersion.number", lazy="selectin"
    )
    votes: Mapped[list[RecommendationVote]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    minority_statements: Mapped[list[MinorityStatement]] = relationship(
        cascade="all, delete-orphan", order_by="MinorityStatement.id", lazy="selectin"
    )


class RecommendationVersion(Base):
    __tablename__ = "panel_recommendation_versions"
    __table_args__ = (UniqueConstraint("recommendation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("panel_recommendations.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("panel_members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RecommendationComment(Base):
    __tablename__ = "panel_recommendation_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("panel_recommendations.id", ondelete="CASCADE"), index=True
    )
    # A member, or (member_id None) one of the panel's facilitators.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("panel_members.id", ondelete="SET NULL"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RecommendationVote(Base):
    """A member's final vote on a recommendation, on a five-point scale (1 strongly disagree … 5 strongly agree)."""

    __tablename__ = "panel_recommendation_votes"
    __table_args__ = (UniqueConstraint("recommendation_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("panel_recommendations.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column()
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MinorityStatement(Base):
    """A dissenting view attached to a recommendation (deliberation-panels.md §3.1 step 7)."""

    __tablename__ = "panel_minority_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("panel_recommendations.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(ForeignKey("panel_members.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CouncilResponse(Base):
    """The commissioning body's answer to one recommendation (deliberation-panels.md §5.2, response tracker)."""

    __tablename__ = "panel_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("panel_recommendations.id", ondelete="CASCADE"), unique=True
    )
    # pb.panels.council.Decision: accepted, partly, rejected, further_study.
    decision: Mapped[str] = mapped_column(String(20))
    reasoning: Mapped[str] = mapped_column(Text)
    responsible_body: Mapped[str] = mapped_column(String(300), default="")
    deadline: Mapped[date | None] = mapped_column()
    # The decision's reference in the minutes (pöytäkirja §, asianumero).
    decision_reference: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updates: Mapped[list[ResponseUpdate]] = relationship(
        cascade="all, delete-orphan", order_by="ResponseUpdate.on", lazy="selectin"
    )


class ResponseUpdate(Base):
    """A dated progress report on carrying out a recommendation (OECD principle 2, Accountability)."""

    __tablename__ = "panel_response_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("panel_responses.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
