"""Deleting an account (GDPR Art. 17): one step per category of pb.privacy.retention, in one transaction.

Each step states the fate it carries out; if retention.py promises another fate for its category, deletion
refuses to run (UnexpectedFate) instead of doing something the privacy notice does not say. The schema walk in
tests/privacy/test_deletion.py checks that afterwards nothing in any table leads back to the person.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, delete, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import AccountToken, User, UserIdentity, UserRole
from pb.audit.services import record
from pb.comments.models import Comment, CommentVote
from pb.db import utcnow
from pb.eligibility.models import EligibilityProof
from pb.experts.registry import withdraw_everywhere
from pb.moderation.models import Report, ReportTarget, UserBlock
from pb.panels.work_models import PanelMember
from pb.privacy.models import NotificationSettings
from pb.privacy.retention import BY_KEY, Fate
from pb.proposals.models import Coauthor, Follow, Proposal, ProposalStatus, Support


async def password_matches(hasher: PasswordHasher, user: User, password: str) -> bool:
    """Deleting asks for the password again (OWASP ASVS 2.2: re-authenticate before a destructive change)."""
    stored = user.password_hash
    if stored is None:
        return False

    def check() -> bool:
        try:
            return hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    # argon2 is deliberately slow: keep it off the event loop.
    return await anyio.to_thread.run_sync(check)


class ContentChoice(StrEnum):
    """What happens to the resident's proposals and comments."""

    KEEP = "keep"  # they stay, shown as by a former user
    REMOVE = "remove"


class UnexpectedFate(RuntimeError):
    """retention.py promises a fate that the deletion step of the category does not carry out."""


class StaffAccount(Exception):
    """Staff accounts are not deleted from the account page: an administrator removes the roles first, so that
    assignments and other staff work are handed over deliberately."""


@dataclass
class Outcome:
    proposals_removed: int = 0
    proposals_kept: int = 0
    comments_removed: int = 0
    comments_kept: int = 0
    removed_proposal_ids: set[int] = field(default_factory=set)


Step = Callable[[AsyncSession, User, ContentChoice, Outcome], Awaitable[None]]


async def _delete_reports_of(db: AsyncSession, target: ReportTarget, ids: set[int]) -> None:
    """Reports of content that no longer exists (reports refer to their target by number, without a foreign key)."""
    if ids:
        await db.execute(delete(Report).where(Report.target_type == target, Report.target_id.in_(ids)))


async def _proposals(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    with_coauthors = select(Coauthor.proposal_id).where(
        Coauthor.accepted_at.is_not(None), Coauthor.user_id.is_not(None), Coauthor.user_id != user.id
    )
    shared = set(await db.scalars(with_coauthors))
    removed: set[int] = set()
    for proposal_id, status in await db.execute(
        select(Proposal.id, Proposal.status).where(Proposal.author_id == user.id)
    ):
        if proposal_id in shared:
            # Also theirs: the co-authors keep it (and can go on editing a draft).
            outcome.proposals_kept += 1
        elif status == ProposalStatus.DRAFT or choice == ContentChoice.REMOVE:
            # A draft without co-authors could never be seen or edited again by anyone.
            removed.add(proposal_id)
        else:
            outcome.proposals_kept += 1
    if removed:
        comment_ids = set(await db.scalars(select(Comment.id).where(Comment.proposal_id.in_(removed))))
        await _delete_reports_of(db, ReportTarget.COMMENT, comment_ids)
        await _delete_reports_of(db, ReportTarget.PROPOSAL, removed)
        # Images, co-authors, supports, follows, comments, the timeline and reviews go with it (ON DELETE CASCADE);
        # a ballot project keeps its own title and description (ON DELETE SET NULL).
        await db.execute(delete(Proposal).where(Proposal.id.in_(removed)))
    outcome.proposals_removed = len(removed)
    outcome.removed_proposal_ids = removed
    # Kept proposals lose their author when the account row goes (ON DELETE SET NULL).


async def _comments(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    own = list(await db.scalars(select(Comment).where(Comment.author_id == user.id)))
    if choice == ContentChoice.KEEP:
        outcome.comments_kept = len(own)
        return
    now = utcnow()
    for comment in own:
        if comment.deleted_at is None and comment.hidden_at is None:
            await db.execute(
                update(Proposal)
                .where(Proposal.id == comment.proposal_id)
                .values(comment_count=Proposal.comment_count - 1)
                .execution_options(synchronize_session=False)
            )
        # As when an author deletes a comment: a placeholder keeps the replies below it in context.
        comment.body = ""
        comment.deleted_at = comment.deleted_at or now
        comment.edited_at = None
    await _delete_reports_of(db, ReportTarget.COMMENT, {comment.id for comment in own})
    outcome.comments_removed = len(own)


async def _comment_votes(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    voted = select(CommentVote.comment_id).where(CommentVote.user_id == user.id)
    await db.execute(
        update(Comment)
        .where(Comment.id.in_(voted))
        .values(upvote_count=Comment.upvote_count - 1)
        .execution_options(synchronize_session=False)
    )
    await db.execute(delete(CommentVote).where(CommentVote.user_id == user.id))


async def _supports_and_follows(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    # Counters are kept in step with the rows they count (pb.proposals.models).
    supported = select(Support.proposal_id).where(Support.user_id == user.id)
    await db.execute(
        update(Proposal)
        .where(Proposal.id.in_(supported))
        .values(support_count=Proposal.support_count - 1)
        .execution_options(synchronize_session=False)
    )
    await db.execute(delete(Support).where(Support.user_id == user.id))
    await db.execute(delete(Follow).where(Follow.user_id == user.id))


async def _coauthors(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    # Invitations to the address are the person's data even before they are accepted.
    await db.execute(delete(Coauthor).where(or_(Coauthor.user_id == user.id, Coauthor.email == user.email)))


async def _reports(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    # The moderators' record of a report stays, without the reporter or their words (which could identify them).
    await db.execute(update(Report).where(Report.reporter_id == user.id).values(reporter_id=None, details=""))
    await db.execute(delete(Report).where(and_(Report.target_type == ReportTarget.USER, Report.target_id == user.id)))
    await db.execute(delete(UserBlock).where(UserBlock.user_id == user.id))


async def _eligibility(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    # The proof is the only row that joins an account to a voter hash: without it, voter records and ballots
    # cannot be traced back to the account (docs/ballot-secrecy.md).
    await db.execute(delete(EligibilityProof).where(EligibilityProof.user_id == user.id))


async def _notification_settings(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    await db.execute(delete(NotificationSettings).where(NotificationSettings.user_id == user.id))


async def _unchanged(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    """Voting register, ballots and panel registrations: never linked to an account, so nothing to do here."""


async def _staff_work(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    """The foreign keys of staff work are ON DELETE SET NULL: deleting the account row unlinks them."""


async def _panel_work(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    # The foreign key sets NULL too; the step makes the category's fate (unlinked) explicit.
    await db.execute(update(PanelMember).where(PanelMember.user_id == user.id).values(user_id=None))


async def _lived_experience(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    # GDPR Art. 7(3): deleting the account withdraws every consent in every expert registry, at once.
    await withdraw_everywhere(db, user, "account-deletion")


async def _audit_log(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    # GDPR Art. 5(2): the municipality can show that the request was carried out. No name, no address.
    record(
        db,
        actor=user,
        action="user.deleted",
        object_type="user",
        object_id=user.id,
        after={
            "content": choice.value,
            "proposals_removed": outcome.proposals_removed,
            "proposals_kept": outcome.proposals_kept,
            "comments_removed": outcome.comments_removed,
            "comments_kept": outcome.comments_kept,
        },
    )


async def _email_links(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    await db.execute(delete(AccountToken).where(AccountToken.user_id == user.id))


async def _sessions(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    """Sessions live in the session store, not the database. The controller clears this one; every other
    session of the account stops working at once, because the user they name no longer exists
    (pb.web.auth.load_user_for_scope), and its record expires with the session lifetime."""


async def _account(db: AsyncSession, user: User, choice: ContentChoice, outcome: Outcome) -> None:
    await db.execute(delete(UserIdentity).where(UserIdentity.user_id == user.id))
    await db.execute(delete(UserRole).where(UserRole.user_id == user.id))
    await db.execute(delete(User).where(User.id == user.id))


# In the order they run: content first (its reports refer to it), the account row last (its foreign keys null
# the links that remain). Each step with the fate it carries out.
STEPS: tuple[tuple[str, Fate, Step], ...] = (
    ("proposals", Fate.RESIDENT_CHOOSES, _proposals),
    ("comments", Fate.RESIDENT_CHOOSES, _comments),
    ("comment_votes", Fate.DELETED, _comment_votes),
    ("supports", Fate.DELETED, _supports_and_follows),
    ("coauthors", Fate.DELETED, _coauthors),
    ("reports", Fate.UNLINKED, _reports),
    ("eligibility", Fate.DELETED, _eligibility),
    ("voting", Fate.KEPT, _unchanged),
    ("panels", Fate.KEPT, _unchanged),
    ("notification_settings", Fate.DELETED, _notification_settings),
    ("panel_work", Fate.UNLINKED, _panel_work),
    ("lived_experience", Fate.UNLINKED, _lived_experience),
    # A request's link to its sender is a SET NULL foreign key: deleting the account unlinks it.
    ("expert_requests", Fate.UNLINKED, _unchanged),
    ("staff_work", Fate.UNLINKED, _staff_work),
    ("email_links", Fate.DELETED, _email_links),
    ("sessions", Fate.DELETED, _sessions),
    ("audit_log", Fate.KEPT, _audit_log),
    ("roles", Fate.DELETED, _account),
    ("account", Fate.DELETED, _account),
)


async def delete_account(db: AsyncSession, user: User, choice: ContentChoice) -> Outcome:
    """Delete ``user`` and what retention.py says goes with the account, and commit."""
    if user.is_staff:
        raise StaffAccount()
    for key, fate, _step in STEPS:
        if BY_KEY[key].on_deletion != fate:
            raise UnexpectedFate(f"{key}: retention.py says {BY_KEY[key].on_deletion}, deletion does {fate}")
    user = await db.get_one(User, user.id)
    outcome = Outcome()
    done: set[Step] = set()
    for _key, _fate, step in STEPS:
        if step not in done:
            await step(db, user, choice, outcome)
            done.add(step)
    await db.commit()
    await _compact_search_index(db, outcome)
    return outcome


async def _compact_search_index(db: AsyncSession, outcome: Outcome) -> None:
    # SQLite's FTS5 index marks deleted rows and drops their words only when its segments merge; "optimize"
    # merges them now, so the removed proposals' words leave the file too. (PostgreSQL's index is a generated
    # column of the row, gone with it.)
    if outcome.removed_proposal_ids and db.get_bind().dialect.name == "sqlite":
        await db.execute(text("INSERT INTO proposals_fts(proposals_fts) VALUES ('optimize')"))
        await db.commit()
