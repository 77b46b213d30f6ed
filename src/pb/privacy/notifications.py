"""Which optional emails a resident wants, read by every sender of such emails."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.db import utcnow
from pb.i18n import N_
from pb.privacy.models import NotificationSettings


class Topic(StrEnum):
    """An optional email; the value is the column of NotificationSettings that turns it on or off."""

    PROPOSAL_STATUS = "proposal_status"
    NEW_COMMENTS = "new_comments"
    BALLOT_SUMMARY = "ballot_summary"


TOPIC_LABELS = {
    Topic.PROPOSAL_STATUS: N_("Changes in proposals I wrote or follow"),
    Topic.NEW_COMMENTS: N_("New comments on proposals I follow"),
    Topic.BALLOT_SUMMARY: N_("Offer to email me a summary of my ballot"),
}
TOPIC_HINTS = {
    Topic.PROPOSAL_STATUS: N_("When city experts review a proposal, combine it into a plan, or it is withdrawn."),
    Topic.NEW_COMMENTS: N_(
        "Only for proposals you follow with comments turned on. You can also turn comments off for one proposal "
        "on its page."
    ),
    Topic.BALLOT_SUMMARY: N_(
        "When you cast a ballot, the box “Email me a summary of my ballot” is then ticked already. You can still "
        "untick it each time. The summary never contains your receipt code."
    ),
}
DEFAULTS = {Topic.PROPOSAL_STATUS: True, Topic.NEW_COMMENTS: True, Topic.BALLOT_SUMMARY: False}


async def settings_of(db: AsyncSession, user: User) -> dict[Topic, bool]:
    found = await db.get(NotificationSettings, user.id)
    if found is None:
        return dict(DEFAULTS)
    return {topic: bool(getattr(found, topic.value)) for topic in Topic}


async def save_settings(db: AsyncSession, user: User, chosen: dict[Topic, bool]) -> None:
    found = await db.get(NotificationSettings, user.id)
    if found is None:
        found = NotificationSettings(user_id=user.id)
        db.add(found)
    for topic in Topic:
        setattr(found, topic.value, chosen[topic])
    found.updated_at = utcnow()
    await db.commit()


async def who_wants(db: AsyncSession, user_ids: Iterable[int], topic: Topic) -> set[int]:
    """The accounts among ``user_ids`` that have not turned ``topic`` off (no row means the default)."""
    wanted = set(user_ids)
    if not wanted:
        return wanted
    column = getattr(NotificationSettings, topic.value)
    choices = await db.execute(
        select(NotificationSettings.user_id, column).where(NotificationSettings.user_id.in_(wanted))
    )
    chosen = {user_id: bool(value) for user_id, value in choices}
    return {user_id for user_id in wanted if chosen.get(user_id, DEFAULTS[topic])}


async def wants(db: AsyncSession, user: User, topic: Topic) -> bool:
    return user.id in await who_wants(db, [user.id], topic)
