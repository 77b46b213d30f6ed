"""Deliberation: who may comment, the thread of a proposal, posting, replying, editing, deleting and up-votes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.comments.models import MAX_DEPTH, STANCE_LABELS, Comment, CommentVote, Stance
from pb.db import utcnow
from pb.i18n import N_
from pb.moderation import services as moderation
from pb.proposals.models import Proposal, ProposalStatus
from pb.proposals.services import get_proposal_for
from pb.web.forms import Errors

# Decidim and CONSUL allow a short correction window; after it the text stays as others have read it.
EDIT_WINDOW = timedelta(minutes=15)
# Proposals whose discussion is closed: withdrawn by their authors, or still drafts.
CLOSED_STATUSES = frozenset({ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN})

# Why a viewer cannot post (shown instead of the comment form); None means they can.
LOG_IN_TO_COMMENT = N_("Log in to comment.")
VERIFY_TO_COMMENT = N_("Confirm your email address to comment.")
BLOCKED_FROM_COMMENTING = N_("Your account has been blocked from posting by a moderator.")
COMMENTS_CLOSED = N_("Comments are closed for this proposal.")
CANNOT_REPLY = N_("A deleted or hidden comment cannot be answered.")
CANNOT_VOTE = N_("You cannot up-vote your own comment, or one that has been deleted or hidden.")
EDIT_EXPIRED = N_("A comment can be edited only in the first 15 minutes after it was posted.")


def comments_open(proposal: Proposal) -> bool:
    return proposal.hidden_at is None and proposal.status not in CLOSED_STATUSES


async def refusal_for(db: AsyncSession, proposal: Proposal, user: User | None) -> str | None:
    """The reason ``user`` may not post on ``proposal`` (a message id), or None when they may."""
    if not comments_open(proposal):
        return COMMENTS_CLOSED
    return await participation_refusal(db, user)


async def participation_refusal(db: AsyncSession, user: User | None) -> str | None:
    """Posting and up-voting need a confirmed address (one person, one voice) and no moderator's block."""
    if user is None:
        return LOG_IN_TO_COMMENT
    if not user.email_verified:
        return VERIFY_TO_COMMENT
    if await moderation.is_blocked(db, user.id):
        return BLOCKED_FROM_COMMENTING
    return None


# --- reading ------------------------------------------------------------------------------------------


@dataclass
class CommentNode:
    """A comment as one viewer sees it, with what that viewer may do to it, and its replies."""

    comment: Comment
    author_name: str
    upvoted: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_vote: bool = False
    can_reply: bool = False
    can_report: bool = False
    replies: list[CommentNode] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.comment.id

    @property
    def stance_label(self) -> str:
        return STANCE_LABELS.get(Stance(self.comment.stance), "") if self.comment.stance in set(Stance) else ""

    @property
    def state(self) -> str:
        """``deleted`` by its author, ``hidden`` by moderation, or ``visible``."""
        if self.comment.deleted_at is not None:
            return "deleted"
        if self.comment.hidden_at is not None:
            return "hidden"
        return "visible"


@dataclass(frozen=True)
class Viewer:
    """What the thread needs to know about the person looking at it, fetched once per page."""

    user_id: int | None
    refusal: str | None  # why the viewer may not post or up-vote (participation_refusal), None if they may
    upvoted_ids: frozenset[int] = frozenset()

    @property
    def may_participate(self) -> bool:
        return self.refusal is None


def is_visible(comment: Comment) -> bool:
    return comment.deleted_at is None and comment.hidden_at is None


def make_node(
    comment: Comment, author_name: str, viewer: Viewer, *, open_for_comments: bool, now: datetime
) -> CommentNode:
    own = viewer.user_id is not None and comment.author_id == viewer.user_id
    visible = is_visible(comment)
    return CommentNode(
        comment=comment,
        author_name=author_name,
        upvoted=comment.id in viewer.upvoted_ids,
        can_edit=own and visible and now - comment.created_at < EDIT_WINDOW,
        can_delete=own and comment.deleted_at is None,
        can_vote=viewer.may_participate and visible and not own,
        can_reply=viewer.may_participate and visible and open_for_comments,
        can_report=viewer.user_id is not None and visible and not own,
    )


async def viewer_for(db: AsyncSession, proposal: Proposal, user: User | None) -> Viewer:
    if user is None:
        return Viewer(None, LOG_IN_TO_COMMENT)
    upvoted = await db.scalars(
        select(CommentVote.comment_id)
        .join(Comment, Comment.id == CommentVote.comment_id)
        .where(Comment.proposal_id == proposal.id, CommentVote.user_id == user.id)
    )
    return Viewer(user.id, await participation_refusal(db, user), frozenset(upvoted))


async def author_names(db: AsyncSession, proposal_id: int) -> dict[int, str]:
    # Only the columns the thread shows: loading User rows would also load their roles.
    authors = select(Comment.author_id).where(Comment.proposal_id == proposal_id)
    rows = await db.execute(select(User.id, User.display_name).where(User.id.in_(authors)))
    return {user_id: name for user_id, name in rows}


def build_tree(comments: list[Comment], names: dict[int, str], viewer: Viewer, *, open_: bool) -> list[CommentNode]:
    """Comments (oldest first) into a tree; a reply whose parent is missing is shown at the top level."""
    now = utcnow()
    nodes = {
        comment.id: make_node(comment, names.get(comment.author_id or 0, ""), viewer, open_for_comments=open_, now=now)
        for comment in comments
    }
    roots: list[CommentNode] = []
    for comment in comments:
        parent = nodes.get(comment.parent_id) if comment.parent_id is not None else None
        (parent.replies if parent is not None else roots).append(nodes[comment.id])
    return roots


async def thread_context(db: AsyncSession, proposal: Proposal, viewer: User | None) -> dict[str, Any]:
    """Everything ``templates/comments/_section.html`` needs, in a constant number of queries: the comments,
    their authors' names, the viewer's up-votes and whether the viewer may post."""
    comments = list(
        await db.scalars(
            select(Comment).where(Comment.proposal_id == proposal.id).order_by(Comment.created_at, Comment.id)
        )
    )
    names = await author_names(db, proposal.id) if comments else {}
    seen_by = await viewer_for(db, proposal, viewer)
    open_ = comments_open(proposal)
    refusal = COMMENTS_CLOSED if not open_ else seen_by.refusal
    visible = [comment for comment in comments if is_visible(comment)]
    return {
        "comments_proposal": proposal,
        "comments_thread": build_tree(comments, names, seen_by, open_=open_),
        "comments_count": len(visible),
        "comments_stance_counts": {stance.value: sum(c.stance == stance for c in visible) for stance in Stance},
        "comments_anonymous": viewer is None,
        "comments_refusal": refusal,
        "comments_form": {"stance": Stance.NEUTRAL.value},
        "comments_errors": Errors(),
        "comments_stances": [(stance.value, STANCE_LABELS[stance]) for stance in Stance],
    }


async def summary(db: AsyncSession, proposal_id: int) -> dict[str, Any]:
    """The count and stance tally of the shown comments (for an htmx update of the summary)."""
    rows = await db.execute(
        select(Comment.stance, func.count())
        .where(Comment.proposal_id == proposal_id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
        .group_by(Comment.stance)
    )
    tally = {stance.value: 0 for stance in Stance} | {stance: int(n) for stance, n in rows}
    return {"comments_count": sum(tally.values()), "comments_stance_counts": tally}


async def node_for(db: AsyncSession, comment: Comment, proposal: Proposal, viewer: User | None) -> CommentNode:
    """One comment as the viewer sees it, without its replies (for htmx fragments)."""
    names = {}
    if comment.author_id is not None:
        name = await db.scalar(select(User.display_name).where(User.id == comment.author_id))
        names = {comment.author_id: name or ""}
    seen_by = await viewer_for(db, proposal, viewer)
    return make_node(
        comment, names.get(comment.author_id or 0, ""), seen_by, open_for_comments=comments_open(proposal), now=utcnow()
    )


# --- loading ------------------------------------------------------------------------------------------


async def get_comment_for(
    db: AsyncSession, user: User | None, comment_id: int, *, write: bool = False
) -> tuple[Comment, Proposal]:
    """A comment and its proposal: 404 when the user may not see the proposal (or the comment does not exist),
    403 with ``write`` when the comment is not theirs."""
    comment = await db.get(Comment, comment_id)
    if comment is None:
        raise NotFoundException()
    proposal = await get_proposal_for(db, user, comment.proposal_id)
    if write and (user is None or comment.author_id != user.id):
        raise PermissionDeniedException()
    return comment, proposal


# --- changing -----------------------------------------------------------------------------------------


def _count_change(proposal_id: int, delta: int) -> Any:
    # In SQL rather than in Python, so that two comments posted at the same moment both count.
    return (
        update(Proposal)
        .where(Proposal.id == proposal_id)
        .values(comment_count=Proposal.comment_count + delta)
        .execution_options(synchronize_session=False)
    )


async def post_comment(
    db: AsyncSession, proposal: Proposal, author: User, *, body: str, stance: str, parent: Comment | None = None
) -> Comment:
    """Add a comment (or a reply to ``parent``) and count it on the proposal, in one transaction."""
    depth = 0
    parent_id = None
    if parent is not None:
        # Threads go MAX_DEPTH levels deep; a reply to the deepest level joins that level.
        if parent.depth >= MAX_DEPTH - 1:
            parent_id, depth = parent.parent_id, parent.depth
        else:
            parent_id, depth = parent.id, parent.depth + 1
    comment = Comment(
        proposal_id=proposal.id,
        parent_id=parent_id,
        depth=depth,
        author_id=author.id,
        stance=stance,
        body=body,
        created_at=utcnow(),
    )
    db.add(comment)
    await db.execute(_count_change(proposal.id, +1))
    await db.commit()
    await db.refresh(proposal, ["comment_count"])
    return comment


def edit_expired(comment: Comment) -> bool:
    return utcnow() - comment.created_at >= EDIT_WINDOW


async def edit_comment(db: AsyncSession, comment: Comment, *, body: str, stance: str) -> None:
    if comment.body == body and comment.stance == stance:
        return
    comment.body = body
    comment.stance = stance
    comment.edited_at = utcnow()
    await db.commit()


async def delete_comment(db: AsyncSession, comment: Comment) -> None:
    """The author's own deletion: the text is erased, a placeholder keeps the replies in context."""
    if comment.deleted_at is not None:
        return
    was_counted = is_visible(comment)
    comment.deleted_at = utcnow()
    comment.body = ""
    if was_counted:
        await db.execute(_count_change(comment.proposal_id, -1))
    await db.commit()


async def set_upvote(db: AsyncSession, comment: Comment, user: User, *, up: bool) -> None:
    """Up-vote once (or take it back); the count changes in the same transaction as the vote row.

    The unique constraint on (comment, user) decides between two simultaneous clicks: the second insert fails,
    and that is the same as "already up-voted"."""
    comment_id = comment.id
    if up:
        db.add(CommentVote(comment_id=comment_id, user_id=user.id, created_at=utcnow()))
        try:
            await db.flush()
        except IntegrityError:
            await db.rollback()
            await db.refresh(comment)
            return
        delta = 1
    else:
        removed = await db.execute(
            delete(CommentVote).where(CommentVote.comment_id == comment_id, CommentVote.user_id == user.id)
        )
        if not getattr(removed, "rowcount", 0):
            return
        delta = -1
    await db.execute(
        update(Comment)
        .where(Comment.id == comment_id)
        .values(upvote_count=Comment.upvote_count + delta)
        .execution_options(synchronize_session=False)
    )
    await db.commit()
    await db.refresh(comment, ["upvote_count"])


# --- moderation's view of comments ------------------------------------------------------------------------


async def hide_comment(db: AsyncSession, comment: Comment, reason: str) -> None:
    """Hide (in the caller's transaction); the proposal's count drops when the comment was shown."""
    if comment.hidden_at is None and comment.deleted_at is None:
        await db.execute(_count_change(comment.proposal_id, -1))
    comment.hidden_at = comment.hidden_at or utcnow()
    comment.hidden_reason = reason


async def restore_comment(db: AsyncSession, comment: Comment) -> None:
    if comment.hidden_at is not None and comment.deleted_at is None:
        await db.execute(_count_change(comment.proposal_id, +1))
    comment.hidden_at = None
    comment.hidden_reason = None
