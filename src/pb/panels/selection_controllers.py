"""HTTP for selecting the panel: the facilitators' selection page (feasibility, the LEXIMIN run in a worker, the
probabilities, the draw, replacements, emails, the file export) and the public verification page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb import i18n
from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.db import utcnow
from pb.panels import draw as draws
from pb.panels import notices, selection_job, work_forms
from pb.panels import report as panel_report
from pb.panels import selection as selections
from pb.panels import services as panels
from pb.panels.models import Panel, PanelSelection
from pb.panels.work_models import PanelMember
from pb.reports.charts import BarChart, bar_chart
from pb.web.auth import client_address, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, Translate, language_of, read_form, translator
from pb.web.responses import flash, page, see_other

BASE = "/facilitator/panels"
# While the worker runs, the page reloads itself with the HTTP Refresh header (no JavaScript needed).
REFRESH_SECONDS = 5


def _refusal(refused: panels.PanelRefused, _: Translate) -> str:
    return _(refused.message) % refused.params if refused.params else _(refused.message)


def histogram_chart(distribution: selections.Distribution, _: Translate, language: str) -> BarChart:
    def percent(value: float) -> str:
        return i18n.format_number(round(100 * value, 1), language)

    bars = [(f"{percent(low)}–{percent(high)} %", count) for low, high, count in distribution.histogram]
    return bar_chart(
        "probability-histogram",
        _("Selection probabilities"),
        bars,
        language=language,
        label_heading=_("Probability"),
        value_heading=_("People"),
    )


async def report_pdf(db: AsyncSession, services: Services, panel: Panel, language: str) -> Response[bytes]:
    """The panel's report to the council, rendered in a worker process and cached by pb.reports."""
    context = await panel_report.report_context(db, panel, language, panels.today(services.settings.timezone))
    pdf = await services.reports.pdf(panel_report.TEMPLATE, context, language)
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{panel.slug}-report-{language}.pdf"'},
    )


class SelectionController(Controller):
    path = BASE
    guards = [requires_role(Role.FACILITATOR, Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    async def _page(
        self, request: Request[Any, Any, Any], db: AsyncSession, panel: Panel, *, status: int = 200, **overrides: Any
    ) -> Template:
        actor = signed_in(request)
        _ = translator(request)
        language = language_of(request)
        now = utcnow()
        current = await selections.current_selection(db, panel)
        context: dict[str, Any] = {
            "panel": panel,
            "selection": current,
            "stale": current is not None and selections.is_stale(current, now),
            "pool": None,
            "feasibility": None,
            "lines": [],
            "distribution": None,
            "histogram": None,
            "people": [],
            "registrations": {},
            "replacements": [],
            "members": {},
            "pending": 0,
            "draw_form": {},
            "draw_errors": Errors(),
            "member_errors": {},
        }
        context["categories"], context["values"] = selections.value_labels(panel, language)
        showing_result = current is not None and current.status in {selections.Status.DONE, selections.Status.RUNNING}
        if current is None or not showing_result or context["stale"]:
            pool = await selections.load_pool(db, panel)
            context["pool"] = pool
            if pool is not None:
                context["feasibility"] = await selections.feasibility_of(pool)
        if current is not None:
            context["lines"] = selections.quota_lines(panel, current)
        if current is not None and current.status == selections.Status.DONE:
            probabilities = [person.probability for person in current.people if person.probability is not None]
            found = selections.distribution(probabilities, current.panel_size)
            context["distribution"] = found
            context["histogram"] = histogram_chart(found, _, language) if found else None
            context["feasibility"] = selections.Feasibility.from_document(current.feasibility)
            context["registrations"] = await selections.read_people(db, actor, panel, current, client_address(request))
            context["people"] = sorted(
                current.people,
                key=lambda person: (not person.on_panel, person.reserve_rank or 10**6, person.pseudonym),
            )
            context["replacements"] = await draws.replacements_of(db, current)
            context["members"] = {
                member.pseudonym: member
                for member in await db.scalars(select(PanelMember).where(PanelMember.panel_id == panel.id))
            }
            context["pending"] = await notices.pending_notices(db, current) if current.drawn_at else 0
        context.update(overrides)
        headers = (
            {"Refresh": str(REFRESH_SECONDS)}
            if current is not None and current.status == selections.Status.RUNNING and not context["stale"]
            else {}
        )
        return Template("panels/facilitator/selection.html", context=context, status_code=status, headers=headers)

    @get("/{panel_id:int}/selection", name="facilitator_panel_selection")
    async def show(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        panel = await panels.get_panel_for(db, signed_in(request), panel_id)
        return await self._page(request, db, panel)

    @post("/{panel_id:int}/selection/relax")
    async def relax(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        try:
            changed = await selections.relax_quotas(db, actor, panel, client_address(request))
        except panels.PanelRefused as refused:
            flash(request, _refusal(refused, _), "error")
        else:
            flash(
                request, _("%(num)s quotas were relaxed. Check them before running the selection.") % {"num": changed}
            )
        return see_other(f"{BASE}/{panel.id}/selection")

    @post("/{panel_id:int}/selection/run")
    async def run(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        pool = await selections.load_pool(db, panel)
        if pool is None:
            flash(request, _("Set every quota first."), "error")
            return see_other(f"{BASE}/{panel.id}/quotas#quotas")
        checked = await selections.feasibility_of(pool)
        if not checked.feasible:
            return await self._page(request, db, panel, status=409, pool=pool, feasibility=checked)
        try:
            started = await selections.start_selection(db, actor, panel, pool, client_address(request))
        except panels.PanelRefused as refused:
            flash(request, _refusal(refused, _), "error")
            return see_other(f"{BASE}/{panel.id}/selection")
        # The worker starts after the answer has been sent: the facilitator sees the progress page at once.
        return Redirect(
            path=f"{BASE}/{panel.id}/selection",
            status_code=303,
            background=BackgroundTask(
                selection_job.run_in_worker, request.app.state.db, services.settings.database_url, started.id
            ),
        )

    async def _drawn(self, db: AsyncSession, panel: Panel) -> PanelSelection:
        found = await selections.drawn_selection(db, panel)
        if found is None:
            raise NotFoundException()
        return found

    @post("/{panel_id:int}/selection/{selection_id:int}/draw")
    async def draw(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        selection_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        selection = selections.get_selection(panel, await selections.selections_of(db, panel), selection_id)
        if selection is None:
            raise NotFoundException()
        _ = translator(request)
        data = await read_form(request)
        (value, source), errors = work_forms.parse_random_value(data, _)
        if not errors:
            try:
                await draws.draw_panel(db, actor, panel, selection, value, source, client_address(request))
            except panels.PanelRefused as refused:
                errors.add("random_value", _refusal(refused, _))
            else:
                flash(request, _("The panel has been drawn. Tell the people the result next."))
                return see_other(f"{BASE}/{panel.id}/selection#panel")
        return await self._page(request, db, panel, status=422, draw_form=data, draw_errors=errors)

    @post("/{panel_id:int}/selection/notify")
    async def notify(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        selection = await self._drawn(db, panel)
        outcome = await notices.notify_selection(
            db, services.mailer, services.settings, actor, panel, selection, client_address(request)
        )
        _ = translator(request)
        flash(
            request,
            _("Emails sent: %(selected)s selected, %(reserve)s reserves, %(not_selected)s not selected.")
            % outcome.sent,
        )
        if outcome.unreached:
            # The people table marks them; their phone numbers are there.
            flash(
                request,
                _("%(num)s people could not be emailed. Tell them by phone; they are marked in the table below.")
                % {"num": len(outcome.unreached)},
                "error",
            )
        return see_other(f"{BASE}/{panel.id}/selection#people")

    @post("/{panel_id:int}/members/{member_id:int}/dropout")
    async def dropout(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        member_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        selection = await self._drawn(db, panel)
        member = await db.get(PanelMember, member_id)
        if member is None or member.panel_id != panel.id:
            raise NotFoundException()
        _ = translator(request)
        data = await read_form(request)
        try:
            if data.get("replace") == "no":
                await draws.record_dropout(db, actor, panel, selection, member, client_address(request))
                flash(request, _("The dropout has been recorded without a replacement."))
            else:
                row = await draws.replace_member(db, actor, panel, selection, member, client_address(request))
                flash(
                    request,
                    _("%(dropped)s has been replaced by %(added)s. Send the emails to tell them.")
                    % {"dropped": row.dropped, "added": ", ".join(row.added)},
                )
        except panels.PanelRefused as refused:
            errors = Errors()
            errors.add(f"member-{member.id}", _refusal(refused, _))
            return await self._page(request, db, panel, status=422, member_errors={member.id: errors})
        return see_other(f"{BASE}/{panel.id}/selection#panel")

    @get("/{panel_id:int}/report.pdf", name="facilitator_panel_report")
    async def report(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Response[bytes]:
        panel = await panels.get_panel_for(db, signed_in(request), panel_id)
        return await report_pdf(db, services, panel, language_of(request))

    @get("/{panel_id:int}/selection/{selection_id:int}/export.zip")
    async def export(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        selection_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Response[bytes]:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        selection = selections.get_selection(panel, await selections.selections_of(db, panel), selection_id)
        if selection is None:
            raise NotFoundException()
        data = draws.export_zip(panel, selection)
        return Response(
            content=data,
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="{panel.slug}-selection-{selection.id}.zip"',
                "Cache-Control": "no-store",
            },
        )


class PublicSelectionController(Controller):
    """How the panel was selected, for anyone to check: digests, the lottery, the random value and the index."""

    path = "/panels"
    include_in_schema = False

    @get("/{slug:str}/selection", name="panel_selection")
    async def show(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template:
        panel = await panels.get_public_panel(db, slug)
        selection = await selections.drawn_selection(db, panel)
        if selection is None:
            current = await selections.current_selection(db, panel)
            # The lottery is public as soon as it exists, before the random value is known (Flanigan et al. 2021).
            selection = current if current is not None and current.status == selections.Status.DONE else None
        return page(
            "panels/selection_public.html",
            panel=panel,
            selection=selection,
            composition=draws.composition(panel, selection) if selection and selection.drawn_at else [],
            replacements=await draws.replacements_of(db, selection) if selection else [],
            selected=sorted(p.pseudonym for p in selection.people if p.selected) if selection else [],
        )

    @get("/{slug:str}/report.pdf", name="panel_report")
    async def report(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Response[bytes]:
        """Public once the recommendations are final (the report holds no names)."""
        panel = await panels.get_public_panel(db, slug)
        if panel.recommendations_stage != "final":
            raise NotFoundException()
        return await report_pdf(db, services, panel, language_of(request))

    @get("/{slug:str}/selection/{selection_id:int}/lottery.json", name="panel_lottery")
    async def lottery(
        self, slug: FromPath[str], selection_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Response[bytes]:
        panel = await panels.get_public_panel(db, slug)
        selection = selections.get_selection(panel, await selections.selections_of(db, panel), selection_id)
        if selection is None or selection.lottery_published_at is None:
            raise NotFoundException()
        return Response(
            content=await draws.lottery_file(db, selection),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{panel.slug}-lottery-{selection.id}.json"'},
        )


ROUTES: list[Any] = [SelectionController, PublicSelectionController]
