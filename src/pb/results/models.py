"""Result records (what a count selected, with everything needed to recompute it) and implementation tracking.

STYLE.md: "Every algorithmic outcome that affects people is stored with its inputs' digest, parameters, seed and
software version, so anyone can recompute it." A `ResultRecord` therefore keeps the anonymised ballots file
itself (the exact bytes the public downloads), its SHA-256, the rule and its parameters, the lot order with the
seed it was drawn from, the engine's versions and the outcome. A published record never changes: the ORM
listeners below refuse any update or delete of one, and recounting adds a new record.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from pb.db import Base, UTCDateTime, utcnow
from pb.i18n import N_


class RecordStatus(StrEnum):
    DRAFT = "draft"  # computed, for staff to review
    PUBLISHED = "published"  # public and immutable


RECORD_STATUS_LABELS = {
    RecordStatus.DRAFT: N_("Not published"),
    RecordStatus.PUBLISHED: N_("Published"),
}


class PublishedRecordChanged(RuntimeError):
    """Something tried to change or delete a published result record."""


class ResultLot(Base):
    """The lot order of a budget's projects: pb's last tie-breaker, drawn once from a recorded seed and reused
    by every count of the budget, so a recount cannot draw a more convenient lot."""

    __tablename__ = "result_lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), unique=True)
    seed: Mapped[str] = mapped_column(String(64))
    # Project ids (as text, as in the .pb file) from the first to the last in the lot.
    order: Mapped[list[str]] = mapped_column(JSON)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ResultRecord(Base):
    __tablename__ = "result_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    # The `pb tally --rule` name (e.g. "mes") and the engine's variant name (e.g. "mes_add1_es").
    rule: Mapped[str] = mapped_column(String(40))
    variant: Mapped[str] = mapped_column(String(40))
    tie_order: Mapped[str] = mapped_column(String(20))
    # Everything else the rule read: budget, vote type, ballot limits, score threshold (exact numbers as text).
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lot_seed: Mapped[str] = mapped_column(String(64))
    lot_order: Mapped[list[str]] = mapped_column(JSON)
    # The anonymised ballots as a Pabulib file, byte for byte what /processes/{slug}/results/{budget}.pb serves.
    ballots_file: Mapped[str] = mapped_column(Text)
    # SHA-256 of the file's UTF-8 bytes (what `sha256sum` prints) and the engine's canonical ballot digest
    # (pb.counting.pabulib.ballot_digest, which `pb tally --json` prints as "digest").
    file_digest: Mapped[str] = mapped_column(String(64))
    ballot_digest: Mapped[str] = mapped_column(String(64))
    voters: Mapped[int] = mapped_column()
    # Ballot project ids in the order the rule selected them.
    selected: Mapped[list[int]] = mapped_column(JSON)
    total_cost_cents: Mapped[int] = mapped_column(BigInteger)
    # Ballot project id (as text) -> [voters who chose it, points], from the counted election, so pages and reports
    # need not parse the ballots file again. None for records counted before pb stored them (migration 0011).
    tallies: Mapped[dict[str, list[int]] | None] = mapped_column(JSON)
    # MES: the final per-voter endowment as an exact fraction ("1399/3"), and how many MES runs it took.
    endowment: Mapped[str | None] = mapped_column(String(80))
    mes_runs: Mapped[int] = mapped_column(default=0)
    # Every tie the engine resolved: [{"step", "tied", "chosen", "criterion"}].
    ties: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The plain-language explanation's data (pb.results.explain) and the other rules' selections.
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comparison: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    versions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=RecordStatus.DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def is_published(self) -> bool:
        return self.status == RecordStatus.PUBLISHED


@event.listens_for(ResultRecord, "before_update")
def _refuse_changing_a_published_record(_mapper: Mapper[Any], _connection: Any, target: ResultRecord) -> None:
    history = inspect(target).attrs.status.history
    # The one change allowed is the publication itself (draft -> published); after it, nothing.
    was_published = RecordStatus.PUBLISHED in (history.deleted or ()) or (
        not history.has_changes() and target.status == RecordStatus.PUBLISHED
    )
    if was_published:
        raise PublishedRecordChanged(f"result record {target.id} is published and cannot change")


@event.listens_for(ResultRecord, "before_delete")
def _refuse_deleting_a_published_record(_mapper: Mapper[Any], _connection: Any, target: ResultRecord) -> None:
    if target.status == RecordStatus.PUBLISHED:
        raise PublishedRecordChanged(f"result record {target.id} is published and cannot be deleted")


class ImplementationStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


IMPLEMENTATION_STATUS_LABELS = {
    ImplementationStatus.PLANNED: N_("Planned"),
    ImplementationStatus.IN_PROGRESS: N_("In progress"),
    ImplementationStatus.DONE: N_("Done"),
    ImplementationStatus.CANCELLED: N_("Cancelled"),
}


class Implementation(Base):
    """How a funded project is being carried out: public on the results page and the project's page."""

    __tablename__ = "implementations"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("ballot_projects.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=ImplementationStatus.PLANNED)
    # Required when the status is cancelled: residents are told why a project they voted for was not done.
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    actual_cost_cents: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ImplementationNote(Base):
    """A dated progress note on a funded project."""

    __tablename__ = "implementation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("ballot_projects.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class JobStatus(StrEnum):
    """The state of work done in a background worker process after the request that asked for it."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class PastElection(Base):
    """A participatory-budgeting election imported from a Pabulib file, to browse and count with every rule.

    Data model (issue 9, "Import any valid Pabulib .pb file as a past election"): the file's original bytes are
    kept exactly as uploaded, with their SHA-256, so the download is the file that was imported; what the pages
    list (title, vote type, budget, voters, META, projects with their votes) is parsed once at import and stored
    beside it. Counting never reads those copies: it re-parses the bytes (pb.results.pabulib_import), in a worker
    process after the upload, and keeps every rule's outcome in `outcomes` with the software versions.
    """

    __tablename__ = "past_elections"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    file_name: Mapped[str] = mapped_column(String(255))
    file_data: Mapped[bytes] = mapped_column(LargeBinary)
    # One import per file: the same bytes twice would be the same election twice.
    file_digest: Mapped[str] = mapped_column(String(64), unique=True)
    ballot_digest: Mapped[str] = mapped_column(String(64))
    vote_type: Mapped[str] = mapped_column(String(20))
    # Exact numbers as text (pb.counting.pabulib.format_number), in the file's currency.
    budget: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(10), default="")
    voters: Mapped[int] = mapped_column()
    meta: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    projects: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    withdrawn: Mapped[int] = mapped_column(default=0)
    # The `pb tally` rule matching the file's META `rule` (pb's default when the file names none we have).
    file_rule: Mapped[str] = mapped_column(String(40))
    # rule -> {"selected": [...], "total_cost": "..."} or {"error": "..."}; empty until counted.
    outcomes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    count_status: Mapped[str] = mapped_column(String(10), default=JobStatus.RUNNING)
    count_error: Mapped[str] = mapped_column(Text, default="")
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    versions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def budget_amount(self) -> Decimal:
        """The budget as an exact decimal number, for display."""
        return Decimal(self.budget)


class StabilityRun(Base):
    """A bootstrap stability analysis (pb.results.stability) of one result record or one imported election.

    Stored with everything needed to repeat it: the rule and tie order, the number of resamples, the seed, the
    digest of the ballots that were resampled and the software versions. One run per result record (and per rule
    of an imported election): a run is computed once and then reused.
    """

    __tablename__ = "stability_runs"
    __table_args__ = (
        UniqueConstraint("election_id", "rule"),
        CheckConstraint("(record_id IS NULL) <> (election_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("result_records.id", ondelete="CASCADE"), unique=True)
    election_id: Mapped[int | None] = mapped_column(ForeignKey("past_elections.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(40))
    variant: Mapped[str] = mapped_column(String(40))
    tie_order: Mapped[str] = mapped_column(String(20))
    resamples: Mapped[int] = mapped_column()
    seed: Mapped[str] = mapped_column(String(64))
    # pb.counting.pabulib.ballot_digest of the ballots resampled.
    ballot_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.RUNNING)
    # Project id (as in the ballots file) -> number of resamples in which it was selected.
    wins: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    versions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
