"""The census of eligible residents, the accounts linked to a census entry, and voting codes.

Identifiers and codes are stored only as keyed hashes (pb.voting.secrecy); a database reader cannot turn them
back into identity codes or usable codes.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pb.db import Base, UTCDateTime, utcnow


class CensusEntry(Base):
    """One eligible resident of a process, from the admin's CSV import."""

    __tablename__ = "census_entries"
    __table_args__ = (UniqueConstraint("process_id", "person_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    # Keys.person(identifier): never the identifier itself.
    person_key: Mapped[str] = mapped_column(String(64))
    # Needed to check the minimum age on the last day of voting and for turnout by age band.
    birth_date: Mapped[date] = mapped_column(Date)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="RESTRICT"))


class CensusImport(Base):
    """When a census was imported and what it held, for the admin page and the audit trail."""

    __tablename__ = "census_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rows: Mapped[int] = mapped_column(default=0)
    # SHA-256 of the uploaded file, so an admin can tell which file was used.
    file_digest: Mapped[str] = mapped_column(String(64), default="")


class EligibilityProof(Base):
    """An account that proved, in one process, to be a person of the census. One account per person."""

    __tablename__ = "eligibility_proofs"
    __table_args__ = (UniqueConstraint("process_id", "user_id"), UniqueConstraint("process_id", "person_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    person_key: Mapped[str] = mapped_column(String(64))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="RESTRICT"))
    birth_date: Mapped[date] = mapped_column(Date)
    # Set when the process also requires the letter's code (VotingMethod.CENSUS_AND_CODE).
    voting_code_id: Mapped[int | None] = mapped_column(ForeignKey("voting_codes.id", ondelete="SET NULL"))
    proved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CodeStatus(StrEnum):
    UNUSED = "unused"
    USED = "used"
    LOST = "lost"  # reported lost: refused from then on, and a replacement printed


class VotingCode(Base):
    """A single-use voting code printed in a letter for one district. Only the keyed hash is kept."""

    __tablename__ = "voting_codes"
    # A letter is found again by its batch and number (to mark it lost), so the pair is unique in a round.
    __table_args__ = (UniqueConstraint("process_id", "batch", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="RESTRICT"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Letters are generated in numbered batches; the batch and the position on it find a letter again.
    batch: Mapped[int] = mapped_column(default=1)
    serial: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default=CodeStatus.UNUSED)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("voting_codes.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
