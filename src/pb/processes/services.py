"""Processes: access-checked loading, the phase clock, and the admin's changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role, User
from pb.audit.services import record
from pb.db import utcnow
from pb.districts.models import District
from pb.processes.models import PHASE_ORDER, Budget, Phase, PhaseKind, Process, ProcessDistrict, Project, Theme

if TYPE_CHECKING:
    from pb.processes.forms import ProcessDetails


def can_manage(user: User | None) -> bool:
    return user is not None and user.has_role(Role.ADMIN)


def can_see_process(user: User | None, process: Process) -> bool:
    """Published processes for everybody, drafts for admins."""
    return process.is_published or can_manage(user)


async def get_process_for(db: AsyncSession, user: User | None, slug: str) -> Process:
    """A process the user may see (can_see_process). Otherwise 404."""
    process = await db.scalar(select(Process).where(Process.slug == slug))
    if process is None or not can_see_process(user, process):
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


# --- admin changes (each one audit-logged in the same transaction) ---------------------------------------


def _snapshot(process: Process) -> dict[str, Any]:
    return {
        "slug": process.slug,
        "name_fi": process.name_fi,
        "name_sv": process.name_sv,
        "name_en": process.name_en,
        "is_published": process.is_published,
        "age_bands": list(process.age_bands),
    }


async def slug_taken(db: AsyncSession, slug: str, except_id: int | None = None) -> bool:
    query = select(Process.id).where(Process.slug == slug)
    if except_id is not None:
        query = query.where(Process.id != except_id)
    return await db.scalar(query) is not None


async def create_process(db: AsyncSession, actor: User, details: ProcessDetails, address: str) -> Process:
    process = Process()
    details.apply(process)
    start = midnight(datetime.now(ZoneInfo("Europe/Helsinki")).date() + timedelta(days=1))
    # A new round gets six consecutive phases of four weeks each; the admin adjusts the dates.
    for position, kind in enumerate(PHASE_ORDER):
        begins = start + timedelta(days=28 * position)
        process.phases.append(Phase(kind=kind, starts_at=begins, ends_at=begins + timedelta(days=28)))
    db.add(process)
    await db.flush()
    record(
        db,
        actor=actor,
        action="process.created",
        object_type="process",
        object_id=process.id,
        after=_snapshot(process),
        client_address=address,
    )
    await db.commit()
    return process


async def update_process(
    db: AsyncSession, actor: User, process: Process, details: ProcessDetails, address: str
) -> None:
    before = _snapshot(process)
    details.apply(process)
    record(
        db,
        actor=actor,
        action="process.updated",
        object_type="process",
        object_id=process.id,
        before=before,
        after=_snapshot(process),
        client_address=address,
    )
    await db.commit()


async def set_phase_dates(
    db: AsyncSession, actor: User, process: Process, dates: dict[str, tuple[datetime, datetime]], address: str
) -> None:
    before = {phase.kind: [phase.starts_at.isoformat(), phase.ends_at.isoformat()] for phase in process.phases}
    for phase in process.phases:
        phase.starts_at, phase.ends_at = dates[phase.kind]
    after = {kind: [start.isoformat(), end.isoformat()] for kind, (start, end) in dates.items()}
    record(
        db,
        actor=actor,
        action="process.phases_changed",
        object_type="process",
        object_id=process.id,
        before=before,
        after=after,
        client_address=address,
    )
    await db.commit()


async def close_phase_early(db: AsyncSession, actor: User, process: Process, kind: PhaseKind, address: str) -> bool:
    phase = process.phase(kind)
    moment = now()
    if phase is None or not phase.is_open(moment):
        return False
    phase.closed_early_at = moment
    record(
        db,
        actor=actor,
        action="process.phase_closed_early",
        object_type="process",
        object_id=process.id,
        before={"phase": kind.value, "ends_at": phase.ends_at.isoformat()},
        after={"phase": kind.value, "closed_at": moment.isoformat()},
        client_address=address,
    )
    await db.commit()
    return True


async def set_districts(
    db: AsyncSession, actor: User, process: Process, populations: dict[int, dict[str, int]], address: str
) -> None:
    """``populations``: district id -> eligible residents per age band, for the districts taking part."""
    before = {str(item.district_id): item.population_by_age for item in process.districts}
    existing = {item.district_id: item for item in process.districts}
    for district_id, item in existing.items():
        if district_id not in populations:
            process.districts.remove(item)
    for district_id, by_age in populations.items():
        if district_id in existing:
            existing[district_id].population_by_age = by_age
        else:
            process.districts.append(ProcessDistrict(district_id=district_id, population_by_age=by_age))
    record(
        db,
        actor=actor,
        action="process.districts_changed",
        object_type="process",
        object_id=process.id,
        before=before,
        after={str(key): value for key, value in populations.items()},
        client_address=address,
    )
    await db.commit()


async def add_budget(db: AsyncSession, actor: User, process: Process, budget: Budget, address: str) -> None:
    budget.position = len(process.budgets)
    process.budgets.append(budget)
    await db.flush()
    record(
        db,
        actor=actor,
        action="budget.created",
        object_type="budget",
        object_id=budget.id,
        after={
            "process": process.id,
            "name_fi": budget.name_fi,
            "district_id": budget.district_id,
            "amount_cents": budget.amount_cents,
        },
        client_address=address,
    )
    await db.commit()


async def remove_budget(db: AsyncSession, actor: User, process: Process, budget: Budget, address: str) -> bool:
    """False when the budget already has ballot projects (remove those first)."""
    has_projects = await db.scalar(select(Project.id).where(Project.budget_id == budget.id).limit(1))
    if has_projects is not None:
        return False
    record(
        db,
        actor=actor,
        action="budget.deleted",
        object_type="budget",
        object_id=budget.id,
        before={"process": process.id, "name_fi": budget.name_fi, "amount_cents": budget.amount_cents},
        client_address=address,
    )
    process.budgets.remove(budget)
    await db.commit()
    return True


async def add_theme(db: AsyncSession, actor: User, process: Process, theme: Theme, address: str) -> None:
    theme.position = len(process.themes)
    process.themes.append(theme)
    await db.flush()
    record(
        db,
        actor=actor,
        action="theme.created",
        object_type="theme",
        object_id=theme.id,
        after={"process": process.id, "name_fi": theme.name_fi},
        client_address=address,
    )
    await db.commit()


async def remove_theme(db: AsyncSession, actor: User, process: Process, theme: Theme, address: str) -> None:
    # Proposals keep existing; their theme becomes empty (foreign key ON DELETE SET NULL).
    record(
        db,
        actor=actor,
        action="theme.deleted",
        object_type="theme",
        object_id=theme.id,
        before={"process": process.id, "name_fi": theme.name_fi},
        client_address=address,
    )
    process.themes.remove(theme)
    await db.commit()


async def all_districts(db: AsyncSession) -> list[District]:
    return list(await db.scalars(select(District).order_by(District.position, District.id)))


def midnight(day: date) -> datetime:
    """The start of a day in Helsinki, as a UTC moment (phases begin and end at local midnight)."""
    return datetime.combine(day, time(), ZoneInfo("Europe/Helsinki")).astimezone(UTC)
