"""What the open data API publishes, read as JSON-ready documents (issue 7, "Open data API").

Visibility is decided by the loaders and rules of the public pages, never anew here:
- processes: ``get_process_for`` / ``visible_processes`` with no user, so published rounds only;
- proposals: ``get_proposal_for`` with no user (no drafts, nothing of an unpublished round) and the public
  statuses of the list page; a hidden proposal's content is withheld as its page withholds it;
- results: published records only, through pb.results.services;
- anonymised ballots: only once ``results_published`` says the round's results are out, as the ballots page;
- panels: ``get_public_panel``, and only what a panel's public page shows; their recommendations and the
  council's answers through the page's own rule (pb.api.recommendations).
The API always answers as an anonymous visitor, even to a signed-in administrator's browser: the data are the
same for everybody, so they can be cached and licensed as one public data set. No personal data is published:
no author names or addresses, no voter data; ballots carry no voter (docs/ballot-secrecy.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from litestar.exceptions import NotFoundException
from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from pb.api.forms import (
    BudgetFilters,
    DistrictChoice,
    ProcessFilters,
    ProposalFilters,
    Window,
)
from pb.districts.models import District
from pb.panels import recruitment
from pb.panels import services as panels
from pb.panels.models import Panel
from pb.panels.recommendations import Stage
from pb.processes import services as processes
from pb.processes.models import Budget, Process
from pb.proposals import services as proposals
from pb.proposals.models import PUBLIC_STATUSES, Proposal, ProposalImage
from pb.results import services as results
from pb.review.services import timeline_context
from pb.settings import Settings

# Creative Commons Attribution 4.0 International: anyone may reuse the data, naming the source (issue 7).
LICENSE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "identifier": "CC-BY-4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
API_VERSION = "1"


def meta(settings: Settings) -> dict[str, Any]:
    """Every response's licence statement: CC BY 4.0 asks reusers to name the source."""
    return {
        "license": LICENSE,
        "attribution": f"{settings.municipality_name}, participatory budgeting open data (pb)",
        "api_version": API_VERSION,
    }


class Urls:
    """Absolute addresses, built from the configured base URL (never from the request's Host header)."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def api(self, path: str) -> str:
        return f"{self.base}/api/v1{path}"

    def page(self, path: str) -> str:
        return f"{self.base}{path}"


@dataclass(frozen=True)
class Listing:
    items: list[dict[str, Any]]
    total: int


def iso(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def names(item: Any, field: str = "name") -> dict[str, str]:
    """An admin-entered text in Finnish, Swedish and English, as entered (an empty string when missing)."""
    return {language: str(getattr(item, f"{field}_{language}", "") or "") for language in ("fi", "sv", "en")}


def page_of(items: Sequence[dict[str, Any]], window: Window) -> Listing:
    return Listing(list(items[window.offset : window.offset + window.limit]), len(items))


async def paged(db: AsyncSession, query: Select[Any], window: Window) -> tuple[list[Any], int]:
    """The rows of one page of ``query`` (which must have a stable order) and the number of all rows."""
    total = await db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(await db.scalars(query.limit(window.limit).offset(window.offset)))
    return rows, int(total)


# --- processes and budgets ------------------------------------------------------------------------------------


async def district_names(db: AsyncSession) -> dict[int, District]:
    return {district.id: district for district in await processes.all_districts(db)}


def budget_document(process: Process, budget: Budget, urls: Urls) -> dict[str, Any]:
    return {
        "id": budget.id,
        "process": process.slug,
        "name": names(budget),
        "district_id": budget.district_id,
        "amount_cents": budget.amount_cents,
        "currency": "EUR",
        "ballot_format": budget.ballot_format,
        "min_spend_percent": budget.min_spend_percent,
        "min_choices": budget.min_choices,
        "max_choices": budget.max_choices,
        "points_total": budget.points_total,
        "points_per_project": budget.points_per_project,
        "links": {
            "self": urls.api(f"/budgets/{budget.id}"),
            "projects": urls.api(f"/projects?budget={budget.id}"),
            "results": urls.api(f"/results?budget={budget.id}"),
            "ballots": urls.api(f"/budgets/{budget.id}/ballots"),
        },
    }


def process_document(
    process: Process, districts: dict[int, District], *, now: datetime, published: bool, urls: Urls
) -> dict[str, Any]:
    current = process.current_phase(now)
    taking_part = []
    for item in process.districts:
        district = districts.get(item.district_id)
        taking_part.append(
            {
                "id": item.district_id,
                "code": district.code if district else "",
                "name": names(district) if district else names(None),
                "eligible_population": item.eligible_population,
                "eligible_by_age": {str(band): int(count) for band, count in item.population_by_age.items()},
            }
        )
    return {
        "slug": process.slug,
        "name": names(process),
        "description": names(process, "description"),
        "current_phase": current.kind if current else None,
        "phases": [
            {
                "kind": phase.kind,
                "starts_at": iso(phase.starts_at),
                "ends_at": iso(phase.effective_end),
                "state": phase.state(now),
            }
            for phase in process.phases
        ],
        "minimum_age": process.minimum_age,
        "budget_rule": process.budget_rule,
        "voting_methods": list(process.voting_methods),
        "age_bands": list(process.age_bands),
        "districts": taking_part,
        "budgets": [budget_document(process, budget, urls) for budget in process.budgets],
        "themes": [{"id": theme.id, "name": names(theme)} for theme in process.themes],
        "results_published": published,
        "links": {
            "self": urls.api(f"/processes/{process.slug}"),
            "page": urls.page(f"/processes/{process.slug}"),
            "proposals": urls.api(f"/proposals?process={process.slug}"),
            "projects": urls.api(f"/projects?process={process.slug}"),
            "results": urls.api(f"/results?process={process.slug}"),
            "implementations": urls.api(f"/implementations?process={process.slug}"),
            "participation": urls.api(f"/processes/{process.slug}/participation"),
            "bulk": urls.api(f"/processes/{process.slug}/bulk.zip") if published else None,
        },
    }


async def list_processes(db: AsyncSession, filters: ProcessFilters, urls: Urls) -> Listing:
    now = processes.now()

    def phase_now(process: Process) -> str:
        current = process.current_phase(now)
        return current.kind if current is not None else "none"

    found = await processes.visible_processes(db, None)
    if filters.phase is not None:
        found = [item for item in found if phase_now(item) == filters.phase]
    # Oldest first, so that a new round does not shift the pages a client is walking through.
    found.sort(key=lambda item: (item.created_at, item.id))
    chosen = found[filters.window.offset : filters.window.offset + filters.window.limit]
    districts = await district_names(db)
    documents = [
        process_document(item, districts, now=now, published=await results.results_published(db, item), urls=urls)
        for item in chosen
    ]
    return Listing(documents, len(found))


async def get_process(db: AsyncSession, slug: str, urls: Urls) -> dict[str, Any]:
    process = await processes.get_process_for(db, None, slug)
    return process_document(
        process,
        await district_names(db),
        now=processes.now(),
        published=await results.results_published(db, process),
        urls=urls,
    )


SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


def published_rounds(query: SelectT, slug: str | None) -> SelectT:
    query = query.where(Process.is_published.is_(True))
    return query.where(Process.slug == slug) if slug is not None else query


def in_district(query: SelectT, column: Any, choice: DistrictChoice | None) -> SelectT:
    if choice is None:
        return query
    return query.where(column.is_(None) if choice.city_wide else column == choice.district_id)


async def list_budgets(db: AsyncSession, filters: BudgetFilters, urls: Urls) -> Listing:
    query = select(Budget).join(Process, Budget.process_id == Process.id)
    query = in_district(published_rounds(query, filters.process), Budget.district_id, filters.district)
    rows, total = await paged(db, query.order_by(Process.id, Budget.position, Budget.id), filters.window)
    by_id = {
        item.id: item for item in await db.scalars(select(Process).where(Process.id.in_({b.process_id for b in rows})))
    }
    return Listing([budget_document(by_id[budget.process_id], budget, urls) for budget in rows], total)


async def public_budget(db: AsyncSession, budget_id: int) -> tuple[Process, Budget]:
    """A budget of a published round (through the round's loader); 404 otherwise."""
    budget = await db.get(Budget, budget_id)
    if budget is None:
        raise NotFoundException()
    process = await processes.get_process_by_id_for(db, None, budget.process_id)
    found = processes.budget_by_id(process, budget.id)
    assert found is not None
    return process, found


# --- proposals ------------------------------------------------------------------------------------------------


def _proposal_query(filters: ProposalFilters) -> Select[Any]:
    query = select(Proposal).join(Process, Proposal.process_id == Process.id)
    # The same statuses the public list and the proposal's page show: never a draft.
    query = published_rounds(query, filters.process).where(Proposal.status.in_(sorted(PUBLIC_STATUSES)))
    if filters.status is not None:
        query = query.where(Proposal.status == filters.status)
    if filters.district is not None or filters.theme is not None:
        # A hidden proposal's page does not show its area or theme, so a filter on them must not find it.
        query = in_district(query, Proposal.district_id, filters.district).where(Proposal.hidden_at.is_(None))
        if filters.theme is not None:
            query = query.where(Proposal.theme_id == filters.theme)
    if filters.updated_since is not None:
        # Hiding does not touch updated_at, but a client keeping a copy must learn that the content is gone.
        query = query.where(
            or_(Proposal.updated_at >= filters.updated_since, Proposal.hidden_at >= filters.updated_since)
        )
    return query.order_by(Proposal.id)


async def _images(db: AsyncSession, ids: Sequence[int]) -> dict[int, list[ProposalImage]]:
    found: dict[int, list[ProposalImage]] = {proposal_id: [] for proposal_id in ids}
    if not ids:
        return found
    query = (
        select(ProposalImage)
        .where(ProposalImage.proposal_id.in_(ids))
        .options(defer(ProposalImage.data))
        .order_by(ProposalImage.position, ProposalImage.id)
    )
    for image in await db.scalars(query):
        found[image.proposal_id].append(image)
    return found


def proposal_document(
    proposal: Proposal, process: Process, images: Sequence[ProposalImage], urls: Urls
) -> dict[str, Any]:
    """The public fields of a proposal. Its authors are not published: their names are personal data that the
    proposal page shows to readers, which is not the same as a licence for anyone to republish them (GDPR art. 5
    1(c), data minimisation)."""
    # The proposal page shows a hidden proposal's status, dates and timeline, but none of its content.
    shown = proposal.hidden_at is None
    updated = max(proposal.updated_at, proposal.hidden_at) if proposal.hidden_at else proposal.updated_at
    return {
        "id": proposal.id,
        "process": process.slug,
        "is_plan": proposal.is_plan,
        "status": proposal.status,
        "language": proposal.language,
        "hidden": not shown,
        "hidden_reason": (proposal.hidden_reason or "") if not shown else None,
        "title": proposal.title if shown else None,
        "summary": proposal.summary if shown else None,
        "body": proposal.body if shown else None,
        "district_id": proposal.district_id if shown else None,
        "theme_id": proposal.theme_id if shown else None,
        "address": proposal.address if shown else None,
        "latitude": proposal.latitude if shown else None,
        "longitude": proposal.longitude if shown else None,
        "author_cost_cents": proposal.author_cost_cents if shown else None,
        "merged_into_id": proposal.merged_into_id,
        "support_count": proposal.support_count,
        "comment_count": proposal.comment_count,
        "published_at": iso(proposal.published_at),
        "updated_at": iso(updated),
        "images": [
            {
                "url": urls.page(f"/proposals/{proposal.id}/images/{image.id}"),
                "alt_text": image.alt_text,
                "media_type": image.media_type,
                "width": image.width,
                "height": image.height,
            }
            for image in (images if shown else ())
        ],
        "links": {"self": urls.api(f"/proposals/{proposal.id}"), "page": urls.page(f"/proposals/{proposal.id}")},
    }


async def list_proposals(db: AsyncSession, filters: ProposalFilters, urls: Urls) -> Listing:
    rows, total = await paged(db, _proposal_query(filters), filters.window)
    by_id = {
        item.id: item for item in await db.scalars(select(Process).where(Process.id.in_({p.process_id for p in rows})))
    }
    images = await _images(db, [proposal.id for proposal in rows])
    return Listing([proposal_document(p, by_id[p.process_id], images[p.id], urls) for p in rows], total)


async def get_proposal(db: AsyncSession, proposal_id: int, urls: Urls) -> dict[str, Any]:
    """One proposal through the proposal page's own loader, with its public timeline (never staff notes)."""
    proposal = await proposals.get_proposal_for(db, None, proposal_id)
    process = await proposals.process_of(db, proposal)
    document = proposal_document(proposal, process, (await _images(db, [proposal.id]))[proposal.id], urls)
    timeline = (await timeline_context(db, proposal, None))["timeline"]
    review = timeline.review
    document["timeline"] = {
        "review": (
            {
                "feasibility": review.feasibility,
                "public_reason": review.public_reason,
                "cost_min_cents": review.cost_min_cents,
                "cost_max_cents": review.cost_max_cents,
            }
            if review is not None and review.feasibility != "undecided"
            else None
        ),
        "events": [
            {"at": iso(event.at), "kind": event.kind, "status": event.status, "public_note": event.public_note}
            for event in timeline.events
        ],
        "plan_id": timeline.plan.id if timeline.plan is not None else None,
        "source_ids": [source.id for source in timeline.sources],
        "project_ids": [project.id for project, _ in timeline.projects],
    }
    return document


# --- panels ---------------------------------------------------------------------------------------------------


async def panel_document(db: AsyncSession, panel: Panel, settings: Settings, urls: Urls) -> dict[str, Any]:
    """What a panel's public page shows: its remit, commissioner, size, dates, the invitation lottery and whether
    its recommendations and the council's answers are out (they are at ``links.recommendations``)."""
    draw = await panels.draw_of(db, panel)
    notice = await panels.current_privacy(db, panel)
    return {
        "slug": panel.slug,
        "name": names(panel),
        "remit": names(panel, "remit"),
        "description": names(panel, "description"),
        "commissioner": panel.commissioner,
        "size": panel.size,
        "registration_closes_on": iso(panel.registration_closes_on),
        "first_session_on": iso(panel.first_session_on),
        "last_session_on": iso(panel.last_session_on),
        "registration_open": recruitment.registration_open(panel, draw, notice, panels.today(settings.timezone)),
        "invitation_lottery": (
            {
                "drawn_at": iso(draw.drawn_at),
                "method": draw.method,
                "seed": draw.seed,
                "register_size": draw.register_size,
                "register_sha256": draw.register_sha256,
                "drawn_count": draw.drawn_count,
                "drawn_sha256": draw.drawn_sha256,
                "software_version": draw.software_version,
            }
            if draw is not None
            else None
        ),
        # The public page's rule (pb.panels.public.public_recommendations): final recommendations are public, the
        # council's answers once published.
        "recommendations_published": panel.recommendations_stage == Stage.FINAL,
        "response_published_at": iso(panel.response_published_at),
        "links": {
            "self": urls.api(f"/panels/{panel.slug}"),
            "page": urls.page(f"/panels/{panel.slug}"),
            "recommendations": urls.api(f"/panels/{panel.slug}/recommendations"),
        },
    }


async def list_panels(db: AsyncSession, window: Window, settings: Settings, urls: Urls) -> Listing:
    query = select(Panel).where(Panel.is_published.is_(True)).order_by(Panel.id)
    rows, total = await paged(db, query, window)
    return Listing([await panel_document(db, panel, settings, urls) for panel in rows], total)


async def get_panel(db: AsyncSession, slug: str, settings: Settings, urls: Urls) -> dict[str, Any]:
    return await panel_document(db, await panels.get_public_panel(db, slug), settings, urls)
