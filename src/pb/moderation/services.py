"""Moderation: residents' reports, automatic hiding, the moderators' queue and decisions, and blocks of users."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.audit.services import record
from pb.comments import services as comments
from pb.comments.models import Comment
from pb.db import utcnow
from pb.i18n import N_
from pb.moderation.models import Report, ReportTarget, UserBlock
from pb.proposals.models import Proposal
from pb.proposals.services import get_proposal_for

# Issue 3: content reported by N distinct users is hidden until a moderator decides ("setting, default 3");
# the controller passes Settings.auto_hide_reports (PB_AUTO_HIDE_REPORTS).
AUTO_HIDE_THRESHOLD = 3
# The public reason shown on automatically hidden content (a message id, translated where it is shown).
AUTO_HIDDEN_REASON = N_("Hidden after reports from several users until a moderator has checked it.")
QUEUE_LIMIT = 2000  # open reports read for the queue page at most


class Resolution:
    HIDDEN = "hidden"
    RESTORED = "restored"
    BLOCKED = "blocked"
    DISMISSED = "dismissed"


# --- blocks -------------------------------------------------------------------------------------------


async def active_block(db: AsyncSession, user_id: int) -> UserBlock | None:
    found: UserBlock | None = await db.scalar(
        select(UserBlock)
        .where(UserBlock.user_id == user_id, UserBlock.lifted_at.is_(None))
        .order_by(UserBlock.blocked_at.desc())
        .limit(1)
    )
    return found


async def is_blocked(db: AsyncSession, user_id: int) -> bool:
    """A moderator has blocked the user and not lifted the block: they may not post proposals or comments."""
    return await active_block(db, user_id) is not None


# --- what can be reported -------------------------------------------------------------------------------


@dataclass
class Target:
    """A reported thing: a proposal, a comment (with its proposal) or a user."""

    type: str
    id: int
    proposal: Proposal | None = None
    comment: Comment | None = None
    user: User | None = None

    @property
    def hideable(self) -> bool:
        return self.type in {ReportTarget.PROPOSAL, ReportTarget.COMMENT}

    @property
    def hidden_at(self) -> datetime | None:
        if self.comment is not None:
            return self.comment.hidden_at
        if self.proposal is not None and self.type == ReportTarget.PROPOSAL:
            return self.proposal.hidden_at
        return None

    @property
    def hidden_reason(self) -> str | None:
        if self.comment is not None:
            return self.comment.hidden_reason
        if self.proposal is not None and self.type == ReportTarget.PROPOSAL:
            return self.proposal.hidden_reason
        return None

    @property
    def author_id(self) -> int | None:
        """Whose content this is (the user to block); for a user, the user."""
        if self.comment is not None:
            return self.comment.author_id
        if self.proposal is not None:
            return self.proposal.author_id
        return self.id

    @property
    def link(self) -> str:
        """Where the content is shown to the public."""
        if self.comment is not None:
            return f"/proposals/{self.comment.proposal_id}#comment-{self.comment.id}"
        if self.proposal is not None:
            return f"/proposals/{self.proposal.id}"
        return f"/moderation/user/{self.id}"


def parse_target_type(raw: str) -> ReportTarget:
    try:
        return ReportTarget(raw)
    except ValueError:
        raise NotFoundException() from None


async def get_target_for(db: AsyncSession, viewer: User | None, target_type: str, target_id: int) -> Target:
    """Access-checked loader: 404 for an unknown kind or id, or content the viewer may not see."""
    kind = parse_target_type(target_type)
    if kind == ReportTarget.PROPOSAL:
        return Target(kind, target_id, proposal=await get_proposal_for(db, viewer, target_id))
    if kind == ReportTarget.COMMENT:
        comment, proposal = await comments.get_comment_for(db, viewer, target_id)
        return Target(kind, target_id, proposal=proposal, comment=comment)
    user = await db.get(User, target_id)
    if user is None or not user.is_active:
        raise NotFoundException()
    return Target(kind, target_id, user=user)


# --- reporting ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportOutcome:
    created: bool
    hidden_now: bool = False


async def open_reporter_count(db: AsyncSession, target: Target) -> int:
    count = await db.scalar(
        select(func.count(func.distinct(Report.reporter_id))).where(
            Report.target_type == target.type, Report.target_id == target.id, Report.resolved_at.is_(None)
        )
    )
    return int(count or 0)


async def report(
    db: AsyncSession,
    reporter: User,
    target: Target,
    *,
    reason: str,
    details: str,
    threshold: int = AUTO_HIDE_THRESHOLD,
) -> ReportOutcome:
    """Record a report (once per reporter and target, by the database's unique constraint) and hide the content
    when enough different people have reported it."""
    db.add(
        Report(
            target_type=target.type,
            target_id=target.id,
            reporter_id=reporter.id,
            reason=reason,
            details=details,
            created_at=utcnow(),
        )
    )
    try:
        await db.flush()
    except IntegrityError:
        await db.rollback()
        return ReportOutcome(created=False)
    hidden_now = False
    reporters = await open_reporter_count(db, target) if target.hideable and target.hidden_at is None else 0
    if reporters >= threshold:
        before = _hidden_state(target)
        await _hide(db, target, AUTO_HIDDEN_REASON)
        record(
            db,
            actor=None,
            action=f"{target.type}.hidden_automatically",
            object_type=target.type,
            object_id=target.id,
            before=before,
            after=_hidden_state(target) | {"reporters": reporters},
        )
        hidden_now = True
    await db.commit()
    return ReportOutcome(created=True, hidden_now=hidden_now)


async def has_reported(db: AsyncSession, reporter: User, target: Target) -> bool:
    found = await db.scalar(
        select(Report.id).where(
            Report.target_type == target.type, Report.target_id == target.id, Report.reporter_id == reporter.id
        )
    )
    return found is not None


# --- the queue ----------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    """The open reports of one target, grouped."""

    target_type: str
    target_id: int
    reports: list[Report] = field(default_factory=list)
    target: Target | None = None
    author_name: str = ""

    @property
    def count(self) -> int:
        return len(self.reports)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        return Counter(report.reason for report in self.reports).most_common()

    @property
    def details(self) -> list[str]:
        return [report.details for report in self.reports if report.details]

    @property
    def first_at(self) -> datetime:
        return min(report.created_at for report in self.reports)


async def open_queue(db: AsyncSession) -> list[QueueItem]:
    """Open reports grouped by target, the most reported first, with the reported content (a query per kind)."""
    reports = await db.scalars(
        select(Report).where(Report.resolved_at.is_(None)).order_by(Report.created_at, Report.id).limit(QUEUE_LIMIT)
    )
    groups: dict[tuple[str, int], QueueItem] = {}
    for row in reports:
        key = (row.target_type, row.target_id)
        groups.setdefault(key, QueueItem(row.target_type, row.target_id)).reports.append(row)
    ids = {kind: [tid for (ttype, tid) in groups if ttype == kind] for kind in ReportTarget}
    proposals = await _by_id(db, Proposal, ids[ReportTarget.PROPOSAL])
    comment_rows = await _by_id(db, Comment, ids[ReportTarget.COMMENT])
    users = await _by_id(db, User, ids[ReportTarget.USER])
    author_ids = {p.author_id for p in proposals.values()} | {c.author_id for c in comment_rows.values()}
    names = await _names(db, {i for i in author_ids if i is not None} | set(users))
    for (kind, target_id), item in groups.items():
        if kind == ReportTarget.PROPOSAL and target_id in proposals:
            item.target = Target(kind, target_id, proposal=proposals[target_id])
        elif kind == ReportTarget.COMMENT and target_id in comment_rows:
            item.target = Target(kind, target_id, comment=comment_rows[target_id])
        elif kind == ReportTarget.USER and target_id in users:
            item.target = Target(kind, target_id, user=users[target_id])
        if item.target is not None:
            item.author_name = names.get(item.target.author_id or 0, "")
    return sorted(groups.values(), key=lambda item: (-item.count, item.first_at))


async def _by_id(db: AsyncSession, model: Any, ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in await db.scalars(select(model).where(model.id.in_(ids)))}


async def _names(db: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = await db.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {user_id: name for user_id, name in rows}


async def reports_of(db: AsyncSession, target: Target) -> list[Report]:
    """Every report of the target, open ones first, newest first."""
    rows = await db.scalars(
        select(Report)
        .where(Report.target_type == target.type, Report.target_id == target.id)
        .order_by(Report.resolved_at.is_not(None), Report.created_at.desc())
    )
    return list(rows)


async def blocks_of(db: AsyncSession, user_id: int) -> list[UserBlock]:
    return list(
        await db.scalars(select(UserBlock).where(UserBlock.user_id == user_id).order_by(UserBlock.blocked_at.desc()))
    )


async def blocked_users(db: AsyncSession) -> list[tuple[UserBlock, str]]:
    rows = await db.execute(
        select(UserBlock, User.display_name)
        .join(User, User.id == UserBlock.user_id)
        .where(UserBlock.lifted_at.is_(None))
        .order_by(UserBlock.blocked_at.desc())
    )
    return [(block, name) for block, name in rows]


async def user_name(db: AsyncSession, user_id: int | None) -> str:
    if user_id is None:
        return ""
    return await db.scalar(select(User.display_name).where(User.id == user_id)) or ""


# --- moderators' decisions: one transaction each, with its audit entry -------------------------------------


def _hidden_state(target: Target) -> dict[str, Any]:
    hidden_at = target.hidden_at
    return {"hidden_at": hidden_at.isoformat() if hidden_at else None, "hidden_reason": target.hidden_reason}


async def _hide(db: AsyncSession, target: Target, reason: str) -> None:
    if target.comment is not None:
        await comments.hide_comment(db, target.comment, reason)
    elif target.proposal is not None:
        target.proposal.hidden_at = target.proposal.hidden_at or utcnow()
        target.proposal.hidden_reason = reason


async def _resolve_reports(db: AsyncSession, actor: User, target: Target, resolution: str) -> int:
    result = await db.execute(
        update(Report)
        .where(Report.target_type == target.type, Report.target_id == target.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id, resolution=resolution)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def hide(db: AsyncSession, actor: User, target: Target, reason: str, client_address: str) -> None:
    """Hide content with a public reason; its open reports are resolved."""
    before = _hidden_state(target)
    await _hide(db, target, reason)
    resolved = await _resolve_reports(db, actor, target, Resolution.HIDDEN)
    record(
        db,
        actor=actor,
        action=f"{target.type}.hidden",
        object_type=target.type,
        object_id=target.id,
        before=before,
        after=_hidden_state(target) | {"reports_resolved": resolved},
        client_address=client_address,
    )
    await db.commit()


async def restore(db: AsyncSession, actor: User, target: Target, reason: str, client_address: str) -> None:
    """Show hidden content again; the moderator's reason is kept in the audit log and on the resolved reports."""
    before = _hidden_state(target)
    if target.comment is not None:
        await comments.restore_comment(db, target.comment)
    elif target.proposal is not None:
        target.proposal.hidden_at = None
        target.proposal.hidden_reason = None
    resolved = await _resolve_reports(db, actor, target, Resolution.RESTORED)
    record(
        db,
        actor=actor,
        action=f"{target.type}.restored",
        object_type=target.type,
        object_id=target.id,
        before=before,
        after=_hidden_state(target) | {"reason": reason, "reports_resolved": resolved},
        client_address=client_address,
    )
    await db.commit()


async def dismiss(db: AsyncSession, actor: User, target: Target, client_address: str) -> int:
    """Close the open reports without changing the content."""
    resolved = await _resolve_reports(db, actor, target, Resolution.DISMISSED)
    record(
        db,
        actor=actor,
        action=f"{target.type}.reports_dismissed",
        object_type=target.type,
        object_id=target.id,
        before={"open_reports": resolved},
        after={"open_reports": 0},
        client_address=client_address,
    )
    await db.commit()
    return resolved


async def block(db: AsyncSession, actor: User, user: User, reason: str, client_address: str) -> None:
    """Block a user from posting; the user's open reports are resolved. Blocking twice changes nothing."""
    if await is_blocked(db, user.id):
        return
    db.add(UserBlock(user_id=user.id, reason=reason, blocked_by_id=actor.id, blocked_at=utcnow()))
    target = Target(ReportTarget.USER, user.id, user=user)
    resolved = await _resolve_reports(db, actor, target, Resolution.BLOCKED)
    record(
        db,
        actor=actor,
        action="user.blocked",
        object_type="user",
        object_id=user.id,
        before={"blocked": False},
        after={"blocked": True, "reason": reason, "reports_resolved": resolved},
        client_address=client_address,
    )
    await db.commit()


async def unblock(db: AsyncSession, actor: User, user: User, reason: str, client_address: str) -> None:
    found = await active_block(db, user.id)
    if found is None:
        return
    found.lifted_at = utcnow()
    found.lifted_by_id = actor.id
    found.lift_reason = reason
    record(
        db,
        actor=actor,
        action="user.unblocked",
        object_type="user",
        object_id=user.id,
        before={"blocked": True, "reason": found.reason},
        after={"blocked": False, "reason": reason},
        client_address=client_address,
    )
    await db.commit()
