"""Processes: access-checked loading, the phase clock, and the admin's changes."""

from __future__ import annotations

from datetime import datetime

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role, User
from pb.db import utcnow
from pb.processes.models import Budget, Process, Theme


def can_manage(user: User | None) -> bool:
    return user is not None and user.has_role(Role.ADMIN)


async def get_process_for(db: AsyncSession, user: User | None, slug: str) -> Process:
    """A process the user may see: published ones for everybody, drafts for admins. Otherwise 404."""
    process = await db.scalar(select(Process).where(Process.slug == slug))
    if process is None or (not process.is_published and not can_manage(user)):
        raise NotFoundException()
    return process


async def get_process_by_id_for(db: AsyncSession, user: User | None, process_id: int) -> Process:
    process = await db.get(Process, process_id)
    if process is None or (not process.is_published and not can_manage(user)):
        raise NotFoundException()
    return process


async def visible_processes(db: AsyncSession, user: User | None) -> list[Process]:
    query = select(Process).order_by(Process.created_at.desc(), Process.id.desc())
    if not can_manage(user):
        query = query.where(Process.is_published.is_(True))
    return list(await db.scalars(query))


def now() -> datetime:
    """The one clock the phase logic reads (tests move phases in the database rather than the clock)."""
    return utcnow()


def budget_by_id(process: Process, budget_id: int) -> Budget | None:
    return next((budget for budget in process.budgets if budget.id == budget_id), None)


def theme_by_id(process: Process, theme_id: int) -> Theme | None:
    return next((theme for theme in process.themes if theme.id == theme_id), None)
