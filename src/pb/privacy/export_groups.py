"""The parts of the resident's download (pb.privacy.export) about the groups they take part in through their
account: citizens' panels they joined, requests they sent for lived-experience experts, and their entries in
lived-experience expert registries.

The rule of the whole file holds here too: the resident's own data, and nobody else's. Other members of a panel
are not named (their names, comments and votes are theirs), nor are the facilitators or coordinators.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.experts import retention as expert_data
from pb.experts.models import Assignment, ExpertGroup, ExpertIdentity
from pb.panels.models import Panel, PanelCategory, Registration
from pb.panels.work_models import (
    MinorityStatement,
    PanelAttendance,
    PanelMember,
    PanelRecommendation,
    PanelSeat,
    PanelSession,
    RecommendationComment,
    RecommendationVersion,
    RecommendationVote,
)


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


Answers = Callable[[dict[str, Any]], dict[str, str]]


async def _answers_in_words(db: AsyncSession, panel_id: int, language: str) -> Answers:
    """A function turning a panel's ``{category id: value id}`` answers into ``{category: value}`` in words."""
    categories = await db.scalars(select(PanelCategory).where(PanelCategory.panel_id == panel_id))
    named = {
        str(category.id): (category.text("name", language), {str(value.id): value for value in category.values})
        for category in categories
    }

    def in_words(answers: dict[str, Any]) -> dict[str, str]:
        found: dict[str, str] = {}
        for category_id, value_id in answers.items():
            if str(category_id) in named:
                name, values = named[str(category_id)]
                value = values.get(str(value_id))
                found[name] = value.text("name", language) if value is not None else str(value_id)
        return found

    return in_words


def _registration(registration: Registration, in_words: Answers) -> dict[str, Any]:
    return {
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "language": registration.language,
        "answers": in_words(registration.answers),
        "accessibility_needs": registration.accessibility_needs,
        "dietary_needs": registration.dietary_needs,
        "available_all_sessions": registration.available_all_sessions,
        "availability_notes": registration.availability_notes,
        "willing_reserve": registration.willing_reserve,
        "privacy_notice_version": registration.privacy_notice.version,
        "consented_at": _when(registration.consented_at),
        "registered_at": _when(registration.registered_at),
    }


async def _sessions(db: AsyncSession, member: PanelMember) -> list[dict[str, Any]]:
    present = {
        row.session_id: row.present
        for row in await db.scalars(select(PanelAttendance).where(PanelAttendance.member_id == member.id))
    }
    tables = {
        row.session_id: row.table_number
        for row in await db.scalars(select(PanelSeat).where(PanelSeat.member_id == member.id))
    }
    if not present and not tables:
        return []
    sessions = await db.scalars(
        select(PanelSession).where(PanelSession.id.in_(set(present) | set(tables))).order_by(PanelSession.starts_at)
    )
    return [
        {"starts_at": _when(session.starts_at), "present": present.get(session.id), "table": tables.get(session.id)}
        for session in sessions
    ]


async def _membership(db: AsyncSession, member: PanelMember, language: str) -> dict[str, Any]:
    panel = await db.get_one(Panel, member.panel_id)
    in_words = await _answers_in_words(db, panel.id, language)
    registration = await db.get(Registration, member.registration_id) if member.registration_id else None
    started = await db.scalars(
        select(PanelRecommendation)
        .where(PanelRecommendation.created_by_member_id == member.id)
        .order_by(PanelRecommendation.id)
    )
    versions = await db.scalars(
        select(RecommendationVersion)
        .where(RecommendationVersion.member_id == member.id)
        .order_by(RecommendationVersion.recommendation_id, RecommendationVersion.number)
    )
    comments = await db.scalars(
        select(RecommendationComment)
        .where(RecommendationComment.member_id == member.id)
        .order_by(RecommendationComment.id)
    )
    votes = await db.scalars(
        select(RecommendationVote).where(RecommendationVote.member_id == member.id).order_by(RecommendationVote.id)
    )
    statements = await db.scalars(
        select(MinorityStatement).where(MinorityStatement.member_id == member.id).order_by(MinorityStatement.id)
    )
    return {
        "panel": panel.slug,
        "panel_name": panel.text("name", language),
        "pseudonym": member.pseudonym,
        "display_name": member.display_name,
        "name_public": member.name_public,
        "selection_answers": in_words(member.features),
        "added_at": _when(member.added_at),
        "joined_at": _when(member.joined_at),
        "dropped_out_at": _when(member.dropped_out_at),
        "registration": _registration(registration, in_words) if registration is not None else None,
        "sessions": await _sessions(db, member),
        "recommendations_started": [
            {"recommendation_id": item.id, "title": item.title, "created_at": _when(item.created_at)}
            for item in started
        ],
        "versions": [
            {
                "recommendation_id": item.recommendation_id,
                "number": item.number,
                "title": item.title,
                "body": item.body,
                "rationale": item.rationale,
                "created_at": _when(item.created_at),
            }
            for item in versions
        ],
        "comments": [
            {"recommendation_id": item.recommendation_id, "body": item.body, "created_at": _when(item.created_at)}
            for item in comments
        ],
        "votes": [
            {"recommendation_id": item.recommendation_id, "score": item.score, "voted_at": _when(item.voted_at)}
            for item in votes
        ],
        "minority_statements": [
            {"recommendation_id": item.recommendation_id, "body": item.body, "created_at": _when(item.created_at)}
            for item in statements
        ],
    }


async def panel_work(db: AsyncSession, user: User, language: str) -> list[dict[str, Any]]:
    """Each panel membership linked to the account, with what the member gave and did on the panel."""
    members = await db.scalars(select(PanelMember).where(PanelMember.user_id == user.id).order_by(PanelMember.id))
    return [await _membership(db, member, language) for member in members]


async def expert_requests(db: AsyncSession, user: User, language: str) -> list[dict[str, Any]]:
    rows = await db.execute(
        select(Assignment, ExpertGroup)
        .join(ExpertGroup, ExpertGroup.id == Assignment.group_id)
        .where(Assignment.requested_by_id == user.id)
        .order_by(Assignment.id)
    )
    return [
        {
            "group": group.text("name", language),
            "status": assignment.status,
            "department": assignment.department,
            "topic": assignment.topic,
            "questions": assignment.questions,
            "starts_on": _when(assignment.starts_on),
            "ends_on": _when(assignment.ends_on),
            "experts_wanted": assignment.experts_wanted,
            "sent_at": _when(assignment.created_at),
            "decided_at": _when(assignment.decided_at),
            "decision_note": assignment.decision_note,
            "closed_at": _when(assignment.closed_at),
        }
        for assignment, group in rows
    ]


async def lived_experience(db: AsyncSession, user: User, language: str, address: str) -> list[dict[str, Any]]:
    """The entries of the expert's own download (pb.experts.retention.own_data), which logs the reading: every
    reading of lived-experience data is audit-logged, as it can reveal health (GDPR Art. 9). Nothing is read or
    logged for an account that is in no registry."""
    linked = await db.scalar(select(ExpertIdentity.expert_id).where(ExpertIdentity.user_id == user.id).limit(1))
    if linked is None:
        return []
    entries: list[dict[str, Any]] = (await expert_data.own_data(db, user, language, address))["entries"]
    return entries
