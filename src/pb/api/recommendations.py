"""A citizens' panel's recommendations and the council's answers as open data (issue 7: "panels' public
information, published recommendations and the council's responses").

Visibility is the panel's public page's, through its own loader and rule (``get_public_panel``,
``pb.panels.public.public_recommendations``): nothing of an unpublished panel; no recommendation until the
facilitators make them final; no answer until the council publishes its answers. Each recommendation is
published as the page and the panel report show it: the final text, how many versions it went through, the
support with its whole distribution (the page shows every count, so nothing is suppressed here either), the
minority statements and the answer with its dated progress reports. Never who wrote, revised or voted, the
members' comments, the earlier versions, or who recorded an answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pb.api.forms import UNANSWERED, RecommendationFilters
from pb.api.services import Listing, Urls, iso, page_of
from pb.panels import services as panels
from pb.panels.models import Panel
from pb.panels.public import PublicRecommendation, public_recommendations
from pb.panels.recommendations import Support
from pb.panels.work_models import CouncilResponse

# The five-point scale's answers (pb.panels.recommendations.SCORE_LABELS), from score 1 to score 5.
ANSWERS = ("strongly_disagree", "disagree", "neither", "agree", "strongly_agree")


def support_document(support: Support) -> dict[str, Any]:
    return {
        "votes": support.votes,
        "distribution": dict(zip(ANSWERS, support.counts, strict=True)),
        "share": support.share,
        "level": support.level,
    }


def answer_changed_at(response: CouncilResponse, published_at: datetime) -> datetime:
    """When the published answer last changed: its publication, a later edit, or its newest progress report."""
    return max([published_at, response.recorded_at, *(update.recorded_at for update in response.updates)])


def response_document(response: CouncilResponse, published_at: datetime) -> dict[str, Any]:
    return {
        "decision": response.decision,
        "reasoning": response.reasoning,
        "responsible_body": response.responsible_body,
        "deadline": iso(response.deadline),
        "decision_reference": response.decision_reference,
        "published_at": iso(published_at),
        "updated_at": iso(answer_changed_at(response, published_at)),
        "progress": [{"on": iso(update.on), "text": update.text} for update in response.updates],
    }


def recommendation_document(panel: Panel, number: int, item: PublicRecommendation, urls: Urls) -> dict[str, Any]:
    recommendation = item.recommendation
    published_at = panel.response_published_at
    return {
        "id": recommendation.id,
        "panel": panel.slug,
        "number": number,
        "title": recommendation.title,
        "body": recommendation.body,
        "rationale": recommendation.rationale,
        "versions": len(recommendation.versions),
        "support": support_document(item.support),
        "minority_statements": [{"text": statement.body} for statement in recommendation.minority_statements],
        "council_response": (
            response_document(item.response, published_at)
            if item.response is not None and published_at is not None
            else None
        ),
        "links": {
            "page": urls.page(f"/panels/{panel.slug}#recommendation-{recommendation.id}"),
            "panel": urls.api(f"/panels/{panel.slug}"),
        },
    }


def _wanted(item: PublicRecommendation, panel: Panel, filters: RecommendationFilters) -> bool:
    response, published_at = item.response, panel.response_published_at
    if filters.decision is not None:
        decision = response.decision if response is not None else UNANSWERED
        if decision != filters.decision:
            return False
    if filters.updated_since is not None:
        if response is None or published_at is None:
            return False
        return answer_changed_at(response, published_at) >= filters.updated_since
    return True


async def list_recommendations(db: AsyncSession, slug: str, filters: RecommendationFilters, urls: Urls) -> Listing:
    """A published panel's public recommendations in the page's order, numbered as on the page (a panel has tens
    of them at most, so they are filtered here rather than in SQL)."""
    panel = await panels.get_public_panel(db, slug)
    found = [
        recommendation_document(panel, number, item, urls)
        for number, item in enumerate(await public_recommendations(db, panel), start=1)
        if _wanted(item, panel, filters)
    ]
    return page_of(found, filters.window)
