"""What the panel's public page shows (issue 8): the remit, who was selected in numbers by category (names only of
members who agreed to it), the final recommendations with their support and minority statements, and the
council's response once it is published."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.panels import council, recommendations
from pb.panels.draw import composition
from pb.panels.models import Panel
from pb.panels.selection import drawn_selection
from pb.panels.work_models import CouncilResponse, PanelMember, PanelRecommendation


@dataclass(frozen=True)
class PublicRecommendation:
    recommendation: PanelRecommendation
    support: recommendations.Support
    response: CouncilResponse | None


async def public_recommendations(db: AsyncSession, panel: Panel) -> list[PublicRecommendation]:
    """The recommendations the public page (and the open data API) shows: none until the facilitators make them
    final, and the council's answers only once published (OECD 2020 principle 2: answered publicly, item by item)."""
    if panel.recommendations_stage != recommendations.Stage.FINAL:
        return []
    responses = await council.responses_of(db, panel) if panel.response_published_at else {}
    return [
        PublicRecommendation(item, recommendations.support_of(item), responses.get(item.id))
        for item in await recommendations.recommendations_of(db, panel)
    ]


async def public_context(db: AsyncSession, panel: Panel) -> dict[str, Any]:
    selection = await drawn_selection(db, panel)
    named = list(
        await db.scalars(
            select(PanelMember.display_name)
            .where(
                PanelMember.panel_id == panel.id,
                PanelMember.name_public.is_(True),
                PanelMember.dropped_out_at.is_(None),
                PanelMember.display_name != "",
            )
            .order_by(PanelMember.display_name)
        )
    )
    items = await public_recommendations(db, panel)
    return {
        "selection": selection,
        "composition": composition(panel, selection) if selection else [],
        "named_members": named,
        "public_recommendations": items,
        "score_labels": recommendations.SCORE_LABELS,
        "decision_labels": council.DECISION_LABELS,
    }
