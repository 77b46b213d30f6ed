"""Finding accounts for the admin pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role, User, UserRole

PAGE_SIZE = 25


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    total: int
    page: int
    pages: int


SelectT = TypeVar("SelectT", bound=Select[Any])


def _filtered(query: SelectT, search: str, role: Role | None) -> SelectT:
    if search:
        pattern = f"%{search.lower().replace('%', '').replace('_', '')}%"
        query = query.where(or_(User.email.like(pattern), func.lower(User.display_name).like(pattern)))
    if role is not None:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return query


async def find_users(db: AsyncSession, *, search: str, role: Role | None, page: int) -> UserPage:
    total = await db.scalar(_filtered(select(func.count(User.id)), search, role)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    users = await db.scalars(
        _filtered(select(User), search, role).order_by(User.email).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    )
    return UserPage(list(users), total, page, pages)


async def get_user_for_admin(db: AsyncSession, user_id: int) -> User | None:
    return await db.get(User, user_id)


async def users_by_id(db: AsyncSession, ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {user.id: user for user in await db.scalars(select(User).where(User.id.in_(ids)))}
