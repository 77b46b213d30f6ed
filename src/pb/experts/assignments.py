"""Assignments (tilaukset, deliberation-panels.md §4.3): a department's request, the coordinator's decision,
finding experts by area and availability, invitations the experts answer in pb (accepting the confidentiality
agreement), sessions and attendance.

Who asks: any signed-in account may send a request (department staff use their ordinary accounts, and so can
a school or an association that commissions the group); the request carries no personal data of experts, and
the coordinator decides whether the group takes it on. The requester sees the request's status and, once
published, the anonymised summary; nothing else of the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.experts.forms import AssignmentDetails, RequestForm, SearchForm, SessionForm
from pb.experts.models import (
    Assignment,
    AssignmentInvitation,
    AssignmentStatus,
    Attendance,
    ConsentPurpose,
    Expert,
    ExpertGroup,
    ExpertIdentity,
    ExpertInput,
    ExpertSession,
    ExpertStatus,
    InvitationResponse,
)
from pb.experts.registry import in_force_for
from pb.experts.services import ExpertsRefused, text_digest
from pb.i18n import N_

# --- requests ------------------------------------------------------------------------------------------------


async def all_groups(db: AsyncSession) -> list[ExpertGroup]:
    return list(await db.scalars(select(ExpertGroup).order_by(ExpertGroup.name_fi, ExpertGroup.id)))


async def submit_request(db: AsyncSession, user: User, form: RequestForm, address: str) -> Assignment:
    assignment = Assignment(
        group_id=form.group_id,
        status=AssignmentStatus.REQUESTED,
        requested_by_id=user.id,
        department=form.department,
        topic=form.topic,
        questions=form.questions,
        starts_on=form.starts_on,
        ends_on=form.ends_on,
        experts_wanted=form.experts_wanted,
        confidentiality=form.confidentiality,
    )
    db.add(assignment)
    await db.flush()
    record(
        db,
        actor=user,
        action="experts.request_submitted",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={"group_id": form.group_id},
        client_address=address,
    )
    await db.commit()
    return assignment


async def own_requests(db: AsyncSession, user: User) -> list[tuple[Assignment, ExpertGroup]]:
    rows = await db.execute(
        select(Assignment, ExpertGroup)
        .join(ExpertGroup, ExpertGroup.id == Assignment.group_id)
        .where(Assignment.requested_by_id == user.id)
        .order_by(Assignment.created_at.desc(), Assignment.id.desc())
    )
    return [(assignment, group) for assignment, group in rows]


# --- the coordinator's side ----------------------------------------------------------------------------------


async def assignments_of(db: AsyncSession, group: ExpertGroup) -> list[Assignment]:
    return list(
        await db.scalars(
            select(Assignment)
            .where(Assignment.group_id == group.id)
            .order_by(Assignment.starts_on.desc(), Assignment.id.desc())
        )
    )


def _snapshot(assignment: Assignment) -> dict[str, object]:
    return {
        "status": assignment.status,
        "topic": assignment.topic,
        "starts_on": assignment.starts_on.isoformat(),
        "ends_on": assignment.ends_on.isoformat(),
        "experts_wanted": assignment.experts_wanted,
        "confidentiality": assignment.confidentiality,
        "fee_basis": assignment.fee_basis,
        "fee_rate_cents": assignment.fee_rate_cents,
        "agreement_version": assignment.agreement_version,
    }


def _apply(assignment: Assignment, details: AssignmentDetails) -> None:
    if assignment.agreement_text and details.agreement_text != assignment.agreement_text:
        # Experts who accepted an earlier text accepted that text: their record keeps its digest.
        assignment.agreement_version += 1
    assignment.department = details.department
    assignment.topic = details.topic
    assignment.questions = details.questions
    assignment.starts_on = details.starts_on
    assignment.ends_on = details.ends_on
    assignment.experts_wanted = details.experts_wanted
    assignment.confidentiality = details.confidentiality
    assignment.fee_basis = details.fee_basis
    assignment.fee_rate_cents = details.fee_rate_cents
    assignment.agreement_text = details.agreement_text


async def create_assignment(
    db: AsyncSession, actor: User, group: ExpertGroup, details: AssignmentDetails, address: str
) -> Assignment:
    """An assignment the coordinator starts without a request (e.g. asked by phone)."""
    assignment = Assignment(
        group_id=group.id, status=AssignmentStatus.OPEN, decided_at=utcnow(), decided_by_id=actor.id
    )
    _apply(assignment, details)
    db.add(assignment)
    await db.flush()
    record(
        db,
        actor=actor,
        action="experts.assignment_created",
        object_type="expert_assignment",
        object_id=assignment.id,
        after=_snapshot(assignment),
        client_address=address,
    )
    await db.commit()
    return assignment


async def update_assignment(
    db: AsyncSession, actor: User, assignment: Assignment, details: AssignmentDetails, address: str
) -> None:
    """Saving a request's details takes it on: a requested assignment becomes open."""
    if assignment.status in {AssignmentStatus.CLOSED, AssignmentStatus.DECLINED}:
        raise ExpertsRefused(N_("A closed or declined assignment cannot change."))
    before = _snapshot(assignment)
    _apply(assignment, details)
    if assignment.status == AssignmentStatus.REQUESTED:
        assignment.status = AssignmentStatus.OPEN
        assignment.decided_at = utcnow()
        assignment.decided_by_id = actor.id
    record(
        db,
        actor=actor,
        action="experts.assignment_saved",
        object_type="expert_assignment",
        object_id=assignment.id,
        before=before,
        after=_snapshot(assignment),
        client_address=address,
    )
    await db.commit()


async def decline_request(db: AsyncSession, actor: User, assignment: Assignment, note: str, address: str) -> None:
    if assignment.status != AssignmentStatus.REQUESTED:
        raise ExpertsRefused(N_("Only a request that has not been taken on can be declined."))
    assignment.status = AssignmentStatus.DECLINED
    assignment.decision_note = note
    assignment.decided_at = utcnow()
    assignment.decided_by_id = actor.id
    record(
        db,
        actor=actor,
        action="experts.request_declined",
        object_type="expert_assignment",
        object_id=assignment.id,
        client_address=address,
    )
    await db.commit()


async def close_assignment(db: AsyncSession, actor: User, assignment: Assignment, address: str) -> None:
    if assignment.status != AssignmentStatus.OPEN:
        raise ExpertsRefused(N_("Only an assignment in progress can be closed."))
    assignment.status = AssignmentStatus.CLOSED
    assignment.closed_at = utcnow()
    # Nobody can still answer an invitation to finished work.
    for invitation in await db.scalars(
        select(AssignmentInvitation).where(
            AssignmentInvitation.assignment_id == assignment.id,
            AssignmentInvitation.response == InvitationResponse.PENDING,
        )
    ):
        invitation.response = InvitationResponse.CANCELLED
        invitation.responded_at = utcnow()
    record(
        db,
        actor=actor,
        action="experts.assignment_closed",
        object_type="expert_assignment",
        object_id=assignment.id,
        client_address=address,
    )
    await db.commit()


# --- finding and inviting experts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    expert: Expert
    identity: ExpertIdentity


def matches(expert: Expert, form: SearchForm, starts_on: date) -> bool:
    """Every chosen area and time, the language, training and remote work, and not away when the work starts."""
    if not form.area_ids <= expert.area_ids:
        return False
    if not form.times <= set(expert.availability):
        return False
    if form.language and form.language not in expert.languages:
        return False
    if form.trained_only and not expert.trained:
        return False
    if form.remote_only and not expert.remote_ok:
        return False
    return expert.unavailable_until is None or expert.unavailable_until < starts_on


async def search(
    db: AsyncSession, actor: User, assignment: Assignment, form: SearchForm, day: date, address: str
) -> list[Candidate]:
    """Experts of the group who may be contacted (registry and contact consent in force today), match the
    filters and have not been invited to this assignment yet. The result shows names: it is logged."""
    invited = select(AssignmentInvitation.expert_id).where(AssignmentInvitation.assignment_id == assignment.id)
    experts = [
        expert
        for expert in await db.scalars(
            select(Expert)
            .where(
                Expert.group_id == assignment.group_id,
                Expert.status == ExpertStatus.ACTIVE,
                Expert.id.not_in(invited),
            )
            .order_by(Expert.id)
        )
        if matches(expert, form, assignment.starts_on)
    ]
    ids = [expert.id for expert in experts]
    reachable = await in_force_for(db, ids, ConsentPurpose.REGISTRY, day) & await in_force_for(
        db, ids, ConsentPurpose.CONTACT, day
    )
    identities = {
        item.expert_id: item
        for item in await db.scalars(select(ExpertIdentity).where(ExpertIdentity.expert_id.in_(reachable)))
    }
    found = [Candidate(expert, identities[expert.id]) for expert in experts if expert.id in identities]
    record(
        db,
        actor=actor,
        action="experts.searched",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={"areas": sorted(form.area_ids), "times": sorted(form.times), "found": len(found)},
        client_address=address,
    )
    await db.commit()
    return found


async def invite_experts(
    db: AsyncSession, actor: User, assignment: Assignment, expert_ids: list[int], day: date, address: str
) -> list[Candidate]:
    """Invites the chosen experts; consent is checked again now, not trusted from the search page."""
    if assignment.status != AssignmentStatus.OPEN:
        raise ExpertsRefused(N_("Invite experts once the assignment is in progress."), "expert")
    experts = list(
        await db.scalars(
            select(Expert).where(
                Expert.id.in_(expert_ids), Expert.group_id == assignment.group_id, Expert.status == ExpertStatus.ACTIVE
            )
        )
    )
    ids = [expert.id for expert in experts]
    reachable = await in_force_for(db, ids, ConsentPurpose.REGISTRY, day) & await in_force_for(
        db, ids, ConsentPurpose.CONTACT, day
    )
    already = set(
        await db.scalars(
            select(AssignmentInvitation.expert_id).where(AssignmentInvitation.assignment_id == assignment.id)
        )
    )
    chosen = [expert for expert in experts if expert.id in reachable and expert.id not in already]
    if len(chosen) != len(expert_ids):
        raise ExpertsRefused(
            N_("Someone on the list can no longer be invited (their consent changed). Search again."), "expert"
        )
    identities = {
        item.expert_id: item
        for item in await db.scalars(select(ExpertIdentity).where(ExpertIdentity.expert_id.in_(ids)))
    }
    for expert in chosen:
        db.add(AssignmentInvitation(assignment_id=assignment.id, expert_id=expert.id, invited_by_id=actor.id))
    record(
        db,
        actor=actor,
        action="experts.experts_invited",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={"experts": [expert.id for expert in chosen]},
        client_address=address,
    )
    await db.commit()
    return [Candidate(expert, identities[expert.id]) for expert in chosen]


@dataclass(frozen=True)
class InvitationRow:
    invitation: AssignmentInvitation
    expert: Expert
    identity: ExpertIdentity | None  # None once the expert has left the registry


async def invitations_of(db: AsyncSession, assignment: Assignment) -> list[InvitationRow]:
    rows = await db.execute(
        select(AssignmentInvitation, Expert, ExpertIdentity)
        .join(Expert, Expert.id == AssignmentInvitation.expert_id)
        .outerjoin(ExpertIdentity, ExpertIdentity.expert_id == Expert.id)
        .where(AssignmentInvitation.assignment_id == assignment.id)
        .order_by(AssignmentInvitation.id)
    )
    return [InvitationRow(invitation, expert, identity) for invitation, expert, identity in rows]


async def log_assignment_view(db: AsyncSession, actor: User, assignment: Assignment, shown: int, address: str) -> None:
    """The assignment page names the invited experts: like every view of the registry, it is logged."""
    record(
        db,
        actor=actor,
        action="experts.assignment_viewed",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={"experts_shown": shown},
        client_address=address,
    )
    await db.commit()


# --- the expert's side -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnInvitation:
    invitation: AssignmentInvitation
    assignment: Assignment
    group: ExpertGroup
    expert: Expert


async def own_invitations(db: AsyncSession, user: User) -> list[OwnInvitation]:
    rows = await db.execute(
        select(AssignmentInvitation, Assignment, ExpertGroup, Expert)
        .join(Assignment, Assignment.id == AssignmentInvitation.assignment_id)
        .join(ExpertGroup, ExpertGroup.id == Assignment.group_id)
        .join(Expert, Expert.id == AssignmentInvitation.expert_id)
        .join(ExpertIdentity, ExpertIdentity.expert_id == Expert.id)
        .where(ExpertIdentity.user_id == user.id)
        .order_by(Assignment.starts_on.desc(), AssignmentInvitation.id.desc())
    )
    return [OwnInvitation(invitation, assignment, group, expert) for invitation, assignment, group, expert in rows]


async def get_own_invitation(db: AsyncSession, user: User, invitation_id: int) -> OwnInvitation:
    """Access-checked loader of the expert's assignment page: 404 unless the invitation is theirs."""
    found = next((item for item in await own_invitations(db, user) if item.invitation.id == invitation_id), None)
    if found is None:
        raise NotFoundException()
    return found


async def answer(db: AsyncSession, user: User, own: OwnInvitation, accept: bool, address: str) -> None:
    invitation, assignment = own.invitation, own.assignment
    if invitation.response != InvitationResponse.PENDING or assignment.status != AssignmentStatus.OPEN:
        raise ExpertsRefused(N_("This invitation has already been answered or is no longer open."), "answer")
    now = utcnow()
    invitation.response = InvitationResponse.ACCEPTED if accept else InvitationResponse.DECLINED
    invitation.responded_at = now
    if accept:
        # The agreement's version and digest: what exactly was accepted stays provable if the text changes.
        invitation.agreement_version = assignment.agreement_version
        invitation.agreement_sha256 = text_digest(assignment.agreement_text)
        invitation.agreement_accepted_at = now
    record(
        db,
        actor=user,
        action="experts.invitation_answered",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={
            "expert_id": own.expert.id,
            "response": invitation.response,
            "agreement_version": invitation.agreement_version,
        },
        client_address=address,
    )
    await db.commit()


# --- sessions and attendance -----------------------------------------------------------------------------------


async def sessions_of(db: AsyncSession, assignment: Assignment) -> list[ExpertSession]:
    return list(
        await db.scalars(
            select(ExpertSession)
            .where(ExpertSession.assignment_id == assignment.id)
            .order_by(ExpertSession.starts_at, ExpertSession.id)
        )
    )


async def add_session(
    db: AsyncSession, actor: User, assignment: Assignment, form: SessionForm, address: str
) -> ExpertSession:
    if assignment.status != AssignmentStatus.OPEN:
        raise ExpertsRefused(N_("Sessions are added to an assignment in progress."), "title")
    session = ExpertSession(
        assignment_id=assignment.id,
        title=form.title,
        starts_at=form.starts_at,
        duration_minutes=form.duration_minutes,
        place=form.place,
    )
    db.add(session)
    await db.flush()
    record(
        db,
        actor=actor,
        action="experts.session_added",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={"session_id": session.id, "starts_at": form.starts_at.isoformat()},
        client_address=address,
    )
    await db.commit()
    return session


async def participants(db: AsyncSession, assignment: Assignment) -> list[InvitationRow]:
    """The experts who accepted: the ones whose attendance and fees are recorded."""
    return [
        row for row in await invitations_of(db, assignment) if row.invitation.response == InvitationResponse.ACCEPTED
    ]


async def attendance_of(db: AsyncSession, assignment: Assignment) -> dict[tuple[int, int], Attendance]:
    rows = await db.scalars(
        select(Attendance)
        .join(ExpertSession, ExpertSession.id == Attendance.session_id)
        .where(ExpertSession.assignment_id == assignment.id)
    )
    return {(row.session_id, row.expert_id): row for row in rows}


async def record_attendance(
    db: AsyncSession,
    actor: User,
    assignment: Assignment,
    session: ExpertSession,
    marks: dict[int, tuple[bool, int]],
    address: str,
) -> None:
    existing = await attendance_of(db, assignment)
    for expert_id, (attended, minutes) in marks.items():
        row = existing.get((session.id, expert_id))
        if row is None:
            row = Attendance(session_id=session.id, expert_id=expert_id)
            db.add(row)
        row.attended = attended
        row.minutes = minutes
        row.recorded_at = utcnow()
        row.recorded_by_id = actor.id
    record(
        db,
        actor=actor,
        action="experts.attendance_recorded",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={"session_id": session.id, "present": sorted(k for k, (v, _) in marks.items() if v)},
        client_address=address,
    )
    await db.commit()


async def took_part(db: AsyncSession, assignment: Assignment) -> set[int]:
    """Experts who attended a session or wrote input: "how many experts took part" in the summary."""
    attended = set(
        await db.scalars(
            select(Attendance.expert_id)
            .join(ExpertSession, ExpertSession.id == Attendance.session_id)
            .where(ExpertSession.assignment_id == assignment.id, Attendance.attended.is_(True))
        )
    )
    wrote = set(await db.scalars(select(ExpertInput.expert_id).where(ExpertInput.assignment_id == assignment.id)))
    return attended | wrote
