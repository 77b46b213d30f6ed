"""Setting a panel up: access, details, facilitators, the privacy text, categories and quotas. No HTTP here;
every change is one transaction with its audit entry, committed explicitly. Recruitment is in ``recruitment``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from litestar.exceptions import NotFoundException
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role, User
from pb.audit.services import record
from pb.db import utcnow
from pb.i18n import N_
from pb.panels import quotas
from pb.panels.forms import PanelDetails
from pb.panels.models import (
    InvitationDraw,
    Panel,
    PanelCategory,
    PanelCategoryValue,
    PanelFacilitator,
    PrivacyNotice,
    Registration,
)


class PanelRefused(Exception):
    """A change the panel's state does not allow; ``message`` is an N_() id, ``field`` the form field to mark."""

    def __init__(self, message: str, field: str = "", **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params


def today(timezone: str = "Europe/Helsinki") -> date:
    return utcnow().astimezone(ZoneInfo(timezone)).date()


# --- access --------------------------------------------------------------------------------------------------


def may_manage(user: User, panel: Panel) -> bool:
    """Admins and the panel's own facilitators; another panel's facilitator does not see this pool."""
    return user.has_role(Role.ADMIN) or any(item.user_id == user.id for item in panel.facilitators)


async def get_panel_for(db: AsyncSession, user: User, panel_id: int) -> Panel:
    """Access-checked loader of the facilitator pages: 404 for a panel the user does not run (its existence and
    its people are that panel's facilitators' business)."""
    panel = await db.get(Panel, panel_id)
    if panel is None or not may_manage(user, panel):
        raise NotFoundException()
    return panel


async def get_public_panel(db: AsyncSession, slug: str) -> Panel:
    panel = await db.scalar(select(Panel).where(Panel.slug == slug))
    if panel is None or not panel.is_published:
        raise NotFoundException()
    return panel


async def panels_for(db: AsyncSession, user: User) -> list[Panel]:
    query = select(Panel).order_by(Panel.first_session_on.desc(), Panel.id.desc())
    if not user.has_role(Role.ADMIN):
        query = query.where(Panel.id.in_(select(PanelFacilitator.panel_id).where(PanelFacilitator.user_id == user.id)))
    return list(await db.scalars(query))


async def slug_taken(db: AsyncSession, slug: str, except_id: int | None = None) -> bool:
    query = select(Panel.id).where(Panel.slug == slug)
    if except_id is not None:
        query = query.where(Panel.id != except_id)
    return await db.scalar(query) is not None


async def facilitator_users(db: AsyncSession, panel: Panel) -> list[User]:
    ids = [item.user_id for item in panel.facilitators]
    return list(await db.scalars(select(User).where(User.id.in_(ids)).order_by(User.display_name)))


# --- setting up ----------------------------------------------------------------------------------------------


def _panel_snapshot(panel: Panel) -> dict[str, Any]:
    return {
        "slug": panel.slug,
        "name_fi": panel.name_fi,
        "commissioner": panel.commissioner,
        "size": panel.size,
        "tolerance": panel.tolerance,
        "registration_closes_on": panel.registration_closes_on.isoformat(),
        "first_session_on": panel.first_session_on.isoformat(),
        "last_session_on": panel.last_session_on.isoformat(),
        "is_published": panel.is_published,
    }


async def create_panel(db: AsyncSession, actor: User, details: PanelDetails, address: str) -> Panel:
    # Empty collections, not unloaded ones: an async session cannot lazy-load them later.
    panel = Panel(created_by_id=actor.id, categories=[], facilitators=[])
    details.apply(panel)
    panel.facilitators.append(PanelFacilitator(user_id=actor.id))
    db.add(panel)
    await db.flush()
    record(
        db,
        actor=actor,
        action="panel.created",
        object_type="panel",
        object_id=panel.id,
        after=_panel_snapshot(panel),
        client_address=address,
    )
    await db.commit()
    return panel


async def update_panel(db: AsyncSession, actor: User, panel: Panel, details: PanelDetails, address: str) -> None:
    if details.size != panel.size and await draw_of(db, panel) is not None:
        # The letters announce the panel's size; the quotas were proposed for it.
        raise PanelRefused(N_("The size cannot change after the invitation letters have been drawn."), "size")
    before = _panel_snapshot(panel)
    details.apply(panel)
    record(
        db,
        actor=actor,
        action="panel.updated",
        object_type="panel",
        object_id=panel.id,
        before=before,
        after=_panel_snapshot(panel),
        client_address=address,
    )
    await db.commit()


async def add_facilitator(db: AsyncSession, actor: User, panel: Panel, email: str, address: str) -> User:
    user = await db.scalar(select(User).where(User.email == email))
    if user is None or not user.has_role(Role.FACILITATOR, Role.ADMIN):
        raise PanelRefused(N_("There is no facilitator with this email address. An admin grants the role."), "email")
    if any(item.user_id == user.id for item in panel.facilitators):
        raise PanelRefused(N_("This person already facilitates the panel."), "email")
    panel.facilitators.append(PanelFacilitator(user_id=user.id))
    record(
        db,
        actor=actor,
        action="panel.facilitator_added",
        object_type="panel",
        object_id=panel.id,
        after={"user_id": user.id},
        client_address=address,
    )
    await db.commit()
    return user


async def current_privacy(db: AsyncSession, panel: Panel) -> PrivacyNotice | None:
    return await db.scalar(
        select(PrivacyNotice).where(PrivacyNotice.panel_id == panel.id).order_by(PrivacyNotice.version.desc()).limit(1)
    )


async def publish_privacy(
    db: AsyncSession, actor: User, panel: Panel, texts: Mapping[str, str], address: str
) -> PrivacyNotice:
    """A new version; earlier versions stay, since each registration points to the one the person agreed to."""
    latest = await current_privacy(db, panel)
    notice = PrivacyNotice(
        panel_id=panel.id,
        version=1 if latest is None else latest.version + 1,
        text_fi=texts["fi"],
        text_sv=texts["sv"],
        text_en=texts["en"],
        published_by_id=actor.id,
    )
    db.add(notice)
    await db.flush()
    record(
        db,
        actor=actor,
        action="panel.privacy_published",
        object_type="panel",
        object_id=panel.id,
        after={"version": notice.version, "sha256": hashlib.sha256(texts["fi"].encode()).hexdigest()},
        client_address=address,
    )
    await db.commit()
    return notice


async def registration_count(db: AsyncSession, panel: Panel) -> int:
    return int(await db.scalar(select(func.count()).where(Registration.panel_id == panel.id)) or 0)


async def _refuse_when_people_answered(db: AsyncSession, panel: Panel) -> None:
    # Registrations hold answers to the categories: removing one would leave answers to a question nobody asked.
    if await registration_count(db, panel):
        raise PanelRefused(N_("People have already registered, so the categories can no longer change."))


async def add_category(db: AsyncSession, actor: User, panel: Panel, names: Mapping[str, str], address: str) -> None:
    await _refuse_when_people_answered(db, panel)
    category = PanelCategory(
        name_fi=names["fi"], name_sv=names["sv"], name_en=names["en"], position=len(panel.categories), values=[]
    )
    panel.categories.append(category)
    await db.flush()
    record(
        db,
        actor=actor,
        action="panel.category_added",
        object_type="panel",
        object_id=panel.id,
        after={"category_id": category.id, "name_fi": names["fi"]},
        client_address=address,
    )
    await db.commit()


async def add_value(
    db: AsyncSession,
    actor: User,
    panel: Panel,
    category: PanelCategory,
    names: Mapping[str, str],
    share: int,
    address: str,
) -> None:
    await _refuse_when_people_answered(db, panel)
    value = PanelCategoryValue(
        name_fi=names["fi"],
        name_sv=names["sv"],
        name_en=names["en"],
        population_share=share,
        position=len(category.values),
    )
    category.values.append(value)
    await db.flush()
    record(
        db,
        actor=actor,
        action="panel.value_added",
        object_type="panel",
        object_id=panel.id,
        after={"category_id": category.id, "value_id": value.id, "name_fi": names["fi"], "share": share},
        client_address=address,
    )
    await db.commit()


async def remove_category(db: AsyncSession, actor: User, panel: Panel, category: PanelCategory, address: str) -> None:
    await _refuse_when_people_answered(db, panel)
    panel.categories.remove(category)
    record(
        db,
        actor=actor,
        action="panel.category_removed",
        object_type="panel",
        object_id=panel.id,
        before={"category_id": category.id, "name_fi": category.name_fi},
        client_address=address,
    )
    await db.commit()


async def remove_value(db: AsyncSession, actor: User, panel: Panel, value: PanelCategoryValue, address: str) -> None:
    await _refuse_when_people_answered(db, panel)
    value.category.values.remove(value)
    record(
        db,
        actor=actor,
        action="panel.value_removed",
        object_type="panel",
        object_id=panel.id,
        before={"value_id": value.id, "name_fi": value.name_fi},
        client_address=address,
    )
    await db.commit()


def category_by_id(panel: Panel, category_id: int) -> PanelCategory | None:
    return next((item for item in panel.categories if item.id == category_id), None)


def value_by_id(panel: Panel, value_id: int) -> PanelCategoryValue | None:
    return next((value for item in panel.categories for value in item.values if value.id == value_id), None)


def _quota_snapshot(panel: Panel) -> dict[str, Any]:
    return {
        str(value.id): [value.min_count, value.max_count] for category in panel.categories for value in category.values
    }


async def save_quotas(
    db: AsyncSession, actor: User, panel: Panel, bounds: Mapping[int, quotas.Bounds], address: str
) -> None:
    before = _quota_snapshot(panel)
    for category in panel.categories:
        for value in category.values:
            if value.id in bounds:
                value.min_count, value.max_count = bounds[value.id].min, bounds[value.id].max
    record(
        db,
        actor=actor,
        action="panel.quotas_saved",
        object_type="panel",
        object_id=panel.id,
        before=before,
        after=_quota_snapshot(panel),
        client_address=address,
    )
    await db.commit()


def proposed_quotas(panel: Panel) -> dict[int, quotas.Bounds]:
    """pb.panels.quotas.propose for every category, from the shares entered and the panel's size and tolerance."""
    proposal: dict[int, quotas.Bounds] = {}
    for category in panel.categories:
        shares = [value.population_share for value in category.values]
        for value, item in zip(category.values, quotas.propose(shares, panel.size, panel.tolerance), strict=True):
            proposal[value.id] = item
    return proposal


def quota_problems(panel: Panel) -> list[quotas.Problem]:
    return quotas.check(
        {
            str(category.id): [
                (
                    value.population_share,
                    None
                    if value.min_count is None or value.max_count is None
                    else quotas.Bounds(value.min_count, value.max_count),
                )
                for value in category.values
            ]
            for category in panel.categories
        },
        panel.size,
    )


async def draw_of(db: AsyncSession, panel: Panel) -> InvitationDraw | None:
    return await db.scalar(select(InvitationDraw).where(InvitationDraw.panel_id == panel.id))
