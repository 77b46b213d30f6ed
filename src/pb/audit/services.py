"""Writing to and reading from the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import STAFF_ROLES, User, UserRole
from pb.audit.models import AuditEvent

PAGE_SIZE = 50


def record(
    db: AsyncSession,
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    client_address: str | None = None,
) -> AuditEvent:
    """Add an entry to the caller's transaction, so the entry and the change commit (or fail) together."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=before,
        after=after,
        client_address=client_address,
    )
    db.add(event)
    return event


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    pages: int


def _filtered(query: Select[Any], wanted: AuditFilter) -> Select[Any]:
    if wanted.actor_id is not None:
        query = query.where(AuditEvent.actor_id == wanted.actor_id)
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.object_type:
        query = query.where(AuditEvent.object_type == wanted.object_type)
    if wanted.object_id:
        query = query.where(AuditEvent.object_id == wanted.object_id)
    if wanted.since is not None:
        query = query.where(AuditEvent.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(AuditEvent.at < wanted.until)
    return query


async def list_events(db: AsyncSession, wanted: AuditFilter, page: int) -> AuditPage:
    total = await db.scalar(_filtered(select(func.count()).select_from(AuditEvent), wanted)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    events = await db.scalars(
        _filtered(select(AuditEvent), wanted)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return AuditPage(list(events), total, page, pages)


async def known_actions(db: AsyncSession) -> list[str]:
    return list(await db.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


async def known_object_types(db: AsyncSession) -> list[str]:
    return list(await db.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))


async def staff_members(db: AsyncSession) -> list[User]:
    """Everyone who holds a staff role: the choices of the log's "who" filter."""
    staff_ids = select(UserRole.user_id).where(UserRole.role.in_([role.value for role in STAFF_ROLES]))
    return list(await db.scalars(select(User).where(User.id.in_(staff_ids)).order_by(User.email)))
