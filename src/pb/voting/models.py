"""Who voted and what was voted, kept in two tables that a database reader cannot join.

- `voter_records` (who): the voter's keyed hash, budget, channel, district, age band and time. One row per voter
  and budget "slot", enforced by a unique constraint.
- `ballots` (what): a random id, the budget, the choices and the receipt's hash, found again only through
  `link`, a keyed hash of (budget, voter) that needs the server secret. No time, no channel, no voter.
  On SQLite the table has no rowid (rows are stored in the order of their random ids, not of insertion);
  on PostgreSQL `pb voting mix` reorders it (docs/ballot-secrecy.md).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pb.db import Base, UTCDateTime, utcnow
from pb.i18n import N_


class Channel(StrEnum):
    ONLINE = "online"  # signed in, census check (with or without a code)
    CODE = "code"  # the letter's code only, no account
    ASSISTED = "assisted"  # with a voting assistant, identity checked in person
    PAPER = "paper"


CHANNEL_LABELS = {
    Channel.ONLINE: N_("Online"),
    Channel.CODE: N_("Online with a code"),
    Channel.ASSISTED: N_("With an assistant"),
    Channel.PAPER: N_("On paper"),
}


class VoterRecord(Base):
    """That a voter voted in a budget. `slot` makes "one ballot per budget" and "one district of their
    choice" database rules: it is `budget:<id>`, or `district` for the district budgets of a process with
    the city-wide-plus-one-district rule."""

    __tablename__ = "voter_records"
    __table_args__ = (UniqueConstraint("process_id", "voter_key", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(64))
    slot: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(10))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    age_band: Mapped[str | None] = mapped_column(String(20))
    first_voted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_voted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BallotStatus(StrEnum):
    COUNTED = "counted"
    SET_ASIDE = "set_aside"  # e.g. a paper ballot of a person who also voted electronically


class Ballot(Base):
    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("budget_id", "link"), {"sqlite_with_rowid": False})

    # 32 random hex characters (secrets.token_hex), never a sequence.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    link: Mapped[str] = mapped_column(String(64))
    # [[project_id, value], ...] sorted by project id: value 1 (approval), points, or rank.
    choices: Mapped[list[Any]] = mapped_column(JSON)
    # Null for paper ballots, which carry no receipt code.
    receipt_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Paper ballots are counted only after both entries of their batch match; electronic ballots at once.
    is_paper: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=BallotStatus.COUNTED)
