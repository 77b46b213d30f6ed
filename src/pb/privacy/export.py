"""Everything pb holds about one resident, as one JSON document with a readme in their language (GDPR Art. 15, 20).

What is left out, and why (the readme says the same to the resident):
- other people's personal data: co-authors, commenters, reporters, moderators and staff appear as "another
  person" (their number of such entries, never their name, address or account number);
- the password hash: it is not useful to the resident and, if the file leaked, could be used to guess the
  password;
- ballots: pb keeps what was voted apart from who voted (docs/ballot-secrecy.md). A file that shows a person's
  choices could be demanded from them (vote buying, pressure at home), which the secrecy of the vote forbids.
  That the resident voted, in which budget and when, is theirs and is included.

Citizens' panels, requests for lived-experience experts and lived-experience registries are in
pb.privacy.export_groups.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pb import i18n
from pb.accounts.models import ROLE_LABELS, AccountToken, Role, TokenPurpose, User, UserIdentity, UserRole
from pb.audit.models import AuditEvent
from pb.comments.models import Comment, CommentVote
from pb.db import utcnow
from pb.eligibility.models import EligibilityProof
from pb.i18n import N_
from pb.moderation.models import Report, ReportTarget, UserBlock
from pb.paper.models import PaperVoter
from pb.privacy import export_groups
from pb.privacy.notifications import Topic, settings_of
from pb.processes.models import Budget, Process
from pb.proposals.models import Coauthor, Follow, Proposal, ProposalEvent, ProposalImage, Support
from pb.settings import Settings
from pb.voting.models import VoterRecord

FORMAT = "pb-personal-data"
VERSION = 1
ANOTHER_PERSON = "another person"  # how other people appear (see README_TEXTS["other_people"])


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


# The readme: one text per top-level key and per field, as message ids translated into the resident's language.
README_TEXTS: dict[str, str] = {
    "about": N_(
        "This file holds everything pb, %(municipality)s's participation service, keeps about your account, as on "
        "the date in “generated_at” (UTC). Times are in UTC (ISO 8601). Each section is explained below."
    ),
    "other_people": N_(
        "Other people's personal data is not in this file. Where someone else is involved (a co-author, the "
        "author of a comment you replied to, a moderator), the file says “another person”."
    ),
    "account": N_(
        "Your account: id (its number in pb), email, display_name, preferred_language, created_at, "
        "email_verified_at, last_login_at, is_active (false if the account has been closed by staff), "
        "has_password, pending_email (a new address waiting for confirmation) and external_logins. "
        "pb keeps only a one-way hash of your password; it is not in this file, because if the file leaked "
        "the hash could be used to guess the password."
    ),
    "roles": N_("Your roles: role, name and granted_at (when you got it)."),
    "sessions": N_(
        "Login sessions are not in this file: the server keeps only which account is logged in and when, a "
        "form-protection token and the language you chose, for as long as the session lasts, and a random "
        "identifier in a cookie."
    ),
    "notification_settings": N_("Which optional emails you get (true: you get them)."),
    "proposals": N_(
        "Proposals you wrote, drafts included: their text and details as stored, status, hidden (set if a "
        "moderator hid it, with the public reason), images (alternative text, type, size and the image itself in "
        "base64), timeline (the public history) and coauthors (how many other people co-author it and whether "
        "they have accepted, without naming them)."
    ),
    "coauthorships": N_(
        "Proposals by another person that you co-author, and invitations sent to your address: proposal_id, "
        "title, invited_at, accepted_at."
    ),
    "comments": N_(
        "Your comments: proposal_id, in_reply_to (the comment you replied to; its author is not named), stance, "
        "body (empty if you deleted the comment), created_at, edited_at, deleted_at, hidden_at and hidden_reason "
        "(set by a moderator), upvotes (how many people up-voted it)."
    ),
    "comment_upvotes": N_("Comments you up-voted: comment_id and when."),
    "supports": N_("Proposals you support: proposal_id, title and when."),
    "follows": N_("Proposals you follow: proposal_id, title, whether you get new comments by email, and since when."),
    "reports_made": N_(
        "Reports you made of content or people: target_type and target_id, reason, your details, when, and how "
        "a moderator resolved it (the moderator is not named)."
    ),
    "reports_about_you": N_(
        "Reports other people made about you, your proposals or your comments: what was reported, the reason "
        "they chose and how it was resolved. Who reported and what they wrote are left out, because that is their "
        "personal data."
    ),
    "blocks": N_("Blocks a moderator placed on your account: reason, blocked_at, lifted_at and lift_reason."),
    "eligibility_proofs": N_(
        "Rounds in which you proved your voting right: the round, person_key, birth_date, district and whether "
        "you used the code from your voting letter. person_key is not your personal identity code but a keyed "
        "hash of it (HMAC-SHA-256 with a key only the server holds): pb cannot turn it back into the code, and it "
        "matches the municipality's census entry for you."
    ),
    "voting_participation": N_(
        "That you voted, and not what: for each budget the round, channel (online, with an assistant, on "
        "paper...), first_voted_at and last_voted_at, and paper ballot sheets registered to you. Found through "
        "person_key above."
    ),
    "ballots": N_(
        "Your ballots are not in this file. pb stores what was voted apart from who voted, so that nobody who "
        "reads the database can tell which ballot is yours (the secrecy of the vote). A file showing your choices "
        "could be demanded from you by someone else, so pb never produces one. You can check your ballot with the "
        "receipt code you got when voting, on the round's receipt page, once the results are out."
    ),
    "panel_work": N_(
        "Citizens' panels you joined with your account: the panel, your pseudonym, the name the other members "
        "see and whether you agreed to show it publicly, your answers to the selection questions, what you gave "
        "when you registered (name, contact details, needs, availability), the sessions you attended and your "
        "table, and what you did on the panel: recommendations you started, versions you wrote, your comments, "
        "your votes (score 1 = strongly disagree … 5 = strongly agree) and your minority statements. Other "
        "members are not named."
    ),
    "expert_requests": N_(
        "Requests you sent for lived-experience experts: the group, topic, questions, dates, how many experts, "
        "the request's status and the coordinators' decision note."
    ),
    "lived_experience": N_(
        "If you are in a lived-experience expert registry: the same entries as the download on your expert page "
        "(your pseudonym, contact details, profile, payment choice, consents, assignments, attendance, input, "
        "sign-offs and fee lines). Reading them for this file is written to the audit log, as every reading of "
        "lived-experience data is."
    ),
    "audit_log": N_(
        "Entries of the audit log that concern your account: things you did as staff (with the network address "
        "you used) and things staff did to your account (roles, blocks). Who did it is left out when it was "
        "another person."
    ),
}


async def _proposal_titles(db: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await db.execute(select(Proposal.id, Proposal.title).where(Proposal.id.in_(ids)))
    return {proposal_id: title for proposal_id, title in rows}


async def _processes(db: AsyncSession) -> dict[int, str]:
    return {process_id: slug for process_id, slug in await db.execute(select(Process.id, Process.slug))}


async def _account(db: AsyncSession, user: User) -> dict[str, Any]:
    pending = await db.scalar(
        select(AccountToken.new_email).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == TokenPurpose.VERIFY_EMAIL,
            AccountToken.new_email.is_not(None),
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
    )
    identities = await db.scalars(select(UserIdentity).where(UserIdentity.user_id == user.id))
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "created_at": _when(user.created_at),
        "email_verified_at": _when(user.email_verified_at),
        "last_login_at": _when(user.last_login_at),
        "is_active": user.is_active,
        "has_password": user.password_hash is not None,
        "pending_email": pending,
        "external_logins": [
            {"provider": item.provider, "subject": item.subject, "created_at": _when(item.created_at)}
            for item in identities
        ],
    }


async def _roles(db: AsyncSession, user: User, language: str) -> list[dict[str, Any]]:
    roles = await db.scalars(select(UserRole).where(UserRole.user_id == user.id).order_by(UserRole.role))
    return [
        {
            "role": role.role,
            "name": i18n.gettext(language, ROLE_LABELS[Role(role.role)]),
            "granted_at": _when(role.granted_at),
        }
        for role in roles
    ]


async def _proposals(db: AsyncSession, user: User, processes: dict[int, str]) -> list[dict[str, Any]]:
    found = list(await db.scalars(select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id)))
    ids = [proposal.id for proposal in found]
    images: dict[int, list[ProposalImage]] = {}
    events: dict[int, list[ProposalEvent]] = {}
    coauthors: dict[int, list[Coauthor]] = {}
    if ids:
        for image in await db.scalars(
            select(ProposalImage).where(ProposalImage.proposal_id.in_(ids)).order_by(ProposalImage.position)
        ):
            images.setdefault(image.proposal_id, []).append(image)
        for event in await db.scalars(
            select(ProposalEvent).where(ProposalEvent.proposal_id.in_(ids)).order_by(ProposalEvent.at)
        ):
            events.setdefault(event.proposal_id, []).append(event)
        for coauthor in await db.scalars(select(Coauthor).where(Coauthor.proposal_id.in_(ids)).order_by(Coauthor.id)):
            coauthors.setdefault(coauthor.proposal_id, []).append(coauthor)
    return [
        {
            "id": proposal.id,
            "round": processes.get(proposal.process_id),
            "status": proposal.status,
            "title": proposal.title,
            "summary": proposal.summary,
            "body": proposal.body,
            "language": proposal.language,
            "district_id": proposal.district_id,
            "theme_id": proposal.theme_id,
            "address": proposal.address,
            "latitude": proposal.latitude,
            "longitude": proposal.longitude,
            "author_cost_cents": proposal.author_cost_cents,
            "created_at": _when(proposal.created_at),
            "published_at": _when(proposal.published_at),
            "updated_at": _when(proposal.updated_at),
            "hidden": (
                {"at": _when(proposal.hidden_at), "reason": proposal.hidden_reason}
                if proposal.hidden_at is not None
                else None
            ),
            "supports": proposal.support_count,
            "images": [
                {
                    "alt_text": image.alt_text,
                    "media_type": image.media_type,
                    "width": image.width,
                    "height": image.height,
                    "data_base64": base64.b64encode(image.data).decode("ascii"),
                }
                for image in images.get(proposal.id, [])
            ],
            "timeline": [
                {"at": _when(event.at), "kind": event.kind, "status": event.status, "note": event.public_note}
                for event in events.get(proposal.id, [])
            ],
            "coauthors": [
                {"who": ANOTHER_PERSON, "accepted": coauthor.accepted_at is not None}
                for coauthor in coauthors.get(proposal.id, [])
                if coauthor.user_id != user.id
            ],
        }
        for proposal in found
    ]


async def _coauthorships(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    found = list(
        await db.scalars(
            select(Coauthor).where(or_(Coauthor.user_id == user.id, Coauthor.email == user.email)).order_by(Coauthor.id)
        )
    )
    titles = await _proposal_titles(db, {item.proposal_id for item in found})
    return [
        {
            "proposal_id": item.proposal_id,
            "title": titles.get(item.proposal_id),
            "invited_at": _when(item.invited_at),
            "accepted_at": _when(item.accepted_at),
        }
        for item in found
    ]


async def _comments(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    comments = await db.scalars(select(Comment).where(Comment.author_id == user.id).order_by(Comment.id))
    return [
        {
            "id": comment.id,
            "proposal_id": comment.proposal_id,
            "in_reply_to": comment.parent_id,
            "stance": comment.stance,
            "body": comment.body,
            "created_at": _when(comment.created_at),
            "edited_at": _when(comment.edited_at),
            "deleted_at": _when(comment.deleted_at),
            "hidden_at": _when(comment.hidden_at),
            "hidden_reason": comment.hidden_reason,
            "upvotes": comment.upvote_count,
        }
        for comment in comments
    ]


async def _reports_made(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    reports = await db.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.id))
    return [
        {
            "target_type": report.target_type,
            # A reported person's account number is theirs, not the reporter's.
            "target_id": ANOTHER_PERSON if report.target_type == ReportTarget.USER else report.target_id,
            "reason": report.reason,
            "details": report.details,
            "created_at": _when(report.created_at),
            "resolved_at": _when(report.resolved_at),
            "resolution": report.resolution,
        }
        for report in reports
    ]


async def _reports_about(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    own_proposals = select(Proposal.id).where(Proposal.author_id == user.id)
    own_comments = select(Comment.id).where(Comment.author_id == user.id)
    reports = await db.scalars(
        select(Report)
        .where(
            or_(
                and_(Report.target_type == ReportTarget.USER, Report.target_id == user.id),
                and_(Report.target_type == ReportTarget.PROPOSAL, Report.target_id.in_(own_proposals)),
                and_(Report.target_type == ReportTarget.COMMENT, Report.target_id.in_(own_comments)),
            ),
            # A report someone made of themselves is already under reports_made.
            or_(Report.reporter_id.is_(None), Report.reporter_id != user.id),
        )
        .order_by(Report.id)
    )
    return [
        {
            "target_type": report.target_type,
            "target_id": report.target_id,
            "reason": report.reason,
            "reported_by": ANOTHER_PERSON,
            "created_at": _when(report.created_at),
            "resolved_at": _when(report.resolved_at),
            "resolution": report.resolution,
        }
        for report in reports
    ]


async def _voting(
    db: AsyncSession, user: User, processes: dict[int, str], language: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    proofs = list(
        await db.scalars(
            select(EligibilityProof).where(EligibilityProof.user_id == user.id).order_by(EligibilityProof.id)
        )
    )
    proof_rows = [
        {
            "round": processes.get(proof.process_id),
            "person_key": proof.person_key,
            "birth_date": _when(proof.birth_date),
            "district_id": proof.district_id,
            "used_letter_code": proof.voting_code_id is not None,
            "proved_at": _when(proof.proved_at),
        }
        for proof in proofs
    ]
    participation: list[dict[str, Any]] = []
    budgets = {budget.id: budget.text("name", language) for budget in await db.scalars(select(Budget))}
    for proof in proofs:
        records = await db.scalars(
            select(VoterRecord)
            .where(VoterRecord.process_id == proof.process_id, VoterRecord.voter_key == proof.person_key)
            .order_by(VoterRecord.budget_id)
        )
        participation += [
            {
                "round": processes.get(record.process_id),
                "budget_id": record.budget_id,
                "budget": budgets.get(record.budget_id),
                "channel": record.channel,
                "first_voted_at": _when(record.first_voted_at),
                "last_voted_at": _when(record.last_voted_at),
            }
            for record in records
        ]
        sheets = await db.scalars(
            select(PaperVoter).where(
                PaperVoter.process_id == proof.process_id, PaperVoter.person_key == proof.person_key
            )
        )
        participation += [
            {
                "round": processes.get(sheet.process_id),
                "budget_id": sheet.budget_id,
                "budget": budgets.get(sheet.budget_id),
                "channel": "paper_sheet_registered",
                "first_voted_at": _when(sheet.registered_at),
                "last_voted_at": None,
            }
            for sheet in sheets
        ]
    return proof_rows, participation


# Keys of audit entries whose values are other people's account numbers (e.g. the reviewer a staff member
# assigned); pb's audit entries hold no names or addresses.
PERSON_KEYS = frozenset({"reviewer_id", "user_id", "actor_id"})


def _without_people(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: ANOTHER_PERSON if key in PERSON_KEYS else _without_people(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_people(item) for item in value]
    return value


async def _audit(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    # Ids of deleted accounts can come back on SQLite (a new row may reuse the highest id), so entries from
    # before this account existed cannot be about it.
    events = await db.scalars(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == user.id,
                and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id)),
            ),
            AuditEvent.at >= user.created_at,
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    rows = []
    for event in events:
        own = event.actor_id == user.id
        rows.append(
            {
                "at": _when(event.at),
                "action": event.action,
                "object_type": event.object_type,
                "object_id": (
                    ANOTHER_PERSON
                    if event.object_type == "user" and event.object_id != str(user.id)
                    else event.object_id
                ),
                "before": _without_people(event.before),
                "after": _without_people(event.after),
                "done_by": "you" if own else ANOTHER_PERSON,
                # The address is the actor's: the resident's own when they acted, a staff member's otherwise.
                "client_address": event.client_address if own else None,
            }
        )
    return rows


async def build_export(db: AsyncSession, settings: Settings, user: User, language: str, address: str) -> dict[str, Any]:
    """The whole export; ``language`` is the readme's, ``address`` the resident's (for the audit log)."""
    processes = await _processes(db)
    # First, so that its audit entry (reading lived-experience data is logged) is in this file's audit_log too.
    lived_experience = await export_groups.lived_experience(db, user, language, address)
    supports = list(await db.scalars(select(Support).where(Support.user_id == user.id).order_by(Support.id)))
    follows = list(await db.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id)))
    titles = await _proposal_titles(
        db, {item.proposal_id for item in supports} | {item.proposal_id for item in follows}
    )
    upvotes = await db.scalars(select(CommentVote).where(CommentVote.user_id == user.id).order_by(CommentVote.id))
    blocks = await db.scalars(select(UserBlock).where(UserBlock.user_id == user.id).order_by(UserBlock.id))
    notification_settings = await settings_of(db, user)
    proofs, participation = await _voting(db, user, processes, language)
    readme = {key: i18n.gettext(language, text) for key, text in README_TEXTS.items()}
    readme["about"] %= {"municipality": settings.municipality_name}
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": _when(utcnow()),
        "service": settings.base_url,
        "language": language,
        "readme": readme,
        "account": await _account(db, user),
        "roles": await _roles(db, user, language),
        "notification_settings": {topic.value: notification_settings[topic] for topic in Topic},
        "proposals": await _proposals(db, user, processes),
        "coauthorships": await _coauthorships(db, user),
        "comments": await _comments(db, user),
        "comment_upvotes": [{"comment_id": vote.comment_id, "at": _when(vote.created_at)} for vote in upvotes],
        "supports": [
            {"proposal_id": item.proposal_id, "title": titles.get(item.proposal_id), "at": _when(item.created_at)}
            for item in supports
        ],
        "follows": [
            {
                "proposal_id": item.proposal_id,
                "title": titles.get(item.proposal_id),
                "new_comments_by_email": item.notify_comments,
                "since": _when(item.created_at),
            }
            for item in follows
        ],
        "reports_made": await _reports_made(db, user),
        "reports_about_you": await _reports_about(db, user),
        "blocks": [
            {
                "reason": block.reason,
                "blocked_at": _when(block.blocked_at),
                "lifted_at": _when(block.lifted_at),
                "lift_reason": block.lift_reason,
            }
            for block in blocks
        ],
        "eligibility_proofs": proofs,
        "voting_participation": participation,
        "panel_work": await export_groups.panel_work(db, user, language),
        "expert_requests": await export_groups.expert_requests(db, user, language),
        "lived_experience": lived_experience,
        "audit_log": await _audit(db, user),
    }
