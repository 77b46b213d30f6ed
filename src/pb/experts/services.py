"""Lived-experience groups: who may see what (the access-checked loaders), the groups themselves, their
coordinators, experience areas, consent texts and the registry settings. No HTTP here; every change is one
transaction with its audit entry, committed explicitly. The registry is in ``registry``, assignments in
``assignments``, confidential notes and input in ``confidential``, summaries in ``summaries`` and money in
``compensation``.

Who sees what (docs/lived-experience.md):
- a group's coordinators: its registry, assignments, confidential notes and input, summaries and ledger;
- administrators: the list of groups, creating one, naming its coordinators, its areas and consent texts, but
  not its people or their words, unless they add themselves as a coordinator (which is audit-logged);
- an expert: their own entry, invitations, input, the drafts they are asked to sign off, their earnings;
- whoever asked for an assignment, council members and administrators: published summaries only.
Everyone else gets 404: the existence of an expert or an assignment is the group's business.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role, User
from pb.audit.services import record
from pb.db import MAX_ID, utcnow
from pb.experts.models import (
    Assignment,
    ConsentPurpose,
    ConsentText,
    ExperienceArea,
    Expert,
    ExpertGroup,
    ExpertGroupCoordinator,
    ExpertIdentity,
    RegistrySettings,
)
from pb.i18n import N_

# Below five people a count or a combination points at individuals (the same threshold as small-cell
# suppression in pb.reports.charts; deliberation-panels.md §4.5 "set a minimum group size").
MIN_GROUP = 5
# No 0/O or 1/I/L: pseudonyms are read aloud and copied by hand.
PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class ExpertsRefused(Exception):
    """A change the state does not allow; ``message`` is an N_() id, ``field`` the form field to mark."""

    def __init__(self, message: str, field: str = "", **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params


def today(timezone: str = "Europe/Helsinki") -> date:
    return utcnow().astimezone(ZoneInfo(timezone)).date()


def new_pseudonym() -> str:
    return "KA-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- access --------------------------------------------------------------------------------------------------


def known_id(row_id: int) -> int:
    """A number from the URL, if it can name a row at all; 404 otherwise (see MAX_ID)."""
    if not 0 < row_id <= MAX_ID:
        raise NotFoundException()
    return row_id


def coordinates(user: User, group: ExpertGroup) -> bool:
    """The group's own coordinators; being an administrator is not enough to see the group's people."""
    return any(item.user_id == user.id for item in group.coordinators)


def may_manage(user: User, group: ExpertGroup) -> bool:
    return user.has_role(Role.ADMIN) or coordinates(user, group)


async def get_group_for(db: AsyncSession, user: User, group_id: int, *, people: bool = True) -> ExpertGroup:
    """Access-checked loader of the coordinator pages. ``people=False`` is the group's setup (areas, consent
    texts, coordinators), which administrators also manage; everything about people needs a coordinator."""
    group = await db.get(ExpertGroup, known_id(group_id))
    allowed = group is not None and (coordinates(user, group) if people else may_manage(user, group))
    if group is None or not allowed:
        raise NotFoundException()
    return group


async def get_assignment_for(db: AsyncSession, user: User, assignment_id: int) -> tuple[Assignment, ExpertGroup]:
    assignment = await db.get(Assignment, known_id(assignment_id))
    if assignment is None:
        raise NotFoundException()
    group = await get_group_for(db, user, assignment.group_id)
    return assignment, group


async def get_expert_for(db: AsyncSession, user: User, expert_id: int) -> tuple[Expert, ExpertGroup]:
    expert = await db.get(Expert, known_id(expert_id))
    if expert is None:
        raise NotFoundException()
    group = await get_group_for(db, user, expert.group_id)
    return expert, group


async def get_own_expert(db: AsyncSession, user: User, expert_id: int) -> tuple[Expert, ExpertIdentity]:
    """The expert's own entry: only the account that accepted the invitation reaches it."""
    identity = await db.get(ExpertIdentity, known_id(expert_id))
    if identity is None or identity.user_id != user.id:
        raise NotFoundException()
    expert = await db.get(Expert, expert_id)
    if expert is None:
        raise NotFoundException()
    return expert, identity


async def own_entries(db: AsyncSession, user: User) -> list[tuple[Expert, ExpertGroup]]:
    rows = await db.execute(
        select(Expert, ExpertGroup)
        .join(ExpertIdentity, ExpertIdentity.expert_id == Expert.id)
        .join(ExpertGroup, ExpertGroup.id == Expert.group_id)
        .where(ExpertIdentity.user_id == user.id)
        .order_by(Expert.id)
    )
    return [(expert, group) for expert, group in rows]


async def groups_for(db: AsyncSession, user: User) -> list[ExpertGroup]:
    query = select(ExpertGroup).order_by(ExpertGroup.name_fi, ExpertGroup.id)
    if not user.has_role(Role.ADMIN):
        query = query.where(
            ExpertGroup.id.in_(select(ExpertGroupCoordinator.group_id).where(ExpertGroupCoordinator.user_id == user.id))
        )
    return list(await db.scalars(query))


async def coordinator_users(db: AsyncSession, group: ExpertGroup) -> list[User]:
    ids = [item.user_id for item in group.coordinators]
    return list(await db.scalars(select(User).where(User.id.in_(ids)).order_by(User.display_name)))


# --- groups --------------------------------------------------------------------------------------------------


async def create_group(db: AsyncSession, actor: User, names: Mapping[str, str], address: str) -> ExpertGroup:
    # Empty collections, not unloaded ones: an async session cannot lazy-load them later.
    group = ExpertGroup(name_fi=names["fi"], name_sv=names["sv"], name_en=names["en"], created_by_id=actor.id, areas=[])
    group.coordinators = []
    if actor.has_role(Role.COORDINATOR):
        group.coordinators.append(ExpertGroupCoordinator(user_id=actor.id))
    db.add(group)
    await db.flush()
    record(
        db,
        actor=actor,
        action="experts.group_created",
        object_type="expert_group",
        object_id=group.id,
        after={"name_fi": names["fi"]},
        client_address=address,
    )
    await db.commit()
    return group


async def add_coordinator(db: AsyncSession, actor: User, group: ExpertGroup, email: str, address: str) -> User:
    user = await db.scalar(select(User).where(User.email == email))
    if user is None or not user.has_role(Role.COORDINATOR, Role.ADMIN):
        raise ExpertsRefused(
            N_("There is no coordinator with this email address. An administrator grants the role."), "email"
        )
    if coordinates(user, group):
        raise ExpertsRefused(N_("This person already coordinates the group."), "email")
    group.coordinators.append(ExpertGroupCoordinator(user_id=user.id))
    record(
        db,
        actor=actor,
        action="experts.coordinator_added",
        object_type="expert_group",
        object_id=group.id,
        after={"user_id": user.id},
        client_address=address,
    )
    await db.commit()
    return user


async def add_area(db: AsyncSession, actor: User, group: ExpertGroup, names: Mapping[str, str], address: str) -> None:
    area = ExperienceArea(
        group_id=group.id,
        name_fi=names["fi"],
        name_sv=names["sv"],
        name_en=names["en"],
        position=len(group.areas),
    )
    group.areas.append(area)
    await db.flush()
    record(
        db,
        actor=actor,
        action="experts.area_added",
        object_type="expert_group",
        object_id=group.id,
        after={"area_id": area.id, "name_fi": names["fi"]},
        client_address=address,
    )
    await db.commit()


def area_by_id(group: ExpertGroup, area_id: int) -> ExperienceArea | None:
    return next((area for area in group.areas if area.id == area_id), None)


def offered_areas(group: ExpertGroup) -> list[ExperienceArea]:
    return [area for area in group.areas if area.retired_at is None]


async def retire_area(db: AsyncSession, actor: User, group: ExpertGroup, area: ExperienceArea, address: str) -> None:
    area.retired_at = area.retired_at or utcnow()
    record(
        db,
        actor=actor,
        action="experts.area_retired",
        object_type="expert_group",
        object_id=group.id,
        after={"area_id": area.id},
        client_address=address,
    )
    await db.commit()


async def current_consent_texts(db: AsyncSession, group: ExpertGroup) -> dict[ConsentPurpose, ConsentText]:
    texts: dict[ConsentPurpose, ConsentText] = {}
    rows = await db.scalars(
        select(ConsentText).where(ConsentText.group_id == group.id).order_by(ConsentText.version.desc())
    )
    for text in rows:
        texts.setdefault(ConsentPurpose(text.purpose), text)
    return texts


async def publish_consent_text(
    db: AsyncSession, actor: User, group: ExpertGroup, purpose: ConsentPurpose, texts: Mapping[str, str], address: str
) -> ConsentText:
    """A new version; consents given earlier keep pointing at the version the expert agreed to."""
    latest = (await current_consent_texts(db, group)).get(purpose)
    text = ConsentText(
        group_id=group.id,
        purpose=purpose,
        version=1 if latest is None else latest.version + 1,
        text_fi=texts["fi"],
        text_sv=texts["sv"],
        text_en=texts["en"],
        published_by_id=actor.id,
    )
    db.add(text)
    await db.flush()
    record(
        db,
        actor=actor,
        action="experts.consent_text_published",
        object_type="expert_group",
        object_id=group.id,
        after={"purpose": purpose.value, "version": text.version, "sha256": text_digest(texts["fi"])},
        client_address=address,
    )
    await db.commit()
    return text


# --- settings ------------------------------------------------------------------------------------------------


SETTING_FIELDS = (
    "earnings_limit_cents",
    "alert_percent",
    "invitation_days",
    "input_retention_days",
    "lapsed_retention_days",
    "ledger_retention_years",
)


async def registry_settings(db: AsyncSession) -> RegistrySettings:
    """The one settings row, with the defaults of the model until someone saves other values."""
    found = await db.scalar(select(RegistrySettings).order_by(RegistrySettings.id).limit(1))
    if found is not None:
        return found
    defaults = RegistrySettings()
    for name in SETTING_FIELDS:
        column = RegistrySettings.__table__.c[name]
        setattr(defaults, name, column.default.arg)
    return defaults


async def save_settings(db: AsyncSession, actor: User, values: Mapping[str, int], address: str) -> None:
    current = await registry_settings(db)
    before = {name: getattr(current, name) for name in SETTING_FIELDS}
    for name in SETTING_FIELDS:
        setattr(current, name, values[name])
    current.updated_at = utcnow()
    current.updated_by_id = actor.id
    if current.id is None:
        db.add(current)
    record(
        db,
        actor=actor,
        action="experts.settings_saved",
        object_type="expert_registry_settings",
        object_id=None,
        before=before,
        after=dict(values),
        client_address=address,
    )
    await db.commit()
