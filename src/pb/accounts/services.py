"""Account logic: registration, email verification, login, password reset, profile changes and roles."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import AccountToken, Role, TokenPurpose, User, UserRole
from pb.audit.services import record
from pb.db import utcnow
from pb.settings import Settings

VERIFY_EMAIL_LIFETIME = timedelta(days=3)
# OWASP Forgot Password Cheat Sheet: reset tokens are single-use and short-lived.
RESET_PASSWORD_LIFETIME = timedelta(hours=1)


def password_hasher(settings: Settings) -> PasswordHasher:
    """argon2id with the parameters from the settings (README: "Passwords")."""
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost_kib,
        parallelism=settings.argon2_parallelism,
    )


async def hash_password(hasher: PasswordHasher, password: str) -> str:
    # argon2 is deliberately slow and CPU-bound: keep it off the event loop.
    return await anyio.to_thread.run_sync(hasher.hash, password)


async def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    def check() -> bool:
        try:
            return hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(check)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _issue_token(
    db: AsyncSession, user: User, purpose: TokenPurpose, lifetime: timedelta, new_email: str | None = None
) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    # A new link replaces older unused links of the same purpose.
    await db.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None))
        .values(used_at=now)
    )
    db.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_token_digest(token),
            new_email=new_email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


async def get_user_by_email(db: AsyncSession, email: str) -> User | None:
    return await db.scalar(select(User).where(User.email == normalise_email(email)))


@dataclass(frozen=True)
class Registration:
    user: User | None
    verification_token: str | None
    # Set when the address already had an account: we tell its owner by email instead of saying so on the page,
    # so that the form does not reveal who has an account (OWASP Authentication Cheat Sheet).
    existing_user: User | None


async def register(
    db: AsyncSession, hasher: PasswordHasher, *, email: str, password: str, display_name: str, language: str
) -> Registration:
    existing = await get_user_by_email(db, email)
    if existing is not None:
        return Registration(None, None, existing)
    user = User(
        email=normalise_email(email),
        password_hash=await hash_password(hasher, password),
        display_name=display_name,
        preferred_language=language,
    )
    user.roles.append(UserRole(role=Role.RESIDENT))
    db.add(user)
    await db.flush()
    token = await _issue_token(db, user, TokenPurpose.VERIFY_EMAIL, VERIFY_EMAIL_LIFETIME)
    await db.commit()
    return Registration(user, token, None)


async def find_valid_token(db: AsyncSession, token: str, purpose: TokenPurpose) -> AccountToken | None:
    found = await db.scalar(
        select(AccountToken).where(AccountToken.token_hash == _token_digest(token), AccountToken.purpose == purpose)
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        return None
    return found


async def issue_verification(db: AsyncSession, user: User) -> str:
    token = await _issue_token(db, user, TokenPurpose.VERIFY_EMAIL, VERIFY_EMAIL_LIFETIME)
    await db.commit()
    return token


class EmailTaken(Exception):
    """The address was taken by another account between the request and the confirmation."""


async def confirm_email(db: AsyncSession, token: AccountToken) -> User:
    user = await db.get_one(User, token.user_id)
    now = utcnow()
    if token.new_email is not None:
        if await get_user_by_email(db, token.new_email) is not None:
            raise EmailTaken(token.new_email)
        user.email = token.new_email
    user.email_verified_at = now
    token.used_at = now
    await db.commit()
    return user


async def authenticate(db: AsyncSession, hasher: PasswordHasher, email: str, password: str) -> User | None:
    user = await get_user_by_email(db, email)
    if user is None or user.password_hash is None or not user.is_active:
        # Spend the same time as a real check so response times do not reveal which addresses exist.
        await _verify(hasher, _DUMMY_HASHES.setdefault(hasher, hasher.hash("dummy-password")), password)
        return None
    if not await _verify(hasher, user.password_hash, password):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        # Parameters changed since this hash was made: upgrade it now that we know the password.
        user.password_hash = await hash_password(hasher, password)
    user.last_login_at = utcnow()
    await db.commit()
    return user


_DUMMY_HASHES: dict[PasswordHasher, str] = {}


async def request_password_reset(db: AsyncSession, email: str) -> tuple[User, str] | None:
    user = await get_user_by_email(db, email)
    if user is None or not user.is_active:
        return None
    token = await _issue_token(db, user, TokenPurpose.RESET_PASSWORD, RESET_PASSWORD_LIFETIME)
    await db.commit()
    return user, token


async def reset_password(db: AsyncSession, hasher: PasswordHasher, token: AccountToken, password: str) -> User:
    user = await db.get_one(User, token.user_id)
    now = utcnow()
    user.password_hash = await hash_password(hasher, password)
    user.sessions_valid_from = now
    # Following the link proves the mailbox is the user's.
    user.email_verified_at = user.email_verified_at or now
    token.used_at = now
    await db.commit()
    return user


async def change_password(
    db: AsyncSession, hasher: PasswordHasher, user: User, current: str, new: str
) -> datetime | None:
    """Returns the new session-validity moment, or None when the current password was wrong."""
    if user.password_hash is None or not await _verify(hasher, user.password_hash, current):
        return None
    user = await db.get_one(User, user.id)
    now = utcnow()
    user.password_hash = await hash_password(hasher, new)
    user.sessions_valid_from = now
    await db.commit()
    return now


async def update_profile(db: AsyncSession, user: User, *, display_name: str, language: str) -> User:
    user = await db.get_one(User, user.id)
    user.display_name = display_name
    user.preferred_language = language
    await db.commit()
    return user


async def request_email_change(db: AsyncSession, user: User, new_email: str) -> str | None:
    """A token for the new address, or None when the address belongs to another account."""
    if await get_user_by_email(db, new_email) is not None:
        return None
    user = await db.get_one(User, user.id)
    token = await _issue_token(
        db, user, TokenPurpose.VERIFY_EMAIL, VERIFY_EMAIL_LIFETIME, new_email=normalise_email(new_email)
    )
    await db.commit()
    return token


async def set_roles(db: AsyncSession, actor: User, target_id: int, roles: set[Role], client_address: str) -> User:
    target = await db.get_one(User, target_id)
    before = sorted(target.role_names)
    wanted = set(roles) | {Role.RESIDENT}
    for existing in list(target.roles):
        if Role(existing.role) not in wanted:
            target.roles.remove(existing)
    for role in sorted(wanted - target.role_names):
        target.roles.append(UserRole(role=role, granted_by_id=actor.id))
    after = sorted(wanted)
    if before != after:
        record(
            db,
            actor=actor,
            action="user.roles_changed",
            object_type="user",
            object_id=target.id,
            before={"roles": before},
            after={"roles": after},
            client_address=client_address,
        )
    await db.commit()
    return target


async def create_user(
    db: AsyncSession,
    hasher: PasswordHasher,
    *,
    email: str,
    password: str,
    display_name: str,
    roles: set[Role],
    language: str = "fi",
) -> User:
    """For the command line and the demo: a verified account with the given roles."""
    user = User(
        email=normalise_email(email),
        password_hash=await hash_password(hasher, password),
        display_name=display_name,
        preferred_language=language,
        email_verified_at=utcnow(),
    )
    for role in sorted(roles | {Role.RESIDENT}):
        user.roles.append(UserRole(role=role))
    db.add(user)
    await db.commit()
    return user


async def count_users(db: AsyncSession) -> int:
    return await db.scalar(select(func.count()).select_from(User)) or 0
