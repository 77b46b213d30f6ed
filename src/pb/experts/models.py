"""Lived-experience expert groups (kokemusasiantuntijat, issue 6): the registry with consent per purpose,
assignments and their sessions, confidential input, anonymised summaries with the experts' sign-off, and the
compensation ledger.

Being in a group for, say, mental-health services reveals health data by itself (GDPR Art. 9), so the tables
are split by what they hold (GDPR Art. 4(5) pseudonymisation, Art. 25 data protection by design):

- ``experts`` is the pseudonymous registry entry. Everything about the work (consents, invitations, attendance,
  input, sign-offs, ledger lines) refers to it by its number and its pseudonym, never by name.
- ``expert_identities`` holds the name, contact details and the link to the person's account, and
  ``expert_payment_details`` how they want to be paid. Both are deleted when the expert leaves the registry.

There is no diagnosis field anywhere: experience areas are service areas from the list the group's coordinators
keep (deliberation-panels.md §4.5, "store experience areas the expert chooses, not diagnoses").
docs/lived-experience.md describes every table and who sees it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import Base, UTCDateTime, utcnow
from pb.i18n import N_
from pb.processes.models import Multilingual


class ConsentPurpose(StrEnum):
    """GDPR Art. 9(2)(a): explicit consent, given and withdrawn per purpose (Art. 7(3): as easy to withdraw)."""

    REGISTRY = "registry"  # being in the group's registry at all
    CONTACT = "contact"  # being found and contacted for assignments
    NAMED = "named"  # being named in reports to decision makers


CONSENT_LABELS = {
    ConsentPurpose.REGISTRY: N_("Being in the registry"),
    ConsentPurpose.CONTACT: N_("Being asked to take part in assignments"),
    ConsentPurpose.NAMED: N_("Being named in reports"),
}


class ExpertStatus(StrEnum):
    INVITED = "invited"  # the coordinator sent an invitation; nothing is known but the address
    ACTIVE = "active"  # the person accepted and agreed to be in the registry
    WITHDRAWN = "withdrawn"  # left the registry: identity and contact data deleted


class FeePreference(StrEnum):
    FEE = "fee"  # paid as taxable income through payroll
    DECLINE = "decline"  # volunteers: no fee (expenses are still reimbursed)
    ASSOCIATION = "association"  # the fee goes to an association the expert names


class AvailabilityTime(StrEnum):
    WEEKDAY_DAYTIME = "weekday_daytime"
    WEEKDAY_EVENING = "weekday_evening"
    WEEKEND = "weekend"


AVAILABILITY_LABELS = {
    AvailabilityTime.WEEKDAY_DAYTIME: N_("Weekdays, daytime"),
    AvailabilityTime.WEEKDAY_EVENING: N_("Weekday evenings"),
    AvailabilityTime.WEEKEND: N_("Weekends"),
}
# Languages an expert can work in, offered as tick boxes; anything else goes in "other languages".
WORKING_LANGUAGES = {"fi": N_("Finnish"), "sv": N_("Swedish"), "en": N_("English"), "se": N_("Sami")}


class AssignmentStatus(StrEnum):
    REQUESTED = "requested"  # a department asked; the coordinator has not decided
    DECLINED = "declined"  # the coordinator turned the request down
    OPEN = "open"  # experts are being found, sessions held
    CLOSED = "closed"  # the work is done; retention periods count from here


ASSIGNMENT_STATUS_LABELS = {
    AssignmentStatus.REQUESTED: N_("Requested"),
    AssignmentStatus.DECLINED: N_("Declined"),
    AssignmentStatus.OPEN: N_("In progress"),
    AssignmentStatus.CLOSED: N_("Closed"),
}


class Confidentiality(StrEnum):
    PUBLIC = "public"
    # Julkisuuslaki 621/1999 24 § 1 mom. 25 k.: information on social-welfare clients and on a person's health.
    SECRET = "secret"


CONFIDENTIALITY_LABELS = {
    Confidentiality.PUBLIC: N_("Public: the topic can be discussed openly"),
    Confidentiality.SECRET: N_(
        "Secret: notes and input are secret under the Act on the Openness of Government Activities 621/1999, "
        "section 24(1)(25)"
    ),
}


class FeeBasis(StrEnum):
    SESSION = "session"
    HOUR = "hour"


class InvitationResponse(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"  # the expert left the registry or withdrew contact consent before answering


INVITATION_RESPONSE_LABELS = {
    InvitationResponse.PENDING: N_("Not answered yet"),
    InvitationResponse.ACCEPTED: N_("Taking part"),
    InvitationResponse.DECLINED: N_("Declined"),
    InvitationResponse.CANCELLED: N_("Cancelled"),
}


class LedgerKind(StrEnum):
    FEE = "fee"  # taxable: wages in the Tax Administration's view (deliberation-panels.md §4.4)
    EXPENSE = "expense"  # travel and meals: reimbursed, not taxable, never folded into the fee


class Payee(StrEnum):
    EXPERT = "expert"
    ASSOCIATION = "association"
    DECLINED = "declined"  # the expert declined the fee: a zero line records the volunteered work


class SummaryStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class SignOffDecision(StrEnum):
    APPROVED = "approved"
    CHANGES = "changes"


# --- the group, its coordinators, areas and consent texts ---------------------------------------------------


class ExpertGroup(Base, Multilingual):
    __tablename__ = "expert_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    coordinators: Mapped[list[ExpertGroupCoordinator]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ExpertGroupCoordinator.id"
    )
    areas: Mapped[list[ExperienceArea]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ExperienceArea.position"
    )


class ExpertGroupCoordinator(Base):
    """Who runs a group: only they see its registry, its confidential notes and input, and its ledger."""

    __tablename__ = "expert_group_coordinators"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("expert_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExperienceArea(Base, Multilingual):
    """A service area an expert has experience of ("child welfare services"), never a diagnosis."""

    __tablename__ = "expert_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("expert_groups.id", ondelete="CASCADE"), index=True)
    name_fi: Mapped[str] = mapped_column(String(160))
    name_sv: Mapped[str] = mapped_column(String(160), default="")
    name_en: Mapped[str] = mapped_column(String(160), default="")
    position: Mapped[int] = mapped_column(default=0)
    # A retired area is no longer offered; experts who chose it keep it until they change their profile.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConsentText(Base):
    """A version of the text an expert agrees to for one purpose; a consent records the version agreed to."""

    __tablename__ = "expert_consent_texts"
    __table_args__ = (UniqueConstraint("group_id", "purpose", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("expert_groups.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column()
    text_fi: Mapped[str] = mapped_column(Text)
    text_sv: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def text(self, language: str) -> str:
        return str(getattr(self, f"text_{language}", "") or self.text_fi)


# --- the registry: pseudonymous entry, identity, payment details, consents ------------------------------------


class Expert(Base):
    """The pseudonymous registry entry and the profile used to find experts for assignments."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("expert_groups.id", ondelete="CASCADE"), index=True)
    # Random, shown instead of the name wherever the name is not needed (GDPR Art. 4(5)).
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ExpertStatus.INVITED)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Trained lived-experience expert (kokemusasiantuntija) or developer client without the training (§4.1).
    trained: Mapped[bool] = mapped_column(default=False)
    training_details: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    other_languages: Mapped[str] = mapped_column(String(200), default="")
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    remote_ok: Mapped[bool] = mapped_column(default=False)
    unavailable_until: Mapped[date | None] = mapped_column()
    profile_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    area_choices: Mapped[list[ExpertAreaChoice]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ExpertAreaChoice.area_id"
    )

    @property
    def area_ids(self) -> set[int]:
        return {choice.area_id for choice in self.area_choices}


class ExpertAreaChoice(Base):
    __tablename__ = "expert_area_choices"
    __table_args__ = (UniqueConstraint("expert_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("expert_areas.id", ondelete="CASCADE"), index=True)


class ExpertIdentity(Base):
    """Who the expert is and how to reach them: kept apart from the work, deleted when they leave."""

    __tablename__ = "expert_identities"

    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True)
    # The account the invitation was accepted with (an expert who is a resident uses their normal account).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    preferred_language: Mapped[str] = mapped_column(String(2), default="fi")
    # What helps the person take part (step-free access, a quiet room...): asked as needs, not as conditions.
    access_needs: Mapped[str] = mapped_column(Text, default="")
    # SHA-256 of the emailed invitation token; the token itself exists only in the email.
    invitation_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invitation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExpertPaymentDetails(Base):
    """How the expert wants to be paid. The earnings-limit fields are the expert's private business: no
    coordinator page and no export reads them (they hint at a benefit, and so at health)."""

    __tablename__ = "expert_payment_details"

    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True)
    fee_preference: Mapped[str] = mapped_column(String(16), default=FeePreference.FEE)
    association_name: Mapped[str] = mapped_column(String(200), default="")
    # The tax card's withholding percentage in hundredths (25.5 % = 2550): money and rates stay integers.
    withholding_basis_points: Mapped[int] = mapped_column(default=0)
    has_earnings_limit: Mapped[bool] = mapped_column(default=False)
    # The expert's own yearly limit when they know it; otherwise the registry setting applies.
    earnings_limit_cents: Mapped[int | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExpertConsent(Base):
    """One consent for one purpose. Rows are kept after withdrawal as the record GDPR Art. 7(1) asks for."""

    __tablename__ = "expert_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    consent_text_id: Mapped[int] = mapped_column(ForeignKey("expert_consent_texts.id", ondelete="RESTRICT"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_on: Mapped[date | None] = mapped_column()
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    consent_text: Mapped[ConsentText] = relationship(lazy="joined")

    def in_force(self, day: date) -> bool:
        return self.withdrawn_at is None and (self.expires_on is None or self.expires_on >= day)


# --- assignments, sessions, attendance -------------------------------------------------------------------------


class Assignment(Base):
    """A department's request and, once the coordinator takes it on, the assignment (tilaus, §4.3)."""

    __tablename__ = "expert_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("expert_groups.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.REQUESTED)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    department: Mapped[str] = mapped_column(String(200), default="")
    topic: Mapped[str] = mapped_column(String(200))
    questions: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    experts_wanted: Mapped[int] = mapped_column()
    confidentiality: Mapped[str] = mapped_column(String(16), default=Confidentiality.SECRET)
    fee_basis: Mapped[str] = mapped_column(String(16), default=FeeBasis.SESSION)
    fee_rate_cents: Mapped[int] = mapped_column(default=0)
    # The confidentiality agreement (salassapitositoumus) experts accept; a change makes a new version.
    agreement_text: Mapped[str] = mapped_column(Text, default="")
    agreement_version: Mapped[int] = mapped_column(default=1)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AssignmentInvitation(Base):
    """The coordinator asks one expert to take part; the expert answers in pb."""

    __tablename__ = "expert_assignment_invitations"
    __table_args__ = (UniqueConstraint("assignment_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("expert_assignments.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    response: Mapped[str] = mapped_column(String(16), default=InvitationResponse.PENDING)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The confidentiality agreement accepted with the answer: its version and the SHA-256 of its text.
    agreement_version: Mapped[int | None] = mapped_column()
    agreement_sha256: Mapped[str | None] = mapped_column(String(64))
    agreement_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ExpertSession(Base):
    __tablename__ = "expert_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("expert_assignments.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column()
    place: Mapped[str] = mapped_column(String(200), default="")


class Attendance(Base):
    __tablename__ = "expert_attendance"
    __table_args__ = (UniqueConstraint("session_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("expert_sessions.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    attended: Mapped[bool] = mapped_column(default=True)
    minutes: Mapped[int] = mapped_column(default=0)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


# --- confidential notes and input ------------------------------------------------------------------------------


class CoordinatorNote(Base):
    """The coordinator's notes of an assignment; as confidential as the assignment (JulkL 24 §)."""

    __tablename__ = "expert_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("expert_assignments.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("expert_sessions.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExpertInput(Base):
    """What an expert wrote for an assignment, under their pseudonymous number only."""

    __tablename__ = "expert_inputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("expert_assignments.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("expert_sessions.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- anonymised summaries and sign-off -------------------------------------------------------------------------


class Summary(Base):
    """The anonymised summary of an assignment: the only thing that leaves the group (§4.5)."""

    __tablename__ = "expert_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("expert_assignments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=SummaryStatus.DRAFT)
    themes: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    # Anonymised quotes, one per paragraph (separated by an empty line).
    quotes: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=0)
    # SHA-256 of the text the experts sign off; a change of text asks every one of them again.
    content_sha256: Mapped[str] = mapped_column(String(64), default="")
    # The re-identification check of the current revision (pb.experts.reidentification), and whether the
    # coordinator has gone through its warnings.
    check_warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    warnings_reviewed: Mapped[bool] = mapped_column(default=False)
    # Set when an expert whose input the draft used leaves the registry: their words must come out first.
    revision_required: Mapped[bool] = mapped_column(default=False)
    # The revision the experts were asked to sign off; they see a draft only once asked, and again after edits.
    signoff_requested_revision: Mapped[int | None] = mapped_column()
    participant_count: Mapped[int | None] = mapped_column()
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class SignOff(Base):
    """An expert's answer to one revision of a summary (the digest ties it to the exact text)."""

    __tablename__ = "expert_summary_signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("expert_summaries.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- compensation ----------------------------------------------------------------------------------------------


class LedgerEntry(Base):
    """One fee or expense line. Amounts are whole cents; the withholding is fixed when the line is written."""

    __tablename__ = "expert_ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("expert_groups.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("expert_assignments.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("expert_sessions.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    payee: Mapped[str] = mapped_column(String(16))
    association_name: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(String(200))
    earned_on: Mapped[date] = mapped_column(index=True)
    amount_cents: Mapped[int] = mapped_column()
    withholding_basis_points: Mapped[int] = mapped_column(default=0)
    withheld_cents: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set when the line went to payroll in a CSV export (the batch names the file).
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    export_batch: Mapped[str | None] = mapped_column(String(40))

    @property
    def net_cents(self) -> int:
        return self.amount_cents - self.withheld_cents


# --- settings ------------------------------------------------------------------------------------------------


class RegistrySettings(Base):
    """The registry's settings: one row, changed by coordinators and admins, every change audit-logged.

    They live in the database rather than the environment because they change with decisions, not deployments:
    the benefits' earnings limit is indexed every year and the retention periods come from the municipality's
    records-management plan (tiedonohjaussuunnitelma).
    """

    __tablename__ = "expert_registry_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Yearly earnings limit for the private alert. KoKoA cites 834.52 €/month for 2020 (deliberation-panels.md
    # §4.4): twelve months of it is the default, to be replaced by the current figure.
    earnings_limit_cents: Mapped[int] = mapped_column(default=1_001_424)
    # The alert shows once fees in a year reach this share of the limit.
    alert_percent: Mapped[int] = mapped_column(default=80)
    invitation_days: Mapped[int] = mapped_column(default=14)
    # Notes and input of a closed assignment are deleted this many days after it closed (the summary stays).
    input_retention_days: Mapped[int] = mapped_column(default=365)
    # Contact data of an expert whose registry consent has expired, or whose invitation was never accepted.
    lapsed_retention_days: Mapped[int] = mapped_column(default=90)
    # Kirjanpitolaki 1336/1997 2 luku 10 §: vouchers are kept six years from the end of the year.
    ledger_retention_years: Mapped[int] = mapped_column(default=6)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
