"""A finished citizens' panel for the open data API's tests: two final recommendations with votes, a minority
statement, an earlier version and a member's comment, and the council's answers with a progress report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.panels.models import Panel
from pb.panels.work_models import (
    CouncilResponse,
    MinorityStatement,
    PanelMember,
    PanelRecommendation,
    RecommendationComment,
    RecommendationVersion,
    RecommendationVote,
    ResponseUpdate,
)
from tests.panels.support import make_panel

# Words that exist only where the API must never look: the members' names, an earlier wording, a comment.
MEMBER_NAMES = ("Sigrid Sundström", "Aila Mäkinen", "Noora Heikkinen", "Ahmed Ali", "Ritva Salonen", "Mikael Öhman")
EARLIER_WORDING = "Varhaisempimuotoilu"
COMMENT_SECRET = "Jasentenkeskustelu"
REASONING = "Penkit lisätään, puut tutkitaan."
PROGRESS = "Kymmenen penkkiä asennettu."
MINORITY = "Penkit vievät tilaa torin tapahtumilta."


@dataclass(frozen=True)
class Finished:
    panel: Panel
    members: list[PanelMember]
    benches: PanelRecommendation  # answered "partly", with a progress report and a minority statement
    bicycles: PanelRecommendation  # answered "rejected"


def add_final_recommendation(
    db: Session, panel: Panel, members: list[PanelMember], title: str, scores: list[int], position: int
) -> PanelRecommendation:
    author = members[1]
    recommendation = PanelRecommendation(
        panel_id=panel.id,
        position=position,
        title=title,
        body=f"{title}: lopullinen teksti.",
        rationale="Koska se auttaa.",
        created_by_member_id=author.id,
    )
    recommendation.versions.append(
        RecommendationVersion(
            number=1, title=title, body=EARLIER_WORDING, rationale=EARLIER_WORDING, member_id=author.id
        )
    )
    recommendation.versions.append(
        RecommendationVersion(
            number=2, title=title, body=recommendation.body, rationale=recommendation.rationale, member_id=author.id
        )
    )
    for member, score in zip(members, scores, strict=True):
        recommendation.votes.append(RecommendationVote(member_id=member.id, score=score))
    db.add(recommendation)
    db.commit()
    db.add(RecommendationComment(recommendation_id=recommendation.id, member_id=author.id, body=COMMENT_SECRET))
    db.commit()
    return recommendation


def finished_panel(
    db: Session, facilitator: User, recorder: User, *, slug: str = "kuntalaisraati-2025", published: bool = True
) -> Finished:
    """A published panel whose six members voted on two final recommendations; the council answered both (and
    published the answers unless ``published`` is False) and reported progress on the first."""
    panel = make_panel(db, facilitator, slug=slug)
    panel.size = len(MEMBER_NAMES)
    panel.recommendations_stage = "final"
    members = []
    for number, name in enumerate(MEMBER_NAMES):
        # One member agreed to be named on the public page: the API names nobody all the same.
        member = PanelMember(panel_id=panel.id, pseudonym=f"q{number:08x}", display_name=name, name_public=number == 0)
        db.add(member)
        members.append(member)
    db.commit()
    benches = add_final_recommendation(db, panel, members, "Penkkejä torille", [5, 4, 4, 4, 2, 1], 1)
    bicycles = add_final_recommendation(db, panel, members, "Pyöräparkki asemalle", [5, 5, 5, 5, 4, 3], 2)
    benches.minority_statements.append(MinorityStatement(member_id=members[4].id, body=MINORITY))
    long_ago = utcnow() - timedelta(days=30)
    answer = CouncilResponse(
        recommendation_id=benches.id,
        decision="partly",
        reasoning=REASONING,
        responsible_body="Kaupunkiympäristö",
        deadline=date(2026, 12, 31),
        decision_reference="Kvalt 12.5.2026 § 45",
        recorded_at=long_ago,
        recorded_by_id=recorder.id,
    )
    answer.updates.append(
        ResponseUpdate(on=date(2026, 9, 1), text=PROGRESS, recorded_at=long_ago, recorded_by_id=recorder.id)
    )
    db.add(answer)
    db.add(
        CouncilResponse(
            recommendation_id=bicycles.id,
            decision="rejected",
            reasoning="Tilaa ei ole.",
            recorded_at=long_ago,
            recorded_by_id=recorder.id,
        )
    )
    if published:
        panel.response_published_at = long_ago
    db.commit()
    return Finished(panel, members, benches, bicycles)
