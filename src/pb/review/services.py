"""Co-creation and review: plans made from proposals, reviewer assignments, feasibility decisions with official
costs, internal notes, and ballot projects. No HTTP here; every change is one transaction with its audit entry.

Who may do what (decided for issue 3, following CONSUL's valuators and Decidim's evaluators):
- admins merge proposals into plans, assign reviewers, decide on any proposal and manage the ballot;
- reviewers decide on the proposals assigned to them and may read and annotate every proposal under review.
Merging is kept to admins because it ends the life of residents' own proposals (they become MERGED), which is a
decision about the round, not an assessment of one proposal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException
from sqlalchemy import inspect, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pb.accounts.models import Role, User, UserRole
from pb.audit.services import record
from pb.db import utcnow
from pb.districts.models import District
from pb.i18n import N_
from pb.processes.models import Budget, PhaseKind, Process, Project
from pb.processes.services import get_process_by_id_for, now
from pb.proposals.models import STATUS_LABELS, Proposal, ProposalEvent, ProposalStatus
from pb.proposals.services import get_proposal_for, is_staff, record_event
from pb.review.models import Feasibility, InternalNote, Review, ReviewAssignment


class EventKind(StrEnum):
    """Kinds of public timeline entries written by this package (proposals writes published/withdrawn)."""

    MERGED = "merged"  # a source proposal was combined into a plan
    PLAN_CREATED = "plan_created"  # a plan was made from source proposals
    ASSIGNED = "review_assigned"  # review started (reviewers' names are not public)
    DECIDED = "feasibility_decided"  # public_note: the public reason
    COSTED = "cost_estimated"  # public_note: the official estimate, see cost_note()
    ON_BALLOT = "on_ballot"  # a ballot project was made; the budget is read from the project
    OFF_BALLOT = "off_ballot"  # the ballot project was removed before voting; public_note: why


# Statuses on which a reviewer can record or change a decision. Once a proposal is on the ballot, merged or
# withdrawn its review is closed: changing it then would contradict what residents see on the ballot.
REVIEWABLE = frozenset({ProposalStatus.PUBLISHED, ProposalStatus.FEASIBLE, ProposalStatus.NOT_FEASIBLE})
MERGEABLE = frozenset({ProposalStatus.PUBLISHED})


def proposal_url(proposal_id: int) -> str:
    return f"/proposals/{proposal_id}"


def review_url(proposal_id: int) -> str:
    return f"/review/proposals/{proposal_id}"


def can_review(user: User | None) -> bool:
    return user is not None and user.has_role(Role.REVIEWER, Role.ADMIN)


def is_admin(user: User | None) -> bool:
    return user is not None and user.has_role(Role.ADMIN)


# --- money ------------------------------------------------------------------------------------------------


def cost_note(min_cents: int, max_cents: int) -> str:
    """The public note of a cost event: euros with two decimals, "1500.00" or "1000.00-2000.00".

    ProposalEvent has no money columns, so the amount lives in the note in a form that a person and a program
    (the open data export) can both read; templates show it formatted in the reader's language.
    """

    def euros(cents: int) -> str:
        return f"{cents // 100}.{cents % 100:02d}"

    return euros(min_cents) if min_cents == max_cents else f"{euros(min_cents)}-{euros(max_cents)}"


def parse_cost_note(note: str) -> tuple[int, int] | None:
    parts = note.split("-")
    if not 1 <= len(parts) <= 2:
        return None
    try:
        amounts = [round(float(part) * 100) for part in parts]
    except ValueError:
        return None
    return amounts[0], amounts[-1]


def ballot_cost(review: Review | None) -> int | None:
    """The cost a ballot project gets in bulk: the upper end of the official range (an exact amount as is).

    Decision for issue 3: a ballot must not promise more than the budget can pay, so a range counts at its
    maximum; staff can put a proposal on the ballot one by one with another amount.
    """
    if review is None or review.cost_max_cents is None:
        return None
    return review.cost_max_cents


# --- the public timeline ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteView:
    body: str
    author_name: str
    created_at: datetime


@dataclass(frozen=True)
class Timeline:
    """What templates/review/_timeline.html shows. Staff-only parts are empty for everybody else."""

    proposal_id: int
    events: list[ProposalEvent]
    plan: Proposal | None  # the plan this proposal was merged into
    sources: list[Proposal]  # the proposals this plan was made from
    review: Review | None  # the current public decision and official cost
    projects: list[tuple[Project, Budget]]  # ballot projects made from this proposal
    show_staff: bool
    notes: list[NoteView] = field(default_factory=list)
    review_url: str | None = None

    def cost_of(self, event: ProposalEvent) -> tuple[int, int] | None:
        return parse_cost_note(event.public_note) if event.kind == EventKind.COSTED else None

    def status_label(self, status: str | None) -> str | None:
        """The English message id of a status, for entries of kinds this package does not know."""
        try:
            return STATUS_LABELS[ProposalStatus(status)] if status else None
        except ValueError:
            return None


async def timeline_context(db: AsyncSession, proposal: Proposal, viewer: User | None) -> dict[str, Any]:
    """Context for ``{% include "review/_timeline.html" %}``: ``{"timeline": Timeline}``.

    Four queries for everybody and one more for staff, whatever the number of events, sources or notes.
    """
    events = list(
        await db.scalars(
            select(ProposalEvent)
            .where(ProposalEvent.proposal_id == proposal.id)
            .order_by(ProposalEvent.at, ProposalEvent.id)
        )
    )
    related_filter = [Proposal.merged_into_id == proposal.id]
    if proposal.merged_into_id is not None:
        related_filter.append(Proposal.id == proposal.merged_into_id)
    related = list(await db.scalars(select(Proposal).where(or_(*related_filter)).order_by(Proposal.id)))
    plan = next((other for other in related if other.id == proposal.merged_into_id), None)
    sources = [other for other in related if other.merged_into_id == proposal.id]
    review = await db.scalar(select(Review).where(Review.proposal_id == proposal.id))
    projects = [
        (project, budget)
        for project, budget in (
            await db.execute(
                select(Project, Budget)
                .join(Budget, Project.budget_id == Budget.id)
                .where(Project.proposal_id == proposal.id)
                .order_by(Budget.position, Budget.id)
            )
        )
    ]
    show_staff = is_staff(viewer)
    notes: list[NoteView] = []
    if show_staff:
        rows = await db.execute(
            select(InternalNote, User.display_name)
            .outerjoin(User, InternalNote.author_id == User.id)
            .where(InternalNote.proposal_id == proposal.id)
            .order_by(InternalNote.created_at.desc(), InternalNote.id.desc())
        )
        notes = [NoteView(note.body, name or "", note.created_at) for note, name in rows]
    return {
        "timeline": Timeline(
            proposal_id=proposal.id,
            events=events,
            plan=plan,
            sources=sources,
            review=review,
            projects=projects,
            show_staff=show_staff,
            notes=notes,
            review_url=review_url(proposal.id) if can_review(viewer) else None,
        )
    }


# --- access-checked loaders -------------------------------------------------------------------------------


class Access(StrEnum):
    READ = "read"  # the review page, internal notes
    DECIDE = "decide"  # feasibility and cost: the assigned reviewers and admins
    MANAGE = "manage"  # assignments, ballot: admins


async def is_assigned(db: AsyncSession, proposal_id: int, user: User) -> bool:
    found = await db.scalar(
        select(ReviewAssignment.id).where(
            ReviewAssignment.proposal_id == proposal_id, ReviewAssignment.reviewer_id == user.id
        )
    )
    return found is not None


async def get_proposal_for_review(db: AsyncSession, user: User, proposal_id: int, access: Access) -> Proposal:
    """404 for unknown proposals and drafts; 403 for people without the review role, for a reviewer deciding on
    a proposal not assigned to them, and for non-admins managing."""
    proposal = await get_proposal_for(db, user, proposal_id)
    if proposal.status == ProposalStatus.DRAFT:
        raise NotFoundException()
    if not can_review(user):
        raise PermissionDeniedException()
    if access == Access.MANAGE and not is_admin(user):
        raise PermissionDeniedException()
    if access == Access.DECIDE and not is_admin(user) and not await is_assigned(db, proposal.id, user):
        raise PermissionDeniedException()
    return proposal


async def get_process_for_review(db: AsyncSession, user: User, process_id: int, access: Access) -> Process:
    process = await get_process_by_id_for(db, user, process_id)
    if not can_review(user) or (access != Access.READ and not is_admin(user)):
        raise PermissionDeniedException()
    return process


async def get_project_for(db: AsyncSession, user: User, project_id: int) -> tuple[Project, Process]:
    project = await db.get(Project, project_id)
    if project is None:
        raise NotFoundException()
    budget = await db.get_one(Budget, project.budget_id)
    process = await get_process_by_id_for(db, user, budget.process_id)
    if not is_admin(user):
        raise PermissionDeniedException()
    return project, process


# --- reading ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    """One proposal in a review list: its decision, reviewers and ballot project, if any."""

    proposal: Proposal
    review: Review | None
    reviewers: list[User]
    project: Project | None

    @property
    def ballot_cost(self) -> int | None:
        return ballot_cost(self.review)


async def review_rows(db: AsyncSession, proposals: Sequence[Proposal]) -> list[ReviewRow]:
    """Decisions, reviewers and projects of many proposals in three queries."""
    ids = [proposal.id for proposal in proposals]
    if not ids:
        return []
    reviews = {
        review.proposal_id: review for review in await db.scalars(select(Review).where(Review.proposal_id.in_(ids)))
    }
    reviewers: dict[int, list[User]] = {}
    assigned = await db.execute(
        select(ReviewAssignment.proposal_id, User)
        .join(User, ReviewAssignment.reviewer_id == User.id)
        .where(ReviewAssignment.proposal_id.in_(ids))
        .order_by(User.display_name, User.id)
    )
    for proposal_id, user in assigned:
        reviewers.setdefault(proposal_id, []).append(user)
    projects = {
        project.proposal_id: project
        for project in await db.scalars(select(Project).where(Project.proposal_id.in_(ids)))
    }
    return [
        ReviewRow(proposal, reviews.get(proposal.id), reviewers.get(proposal.id, []), projects.get(proposal.id))
        for proposal in proposals
    ]


async def process_proposals(db: AsyncSession, process: Process) -> list[ReviewRow]:
    """Every public proposal and plan of a process, plans first, then oldest first."""
    proposals = await db.scalars(
        select(Proposal)
        .where(Proposal.process_id == process.id, Proposal.status != ProposalStatus.DRAFT)
        .order_by(Proposal.is_plan.desc(), Proposal.published_at, Proposal.id)
    )
    return await review_rows(db, list(proposals))


async def my_assignments(db: AsyncSession, reviewer: User) -> list[tuple[ReviewRow, Process]]:
    rows = await db.execute(
        select(Proposal, Process)
        .join(ReviewAssignment, ReviewAssignment.proposal_id == Proposal.id)
        .join(Process, Process.id == Proposal.process_id)
        .where(ReviewAssignment.reviewer_id == reviewer.id)
        .order_by(Process.created_at.desc(), ReviewAssignment.assigned_at, Proposal.id)
    )
    pairs = list(rows)
    details = await review_rows(db, [proposal for proposal, _ in pairs])
    return [(row, process) for row, (_, process) in zip(details, pairs, strict=True)]


async def reviewable_processes(db: AsyncSession, user: User) -> list[Process]:
    query = select(Process).order_by(Process.created_at.desc(), Process.id.desc())
    if not is_admin(user):
        query = query.where(Process.is_published.is_(True))
    return list(await db.scalars(query))


async def reviewers(db: AsyncSession) -> list[User]:
    """Accounts that can be assigned proposals: active holders of the reviewer role."""
    holders = select(UserRole.user_id).where(UserRole.role == Role.REVIEWER)
    return list(
        await db.scalars(
            select(User).where(User.id.in_(holders), User.is_active.is_(True)).order_by(User.display_name, User.id)
        )
    )


async def proposal_page(db: AsyncSession, proposal: Proposal) -> tuple[ReviewRow, Process]:
    row = (await review_rows(db, [proposal]))[0]
    process = await db.get_one(Process, proposal.process_id)
    return row, process


async def proposals_of(db: AsyncSession, process: Process, ids: Iterable[int]) -> list[Proposal]:
    """The chosen proposals of this process (ids of other processes or drafts are silently not found)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(
        await db.scalars(
            select(Proposal)
            .options(selectinload(Proposal.events))
            .where(
                Proposal.id.in_(wanted),
                Proposal.process_id == process.id,
                Proposal.status != ProposalStatus.DRAFT,
            )
            .order_by(Proposal.id)
        )
    )


async def district_choices(db: AsyncSession, process: Process, language: str) -> list[tuple[int, str]]:
    """The process's districts as (id, name in the reader's language), for the plan form."""
    ids = [item.district_id for item in process.districts]
    if not ids:
        return []
    found = await db.scalars(select(District).where(District.id.in_(ids)).order_by(District.position, District.id))
    return [(district.id, district.name(language)) for district in found]


def voting_has_started(process: Process) -> bool:
    voting = process.phase(PhaseKind.VOTING)
    return voting is not None and voting.starts_at <= now()


# --- changes ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanDetails:
    title: str
    summary: str
    body: str
    district_id: int | None
    theme_id: int | None


def plan_draft(sources: Sequence[Proposal]) -> PlanDetails:
    """The form's starting point: the sources' titles and texts, one section each, with links back."""
    body = "\n\n".join(
        f"## {source.title}\n\n{source.summary}\n\n{source.body}\n\n[{source.title}]({proposal_url(source.id)})"
        for source in sources
    )
    districts = {source.district_id for source in sources}
    themes = {source.theme_id for source in sources}
    return PlanDetails(
        title=sources[0].title if sources else "",
        summary=" ".join(source.summary for source in sources)[:500],
        body=body,
        district_id=districts.pop() if len(districts) == 1 else None,
        theme_id=themes.pop() if len(themes) == 1 else None,
    )


class ReviewRefused(Exception):
    """A change that the rules of the round do not allow; ``message`` is an English message id."""

    def __init__(self, message: str, titles: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.titles = list(titles)


async def create_plan(
    db: AsyncSession,
    actor: User,
    process: Process,
    sources: Sequence[Proposal],
    details: PlanDetails,
    language: str,
    address: str,
) -> Proposal:
    """The plan, published, and its sources MERGED into it (the caller then emails their authors and followers)."""
    if len(sources) < 2:
        raise ReviewRefused(N_("Choose at least two proposals to combine."))
    not_mergeable = [source.title for source in sources if source.status not in MERGEABLE]
    if not_mergeable:
        raise ReviewRefused(N_("Only published proposals that have not been reviewed can be combined:"), not_mergeable)
    moment = utcnow()
    plan = Proposal(
        process_id=process.id,
        author_id=actor.id,
        is_plan=True,
        title=details.title,
        summary=details.summary,
        body=details.body,
        language=language,
        district_id=details.district_id,
        theme_id=details.theme_id,
        status=ProposalStatus.PUBLISHED,
        created_at=moment,
        published_at=moment,
        updated_at=moment,
        events=[],
    )
    db.add(plan)
    await db.flush()
    record_event(plan, EventKind.PLAN_CREATED, status=ProposalStatus.PUBLISHED)
    for source in sources:
        source.merged_into_id = plan.id
        record_event(source, EventKind.MERGED, status=ProposalStatus.MERGED)
    record(
        db,
        actor=actor,
        action="review.plan_created",
        object_type="proposal",
        object_id=plan.id,
        after={"title": plan.title, "sources": [source.id for source in sources]},
        client_address=address,
    )
    await db.commit()
    return plan


async def assign(
    db: AsyncSession, actor: User, proposals: Sequence[Proposal], reviewer: User, address: str
) -> list[Proposal]:
    """Assign proposals to a reviewer; returns the newly assigned ones (existing assignments stay as they are)."""
    refused = [proposal.title for proposal in proposals if proposal.status not in REVIEWABLE]
    if refused:
        raise ReviewRefused(N_("Only published proposals can be assigned for review:"), refused)
    ids = [proposal.id for proposal in proposals]
    existing = (
        await db.execute(
            select(ReviewAssignment.proposal_id, ReviewAssignment.reviewer_id).where(
                ReviewAssignment.proposal_id.in_(ids)
            )
        )
    ).all()
    already_reviewed = {proposal_id for proposal_id, _ in existing}
    already_theirs = {proposal_id for proposal_id, reviewer_id in existing if reviewer_id == reviewer.id}
    added = []
    for proposal in proposals:
        if proposal.id in already_theirs:
            continue
        db.add(ReviewAssignment(proposal_id=proposal.id, reviewer_id=reviewer.id, assigned_by_id=actor.id))
        if proposal.id not in already_reviewed:
            # The public learns that review has started, not who reviews.
            await _load_events(db, proposal)
            record_event(proposal, EventKind.ASSIGNED)
        record(
            db,
            actor=actor,
            action="review.assigned",
            object_type="proposal",
            object_id=proposal.id,
            after={"reviewer_id": reviewer.id},
            client_address=address,
        )
        added.append(proposal)
    await db.commit()
    return added


async def unassign(db: AsyncSession, actor: User, proposal: Proposal, reviewer_id: int, address: str) -> bool:
    assignment = await db.scalar(
        select(ReviewAssignment).where(
            ReviewAssignment.proposal_id == proposal.id, ReviewAssignment.reviewer_id == reviewer_id
        )
    )
    if assignment is None:
        return False
    await db.delete(assignment)
    record(
        db,
        actor=actor,
        action="review.unassigned",
        object_type="proposal",
        object_id=proposal.id,
        before={"reviewer_id": reviewer_id},
        client_address=address,
    )
    await db.commit()
    return True


@dataclass(frozen=True)
class Decision:
    feasibility: Feasibility
    public_reason: str
    cost_min_cents: int | None
    cost_max_cents: int | None


def _review_snapshot(review: Review) -> dict[str, Any]:
    return {
        "feasibility": review.feasibility,
        "public_reason": review.public_reason,
        "cost_min_cents": review.cost_min_cents,
        "cost_max_cents": review.cost_max_cents,
    }


async def _load_events(db: AsyncSession, proposal: Proposal) -> None:
    # record_event appends to proposal.events; an async session cannot load that collection lazily.
    if "events" in inspect(proposal).unloaded:
        await db.refresh(proposal, attribute_names=["events"])


async def decide(db: AsyncSession, actor: User, proposal: Proposal, decision: Decision, address: str) -> bool:
    """Record the public decision and official cost; False when nothing changed (then nothing is written)."""
    if proposal.status not in REVIEWABLE:
        raise ReviewRefused(N_("The review of this proposal is closed, so the decision can no longer be changed."))
    review = await db.scalar(select(Review).where(Review.proposal_id == proposal.id))
    if review is None:
        review = Review(proposal_id=proposal.id, feasibility=Feasibility.UNDECIDED, public_reason="")
        db.add(review)
    before = _review_snapshot(review)
    review.feasibility = decision.feasibility
    review.public_reason = decision.public_reason
    review.cost_min_cents = decision.cost_min_cents
    review.cost_max_cents = decision.cost_max_cents
    after = _review_snapshot(review)
    if before == after:
        await db.rollback()
        return False
    review.decided_by_id = actor.id
    review.decided_at = utcnow()
    await _load_events(db, proposal)
    if (before["feasibility"], before["public_reason"]) != (after["feasibility"], after["public_reason"]):
        status = (
            ProposalStatus.FEASIBLE if decision.feasibility == Feasibility.FEASIBLE else ProposalStatus.NOT_FEASIBLE
        )
        record_event(proposal, EventKind.DECIDED, status=status, public_note=decision.public_reason)
    cost = (after["cost_min_cents"], after["cost_max_cents"])
    if cost != (before["cost_min_cents"], before["cost_max_cents"]) and None not in cost:
        record_event(proposal, EventKind.COSTED, public_note=cost_note(*cost))
    record(
        db,
        actor=actor,
        action="review.decided",
        object_type="proposal",
        object_id=proposal.id,
        before=before,
        after=after,
        client_address=address,
    )
    await db.commit()
    return True


async def add_note(db: AsyncSession, actor: User, proposal: Proposal, body: str, address: str) -> InternalNote:
    note = InternalNote(proposal_id=proposal.id, author_id=actor.id, body=body, created_at=utcnow())
    db.add(note)
    await db.flush()
    record(
        db,
        actor=actor,
        action="review.note_added",
        object_type="proposal",
        object_id=proposal.id,
        after={"note_id": note.id, "body": body},
        client_address=address,
    )
    await db.commit()
    return note


@dataclass(frozen=True)
class ProjectDetails:
    title: str
    summary: str
    cost_cents: int


def _project_snapshot(project: Project) -> dict[str, Any]:
    return {
        "budget_id": project.budget_id,
        "proposal_id": project.proposal_id,
        "title": project.title,
        "summary": project.summary,
        "cost_cents": project.cost_cents,
    }


async def put_on_ballot(
    db: AsyncSession,
    actor: User,
    process: Process,
    budget: Budget,
    items: Sequence[tuple[Proposal, ProjectDetails | None]],
    address: str,
) -> list[Project]:
    """Make ballot projects of feasible proposals. ``None`` details: the proposal's title and summary and its
    ballot cost (see ``ballot_cost``). All or nothing: any proposal that cannot go on the ballot refuses all."""
    if voting_has_started(process):
        raise ReviewRefused(N_("Voting has started, so the ballot can no longer be changed."))
    proposals = [proposal for proposal, _ in items]
    rows = {row.proposal.id: row for row in await review_rows(db, proposals)}
    not_feasible = [p.title for p in proposals if p.status != ProposalStatus.FEASIBLE]
    if not_feasible:
        raise ReviewRefused(N_("Only proposals found feasible can go on the ballot:"), not_feasible)
    without_cost = [p.title for p, details in items if details is None and rows[p.id].ballot_cost is None]
    if without_cost:
        raise ReviewRefused(N_("These proposals have no official cost estimate yet:"), without_cost)
    other_district = [p.title for p in proposals if budget.district_id not in (None, p.district_id)]
    if other_district:
        raise ReviewRefused(N_("A district's budget can only take proposals for that district:"), other_district)
    made = []
    for proposal, details in items:
        cost = details.cost_cents if details is not None else rows[proposal.id].ballot_cost
        assert cost is not None
        project = Project(
            budget_id=budget.id,
            proposal_id=proposal.id,
            title=details.title if details is not None else proposal.title,
            summary=details.summary if details is not None else proposal.summary,
            cost_cents=cost,
            created_at=utcnow(),
        )
        db.add(project)
        await db.flush()
        await _load_events(db, proposal)
        record_event(proposal, EventKind.ON_BALLOT, status=ProposalStatus.ON_BALLOT)
        record(
            db,
            actor=actor,
            action="review.project_created",
            object_type="project",
            object_id=project.id,
            after=_project_snapshot(project),
            client_address=address,
        )
        made.append(project)
    await db.commit()
    return made


async def update_project(
    db: AsyncSession, actor: User, process: Process, project: Project, details: ProjectDetails, address: str
) -> bool:
    if voting_has_started(process):
        raise ReviewRefused(N_("Voting has started, so ballot projects can no longer be edited."))
    before = _project_snapshot(project)
    project.title, project.summary, project.cost_cents = details.title, details.summary, details.cost_cents
    after = _project_snapshot(project)
    if before == after:
        return False
    record(
        db,
        actor=actor,
        action="review.project_updated",
        object_type="project",
        object_id=project.id,
        before=before,
        after=after,
        client_address=address,
    )
    await db.commit()
    return True


async def remove_project(
    db: AsyncSession, actor: User, process: Process, project: Project, reason: str, address: str
) -> None:
    """Take a project off the ballot before voting starts; its proposal is feasible again, publicly so."""
    if voting_has_started(process):
        raise ReviewRefused(N_("Voting has started, so ballot projects can no longer be edited."))
    before = _project_snapshot(project)
    if project.proposal_id is not None:
        proposal = await db.get_one(Proposal, project.proposal_id)
        await _load_events(db, proposal)
        record_event(proposal, EventKind.OFF_BALLOT, status=ProposalStatus.FEASIBLE, public_note=reason)
    record(
        db,
        actor=actor,
        action="review.project_removed",
        object_type="project",
        object_id=project.id,
        before=before,
        after={"reason": reason},
        client_address=address,
    )
    await db.delete(project)
    await db.commit()


@dataclass(frozen=True)
class BudgetBallot:
    budget: Budget
    projects: list[tuple[Project, Proposal | None]]

    @property
    def total_cents(self) -> int:
        return sum(project.cost_cents for project, _ in self.projects)

    @property
    def over_budget(self) -> bool:
        return self.total_cents > self.budget.amount_cents


async def ballot(db: AsyncSession, process: Process) -> list[BudgetBallot]:
    budget_ids = [budget.id for budget in process.budgets]
    found: dict[int, list[tuple[Project, Proposal | None]]] = {budget_id: [] for budget_id in budget_ids}
    if budget_ids:
        rows = await db.execute(
            select(Project, Proposal)
            .outerjoin(Proposal, Project.proposal_id == Proposal.id)
            .where(Project.budget_id.in_(budget_ids))
            .order_by(Project.title, Project.id)
        )
        for project, proposal in rows:
            found[project.budget_id].append((project, proposal))
    return [BudgetBallot(budget, found[budget.id]) for budget in process.budgets]
