"""People who use pb: accounts, their roles, external identities and single-use email tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import Base, UTCDateTime, utcnow
from pb.i18n import N_


class Role(StrEnum):
    RESIDENT = "resident"
    MODERATOR = "moderator"
    REVIEWER = "reviewer"
    VOTING_ASSISTANT = "voting_assistant"
    FACILITATOR = "facilitator"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    COUNCIL_MEMBER = "council_member"


STAFF_ROLES = frozenset(Role) - {Role.RESIDENT}

ROLE_LABELS = {
    Role.RESIDENT: N_("Resident"),
    Role.MODERATOR: N_("Moderator"),
    Role.REVIEWER: N_("Reviewer"),
    Role.VOTING_ASSISTANT: N_("Voting assistant"),
    Role.FACILITATOR: N_("Panel facilitator"),
    Role.COORDINATOR: N_("Lived-experience coordinator"),
    Role.ADMIN: N_("Administrator"),
    Role.COUNCIL_MEMBER: N_("Council member"),
}
ROLE_DESCRIPTIONS = {
    Role.RESIDENT: N_("Makes proposals, comments, supports and votes."),
    Role.MODERATOR: N_("Hides comments and proposals that break the rules."),
    Role.REVIEWER: N_("Costs and assesses proposals."),
    Role.VOTING_ASSISTANT: N_("Helps residents vote and enters paper ballots."),
    Role.FACILITATOR: N_("Runs citizen panels: recruitment, selection and sessions."),
    Role.COORDINATOR: N_("Runs lived-experience expert groups and sees their confidential input."),
    Role.ADMIN: N_("Runs rounds, manages accounts and roles, reads the audit log."),
    Role.COUNCIL_MEMBER: N_("Receives reports and answers them in public."),
}


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; uniqueness is on the normalised form.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Null for accounts that only sign in through an external identity provider.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(80))
    preferred_language: Mapped[str] = mapped_column(String(2), default="fi")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Sessions that began before this moment are no longer valid (set when the password changes).
    sessions_valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", foreign_keys="UserRole.user_id"
    )

    @property
    def role_names(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.roles)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_names & set(roles))

    @property
    def is_staff(self) -> bool:
        return bool(self.role_names & STAFF_ROLES)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])


class UserIdentity(Base):
    """A login through an external OpenID Connect provider (e.g. Suomi.fi through a broker).

    No provider is configured yet: the table exists so that one can be added by configuration, keyed by the
    provider's name and its stable subject identifier, without changing how accounts and roles work.
    """

    __tablename__ = "user_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AccountToken(Base):
    """A single-use link sent by email. Only the SHA-256 of the token is stored."""

    __tablename__ = "account_tokens"
    __table_args__ = (Index("ix_account_tokens_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # For a change of address: the new address, which becomes the account's only once verified.
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
