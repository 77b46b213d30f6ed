"""Proposals: access-checked loading, writing, co-authors, supports, following, browsing and the timeline."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from pb.accounts.models import STAFF_ROLES, User
from pb.db import utcnow
from pb.districts.models import District
from pb.i18n import N_
from pb.privacy.notifications import Topic, who_wants
from pb.processes.models import PhaseKind, Process
from pb.processes.services import now
from pb.proposals.forms import ProposalValues
from pb.proposals.images import CleanImage
from pb.proposals.models import (
    Coauthor,
    Follow,
    Proposal,
    ProposalEvent,
    ProposalImage,
    ProposalStatus,
    Support,
)
from pb.web.deps import Services

log = logging.getLogger("pb.proposals")


def is_staff(user: User | None) -> bool:
    return user is not None and bool(user.role_names & STAFF_ROLES)


async def is_author(db: AsyncSession, proposal: Proposal, user: User | None) -> bool:
    """The author or an accepted co-author."""
    if user is None:
        return False
    if proposal.author_id == user.id:
        return True
    accepted = await db.scalar(
        select(Coauthor.id).where(
            Coauthor.proposal_id == proposal.id, Coauthor.user_id == user.id, Coauthor.accepted_at.is_not(None)
        )
    )
    return accepted is not None


async def get_proposal_for(db: AsyncSession, user: User | None, proposal_id: int, *, write: bool = False) -> Proposal:
    """404 when the user may not know the proposal exists (someone else's draft, an unpublished process);
    403 when they may see it but not change it (``write``: only its authors)."""
    proposal = await db.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFoundException()
    author = await is_author(db, proposal, user)
    if proposal.status == ProposalStatus.DRAFT and not author:
        raise NotFoundException()
    if not author and not is_staff(user):
        from pb.processes.models import Process

        process = await db.get(Process, proposal.process_id)
        if process is None or not process.is_published:
            raise NotFoundException()
    if write and not author:
        raise PermissionDeniedException()
    return proposal


def record_event(proposal: Proposal, kind: str, *, status: str | None = None, public_note: str = "") -> ProposalEvent:
    """Add a public timeline entry (and change the status) in the caller's transaction."""
    if status is not None:
        proposal.status = status
    proposal.updated_at = utcnow()
    event = ProposalEvent(kind=kind, status=status, public_note=public_note, at=utcnow())
    proposal.events.append(event)
    return event


# --- who may do what -------------------------------------------------------------------------------------------

# Reasons a person cannot submit or support (message ids, shown on the page instead of the form or button).
LOG_IN_TO_PROPOSE = N_("Log in to make a proposal.")
VERIFY_TO_PARTICIPATE = N_(
    "Confirm your email address first: open the link we sent you, or ask for a new one on your account page."
)
BLOCKED = N_("Your account has been blocked from posting by a moderator.")
PROPOSALS_CLOSED = N_("Proposals can be made and supported only while the proposals phase is open.")
EDITABLE_STATUSES = frozenset({ProposalStatus.DRAFT, ProposalStatus.PUBLISHED})


class EventKind(StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


def proposals_open(process: Process) -> bool:
    return process.is_open_for(PhaseKind.PROPOSALS, now())


async def participation_refusal(db: AsyncSession, user: User | None) -> str | None:
    """Proposing and supporting need a confirmed address (one person, one voice) and no moderator's block."""
    from pb.moderation import services as moderation  # moderation imports this module

    if user is None:
        return LOG_IN_TO_PROPOSE
    if not user.email_verified:
        return VERIFY_TO_PARTICIPATE
    if await moderation.is_blocked(db, user.id):
        return BLOCKED
    return None


async def submit_refusal(db: AsyncSession, user: User | None, process: Process) -> str | None:
    if not proposals_open(process):
        return PROPOSALS_CLOSED
    return await participation_refusal(db, user)


def can_edit(process: Process, proposal: Proposal) -> bool:
    """Authors edit drafts and published proposals until the proposals phase ends (the loader checks authorship)."""
    return proposal.status in EDITABLE_STATUSES and proposals_open(process)


def can_withdraw(proposal: Proposal) -> bool:
    # Once a proposal has been merged, reviewed or put on the ballot, it belongs to the round's public record.
    return proposal.status == ProposalStatus.PUBLISHED


async def process_of(db: AsyncSession, proposal: Proposal) -> Process:
    return await db.get_one(Process, proposal.process_id)


async def districts_of(db: AsyncSession, process: Process) -> list[District]:
    ids = [item.district_id for item in process.districts]
    if not ids:
        return []
    return list(await db.scalars(select(District).where(District.id.in_(ids)).order_by(District.position, District.id)))


async def load_images(db: AsyncSession, proposal: Proposal) -> list[ProposalImage]:
    # An async session cannot load a relationship lazily; the images' bytes are not read here.
    return list(
        await db.scalars(
            select(ProposalImage)
            .where(ProposalImage.proposal_id == proposal.id)
            .options(defer(ProposalImage.data))
            .order_by(ProposalImage.position, ProposalImage.id)
        )
    )


# --- writing ------------------------------------------------------------------------------------------------


def _apply(proposal: Proposal, values: ProposalValues) -> None:
    proposal.title = values.title
    proposal.summary = values.summary
    proposal.body = values.body
    proposal.district_id = values.district_id
    proposal.theme_id = values.theme_id
    proposal.address = values.address
    proposal.latitude = values.latitude
    proposal.longitude = values.longitude
    proposal.author_cost_cents = values.cost_cents


def _publish(proposal: Proposal) -> None:
    proposal.published_at = utcnow()
    record_event(proposal, EventKind.PUBLISHED, status=ProposalStatus.PUBLISHED)


def _add_images(db: AsyncSession, proposal_id: int, images: list[tuple[CleanImage, str]], first_position: int) -> None:
    for offset, (image, alt_text) in enumerate(images):
        db.add(
            ProposalImage(
                proposal_id=proposal_id,
                position=first_position + offset,
                alt_text=alt_text,
                media_type=image.media_type,
                width=image.width,
                height=image.height,
                data=image.data,
            )
        )


async def create_proposal(
    db: AsyncSession,
    process: Process,
    author: User,
    values: ProposalValues,
    images: list[tuple[CleanImage, str]],
    *,
    publish: bool,
    language: str,
) -> Proposal:
    proposal = Proposal(
        process_id=process.id,
        author_id=author.id,
        language=language,
        status=ProposalStatus.DRAFT,
        events=[],
        support_count=0,
        comment_count=0,
    )
    _apply(proposal, values)
    db.add(proposal)
    if publish:
        _publish(proposal)
    await db.flush()
    _add_images(db, proposal.id, images, 0)
    # Authors follow their own proposal: they hear about reviews and (by choice) comments.
    db.add(Follow(proposal_id=proposal.id, user_id=author.id, notify_comments=True))
    await db.commit()
    return proposal


async def update_proposal(
    db: AsyncSession,
    proposal: Proposal,
    values: ProposalValues,
    *,
    new_images: list[tuple[CleanImage, str]],
    removed_image_ids: set[int],
    alt_texts: dict[int, str],
    publish: bool,
) -> None:
    await db.refresh(proposal, attribute_names=["events"])
    _apply(proposal, values)
    proposal.updated_at = utcnow()
    existing = await load_images(db, proposal)
    for image in existing:
        if image.id in removed_image_ids:
            await db.delete(image)
        elif image.id in alt_texts:
            image.alt_text = alt_texts[image.id]
    last = max((image.position for image in existing), default=-1)
    _add_images(db, proposal.id, new_images, last + 1)
    if publish and proposal.status == ProposalStatus.DRAFT:
        _publish(proposal)
    await db.commit()


async def withdraw_proposal(db: AsyncSession, proposal: Proposal, public_note: str) -> None:
    await db.refresh(proposal, attribute_names=["events"])
    record_event(proposal, EventKind.WITHDRAWN, status=ProposalStatus.WITHDRAWN, public_note=public_note)
    await db.commit()


async def get_image_for(db: AsyncSession, user: User | None, proposal_id: int, image_id: int) -> ProposalImage:
    """An image is as visible as its proposal's content: not at all for others' drafts, hidden with it."""
    proposal = await get_proposal_for(db, user, proposal_id)
    if proposal.hidden_at is not None and not is_staff(user) and not await is_author(db, proposal, user):
        raise NotFoundException()
    image = await db.scalar(
        select(ProposalImage).where(ProposalImage.id == image_id, ProposalImage.proposal_id == proposal.id)
    )
    if image is None:
        raise NotFoundException()
    return image


# --- co-authors ---------------------------------------------------------------------------------------------

INVITATION_LIFETIME = timedelta(days=30)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Enough for a neighbourhood group; a cap keeps the invitation form from being used to send mass email.
MAX_COAUTHORS = 10
ALREADY_AN_AUTHOR = N_("This person is already an author of the proposal.")
TOO_MANY_COAUTHORS = N_("A proposal can have at most 10 co-authors and invitations.")


class InvitationRefused(Exception):
    """Why an invitation cannot be sent; the argument is a message id."""


async def invite_coauthor(db: AsyncSession, proposal: Proposal, email: str) -> str:
    """A new invitation link for ``email`` (a repeated invitation replaces the earlier link)."""
    author = await db.get(User, proposal.author_id) if proposal.author_id is not None else None
    if author is not None and author.email == email:
        raise InvitationRefused(ALREADY_AN_AUTHOR)
    invitations = list(await db.scalars(select(Coauthor).where(Coauthor.proposal_id == proposal.id)))
    invitation = next((item for item in invitations if item.email == email), None)
    if invitation is not None and invitation.accepted_at is not None:
        raise InvitationRefused(ALREADY_AN_AUTHOR)
    if invitation is None and len(invitations) >= MAX_COAUTHORS:
        raise InvitationRefused(TOO_MANY_COAUTHORS)
    token = secrets.token_urlsafe(32)
    if invitation is None:
        invitation = Coauthor(proposal_id=proposal.id, email=email, token_hash=_digest(token))
        db.add(invitation)
    invitation.token_hash = _digest(token)
    invitation.invited_at = utcnow()
    await db.commit()
    return token


async def find_invitation(db: AsyncSession, token: str) -> Coauthor | None:
    """An open invitation: not yet accepted, younger than 30 days, on a proposal that still exists."""
    if not 20 <= len(token) <= 100:
        return None
    invitation = await db.scalar(select(Coauthor).where(Coauthor.token_hash == _digest(token)))
    if invitation is None or invitation.accepted_at is not None:
        return None
    if invitation.invited_at + INVITATION_LIFETIME < utcnow():
        return None
    return invitation


async def accept_invitation(db: AsyncSession, invitation: Coauthor, user: User) -> None:
    """Link the invitation to the account that opened it: the link itself, sent to the address, is the proof."""
    already = await db.scalar(
        select(Coauthor.id).where(
            Coauthor.proposal_id == invitation.proposal_id,
            Coauthor.user_id == user.id,
            Coauthor.accepted_at.is_not(None),
        )
    )
    proposal = await db.get_one(Proposal, invitation.proposal_id)
    if already is not None or proposal.author_id == user.id:
        await db.delete(invitation)  # the person is an author already; the extra invitation is spent
    else:
        invitation.user_id = user.id
        invitation.accepted_at = utcnow()
        invitation.token_hash = _digest(secrets.token_urlsafe(32))  # the link works once
        if (
            await db.scalar(select(Follow.id).where(Follow.proposal_id == proposal.id, Follow.user_id == user.id))
            is None
        ):
            db.add(Follow(proposal_id=proposal.id, user_id=user.id, notify_comments=True))
    await db.commit()


@dataclass(frozen=True)
class Authorship:
    names: list[str]  # the author first, then accepted co-authors
    pending: list[str]  # invited addresses not yet accepted (shown to the authors only)


async def authorship(db: AsyncSession, proposal: Proposal) -> Authorship:
    invitations = list(
        await db.scalars(select(Coauthor).where(Coauthor.proposal_id == proposal.id).order_by(Coauthor.id))
    )
    ids = [proposal.author_id] if proposal.author_id is not None else []
    ids += [item.user_id for item in invitations if item.user_id is not None and item.accepted_at is not None]
    users = {user.id: user for user in await db.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    names = [users[user_id].display_name for user_id in dict.fromkeys(ids) if user_id in users]
    return Authorship(names, [item.email for item in invitations if item.accepted_at is None])


# --- supports -----------------------------------------------------------------------------------------------


async def has_supported(db: AsyncSession, proposal: Proposal, user: User | None) -> bool:
    if user is None:
        return False
    found = await db.scalar(select(Support.id).where(Support.proposal_id == proposal.id, Support.user_id == user.id))
    return found is not None


async def support_refusal(db: AsyncSession, process: Process, proposal: Proposal, user: User | None) -> str | None:
    if proposal.status != ProposalStatus.PUBLISHED or proposal.hidden_at is not None or not proposals_open(process):
        return PROPOSALS_CLOSED
    return await participation_refusal(db, user)


def _count_change(proposal_id: int, delta: int) -> Any:
    # In SQL, not in Python: two supports committed at once must both count.
    return (
        update(Proposal)
        .where(Proposal.id == proposal_id)
        .values(support_count=Proposal.support_count + delta)
        .execution_options(synchronize_session=False)
    )


async def add_support(db: AsyncSession, proposal: Proposal, user: User) -> bool:
    """True when the support was added; False when the person had already supported (also in a race)."""
    if await has_supported(db, proposal, user):
        return False
    db.add(Support(proposal_id=proposal.id, user_id=user.id))
    try:
        await db.flush()
    except IntegrityError:  # the unique constraint: another request of the same person got there first
        await db.rollback()
        return False
    await db.execute(_count_change(proposal.id, +1))
    await db.commit()
    await db.refresh(proposal)
    return True


async def remove_support(db: AsyncSession, proposal: Proposal, user: User) -> bool:
    result = await db.execute(
        delete(Support)
        .where(Support.proposal_id == proposal.id, Support.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    removed = bool(getattr(result, "rowcount", 0))
    if removed:
        await db.execute(_count_change(proposal.id, -1))
    await db.commit()
    await db.refresh(proposal)
    return removed


# --- following and notifications ---------------------------------------------------------------------------


async def following(db: AsyncSession, proposal: Proposal, user: User | None) -> Follow | None:
    if user is None:
        return None
    return await db.scalar(select(Follow).where(Follow.proposal_id == proposal.id, Follow.user_id == user.id))


async def follow(db: AsyncSession, proposal: Proposal, user: User, *, notify_comments: bool) -> None:
    found = await following(db, proposal, user)
    if found is None:
        db.add(Follow(proposal_id=proposal.id, user_id=user.id, notify_comments=notify_comments))
    else:
        found.notify_comments = notify_comments
    try:
        await db.commit()
    except IntegrityError:  # followed in another request at the same moment: that is the same outcome
        await db.rollback()


async def unfollow(db: AsyncSession, proposal: Proposal, user: User) -> None:
    await db.execute(delete(Follow).where(Follow.proposal_id == proposal.id, Follow.user_id == user.id))
    await db.commit()


async def notification_recipients(
    db: AsyncSession, proposal: Proposal, *, about_comment: bool = False, skip_user_id: int | None = None
) -> list[User]:
    """Followers and authors with a confirmed address, each once. For new comments only those who asked."""
    followers = select(Follow.user_id).where(Follow.proposal_id == proposal.id)
    if about_comment:
        followers = followers.where(Follow.notify_comments.is_(True))
    wanted = set(await db.scalars(followers))
    if not about_comment:
        if proposal.author_id is not None:
            wanted.add(proposal.author_id)
        wanted |= {
            user_id
            for user_id in await db.scalars(
                select(Coauthor.user_id).where(Coauthor.proposal_id == proposal.id, Coauthor.accepted_at.is_not(None))
            )
            if user_id is not None
        }
    if skip_user_id is not None:
        wanted.discard(skip_user_id)
    # Each person's choice on their notification settings page (issue 7) has the last word.
    wanted = await who_wants(db, wanted, Topic.NEW_COMMENTS if about_comment else Topic.PROPOSAL_STATUS)
    if not wanted:
        return []
    users = await db.scalars(select(User).where(User.id.in_(wanted)).order_by(User.id))
    return [user for user in users if user.is_active and user.email_verified]


async def notify_followers(
    services: Services,
    db: AsyncSession,
    proposal: Proposal,
    subject_msgid: str,
    template: str,
    *,
    about_comment: bool = False,
    skip_user_id: int | None = None,
    **context: Any,
) -> int:
    """Email the proposal's followers and authors, each in their own language; returns how many were sent.

    Call after the change has been committed. ``subject_msgid`` is an English message id (mark it with ``N_``);
    the template gets ``user``, ``proposal``, ``link`` (the proposal's page), ``language`` and ``context``.
    For a new comment pass ``about_comment=True`` (only followers who asked for comments) and the commenter's
    ``skip_user_id``. A failed delivery is logged and does not stop the others: the change itself is done.
    """
    link = f"{services.settings.base_url}/proposals/{proposal.id}"
    sent = 0
    for user in await notification_recipients(db, proposal, about_comment=about_comment, skip_user_id=skip_user_id):
        message = services.mailer.compose(
            user.email,
            user.preferred_language,
            subject_msgid,
            template,
            user=user,
            proposal=proposal,
            link=link,
            **context,
        )
        try:
            await services.mailer.send(message)
        except OSError:
            log.exception("could not email %s about proposal %s", user.id, proposal.id)
            continue
        sent += 1
    return sent
