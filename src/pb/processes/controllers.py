"""HTTP for processes: the public list and process page, and the admin pages that set a round up."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role, User
from pb.i18n import N_
from pb.processes import forms
from pb.processes import services as processes
from pb.processes.models import PHASE_INVITATIONS, PHASE_LABELS, PHASE_ORDER, PhaseKind, Process
from pb.web.auth import client_address, requires_role
from pb.web.forms import Errors, read_form, read_form_lists, translator
from pb.web.responses import flash, page, see_other


def phase_context(process: Process) -> dict[str, Any]:
    moment = processes.now()
    return {
        "now": moment,
        "current_phase": process.current_phase(moment),
        "phase_labels": PHASE_LABELS,
        "phase_invitations": PHASE_INVITATIONS,
    }


class ProcessController(Controller):
    path = "/processes"
    include_in_schema = False

    @get("/", name="processes")
    async def index(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        user = request.scope["state"].get("user")
        found = await processes.visible_processes(db, user)
        moment = processes.now()
        return page("processes/list.html", processes=found, now=moment, phase_labels=PHASE_LABELS)

    @get("/{slug:str}", name="process")
    async def show(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template:
        process = await processes.get_process_for(db, request.scope["state"].get("user"), slug)
        districts = {district.id: district for district in await processes.all_districts(db)}
        return page("processes/detail.html", process=process, districts=districts, **phase_context(process))


async def get_process_to_manage(db: AsyncSession, actor: User, process_id: int) -> Process:
    """Access-checked loader for the admin pages (the controller's guard admits admins only)."""
    assert actor.has_role(Role.ADMIN)
    process = await db.get(Process, process_id)
    if process is None:
        raise NotFoundException()
    return process


class ProcessAdminController(Controller):
    path = "/admin/processes"
    guards = [requires_role(Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    async def _render(self, db: AsyncSession, process: Process, *, status: int = 200, **overrides: Any) -> Template:
        context: dict[str, Any] = {
            "process": process,
            "details": _details_form(process),
            "details_errors": Errors(),
            "phase_form": _phase_form(process),
            "phase_errors": Errors(),
            "district_errors": Errors(),
            "population_form": None,
            "budget_form": {},
            "budget_errors": Errors(),
            "theme_form": {},
            "theme_errors": Errors(),
            "all_districts": await processes.all_districts(db),
            "phase_order": PHASE_ORDER,
            **phase_context(process),
        }
        context.update(overrides)
        return page("processes/admin/edit.html", status=status, **context)

    @get("/", name="admin_processes")
    async def index(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        found = await processes.visible_processes(db, signed_in(request))
        return page("processes/admin/list.html", processes=found, now=processes.now(), phase_labels=PHASE_LABELS)

    @get("/new")
    async def new(self) -> Template:
        return page("processes/admin/new.html", details={"age_bands": "12-17, 18-29, 30-64, 65+"}, errors=Errors())

    @post("/new")
    async def create(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template | Redirect:
        actor = signed_in(request)
        _ = translator(request)
        data = await read_form(request)
        details, errors = forms.parse_details(data, _)
        if not errors and await processes.slug_taken(db, details.slug):
            errors.add("slug", _("Another process already uses this web address."))
        if errors:
            return page("processes/admin/new.html", status=422, details=data, errors=errors)
        process = await processes.create_process(db, actor, details, client_address(request))
        flash(request, _("The process has been created. Set its dates, districts, budgets and themes next."))
        return see_other(f"/admin/processes/{process.id}")

    @get("/{process_id:int}", name="admin_process")
    async def edit(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        process = await get_process_to_manage(db, signed_in(request), process_id)
        return await self._render(db, process)

    @post("/{process_id:int}/details")
    async def update_details(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        data = await read_form(request)
        details, errors = forms.parse_details(data, _)
        if not errors and await processes.slug_taken(db, details.slug, except_id=process.id):
            errors.add("slug", _("Another process already uses this web address."))
        if errors:
            return await self._render(db, process, status=422, details=data, details_errors=errors)
        await processes.update_process(db, actor, process, details, client_address(request))
        flash(request, _("The details have been saved."))
        return see_other(f"/admin/processes/{process.id}")

    @post("/{process_id:int}/phases")
    async def update_phases(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        data = await read_form(request)
        dates, errors = forms.parse_phase_dates(data, _, processes.midnight)
        if errors:
            return await self._render(db, process, status=422, phase_form=data, phase_errors=errors)
        await processes.set_phase_dates(db, actor, process, dates, client_address(request))
        flash(request, _("The phase dates have been saved."))
        return see_other(f"/admin/processes/{process.id}#phases")

    @post("/{process_id:int}/phases/{kind:str}/close")
    async def close_phase(
        self,
        request: Request[Any, Any, Any],
        process_id: FromPath[int],
        kind: FromPath[str],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        if kind not in PhaseKind.__members__.values():
            raise NotFoundException()
        if await processes.close_phase_early(db, actor, process, PhaseKind(kind), client_address(request)):
            flash(request, _("The phase has been closed."))
        else:
            flash(request, _("The phase is not open, so it cannot be closed."), "error")
        return see_other(f"/admin/processes/{process.id}#phases")

    @post("/{process_id:int}/districts")
    async def update_districts(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        form = await read_form_lists(request)
        district_ids = [district.id for district in await processes.all_districts(db)]
        populations, errors = forms.parse_populations(form, _, district_ids, process.age_bands)
        if errors:
            return await self._render(db, process, status=422, district_errors=errors, population_form=form)
        await processes.set_districts(db, actor, process, populations, client_address(request))
        flash(request, _("The districts have been saved."))
        return see_other(f"/admin/processes/{process.id}#districts")

    @post("/{process_id:int}/budgets")
    async def add_budget(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        data = await read_form(request)
        budget, errors = forms.parse_budget(data, _, {item.district_id for item in process.districts})
        if errors:
            return await self._render(db, process, status=422, budget_form=data, budget_errors=errors)
        await processes.add_budget(db, actor, process, budget, client_address(request))
        flash(request, _("The budget has been added."))
        return see_other(f"/admin/processes/{process.id}#budgets")

    @post("/{process_id:int}/budgets/{budget_id:int}/delete")
    async def remove_budget(
        self,
        request: Request[Any, Any, Any],
        process_id: FromPath[int],
        budget_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        budget = processes.budget_by_id(process, budget_id)
        if budget is None:
            raise NotFoundException()
        if await processes.remove_budget(db, actor, process, budget, client_address(request)):
            flash(request, _("The budget has been removed."))
        else:
            flash(request, _("The budget has projects on its ballot. Remove them first."), "error")
        return see_other(f"/admin/processes/{process.id}#budgets")

    @post("/{process_id:int}/themes")
    async def add_theme(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        data = await read_form(request)
        theme, errors = forms.parse_theme(data, _)
        if errors:
            return await self._render(db, process, status=422, theme_form=data, theme_errors=errors)
        await processes.add_theme(db, actor, process, theme, client_address(request))
        flash(request, _("The theme has been added."))
        return see_other(f"/admin/processes/{process.id}#themes")

    @post("/{process_id:int}/themes/{theme_id:int}/delete")
    async def remove_theme(
        self,
        request: Request[Any, Any, Any],
        process_id: FromPath[int],
        theme_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        theme = processes.theme_by_id(process, theme_id)
        if theme is None:
            raise NotFoundException()
        await processes.remove_theme(db, actor, process, theme, client_address(request))
        flash(request, translator(request)(N_("The theme has been removed.")))
        return see_other(f"/admin/processes/{process.id}#themes")


def _details_form(process: Process) -> dict[str, str]:
    form = {"slug": process.slug, "age_bands": ", ".join(process.age_bands)}
    for language in ("fi", "sv", "en"):
        form[f"name_{language}"] = getattr(process, f"name_{language}")
        form[f"description_{language}"] = getattr(process, f"description_{language}")
    if process.is_published:
        form["is_published"] = "yes"
    return form


def _phase_form(process: Process) -> dict[str, str]:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Helsinki")
    form: dict[str, str] = {}
    for phase in process.phases:
        form[f"{phase.kind}_starts"] = phase.starts_at.astimezone(zone).date().isoformat()
        form[f"{phase.kind}_ends"] = (phase.ends_at.astimezone(zone) - timedelta(days=1)).date().isoformat()
    return form


ROUTES: list[Any] = [ProcessController, ProcessAdminController]
