"""Citizens' panels (kuntalaisraati, Kuntalaki 410/2015 22 §): the panel, its selection categories and quotas,
the address register, the invitation lottery with its letters, and the registrations of the people who answered.

Personal data (names, contact details, needs) lives only in ``panel_registrations``; the facilitator pages that
show it check that the reader facilitates the panel and write an audit entry for every read (issue 8, Privacy).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import Base, UTCDateTime, utcnow
from pb.processes.models import Multilingual


class Panel(Base, Multilingual):
    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    # The remit: the question the panel answers, worded neutrally (OECD 2020 principle 1, Purpose).
    remit_fi: Mapped[str] = mapped_column(Text)
    remit_sv: Mapped[str] = mapped_column(Text, default="")
    remit_en: Mapped[str] = mapped_column(Text, default="")
    description_fi: Mapped[str] = mapped_column(Text, default="")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # The body that commissioned the panel and answers its recommendations (OECD principle 2, Accountability).
    commissioner: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column()
    # How far from the proportional count a quota may go, in people (pb.panels.quotas).
    tolerance: Mapped[int] = mapped_column(default=1)
    registration_closes_on: Mapped[date] = mapped_column()
    first_session_on: Mapped[date] = mapped_column()
    last_session_on: Mapped[date] = mapped_column()
    # A published panel has a public page (OECD principle 3, Transparency: announced before it starts).
    is_published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Retention (issue 8, Privacy; GDPR Art. 5(1)(e) storage limitation): the data of people not selected is
    # deleted this many days after the draw, members' data this many days after the panel closes.
    unselected_retention_days: Mapped[int] = mapped_column(default=30, server_default="30")
    member_retention_days: Mapped[int] = mapped_column(default=365, server_default="365")
    # The recommendations' stage (pb.panels.recommendations.Stage): drafting, voting, final.
    recommendations_stage: Mapped[str] = mapped_column(String(20), default="drafting", server_default="drafting")
    # The council's answer is public (and emailed to the members) from this moment (OECD principle 2).
    response_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Personal data deleted by pb.panels.retention: of the people not selected, then of the members.
    unselected_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    members_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    categories: Mapped[list[PanelCategory]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="PanelCategory.position", lazy="selectin"
    )
    facilitators: Mapped[list[PanelFacilitator]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PanelFacilitator.id"
    )


class PanelFacilitator(Base):
    """Who runs a panel: only they (and admins) see its pool's personal data."""

    __tablename__ = "panel_facilitators"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PanelCategory(Base, Multilingual):
    """A selection category (age band, gender, district, mother tongue, ...)."""

    __tablename__ = "panel_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    name_fi: Mapped[str] = mapped_column(String(120))
    name_sv: Mapped[str] = mapped_column(String(120), default="")
    name_en: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(default=0)

    panel: Mapped[Panel] = relationship(back_populates="categories")
    values: Mapped[list[PanelCategoryValue]] = relationship(
        back_populates="category", cascade="all, delete-orphan", order_by="PanelCategoryValue.position", lazy="selectin"
    )


class PanelCategoryValue(Base, Multilingual):
    """One value of a category, its share of the population and the quota on the panel."""

    __tablename__ = "panel_category_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("panel_categories.id", ondelete="CASCADE"), index=True)
    name_fi: Mapped[str] = mapped_column(String(120))
    name_sv: Mapped[str] = mapped_column(String(120), default="")
    name_en: Mapped[str] = mapped_column(String(120), default="")
    # Hundredths of a percent (23.45 % = 2345), as the facilitator entered it from census figures.
    population_share: Mapped[int] = mapped_column(default=0)
    min_count: Mapped[int | None] = mapped_column()
    max_count: Mapped[int | None] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)

    category: Mapped[PanelCategory] = relationship(back_populates="values")


class PanelRegister(Base):
    """The imported address register (the sample frame, e.g. from the population register under a DVV permit)."""

    __tablename__ = "panel_registers"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), unique=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    file_sha256: Mapped[str] = mapped_column(String(64))
    # pb.panels.lottery.register_digest: what the invitation lottery's published result refers to.
    register_sha256: Mapped[str] = mapped_column(String(64))
    addresses: Mapped[int] = mapped_column()


class PanelAddress(Base):
    __tablename__ = "panel_addresses"
    __table_args__ = (UniqueConstraint("panel_id", "address_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    # The register's address id; it is also the household key of whoever registers with this address's letter.
    address_key: Mapped[str] = mapped_column(String(64))
    street_address: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(10))
    district: Mapped[str] = mapped_column(String(120))


class InvitationDraw(Base):
    """The invitation lottery's record: everything needed to recompute it (STYLE.md, Data)."""

    __tablename__ = "panel_invitation_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), unique=True)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(String(40))
    seed: Mapped[str] = mapped_column(String(200))
    # True when pb generated the seed (the facilitator left it empty), False when it was entered.
    seed_generated: Mapped[bool] = mapped_column(default=False)
    register_sha256: Mapped[str] = mapped_column(String(64))
    register_size: Mapped[int] = mapped_column()
    drawn_count: Mapped[int] = mapped_column()
    drawn_sha256: Mapped[str] = mapped_column(String(64))
    software_version: Mapped[str] = mapped_column(String(40))


class Invitation(Base):
    """One drawn address. Its registration code exists in clear only in the printed letter; pb keeps a keyed hash."""

    __tablename__ = "panel_invitations"
    __table_args__ = (
        UniqueConstraint("panel_id", "position"),
        Index("ix_panel_invitations_code_hash", "code_hash", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("panel_addresses.id", ondelete="CASCADE"), unique=True)
    # 1-based place in the lottery's order; printed on the letter so that a lost letter can be found again.
    position: Mapped[int] = mapped_column()
    code_hash: Mapped[str | None] = mapped_column(String(64))
    letter_printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    address: Mapped[PanelAddress] = relationship(lazy="joined")


class PrivacyNotice(Base):
    """A version of the panel's privacy text; a registration records the version the person agreed to."""

    __tablename__ = "panel_privacy_notices"
    __table_args__ = (UniqueConstraint("panel_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column()
    text_fi: Mapped[str] = mapped_column(Text)
    text_sv: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def text(self, language: str) -> str:
        return str(getattr(self, f"text_{language}", "") or self.text_fi)


class Registration(Base):
    """A person who answered a letter and volunteers for the panel (the pool the panel is selected from)."""

    __tablename__ = "panel_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("panel_invitations.id", ondelete="CASCADE"), unique=True)
    # At most one person per household is a selection rule: the household is the letter's address id.
    household_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(2), default="fi")
    # Category id (as text, JSON keys are text) -> value id: the person's answer to each selection category.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    available_all_sessions: Mapped[bool] = mapped_column(default=False)
    availability_notes: Mapped[str] = mapped_column(Text, default="")
    willing_reserve: Mapped[bool] = mapped_column(default=False)
    privacy_notice_id: Mapped[int] = mapped_column(ForeignKey("panel_privacy_notices.id", ondelete="RESTRICT"))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    privacy_notice: Mapped[PrivacyNotice] = relationship(lazy="joined")


class PanelSelection(Base):
    """One run of the panel selection over a frozen pool: LEXIMIN, its lottery of equally likely panels, and the
    public draw (issue 8, Selection). Everything needed to recompute it is kept (STYLE.md, Data): the frozen
    pool and quotas with their SHA-256 digests, the algorithm, solver and versions that ran, the lottery list and
    its digest, the public random value and the index it chose."""

    __tablename__ = "panel_selections"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # pb.panels.selection.Status: running, done, failed, infeasible, superseded.
    status: Mapped[str] = mapped_column(String(20), default="running")
    # The worker writes its progress here, so every server process can show it; a stale heartbeat means the
    # worker died (a restart), and the facilitator can start again.
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str] = mapped_column(Text, default="")
    # The frozen inputs, pseudonymous (pb.sortition.draw.pool_document and quotas_document).
    pool: Mapped[list[Any]] = mapped_column(JSON, default=list)
    quotas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    panel_size: Mapped[int] = mapped_column()
    household_rule: Mapped[bool] = mapped_column(default=True)
    pool_sha256: Mapped[str] = mapped_column(String(64))
    quotas_sha256: Mapped[str] = mapped_column(String(64))
    instance_sha256: Mapped[str] = mapped_column(String(64))
    # What actually ran (never a silent fallback: the run fails rather than use another method).
    algorithm: Mapped[str] = mapped_column(Text, default="")
    solver: Mapped[str] = mapped_column(Text, default="")
    versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    run_info: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    feasibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    min_probability: Mapped[float | None] = mapped_column()
    # The lottery of equally likely panels (Flanigan, Kehne, Procaccia 2021), published before the draw.
    # Deferred: thousands of panels that only the draw and the download read (load with db.refresh(..., ["lottery"])).
    lottery: Mapped[list[Any]] = mapped_column(JSON, default=list, deferred=True)
    lottery_size: Mapped[int] = mapped_column(default=0)
    lottery_sha256: Mapped[str] = mapped_column(String(64), default="")
    lottery_rounding: Mapped[str] = mapped_column(String(200), default="")
    lottery_max_change: Mapped[float | None] = mapped_column()
    lottery_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The draw: a public random value entered after the lottery was published, and the index it chose.
    random_value: Mapped[str] = mapped_column(String(500), default="")
    random_value_source: Mapped[str] = mapped_column(Text, default="")
    drawn_index: Mapped[int | None] = mapped_column()
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    software_version: Mapped[str] = mapped_column(String(40), default="")

    people: Mapped[list[SelectionPerson]] = relationship(
        cascade="all, delete-orphan", order_by="SelectionPerson.pseudonym", lazy="selectin"
    )


class SelectionPerson(Base):
    """A person of a frozen pool under their pseudonym: their chance, and what the draw and replacements made
    of them. The link to the registration (their identity) goes when their data is deleted."""

    __tablename__ = "panel_selection_people"
    __table_args__ = (UniqueConstraint("selection_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("panel_selections.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_registrations.id", ondelete="SET NULL"), index=True
    )
    pseudonym: Mapped[str] = mapped_column(String(16))
    # Category id -> value id (as in Registration.answers), and the household's pseudonym.
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    household: Mapped[str] = mapped_column(String(16))
    probability: Mapped[float | None] = mapped_column()
    # In how many of the lottery's panels the person sits (probability in the lottery = this / lottery size).
    lottery_panels: Mapped[int | None] = mapped_column()
    selected: Mapped[bool] = mapped_column(default=False)
    # Place on the reserve list (1 = asked first); None = not a reserve.
    reserve_rank: Mapped[int | None] = mapped_column()
    on_panel: Mapped[bool] = mapped_column(default=False)
    dropped_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the person was last told by email ("selected", "reserve", "not_selected") and when.
    notified_as: Mapped[str] = mapped_column(String(20), default="")
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PanelReplacement(Base):
    """A member who dropped out and who replaced them, within the quotas (pb.sortition.replacement)."""

    __tablename__ = "panel_replacements"

    id: Mapped[int] = mapped_column(primary_key=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("panel_selections.id", ondelete="CASCADE"), index=True)
    dropped: Mapped[str] = mapped_column(String(16))
    added: Mapped[list[Any]] = mapped_column(JSON, default=list)
    seed: Mapped[str] = mapped_column(String(600))
    # The reserve list in the order it was offered (pseudonyms), so the choice can be recomputed.
    reserve: Mapped[list[Any]] = mapped_column(JSON, default=list)
    panel_sha256: Mapped[str] = mapped_column(String(64))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    software_version: Mapped[str] = mapped_column(String(40), default="")
