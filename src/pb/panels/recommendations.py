"""The panel's recommendations (issue 8): drafted and revised by the members with every version kept, discussed
in comments, voted on at the end on a five-point scale, with minority statements attached. No HTTP here.

Stages (set by the facilitators): drafting (members write, revise, comment and add minority statements), voting
(members vote on each recommendation; texts are frozen so that everyone votes on the same words), final (the
recommendations with their support are published and go to the council).

Support is reported as Scotland's Citizens' Assembly did (deliberation-panels.md §3.1 step 7): the share of
"agree" and "strongly agree" among the votes cast, with the whole distribution; over 75 % is "strongly
supported", over 50 % "supported".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.audit.services import record
from pb.db import utcnow
from pb.i18n import N_
from pb.panels.models import Panel
from pb.panels.services import PanelRefused
from pb.panels.work_forms import RecommendationForm
from pb.panels.work_models import (
    MinorityStatement,
    PanelMember,
    PanelRecommendation,
    RecommendationComment,
    RecommendationVersion,
    RecommendationVote,
)
from pb.panels.workspace import Seat, require_facilitator, require_member


class Stage(StrEnum):
    DRAFTING = "drafting"
    VOTING = "voting"
    FINAL = "final"


STAGE_LABELS = {
    Stage.DRAFTING: N_("Drafting"),
    Stage.VOTING: N_("Voting"),
    Stage.FINAL: N_("Final"),
}
SCORE_LABELS = {
    1: N_("Strongly disagree"),
    2: N_("Disagree"),
    3: N_("Neither agree nor disagree"),
    4: N_("Agree"),
    5: N_("Strongly agree"),
}
STRONG_SUPPORT = 0.75
SUPPORT = 0.5


@dataclass(frozen=True)
class Support:
    counts: tuple[int, int, int, int, int]  # votes per score 1 … 5
    votes: int
    share: float | None  # agree + strongly agree, of the votes cast

    @property
    def level(self) -> str:
        if self.share is None:
            return "none"
        if self.share > STRONG_SUPPORT:
            return "strong"
        if self.share > SUPPORT:
            return "supported"
        return "not_supported"


def support_of(recommendation: PanelRecommendation) -> Support:
    counts = [0, 0, 0, 0, 0]
    for vote in recommendation.votes:
        counts[vote.score - 1] += 1
    votes = sum(counts)
    share = (counts[3] + counts[4]) / votes if votes else None
    return Support((counts[0], counts[1], counts[2], counts[3], counts[4]), votes, share)


async def recommendations_of(db: AsyncSession, panel: Panel) -> list[PanelRecommendation]:
    return list(
        await db.scalars(
            select(PanelRecommendation)
            .where(PanelRecommendation.panel_id == panel.id)
            .order_by(PanelRecommendation.position, PanelRecommendation.id)
        )
    )


async def recommendation_of(db: AsyncSession, panel: Panel, recommendation_id: int) -> PanelRecommendation:
    found = await db.get(PanelRecommendation, recommendation_id)
    if found is None or found.panel_id != panel.id:
        raise NotFoundException()
    return found


def _require_stage(panel: Panel, *stages: Stage) -> None:
    if panel.recommendations_stage not in stages:
        raise PanelRefused(N_("This cannot be done at the recommendations' current stage."))


async def set_stage(db: AsyncSession, seat: Seat, stage: Stage, address: str) -> None:
    require_facilitator(seat)
    before = seat.panel.recommendations_stage
    seat.panel.recommendations_stage = stage
    record(
        db,
        actor=seat.user,
        action="panel.stage_changed",
        object_type="panel",
        object_id=seat.panel.id,
        before={"stage": before},
        after={"stage": stage},
        client_address=address,
    )
    await db.commit()


async def add_recommendation(db: AsyncSession, seat: Seat, form: RecommendationForm) -> PanelRecommendation:
    member = require_member(seat)
    _require_stage(seat.panel, Stage.DRAFTING)
    count = len(await recommendations_of(db, seat.panel))
    recommendation = PanelRecommendation(
        panel_id=seat.panel.id,
        position=count + 1,
        title=form.title,
        body=form.body,
        rationale=form.rationale,
        created_by_member_id=member.id,
        versions=[
            RecommendationVersion(
                number=1, title=form.title, body=form.body, rationale=form.rationale, member_id=member.id
            )
        ],
        votes=[],
        minority_statements=[],
    )
    db.add(recommendation)
    await db.commit()
    return recommendation


async def revise(db: AsyncSession, seat: Seat, recommendation: PanelRecommendation, form: RecommendationForm) -> None:
    """A new version by any member; the earlier versions stay (the members own the wording, OECD principle 7)."""
    member = require_member(seat)
    _require_stage(seat.panel, Stage.DRAFTING)
    if (form.title, form.body, form.rationale) == (recommendation.title, recommendation.body, recommendation.rationale):
        raise PanelRefused(N_("Nothing was changed."), "body")
    number = max((version.number for version in recommendation.versions), default=0) + 1
    recommendation.versions.append(
        RecommendationVersion(
            number=number, title=form.title, body=form.body, rationale=form.rationale, member_id=member.id
        )
    )
    recommendation.title, recommendation.body, recommendation.rationale = form.title, form.body, form.rationale
    await db.commit()


async def comments_of(db: AsyncSession, recommendation: PanelRecommendation) -> list[RecommendationComment]:
    return list(
        await db.scalars(
            select(RecommendationComment)
            .where(RecommendationComment.recommendation_id == recommendation.id)
            .order_by(RecommendationComment.id)
        )
    )


async def add_comment(db: AsyncSession, seat: Seat, recommendation: PanelRecommendation, body: str) -> None:
    _require_stage(seat.panel, Stage.DRAFTING, Stage.VOTING)
    db.add(
        RecommendationComment(
            recommendation_id=recommendation.id,
            member_id=seat.member.id if seat.member else None,
            author_user_id=None if seat.member else seat.user.id,
            body=body,
        )
    )
    await db.commit()


async def vote(db: AsyncSession, seat: Seat, recommendation: PanelRecommendation, score: int) -> RecommendationVote:
    """A member's vote; voting again changes it until the facilitators close the voting."""
    member = require_member(seat)
    _require_stage(seat.panel, Stage.VOTING)
    if score not in SCORE_LABELS:
        raise ValueError("score must be 1 … 5")
    existing = next((item for item in recommendation.votes if item.member_id == member.id), None)
    if existing is None:
        existing = RecommendationVote(member_id=member.id, score=score)
        recommendation.votes.append(existing)
    else:
        existing.score = score
        existing.voted_at = utcnow()
    await db.commit()
    return existing


def vote_of(recommendation: PanelRecommendation, member: PanelMember | None) -> int | None:
    if member is None:
        return None
    return next((item.score for item in recommendation.votes if item.member_id == member.id), None)


async def add_minority_statement(db: AsyncSession, seat: Seat, recommendation: PanelRecommendation, body: str) -> None:
    member = require_member(seat)
    _require_stage(seat.panel, Stage.DRAFTING, Stage.VOTING)
    recommendation.minority_statements.append(MinorityStatement(member_id=member.id, body=body))
    await db.commit()


def may_see_support(seat: Seat | None, panel: Panel) -> bool:
    """The distribution is shown to members only once voting has closed, so that it does not sway the vote; the
    facilitators follow it during the vote."""
    if panel.recommendations_stage == Stage.FINAL:
        return True
    return seat is not None and seat.is_facilitator


def authors_of(members: list[PanelMember]) -> dict[int, str]:
    return {member.id: member.display_name for member in members}
