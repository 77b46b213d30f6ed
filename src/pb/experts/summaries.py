"""Anonymised summaries: the coordinator's draft, the re-identification check, the sign-off by every expert whose
input is used, publishing, and the summary report for decision makers (a PDF through pb.reports).

The experts whose input is used are the ones with input in the assignment at the time: the coordinator cannot
leave anyone out of the sign-off. A sign-off is tied to the SHA-256 of the exact text, so any edit asks every
one of them again. An expert who leaves the registry takes their input with them; a draft that used it is
marked for revision and cannot be published until the coordinator has edited it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role, User
from pb.audit.services import record
from pb.db import utcnow
from pb.experts import reidentification
from pb.experts.assignments import took_part
from pb.experts.forms import SummaryForm
from pb.experts.models import (
    CONFIDENTIALITY_LABELS,
    Assignment,
    AssignmentStatus,
    Confidentiality,
    ConsentPurpose,
    Expert,
    ExpertGroup,
    ExpertIdentity,
    ExpertInput,
    SignOff,
    SignOffDecision,
    Summary,
    SummaryStatus,
)
from pb.experts.registry import in_force_for
from pb.experts.services import MIN_GROUP, ExpertsRefused, coordinates, known_id, text_digest
from pb.i18n import N_

REPORT_TEMPLATE = "experts/summary_report.html"


def content_digest(themes: str, recommendations: str, quotes: str) -> str:
    return text_digest(
        json.dumps({"themes": themes, "recommendations": recommendations, "quotes": quotes}, sort_keys=True)
    )


def paragraphs(text: str) -> list[str]:
    """Text split at empty lines: how quotes (and paragraphs of themes) are written in the form."""
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


async def summary_of(db: AsyncSession, assignment: Assignment) -> Summary | None:
    return await db.scalar(select(Summary).where(Summary.assignment_id == assignment.id))


async def sources(db: AsyncSession, assignment: Assignment) -> set[int]:
    """The experts whose input is used: everyone with input in the assignment."""
    return set(await db.scalars(select(ExpertInput.expert_id).where(ExpertInput.assignment_id == assignment.id)))


# --- the check -------------------------------------------------------------------------------------------------


async def run_check(
    db: AsyncSession, assignment: Assignment, group: ExpertGroup, form: SummaryForm
) -> list[reidentification.Finding]:
    """The re-identification check against everyone the group knows (pb.experts.reidentification)."""
    identities = list(
        await db.scalars(
            select(ExpertIdentity)
            .join(Expert, Expert.id == ExpertIdentity.expert_id)
            .where(Expert.group_id == group.id)
        )
    )
    people = await took_part(db, assignment)
    holders: dict[int, set[int]] = {area.id: set() for area in group.areas}
    for expert in await db.scalars(select(Expert).where(Expert.id.in_(people))):
        for area_id in expert.area_ids:
            holders.setdefault(area_id, set()).add(expert.id)
    areas = [
        reidentification.Area(
            labels=tuple(label for label in (area.name_fi, area.name_sv, area.name_en) if label),
            holders=frozenset(holders.get(area.id, set())),
        )
        for area in group.areas
    ]
    return reidentification.check(
        {"themes": form.themes, "recommendations": form.recommendations, "quotes": form.quotes},
        names=[identity.name for identity in identities if identity.name],
        contacts=[identity.email for identity in identities]
        + [identity.phone for identity in identities if identity.phone],
        areas=areas,
        participants=len(people),
    )


# --- drafting --------------------------------------------------------------------------------------------------


async def save_draft(
    db: AsyncSession, actor: User, assignment: Assignment, group: ExpertGroup, form: SummaryForm, address: str
) -> Summary:
    if assignment.status in {AssignmentStatus.REQUESTED, AssignmentStatus.DECLINED}:
        raise ExpertsRefused(N_("Take the request on before writing its summary."), "themes")
    summary = await summary_of(db, assignment)
    if summary is None:
        summary = Summary(assignment_id=assignment.id, revision=0, content_sha256="")
        db.add(summary)
    if summary.status == SummaryStatus.PUBLISHED:
        raise ExpertsRefused(N_("A published summary cannot change."), "themes")
    digest = content_digest(form.themes, form.recommendations, form.quotes)
    findings = await run_check(db, assignment, group, form)
    if digest != summary.content_sha256 or summary.revision_required:
        summary.revision += 1
        summary.revision_required = False
    summary.themes, summary.recommendations, summary.quotes = form.themes, form.recommendations, form.quotes
    summary.content_sha256 = digest
    summary.check_warnings = [finding.as_json() for finding in findings]
    summary.warnings_reviewed = False
    summary.drafted_by_id = actor.id
    summary.updated_at = utcnow()
    await db.flush()
    record(
        db,
        actor=actor,
        action="experts.summary_saved",
        object_type="expert_summary",
        object_id=summary.id,
        after={"revision": summary.revision, "sha256": digest, "warnings": len(findings)},
        client_address=address,
    )
    await db.commit()
    return summary


async def request_signoff(
    db: AsyncSession, actor: User, assignment: Assignment, summary: Summary, address: str
) -> set[int]:
    """Asks every expert whose input is used to sign off the current revision; returns their numbers."""
    if summary.status != SummaryStatus.DRAFT or summary.revision_required:
        raise ExpertsRefused(N_("Revise the summary first."))
    asked = await sources(db, assignment)
    if not asked:
        raise ExpertsRefused(N_("No expert has written input for this assignment, so there is nobody to ask."))
    summary.signoff_requested_revision = summary.revision
    record(
        db,
        actor=actor,
        action="experts.signoff_requested",
        object_type="expert_summary",
        object_id=summary.id,
        after={"revision": summary.revision, "experts": sorted(asked)},
        client_address=address,
    )
    await db.commit()
    return asked


async def signoffs(db: AsyncSession, summary: Summary) -> dict[int, SignOff]:
    """Each expert's latest answer to the current text (earlier texts' answers do not count)."""
    latest: dict[int, SignOff] = {}
    for item in await db.scalars(
        select(SignOff)
        .where(SignOff.summary_id == summary.id, SignOff.content_sha256 == summary.content_sha256)
        .order_by(SignOff.at, SignOff.id)
    ):
        latest[item.expert_id] = item
    return latest


@dataclass(frozen=True)
class Gate:
    """Why a summary cannot be published yet: message ids, empty when it can."""

    problems: list[str]

    @property
    def open(self) -> bool:
        return not self.problems


async def gate(db: AsyncSession, assignment: Assignment, summary: Summary, *, reviewed: bool) -> Gate:
    problems: list[str] = []
    if summary.status != SummaryStatus.DRAFT:
        problems.append(N_("The summary has already been published."))
    if summary.revision_required:
        # Set when an expert leaves the registry (registry._withdraw) or deletes their input (confidential).
        problems.append(
            N_("An expert has left the registry or taken back their input: take their words out of the draft.")
        )
    if summary.signoff_requested_revision != summary.revision:
        problems.append(N_("The experts have not been asked to sign off this version."))
    needed = await sources(db, assignment)
    answers = await signoffs(db, summary)
    if not needed:
        problems.append(N_("No expert has written input for this assignment."))
    if any(expert_id not in answers or answers[expert_id].decision != SignOffDecision.APPROVED for expert_id in needed):
        problems.append(N_("Not every expert whose input is used has signed off this version."))
    if summary.check_warnings and not (reviewed or summary.warnings_reviewed):
        problems.append(N_("Go through the warnings of the re-identification check and confirm that you have."))
    return Gate(problems)


async def publish(
    db: AsyncSession, actor: User, assignment: Assignment, summary: Summary, *, reviewed: bool, address: str
) -> None:
    checked = await gate(db, assignment, summary, reviewed=reviewed)
    if not checked.open:
        raise ExpertsRefused(checked.problems[0])
    summary.warnings_reviewed = summary.warnings_reviewed or bool(summary.check_warnings)
    summary.status = SummaryStatus.PUBLISHED
    summary.participant_count = len(await took_part(db, assignment))
    summary.published_at = utcnow()
    summary.published_by_id = actor.id
    record(
        db,
        actor=actor,
        action="experts.summary_published",
        object_type="expert_summary",
        object_id=summary.id,
        after={
            "revision": summary.revision,
            "sha256": summary.content_sha256,
            "signed_off_by": sorted((await signoffs(db, summary)).keys()),
            "warnings_reviewed": summary.warnings_reviewed,
        },
        client_address=address,
    )
    await db.commit()


# --- the expert's side -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnSummary:
    summary: Summary
    assignment: Assignment
    group: ExpertGroup
    expert: Expert
    answer: SignOff | None


async def summaries_to_sign(db: AsyncSession, user: User) -> list[OwnSummary]:
    """Drafts the user is asked to sign off: their input is used and the coordinator asked for this revision."""
    # (assignment, expert) pairs where this account's expert entry has input. Found first on their own: DISTINCT
    # over whole summary rows would compare their JSON column, which PostgreSQL cannot.
    mine = await db.execute(
        select(ExpertInput.assignment_id, ExpertInput.expert_id)
        .join(ExpertIdentity, ExpertIdentity.expert_id == ExpertInput.expert_id)
        .where(ExpertIdentity.user_id == user.id)
        .distinct()
    )
    experts_by_assignment = {assignment_id: expert_id for assignment_id, expert_id in mine}
    rows = await db.execute(
        select(Summary, Assignment, ExpertGroup)
        .join(Assignment, Assignment.id == Summary.assignment_id)
        .join(ExpertGroup, ExpertGroup.id == Assignment.group_id)
        .where(
            Summary.assignment_id.in_(list(experts_by_assignment)),
            Summary.status == SummaryStatus.DRAFT,
            Summary.signoff_requested_revision == Summary.revision,
            Summary.revision_required.is_(False),
        )
        .order_by(Summary.id)
    )
    found = []
    for summary, assignment, group in rows:
        expert = await db.get(Expert, experts_by_assignment[assignment.id])
        assert expert is not None
        answer = (await signoffs(db, summary)).get(expert.id)
        found.append(OwnSummary(summary, assignment, group, expert, answer))
    return found


async def get_own_summary(db: AsyncSession, user: User, summary_id: int) -> OwnSummary:
    found = next((item for item in await summaries_to_sign(db, user) if item.summary.id == summary_id), None)
    if found is None:
        raise NotFoundException()
    return found


async def sign_off(
    db: AsyncSession, user: User, own: OwnSummary, decision: SignOffDecision, comment: str, address: str
) -> SignOff:
    answer = SignOff(
        summary_id=own.summary.id,
        expert_id=own.expert.id,
        content_sha256=own.summary.content_sha256,
        decision=decision,
        comment=comment,
    )
    db.add(answer)
    await db.flush()
    record(
        db,
        actor=user,
        action="experts.summary_signed",
        object_type="expert_summary",
        object_id=own.summary.id,
        after={"expert_id": own.expert.id, "decision": decision.value, "sha256": own.summary.content_sha256},
        client_address=address,
    )
    await db.commit()
    return answer


# --- reading published summaries -------------------------------------------------------------------------------


async def get_published_summary_for(
    db: AsyncSession, user: User, summary_id: int
) -> tuple[Summary, Assignment, ExpertGroup]:
    """Published summaries are for decision makers: the group's coordinators, whoever asked for the
    assignment, council members and administrators. Others (and drafts) get 404."""
    summary = await db.get(Summary, known_id(summary_id))
    if summary is None or summary.status != SummaryStatus.PUBLISHED:
        raise NotFoundException()
    assignment = await db.get(Assignment, summary.assignment_id)
    group = None if assignment is None else await db.get(ExpertGroup, assignment.group_id)
    if assignment is None or group is None:
        raise NotFoundException()
    allowed = (
        coordinates(user, group)
        or assignment.requested_by_id == user.id
        or user.has_role(Role.COUNCIL_MEMBER, Role.ADMIN)
    )
    if not allowed:
        raise NotFoundException()
    return summary, assignment, group


async def published_for_requests(db: AsyncSession, assignment_ids: list[int]) -> dict[int, Summary]:
    if not assignment_ids:
        return {}
    rows = await db.scalars(
        select(Summary).where(Summary.assignment_id.in_(assignment_ids), Summary.status == SummaryStatus.PUBLISHED)
    )
    return {summary.assignment_id: summary for summary in rows}


@dataclass(frozen=True)
class ReportFacts:
    """Everything the report shows, as plain data (pb.reports digests it for the cache)."""

    topic: str
    department: str
    questions: list[str]
    starts_on: date
    ends_on: date
    participants: int | None  # None: fewer than five, not shown as a number
    named: list[str]
    themes: list[str]
    recommendations: list[str]
    quotes: list[str]
    confidentiality: str
    published_at: datetime


async def report_facts(db: AsyncSession, summary: Summary, assignment: Assignment, day: date) -> ReportFacts:
    """Names only of experts whose consent to be named is in force today: a withdrawn consent takes the name out
    of every PDF made from then on (the cache key changes with the names)."""
    people = await took_part(db, assignment) | {
        item.expert_id for item in await db.scalars(select(SignOff).where(SignOff.summary_id == summary.id))
    }
    named_ids = await in_force_for(db, people, ConsentPurpose.NAMED, day) & await in_force_for(
        db, people, ConsentPurpose.REGISTRY, day
    )
    names = sorted(
        identity.name
        for identity in await db.scalars(select(ExpertIdentity).where(ExpertIdentity.expert_id.in_(named_ids)))
        if identity.name
    )
    count = summary.participant_count if summary.participant_count is not None else len(people)
    assert summary.published_at is not None
    return ReportFacts(
        topic=assignment.topic,
        department=assignment.department,
        questions=paragraphs(assignment.questions),
        starts_on=assignment.starts_on,
        ends_on=assignment.ends_on,
        participants=count if count >= MIN_GROUP else None,
        named=names,
        themes=paragraphs(summary.themes),
        recommendations=paragraphs(summary.recommendations),
        quotes=paragraphs(summary.quotes),
        confidentiality=CONFIDENTIALITY_LABELS[Confidentiality(assignment.confidentiality)],
        published_at=summary.published_at,
    )


def report_context(facts: ReportFacts, group_name: str, title: str) -> dict[str, Any]:
    return {"title": title, "subtitle": group_name, "report_date": facts.published_at, "facts": facts}
