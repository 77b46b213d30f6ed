"""HTTP for the council's response: council members (and admins) answer each final recommendation, report
progress, and publish the answer, which also emails the panel's members."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.panels import council, recommendations, work_forms
from pb.panels.models import Panel
from pb.panels.services import PanelRefused
from pb.panels.work_models import PanelRecommendation
from pb.web.auth import client_address, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, read_form, translator
from pb.web.responses import flash, page, see_other

BASE = "/council/panels"


class CouncilController(Controller):
    path = BASE
    guards = [requires_role(Role.COUNCIL_MEMBER, Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    @get("/", name="council_panels")
    async def index(self, db: NamedDependency[AsyncSession]) -> Template:
        return page("panels/council/list.html", panels=await council.panels_for_council(db))

    @get("/{panel_id:int}", name="council_panel")
    async def panel(self, panel_id: FromPath[int], db: NamedDependency[AsyncSession]) -> Template:
        found = await council.get_panel_for_council(db, panel_id)
        items = await recommendations.recommendations_of(db, found)
        return page(
            "panels/council/panel.html",
            panel=found,
            items=[(item, recommendations.support_of(item)) for item in items],
            responses=await council.responses_of(db, found),
            decision_labels=council.DECISION_LABELS,
        )

    async def _recommendation(self, db: AsyncSession, panel_id: int, recommendation_id: int) -> tuple[Panel, Any]:
        found = await council.get_panel_for_council(db, panel_id)
        item = await recommendations.recommendation_of(db, found, recommendation_id)
        return found, item

    async def _page(
        self,
        db: AsyncSession,
        panel: Panel,
        item: PanelRecommendation,
        *,
        status: int = 200,
        **overrides: Any,
    ) -> Template:
        response = (await council.responses_of(db, panel)).get(item.id)
        context: dict[str, Any] = {
            "panel": panel,
            "recommendation": item,
            "support": recommendations.support_of(item),
            "score_labels": recommendations.SCORE_LABELS,
            "response": response,
            "decision_labels": council.DECISION_LABELS,
            "response_form": {
                "decision": response.decision,
                "reasoning": response.reasoning,
                "responsible_body": response.responsible_body,
                "deadline": response.deadline.isoformat() if response.deadline else "",
                "decision_reference": response.decision_reference,
            }
            if response
            else {},
            "response_errors": Errors(),
            "update_form": {},
            "update_errors": Errors(),
        }
        context.update(overrides)
        return page("panels/council/recommendation.html", status=status, **context)

    @get("/{panel_id:int}/recommendations/{recommendation_id:int}", name="council_recommendation")
    async def recommendation(
        self, panel_id: FromPath[int], recommendation_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        found, item = await self._recommendation(db, panel_id, recommendation_id)
        return await self._page(db, found, item)

    @post("/{panel_id:int}/recommendations/{recommendation_id:int}/response")
    async def respond(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        recommendation_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        found, item = await self._recommendation(db, panel_id, recommendation_id)
        _ = translator(request)
        data = await read_form(request)
        form, errors = work_forms.parse_response(data, _)
        if form is None:
            return await self._page(db, found, item, status=422, response_form=data, response_errors=errors)
        outcome = await council.answer(
            db, services.mailer, services.settings, signed_in(request), found, item, form, client_address(request)
        )
        if outcome is None:
            flash(request, _("The response has been saved."))
        else:
            message = _("The changed response is public. %(emailed)s members were emailed; %(unreached)s could not be.")
            flash(request, message % {"emailed": outcome.emailed, "unreached": outcome.unreached})
        return see_other(f"{BASE}/{found.id}")

    @post("/{panel_id:int}/recommendations/{recommendation_id:int}/updates")
    async def update(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        recommendation_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        found, item = await self._recommendation(db, panel_id, recommendation_id)
        response = (await council.responses_of(db, found)).get(item.id)
        if response is None:
            raise NotFoundException()
        _ = translator(request)
        data = await read_form(request)
        (on, text), errors = work_forms.parse_update(data, _)
        if errors or on is None:
            return await self._page(db, found, item, status=422, update_form=data, update_errors=errors)
        outcome = await council.report_progress(
            db,
            services.mailer,
            services.settings,
            signed_in(request),
            found,
            item,
            response,
            on,
            text,
            client_address(request),
        )
        if outcome is None:
            flash(request, _("The progress report has been added. It goes to the members with the published answer."))
        else:
            message = _("The progress report is public. %(emailed)s members were emailed; %(unreached)s could not be.")
            flash(request, message % {"emailed": outcome.emailed, "unreached": outcome.unreached})
        return see_other(f"{BASE}/{found.id}/recommendations/{item.id}#updates")

    @post("/{panel_id:int}/publish")
    async def publish(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Redirect:
        found = await council.get_panel_for_council(db, panel_id)
        _ = translator(request)
        try:
            outcome = await council.publish(
                db, services.mailer, services.settings, signed_in(request), found, client_address(request)
            )
        except PanelRefused as refused:
            flash(request, _(refused.message), "error")
        else:
            message = _("The response is public. %(emailed)s members were emailed; %(unreached)s could not be.")
            flash(request, message % {"emailed": outcome.emailed, "unreached": outcome.unreached})
        return see_other(f"{BASE}/{found.id}")


ROUTES: list[Any] = [CouncilController]
