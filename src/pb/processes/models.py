"""Participatory-budgeting rounds ("processes"): their phases, districts, budgets, themes and ballot projects."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import Base, UTCDateTime, utcnow
from pb.i18n import N_


class PhaseKind(StrEnum):
    PROPOSALS = "proposals"
    DELIBERATION = "deliberation"
    REVIEW = "review"
    VOTING = "voting"
    RESULTS = "results"
    IMPLEMENTATION = "implementation"


# The order of a round (OmaStadi, Decidim and CONSUL all follow this cycle).
PHASE_ORDER = list(PhaseKind)
PHASE_LABELS = {
    PhaseKind.PROPOSALS: N_("Proposals"),
    PhaseKind.DELIBERATION: N_("Co-creation"),
    PhaseKind.REVIEW: N_("Review and costing"),
    PhaseKind.VOTING: N_("Voting"),
    PhaseKind.RESULTS: N_("Results"),
    PhaseKind.IMPLEMENTATION: N_("Implementation"),
}
PHASE_INVITATIONS = {
    PhaseKind.PROPOSALS: N_("Make a proposal, support the ones you like and comment on them."),
    PhaseKind.DELIBERATION: N_("Develop the proposals further together: comment and join forces with similar ones."),
    PhaseKind.REVIEW: N_("City experts check whether proposals are feasible and what they would cost."),
    PhaseKind.VOTING: N_("Vote for the projects you want the city to carry out."),
    PhaseKind.RESULTS: N_("See which projects won and how the votes were counted."),
    PhaseKind.IMPLEMENTATION: N_("Follow how the winning projects are carried out."),
}


class BallotFormat(StrEnum):
    """How a ballot of a budget is filled in (set per budget by an admin)."""

    APPROVAL = "approval"  # choose projects whose total cost stays within the budget ("knapsack")
    K_APPROVAL = "k_approval"  # choose between 1 and k projects
    CUMULATIVE = "cumulative"  # distribute P points, at most m per project
    RANKED = "ranked"  # order up to k projects


BALLOT_FORMAT_LABELS = {
    BallotFormat.APPROVAL: N_("Choose projects within the budget"),
    BallotFormat.K_APPROVAL: N_("Choose up to a number of projects"),
    BallotFormat.CUMULATIVE: N_("Distribute points"),
    BallotFormat.RANKED: N_("Rank projects"),
}


class BudgetRule(StrEnum):
    """Which budgets of a process a voter votes in."""

    ALL = "all"  # every budget of the process
    CITYWIDE_PLUS_ONE = "citywide_plus_one"  # the city-wide budgets and one district budget of their choice
    OWN_DISTRICT = "own_district"  # the city-wide budgets and their own district's budgets


BUDGET_RULE_LABELS = {
    BudgetRule.ALL: N_("Every budget of the round"),
    BudgetRule.CITYWIDE_PLUS_ONE: N_("The city-wide budget and one district of the voter's choice"),
    BudgetRule.OWN_DISTRICT: N_("The city-wide budget and the voter's own district"),
}


class VotingMethod(StrEnum):
    """How a person shows they may vote. Each process accepts some of these."""

    # Online, signed in, identifier and birth date checked against the imported census. Weak on its own:
    # identifiers are not secret.
    CENSUS = "census"
    # Online, signed in, census check together with the voting code from the letter sent to the person.
    CENSUS_AND_CODE = "census_and_code"
    # Online with the voting code from the letter only, without an account.
    CODE = "code"
    # With a voting assistant who checks an identity document in person.
    ASSISTED = "assisted"
    # On a paper ballot at a staffed voting point, entered later in double-checked batches.
    PAPER = "paper"


VOTING_METHOD_LABELS = {
    VotingMethod.CENSUS: N_("Online with the census check (identifier and birth date)"),
    VotingMethod.CENSUS_AND_CODE: N_("Online with the census check and the voting code from the letter"),
    VotingMethod.CODE: N_("Online with the voting code from the letter, without an account"),
    VotingMethod.ASSISTED: N_("With a voting assistant"),
    VotingMethod.PAPER: N_("On paper"),
}


class Multilingual:
    """Admin-entered text kept in Finnish, Swedish and English; missing languages fall back to Finnish."""

    def text(self, field: str, language: str) -> str:
        value = getattr(self, f"{field}_{language}", "") or ""
        return value or str(getattr(self, f"{field}_fi", "") or "")


class Process(Base, Multilingual):
    __tablename__ = "processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    # Markdown, rendered and sanitised on display.
    description_fi: Mapped[str] = mapped_column(Text, default="")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(default=False)
    # Age bands used for eligible population and turnout, e.g. ["12-17", "18-29", "30-64", "65+"].
    age_bands: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Voting rules. The minimum age applies on the last day of voting (Europe/Helsinki).
    minimum_age: Mapped[int] = mapped_column(default=12)
    budget_rule: Mapped[str] = mapped_column(String(30), default=BudgetRule.ALL)
    voting_methods: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: [VotingMethod.CENSUS, VotingMethod.ASSISTED, VotingMethod.PAPER]
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Raised by database triggers (migration 0010) whenever the round or its phases, districts, budgets, themes
    # or ballot projects change, so that a worker's cached copy of the round (pb.processes.cache) can be checked with
    # one small query. Never set by the application.
    config_version: Mapped[int] = mapped_column(default=0, server_default="0")

    phases: Mapped[list[Phase]] = relationship(
        back_populates="process", cascade="all, delete-orphan", order_by="Phase.starts_at", lazy="selectin"
    )
    districts: Mapped[list[ProcessDistrict]] = relationship(
        back_populates="process", cascade="all, delete-orphan", lazy="selectin"
    )
    budgets: Mapped[list[Budget]] = relationship(
        back_populates="process", cascade="all, delete-orphan", lazy="selectin", order_by="Budget.position"
    )
    themes: Mapped[list[Theme]] = relationship(
        back_populates="process", cascade="all, delete-orphan", lazy="selectin", order_by="Theme.position"
    )

    def current_phase(self, now: datetime) -> Phase | None:
        for phase in self.phases:
            if phase.is_open(now):
                return phase
        return None

    def phase(self, kind: PhaseKind) -> Phase | None:
        return next((phase for phase in self.phases if phase.kind == kind), None)

    def is_open_for(self, kind: PhaseKind, now: datetime) -> bool:
        phase = self.phase(kind)
        return phase is not None and phase.is_open(now)


class Phase(Base):
    __tablename__ = "process_phases"
    __table_args__ = (UniqueConstraint("process_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # An admin may close a phase before its end date; it then counts as ended from this moment.
    closed_early_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    process: Mapped[Process] = relationship(back_populates="phases")

    @property
    def effective_end(self) -> datetime:
        if self.closed_early_at is not None and self.closed_early_at < self.ends_at:
            return self.closed_early_at
        return self.ends_at

    def is_open(self, now: datetime) -> bool:
        return self.starts_at <= now < self.effective_end

    def state(self, now: datetime) -> str:
        if now < self.starts_at:
            return "upcoming"
        return "open" if now < self.effective_end else "ended"


class ProcessDistrict(Base):
    """A district taking part in a process, with its eligible population per age band (for turnout)."""

    __tablename__ = "process_districts"
    __table_args__ = (UniqueConstraint("process_id", "district_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="RESTRICT"))
    # {"12-17": 1234, "18-29": 2345, ...}: age band label -> eligible residents.
    population_by_age: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    process: Mapped[Process] = relationship(back_populates="districts")

    @property
    def eligible_population(self) -> int:
        return sum(int(value) for value in self.population_by_age.values())


class Budget(Base, Multilingual):
    """Money to allocate: city-wide (no district) or for one district. Amounts are whole euro cents."""

    __tablename__ = "budgets"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="RESTRICT"))
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(default=0)
    # The ballot's format and its limits (see pb.voting.rules for what each means per format).
    ballot_format: Mapped[str] = mapped_column(String(20), default=BallotFormat.APPROVAL)
    min_spend_percent: Mapped[int] = mapped_column(default=0)
    min_choices: Mapped[int | None] = mapped_column()
    max_choices: Mapped[int | None] = mapped_column()
    points_total: Mapped[int | None] = mapped_column()
    points_per_project: Mapped[int | None] = mapped_column()

    process: Mapped[Process] = relationship(back_populates="budgets")
    projects: Mapped[list[Project]] = relationship(
        back_populates="budget", cascade="all, delete-orphan", order_by="Project.id"
    )


class Theme(Base, Multilingual):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    name_fi: Mapped[str] = mapped_column(String(120))
    name_sv: Mapped[str] = mapped_column(String(120), default="")
    name_en: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(default=0)

    process: Mapped[Process] = relationship(back_populates="themes")


class Project(Base):
    """A project on the ballot of a budget, made from a feasible proposal or plan, with its official cost."""

    __tablename__ = "ballot_projects"
    __table_args__ = (UniqueConstraint("budget_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    cost_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    budget: Mapped[Budget] = relationship(back_populates="projects")
