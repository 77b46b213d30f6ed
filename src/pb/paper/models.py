"""Paper ballots: the register of who voted on paper, and ballots entered twice in batches.

Rule (issue 4, "one person, one ballot per budget"): staff register each paper voter with the number of the
sheet they were given. If the same person also has an electronic ballot in that budget, the electronic ballot
stands and the paper ballot is set aside; the reconciliation report lists every such case.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pb.db import Base, UTCDateTime, utcnow


class PaperVoter(Base):
    """A person who was given a paper ballot sheet for a budget, after an identity check."""

    __tablename__ = "paper_voters"
    __table_args__ = (UniqueConstraint("budget_id", "person_key"), UniqueConstraint("budget_id", "sheet_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    person_key: Mapped[str] = mapped_column(String(64))
    # Keys.paper_sheet(budget, number): the sheet, without a value that matches the ballot's link.
    sheet_key: Mapped[str] = mapped_column(String(64))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    age_band: Mapped[str | None] = mapped_column(String(20))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BatchStatus(StrEnum):
    OPEN = "open"  # entries being typed
    DIFFERENT = "different"  # both entries done, and they differ: corrections needed
    ACCEPTED = "accepted"  # both entries match; its ballots are stored and counted


class PaperBatch(Base):
    __tablename__ = "paper_batches"
    __table_args__ = (UniqueConstraint("budget_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    # The label written on the envelope or box, e.g. "Kirjasto 3".
    label: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=BatchStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PaperEntry(Base):
    """One staff member's typing of one batch (round 1 or 2). The two rounds are by different people."""

    __tablename__ = "paper_entries"
    __table_args__ = (UniqueConstraint("batch_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("paper_batches.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column()
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # {"sheet number": [[project_id, value], ...] or "invalid"}: the sheets of the batch as typed.
    sheets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_complete: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
