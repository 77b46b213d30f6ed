"""The registry: inviting an expert by email, the expert's own profile, consent per purpose, leaving the
registry, and the coordinators' audit-logged view of the people in it.

Consent (GDPR Art. 7 and 9(2)(a)): one row per purpose given, with the version of the text agreed to, the date,
an optional expiry and the withdrawal. A consent that is withdrawn or has expired stops being used at once,
because every use asks ``in_force`` at that moment rather than a stored flag: the search for assignments
(contact), names in summary PDFs (named) and the registry itself (registry).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.experts.forms import InviteForm, ProfileForm
from pb.experts.models import (
    Assignment,
    AssignmentInvitation,
    ConsentPurpose,
    ConsentText,
    Expert,
    ExpertAreaChoice,
    ExpertConsent,
    ExpertGroup,
    ExpertIdentity,
    ExpertInput,
    ExpertPaymentDetails,
    ExpertStatus,
    InvitationResponse,
    RegistrySettings,
    Summary,
    SummaryStatus,
)
from pb.experts.services import ExpertsRefused, new_pseudonym, token_digest
from pb.i18n import N_

# --- consent -------------------------------------------------------------------------------------------------


async def consents_of(db: AsyncSession, expert: Expert) -> list[ExpertConsent]:
    """Every consent the expert has given, newest first: the record of what they agreed to and when."""
    return list(
        await db.scalars(
            select(ExpertConsent)
            .where(ExpertConsent.expert_id == expert.id)
            .order_by(ExpertConsent.given_at.desc(), ExpertConsent.id.desc())
        )
    )


def in_force(consents: Iterable[ExpertConsent], day: date) -> dict[ConsentPurpose, ExpertConsent]:
    current: dict[ConsentPurpose, ExpertConsent] = {}
    for consent in consents:
        if consent.in_force(day):
            current.setdefault(ConsentPurpose(consent.purpose), consent)
    return current


async def in_force_for(db: AsyncSession, expert_ids: Iterable[int], purpose: ConsentPurpose, day: date) -> set[int]:
    """Of these experts, those whose consent for ``purpose`` holds today."""
    ids = list(expert_ids)
    if not ids:
        return set()
    rows = await db.scalars(
        select(ExpertConsent.expert_id).where(
            ExpertConsent.expert_id.in_(ids),
            ExpertConsent.purpose == purpose,
            ExpertConsent.withdrawn_at.is_(None),
            (ExpertConsent.expires_on.is_(None)) | (ExpertConsent.expires_on >= day),
        )
    )
    return set(rows)


async def give_consent(
    db: AsyncSession,
    actor: User,
    expert: Expert,
    text: ConsentText,
    expires_on: date | None,
    address: str,
) -> ExpertConsent:
    """A consent for the text's purpose. Giving it again (a newer text, another expiry) replaces the one in
    force, which stays in the record as ended at this moment."""
    if expert.status == ExpertStatus.WITHDRAWN:
        raise ExpertsRefused(N_("You have left the registry."))
    now = utcnow()
    await db.execute(
        update(ExpertConsent)
        .where(
            ExpertConsent.expert_id == expert.id,
            ExpertConsent.purpose == text.purpose,
            ExpertConsent.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now)
    )
    consent = ExpertConsent(
        expert_id=expert.id, purpose=text.purpose, consent_text_id=text.id, given_at=now, expires_on=expires_on
    )
    db.add(consent)
    if text.purpose == ConsentPurpose.REGISTRY and expert.status == ExpertStatus.INVITED:
        expert.status = ExpertStatus.ACTIVE
        expert.joined_at = now
    await db.flush()
    record(
        db,
        actor=actor,
        action="experts.consent_given",
        object_type="expert",
        object_id=expert.id,
        after={
            "purpose": text.purpose,
            "version": text.version,
            "expires_on": None if expires_on is None else expires_on.isoformat(),
        },
        client_address=address,
    )
    await db.commit()
    return consent


async def withdraw_consent(db: AsyncSession, actor: User, expert: Expert, purpose: ConsentPurpose, address: str) -> int:
    """Withdrawal takes effect at once (GDPR Art. 7(3)). Withdrawing the contact consent also cancels the
    invitations to assignments the expert has not answered yet. The registry consent is withdrawn by leaving
    the registry (``withdraw``), which deletes the contact data."""
    if purpose is ConsentPurpose.REGISTRY:
        raise ValueError("the registry consent is withdrawn by leaving the registry")
    now = utcnow()
    ended = await db.execute(
        update(ExpertConsent)
        .where(
            ExpertConsent.expert_id == expert.id,
            ExpertConsent.purpose == purpose,
            ExpertConsent.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now)
    )
    cancelled = 0
    if purpose is ConsentPurpose.CONTACT:
        cancelled = await _cancel_pending_invitations(db, expert)
    record(
        db,
        actor=actor,
        action="experts.consent_withdrawn",
        object_type="expert",
        object_id=expert.id,
        after={"purpose": purpose.value, "cancelled_invitations": cancelled},
        client_address=address,
    )
    await db.commit()
    return int(ended.rowcount or 0)  # type: ignore[attr-defined]


async def _cancel_pending_invitations(db: AsyncSession, expert: Expert) -> int:
    result = await db.execute(
        update(AssignmentInvitation)
        .where(
            AssignmentInvitation.expert_id == expert.id,
            AssignmentInvitation.response == InvitationResponse.PENDING,
        )
        .values(response=InvitationResponse.CANCELLED, responded_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- invitations to the registry -----------------------------------------------------------------------------


async def _email_taken(db: AsyncSession, group: ExpertGroup, email: str) -> bool:
    found = await db.scalar(
        select(Expert.id)
        .join(ExpertIdentity, ExpertIdentity.expert_id == Expert.id)
        .where(Expert.group_id == group.id, ExpertIdentity.email == email, Expert.status != ExpertStatus.WITHDRAWN)
    )
    return found is not None


async def _unique_pseudonym(db: AsyncSession) -> str:
    while True:
        pseudonym = new_pseudonym()
        if await db.scalar(select(Expert.id).where(Expert.pseudonym == pseudonym)) is None:
            return pseudonym


async def invite(
    db: AsyncSession, actor: User, group: ExpertGroup, form: InviteForm, settings: RegistrySettings, address: str
) -> tuple[Expert, ExpertIdentity, str]:
    """Creates the entry and returns the token for the email; only its hash is stored."""
    if await _email_taken(db, group, form.email):
        raise ExpertsRefused(N_("This address is already in the group's registry or invited to it."), "email")
    token = secrets.token_urlsafe(32)
    expert = Expert(group_id=group.id, pseudonym=await _unique_pseudonym(db), status=ExpertStatus.INVITED)
    expert.area_choices = []
    db.add(expert)
    await db.flush()
    identity = ExpertIdentity(
        expert_id=expert.id,
        email=form.email,
        name=form.name,
        preferred_language=form.language,
        invitation_hash=token_digest(token),
        invitation_expires_at=utcnow() + timedelta(days=settings.invitation_days),
    )
    db.add(identity)
    # The audit log names the entry by number only: it holds no names or addresses (pb.privacy.retention).
    record(
        db,
        actor=actor,
        action="experts.invited",
        object_type="expert",
        object_id=expert.id,
        after={"group_id": group.id},
        client_address=address,
    )
    await db.commit()
    return expert, identity, token


async def renew_invitation(
    db: AsyncSession, actor: User, expert: Expert, identity: ExpertIdentity, settings: RegistrySettings, address: str
) -> str:
    if expert.status != ExpertStatus.INVITED or identity.user_id is not None:
        raise ExpertsRefused(N_("This person has already accepted the invitation."))
    token = secrets.token_urlsafe(32)
    identity.invitation_hash = token_digest(token)
    identity.invitation_expires_at = utcnow() + timedelta(days=settings.invitation_days)
    record(
        db,
        actor=actor,
        action="experts.invitation_renewed",
        object_type="expert",
        object_id=expert.id,
        client_address=address,
    )
    await db.commit()
    return token


async def find_invitation(db: AsyncSession, token: str) -> tuple[Expert, ExpertIdentity, ExpertGroup] | None:
    identity = await db.scalar(select(ExpertIdentity).where(ExpertIdentity.invitation_hash == token_digest(token)))
    if identity is None or identity.invitation_expires_at is None or identity.invitation_expires_at < utcnow():
        return None
    expert = await db.get(Expert, identity.expert_id)
    if expert is None or expert.status != ExpertStatus.INVITED:
        return None
    group = await db.get(ExpertGroup, expert.group_id)
    return None if group is None else (expert, identity, group)


async def accept_invitation(
    db: AsyncSession, user: User, expert: Expert, identity: ExpertIdentity, address: str
) -> None:
    """Ties the entry to the account that opened the link; the link cannot be used again."""
    already = await db.scalar(
        select(Expert.id)
        .join(ExpertIdentity, ExpertIdentity.expert_id == Expert.id)
        .where(
            Expert.group_id == expert.group_id,
            ExpertIdentity.user_id == user.id,
            Expert.status != ExpertStatus.WITHDRAWN,
        )
    )
    if already is not None:
        raise ExpertsRefused(N_("Your account is already in this group's registry."))
    identity.user_id = user.id
    identity.invitation_hash = None
    identity.invitation_expires_at = None
    if not identity.name:
        identity.name = user.display_name
    identity.updated_at = utcnow()
    record(
        db,
        actor=user,
        action="experts.invitation_accepted",
        object_type="expert",
        object_id=expert.id,
        client_address=address,
    )
    await db.commit()


# --- the expert's profile ------------------------------------------------------------------------------------


async def payment_of(db: AsyncSession, expert: Expert) -> ExpertPaymentDetails | None:
    return await db.get(ExpertPaymentDetails, expert.id)


async def save_profile(
    db: AsyncSession, actor: User, expert: Expert, identity: ExpertIdentity, form: ProfileForm, address: str
) -> None:
    if expert.status != ExpertStatus.ACTIVE:
        raise ExpertsRefused(N_("Give your consent to be in the registry first."))
    now = utcnow()
    identity.name = form.name
    identity.email = form.email
    identity.phone = form.phone
    identity.preferred_language = form.preferred_language
    identity.access_needs = form.access_needs
    identity.updated_at = now
    expert.trained = form.trained
    expert.training_details = form.training_details
    expert.languages = list(form.languages)
    expert.other_languages = form.other_languages
    expert.availability = list(form.availability)
    expert.remote_ok = form.remote_ok
    expert.unavailable_until = form.unavailable_until
    expert.profile_updated_at = now
    expert.area_choices = [choice for choice in expert.area_choices if choice.area_id in form.area_ids] + [
        ExpertAreaChoice(area_id=area_id) for area_id in sorted(form.area_ids - expert.area_ids)
    ]
    payment = await payment_of(db, expert)
    if payment is None:
        payment = ExpertPaymentDetails(expert_id=expert.id)
        db.add(payment)
    payment.fee_preference = form.fee_preference
    payment.association_name = form.association_name
    payment.withholding_basis_points = form.withholding_basis_points
    payment.has_earnings_limit = form.has_earnings_limit
    payment.earnings_limit_cents = form.earnings_limit_cents
    payment.updated_at = now
    # Which parts changed, not their values: the audit log must not become a copy of the profile.
    record(
        db,
        actor=actor,
        action="experts.profile_saved",
        object_type="expert",
        object_id=expert.id,
        after={"areas": len(form.area_ids)},
        client_address=address,
    )
    await db.commit()


# --- leaving the registry ------------------------------------------------------------------------------------


@dataclass
class Withdrawal:
    inputs_deleted: int = 0
    invitations_cancelled: int = 0
    summaries_to_revise: list[int] = field(default_factory=list)


async def withdraw(db: AsyncSession, actor: User | None, expert: Expert, address: str, *, reason: str) -> Withdrawal:
    outcome = await _withdraw(db, actor, expert, address, reason=reason)
    await db.commit()
    return outcome


async def _withdraw(db: AsyncSession, actor: User | None, expert: Expert, address: str, *, reason: str) -> Withdrawal:
    """Leaving the registry (issue 6, Data rights): contact and payment data are deleted, the expert's own input
    is deleted, and their words remain only in summaries they signed off and that were published. Kept, under
    the pseudonymous number only: the consent record (GDPR Art. 7(1)), attendance, sign-offs and ledger lines
    (Kirjanpitolaki 1336/1997 2:10 §)."""
    outcome = Withdrawal()
    now = utcnow()
    used = list(
        await db.scalars(select(ExpertInput.assignment_id).where(ExpertInput.expert_id == expert.id).distinct())
    )
    if used:
        # Drafts built on this person's input must be revised before anyone signs them off again.
        drafts = list(
            await db.scalars(
                select(Summary).where(Summary.assignment_id.in_(used), Summary.status == SummaryStatus.DRAFT)
            )
        )
        for summary in drafts:
            summary.revision_required = True
            outcome.summaries_to_revise.append(summary.id)
    deleted = await db.execute(delete(ExpertInput).where(ExpertInput.expert_id == expert.id))
    outcome.inputs_deleted = int(deleted.rowcount or 0)  # type: ignore[attr-defined]
    outcome.invitations_cancelled = await _cancel_pending_invitations(db, expert)
    await db.execute(
        update(ExpertConsent)
        .where(ExpertConsent.expert_id == expert.id, ExpertConsent.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    await db.execute(delete(ExpertIdentity).where(ExpertIdentity.expert_id == expert.id))
    await db.execute(delete(ExpertPaymentDetails).where(ExpertPaymentDetails.expert_id == expert.id))
    expert.area_choices = []
    expert.status = ExpertStatus.WITHDRAWN
    expert.withdrawn_at = now
    expert.trained = False
    expert.training_details = ""
    expert.languages = []
    expert.other_languages = ""
    expert.availability = []
    expert.remote_ok = False
    expert.unavailable_until = None
    record(
        db,
        actor=actor,
        action="experts.withdrawn",
        object_type="expert",
        object_id=expert.id,
        after={
            "reason": reason,
            "inputs_deleted": outcome.inputs_deleted,
            "invitations_cancelled": outcome.invitations_cancelled,
            "summaries_to_revise": outcome.summaries_to_revise,
        },
        client_address=address,
    )
    return outcome


async def withdraw_everywhere(db: AsyncSession, user: User, address: str) -> int:
    """For account deletion (pb.privacy.deletion): the person leaves every group's registry, in the caller's
    transaction (the caller commits), and the identity rows' link to the account is gone with them."""
    experts = list(
        await db.scalars(
            select(Expert)
            .join(ExpertIdentity, ExpertIdentity.expert_id == Expert.id)
            .where(ExpertIdentity.user_id == user.id, Expert.status != ExpertStatus.WITHDRAWN)
        )
    )
    for expert in experts:
        await _withdraw(db, user, expert, address, reason="account_deleted")
    # Invitations accepted with this account but never completed (no consent given) go too.
    await db.execute(delete(ExpertIdentity).where(ExpertIdentity.user_id == user.id))
    return len(experts)


# --- the coordinators' view ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistryRow:
    expert: Expert
    identity: ExpertIdentity | None
    consents: dict[ConsentPurpose, ExpertConsent]

    @property
    def listed(self) -> bool:
        """In the registry today: active with the registry consent in force."""
        return self.expert.status == ExpertStatus.ACTIVE and ConsentPurpose.REGISTRY in self.consents


async def _rows(db: AsyncSession, experts: list[Expert], day: date) -> list[RegistryRow]:
    ids = [expert.id for expert in experts]
    identities = {
        item.expert_id: item
        for item in await db.scalars(select(ExpertIdentity).where(ExpertIdentity.expert_id.in_(ids)))
    }
    consents: dict[int, list[ExpertConsent]] = {}
    for consent in await db.scalars(
        select(ExpertConsent).where(ExpertConsent.expert_id.in_(ids)).order_by(ExpertConsent.given_at.desc())
    ):
        consents.setdefault(consent.expert_id, []).append(consent)
    return [
        RegistryRow(expert, identities.get(expert.id), in_force(consents.get(expert.id, []), day)) for expert in experts
    ]


async def read_registry(
    db: AsyncSession, actor: User, group: ExpertGroup, address: str, day: date
) -> list[RegistryRow]:
    """The group's registry with names and contact data, for its coordinators; every read is audit-logged."""
    experts = list(await db.scalars(select(Expert).where(Expert.group_id == group.id).order_by(Expert.id)))
    rows = await _rows(db, experts, day)
    record(
        db,
        actor=actor,
        action="experts.registry_viewed",
        object_type="expert_group",
        object_id=group.id,
        after={"experts": len(rows)},
        client_address=address,
    )
    await db.commit()
    return rows


@dataclass(frozen=True)
class ExpertDetail:
    row: RegistryRow
    consents: list[ExpertConsent]
    payment: ExpertPaymentDetails | None
    assignments: list[tuple[AssignmentInvitation, Assignment]]


async def read_expert(db: AsyncSession, actor: User, expert: Expert, address: str, day: date) -> ExpertDetail:
    """One expert's entry for the group's coordinators; audit-logged like the registry."""
    history = await consents_of(db, expert)
    row = (await _rows(db, [expert], day))[0]
    invitations = await db.execute(
        select(AssignmentInvitation, Assignment)
        .join(Assignment, Assignment.id == AssignmentInvitation.assignment_id)
        .where(AssignmentInvitation.expert_id == expert.id)
        .order_by(Assignment.starts_on.desc())
    )
    record(
        db,
        actor=actor,
        action="experts.expert_viewed",
        object_type="expert",
        object_id=expert.id,
        client_address=address,
    )
    await db.commit()
    return ExpertDetail(row, history, await payment_of(db, expert), [(i, a) for i, a in invitations])
