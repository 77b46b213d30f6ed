"""HTTP for citizens' panels: the facilitators' pages (setting a panel up, recruitment, the pool) and the public
pages (the panel, its invitation lottery, and registration with a letter's code)."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.panels import forms, recruitment, retention, work_forms
from pb.panels import lottery as invitation_lottery
from pb.panels import public as public_view
from pb.panels import services as panels
from pb.panels.council_controllers import ROUTES as COUNCIL_ROUTES
from pb.panels.models import Panel
from pb.panels.quotas import FULL_SHARE
from pb.panels.retention_controllers import ROUTES as RETENTION_ROUTES
from pb.panels.selection_controllers import ROUTES as SELECTION_ROUTES
from pb.panels.workspace_controllers import ROUTES as WORKSPACE_ROUTES
from pb.voting.secrecy import normalise_code
from pb.web.auth import client_address, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, Translate, read_form, translator
from pb.web.responses import flash, page, see_other
from pb.web.throttle import Limit

BASE = "/facilitator/panels"
# Guessing registration codes: a few wrong codes per entered code and per client address, then a pause.
CODE_LIMIT = Limit("panel-code", 5, 30, 15 * 60)


def refusal_text(refused: panels.PanelRefused, _: Translate) -> str:
    return _(refused.message) % refused.params if refused.params else _(refused.message)


def _details_form(panel: Panel) -> dict[str, str]:
    form = {
        "slug": panel.slug,
        "commissioner": panel.commissioner,
        "size": str(panel.size),
        "tolerance": str(panel.tolerance),
        "registration_closes_on": panel.registration_closes_on.isoformat(),
        "first_session_on": panel.first_session_on.isoformat(),
        "last_session_on": panel.last_session_on.isoformat(),
    }
    for language in forms.LANGUAGES:
        for name in ("name", "remit", "description"):
            form[f"{name}_{language}"] = getattr(panel, f"{name}_{language}")
    if panel.is_published:
        form["is_published"] = "yes"
    return form


def _quota_form(panel: Panel) -> dict[str, str]:
    form: dict[str, str] = {}
    for category in panel.categories:
        for value in category.values:
            form[forms.quota_field("min", value.id)] = "" if value.min_count is None else str(value.min_count)
            form[forms.quota_field("max", value.id)] = "" if value.max_count is None else str(value.max_count)
    return form


class FacilitatorController(Controller):
    path = BASE
    guards = [requires_role(Role.FACILITATOR, Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    @get("/", name="facilitator_panels")
    async def index(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        return page("panels/facilitator/list.html", panels=await panels.panels_for(db, signed_in(request)))

    @get("/new")
    async def new(self) -> Template:
        return page("panels/facilitator/new.html", details={"size": "24", "tolerance": "1"}, errors=Errors())

    @post("/new")
    async def create(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template | Redirect:
        actor = signed_in(request)
        _ = translator(request)
        data = await read_form(request)
        details, errors = forms.parse_details(data, _)
        if details is not None and await panels.slug_taken(db, details.slug):
            errors.add("slug", _("Another panel already uses this web address."))
        if details is None or errors:
            return page("panels/facilitator/new.html", status=422, details=data, errors=errors)
        panel = await panels.create_panel(db, actor, details, client_address(request))
        flash(request, _("The panel has been created. Add its selection categories and privacy text next."))
        return see_other(f"{BASE}/{panel.id}")

    # --- the panel's details, facilitators and privacy text ---

    async def _overview(self, db: AsyncSession, panel: Panel, *, status: int = 200, **overrides: Any) -> Template:
        context: dict[str, Any] = {
            "panel": panel,
            "details": _details_form(panel),
            "errors": Errors(),
            "facilitators": await panels.facilitator_users(db, panel),
            "facilitator_form": {},
            "facilitator_errors": Errors(),
            "privacy": await panels.current_privacy(db, panel),
            "privacy_form": None,
            "privacy_errors": Errors(),
            "funnel": await recruitment.funnel(db, panel),
            "retention": await retention.status(db, panel),
            "retention_form": {},
            "retention_errors": Errors(),
        }
        context.update(overrides)
        if context["privacy_form"] is None:
            notice = context["privacy"]
            context["privacy_form"] = {
                f"privacy_{language}": notice.text(language) if notice else "" for language in forms.LANGUAGES
            }
        return page("panels/facilitator/overview.html", status=status, **context)

    @get("/{panel_id:int}", name="facilitator_panel")
    async def overview(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        return await self._overview(db, await panels.get_panel_for(db, signed_in(request), panel_id))

    @post("/{panel_id:int}/details")
    async def update_details(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        data = await read_form(request)
        details, errors = forms.parse_details(data, _)
        if details is not None and await panels.slug_taken(db, details.slug, except_id=panel.id):
            errors.add("slug", _("Another panel already uses this web address."))
        if details is not None and not errors:
            try:
                await panels.update_panel(db, actor, panel, details, client_address(request))
            except panels.PanelRefused as refused:
                errors.add(refused.field, refusal_text(refused, _))
            else:
                flash(request, _("The details have been saved."))
                return see_other(f"{BASE}/{panel.id}")
        return await self._overview(db, panel, status=422, details=data, errors=errors)

    @post("/{panel_id:int}/facilitators")
    async def add_facilitator(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        data = await read_form(request)
        email, errors = forms.parse_facilitator(data, _)
        if not errors:
            try:
                await panels.add_facilitator(db, actor, panel, email, client_address(request))
            except panels.PanelRefused as refused:
                errors.add(refused.field, refusal_text(refused, _))
            else:
                flash(request, _("The facilitator has been added."))
                return see_other(f"{BASE}/{panel.id}#facilitators")
        return await self._overview(db, panel, status=422, facilitator_form=data, facilitator_errors=errors)

    @post("/{panel_id:int}/privacy")
    async def publish_privacy(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        data = await read_form(request)
        texts, errors = forms.parse_privacy(data, _)
        if errors:
            return await self._overview(db, panel, status=422, privacy_form=data, privacy_errors=errors)
        notice = await panels.publish_privacy(db, actor, panel, texts, client_address(request))
        flash(request, _("Version %(version)s of the privacy text is now in use.") % {"version": notice.version})
        return see_other(f"{BASE}/{panel.id}#privacy")

    @post("/{panel_id:int}/retention")
    async def save_retention(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        data = await read_form(request)
        (unselected, members), errors = work_forms.parse_retention(data, _)
        if errors:
            return await self._overview(db, panel, status=422, retention_form=data, retention_errors=errors)
        await retention.save_periods(db, actor, panel, unselected, members, client_address(request))
        flash(request, _("The retention periods have been saved."))
        return see_other(f"{BASE}/{panel.id}#retention")

    # --- categories and quotas ---

    async def _quotas(self, db: AsyncSession, panel: Panel, *, status: int = 200, **overrides: Any) -> Template:
        context: dict[str, Any] = {
            "panel": panel,
            "category_form": {},
            "category_errors": Errors(),
            "value_forms": {},
            "value_errors": {},
            "no_errors": Errors(),
            "quota_form": _quota_form(panel),
            "quota_errors": Errors(),
            "problems": panels.quota_problems(panel),
            "full_share": FULL_SHARE,
            "locked": await panels.registration_count(db, panel) > 0,
        }
        context.update(overrides)
        return page("panels/facilitator/quotas.html", status=status, **context)

    @get("/{panel_id:int}/quotas", name="facilitator_panel_quotas")
    async def quotas(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        return await self._quotas(db, await panels.get_panel_for(db, signed_in(request), panel_id))

    @post("/{panel_id:int}/categories")
    async def add_category(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        data = await read_form(request)
        names, errors = forms.parse_category(data, _)
        if not errors:
            try:
                await panels.add_category(db, actor, panel, names, client_address(request))
            except panels.PanelRefused as refused:
                errors.add("category_fi", refusal_text(refused, _))
            else:
                flash(request, _("The category has been added. Add its values next."))
                return see_other(f"{BASE}/{panel.id}/quotas")
        return await self._quotas(db, panel, status=422, category_form=data, category_errors=errors)

    @post("/{panel_id:int}/categories/{category_id:int}/values")
    async def add_value(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        category_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        category = panels.category_by_id(panel, category_id)
        if category is None:
            raise NotFoundException()
        _ = translator(request)
        data = await read_form(request)
        (names, share), errors = forms.parse_value(data, _)
        if not errors:
            try:
                await panels.add_value(db, actor, panel, category, names, share, client_address(request))
            except panels.PanelRefused as refused:
                errors.add("value_fi", refusal_text(refused, _))
            else:
                flash(request, _("The value has been added."))
                return see_other(f"{BASE}/{panel.id}/quotas#category-{category.id}")
        return await self._quotas(
            db, panel, status=422, value_forms={category.id: data}, value_errors={category.id: errors}
        )

    @post("/{panel_id:int}/categories/{category_id:int}/delete")
    async def remove_category(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        category_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        category = panels.category_by_id(panel, category_id)
        if category is None:
            raise NotFoundException()
        _ = translator(request)
        try:
            await panels.remove_category(db, actor, panel, category, client_address(request))
        except panels.PanelRefused as refused:
            flash(request, refusal_text(refused, _), "error")
        else:
            flash(request, _("The category has been removed."))
        return see_other(f"{BASE}/{panel.id}/quotas")

    @post("/{panel_id:int}/values/{value_id:int}/delete")
    async def remove_value(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        value_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        value = panels.value_by_id(panel, value_id)
        if value is None:
            raise NotFoundException()
        _ = translator(request)
        try:
            await panels.remove_value(db, actor, panel, value, client_address(request))
        except panels.PanelRefused as refused:
            flash(request, refusal_text(refused, _), "error")
        else:
            flash(request, _("The value has been removed."))
        return see_other(f"{BASE}/{panel.id}/quotas")

    @post("/{panel_id:int}/quotas")
    async def save_quotas(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        data = await read_form(request)
        bounds, errors = forms.parse_quotas(data, _, panel.categories, panel.size)
        if errors:
            return await self._quotas(db, panel, status=422, quota_form=data, quota_errors=errors)
        await panels.save_quotas(db, actor, panel, bounds, client_address(request))
        flash(request, _("The quotas have been saved."))
        return see_other(f"{BASE}/{panel.id}/quotas#quotas")

    @post("/{panel_id:int}/quotas/propose")
    async def propose_quotas(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        await panels.save_quotas(db, actor, panel, panels.proposed_quotas(panel), client_address(request))
        flash(request, _("The quotas have been proposed from the population shares. Check and adjust them."))
        return see_other(f"{BASE}/{panel.id}/quotas#quotas")

    # --- recruitment: the register, the lottery and the letters ---

    async def _recruitment(self, db: AsyncSession, panel: Panel, *, status: int = 200, **overrides: Any) -> Template:
        draw = await panels.draw_of(db, panel)
        context: dict[str, Any] = {
            "panel": panel,
            "register": await recruitment.register_of(db, panel),
            "draw": draw,
            "funnel": await recruitment.funnel(db, panel),
            "parsed": None,
            "register_errors": Errors(),
            "draw_form": {"count": str(panel.size * 50)},
            "draw_errors": Errors(),
            "letter_form": {"first": "1", "last": str(min(draw.drawn_count, forms.MAX_LETTERS_PER_BATCH))}
            if draw
            else {},
            "letter_errors": Errors(),
            "shown_line_errors": forms.SHOWN_LINE_ERRORS,
            "max_letters": forms.MAX_LETTERS_PER_BATCH,
        }
        context.update(overrides)
        return page("panels/facilitator/recruitment.html", status=status, **context)

    @get("/{panel_id:int}/recruitment", name="facilitator_panel_recruitment")
    async def recruitment_page(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        return await self._recruitment(db, await panels.get_panel_for(db, signed_in(request), panel_id))

    @post("/{panel_id:int}/register", request_max_body_size=forms.MAX_REGISTER_BYTES)
    async def import_register(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        upload = (await request.form()).get("register_file")
        raw = b""
        if isinstance(upload, UploadFile):
            try:
                raw = await upload.read()
            finally:
                await upload.close()
        errors = Errors()
        if not raw:
            errors.add("register_file", _("Choose the CSV file to import."))
            return await self._recruitment(db, panel, status=422, register_errors=errors)
        # Parsing a large file is CPU work: a worker thread keeps the event loop answering.
        parsed = await anyio.to_thread.run_sync(forms.parse_register, raw, _)
        if not parsed.is_valid:
            errors.add("register_file", _("Nothing was imported. Correct the file and import it again."))
            return await self._recruitment(db, panel, status=422, parsed=parsed, register_errors=errors)
        try:
            imported = await recruitment.replace_register(
                db, actor, panel, parsed.rows, parsed.file_sha256, client_address(request)
            )
        except panels.PanelRefused as refused:
            errors.add("register_file", refusal_text(refused, _))
            return await self._recruitment(db, panel, status=409, register_errors=errors)
        flash(request, _("The register has been imported: %(num)s addresses.") % {"num": imported.addresses})
        return see_other(f"{BASE}/{panel.id}/recruitment")

    @post("/{panel_id:int}/draw")
    async def draw(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        data = await read_form(request)
        register = await recruitment.register_of(db, panel)
        (seed, count), errors = forms.parse_draw(data, _, register.addresses if register else 0)
        if not errors:
            try:
                await recruitment.draw_invitations(db, actor, panel, seed, count, client_address(request))
            except panels.PanelRefused as refused:
                errors.add("count", refusal_text(refused, _))
            else:
                flash(request, _("The invitations have been drawn. Print the letters next."))
                return see_other(f"{BASE}/{panel.id}/recruitment#letters")
        return await self._recruitment(db, panel, status=422, draw_form=data, draw_errors=errors)

    @post("/{panel_id:int}/letters")
    async def print_letters(
        self,
        request: Request[Any, Any, Any],
        panel_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Response[bytes]:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        data = await read_form(request)
        draw = await panels.draw_of(db, panel)
        (first, last), errors = forms.parse_letter_range(data, _, draw.drawn_count if draw else 0)
        if draw is None:
            errors.add("first", _("Draw the invitations first."))
        if errors or draw is None:
            return await self._recruitment(db, panel, status=422, letter_form=data, letter_errors=errors)
        letters = await recruitment.plan_letters(db, panel, first, last)
        if not letters:
            errors.add("first", _("Everyone with these letters has already registered; there is nothing to print."))
            return await self._recruitment(db, panel, status=422, letter_form=data, letter_errors=errors)
        settings = services.settings
        # The letters are made first: if that fails, no code is stored, so there is no code nobody can print.
        pdf = await recruitment.letters_pdf(
            settings, recruitment.letters_context(panel, letters, draw, settings, panels.today(settings.timezone))
        )
        await recruitment.store_letters(db, settings.secret_key, actor, panel, letters, client_address(request))
        return Response(
            content=pdf,
            media_type="application/pdf",
            status_code=200,
            headers={
                "Content-Disposition": f'attachment; filename="{panel.slug}-letters-{first}-{last}.pdf"',
                # The letters carry usable codes: no browser or proxy may keep a copy.
                "Cache-Control": "no-store",
            },
        )

    # --- the pool ---

    @get("/{panel_id:int}/pool", name="facilitator_panel_pool")
    async def pool(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        registrations = await recruitment.read_pool(db, actor, panel, client_address(request))
        language = request.scope["state"].get("locale", "fi")
        return page(
            "panels/facilitator/pool.html",
            panel=panel,
            registrations=registrations,
            table=recruitment.quota_table(panel, registrations),
            labels=recruitment.answer_labels(panel, language),
            funnel=await recruitment.funnel(db, panel),
        )


class PanelController(Controller):
    """Public pages: the panel (with its published invitation lottery) and registration with a letter's code."""

    path = "/panels"
    include_in_schema = False

    async def _state(self, db: AsyncSession, panel: Panel, services: Services) -> dict[str, Any]:
        draw = await panels.draw_of(db, panel)
        notice = await panels.current_privacy(db, panel)
        day = panels.today(services.settings.timezone)
        return {
            "panel": panel,
            "draw": draw,
            "notice": notice,
            "is_open": recruitment.registration_open(panel, draw, notice, day),
        }

    @get("/{slug:str}", name="panel")
    async def show(
        self, slug: FromPath[str], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template:
        panel = await panels.get_public_panel(db, slug)
        return page(
            "panels/public.html",
            method=invitation_lottery.METHOD,
            separator=repr(invitation_lottery.SEPARATOR),
            **await self._state(db, panel, services),
            **await public_view.public_context(db, panel),
        )

    @get("/{slug:str}/register", name="panel_register")
    async def register_form(
        self, slug: FromPath[str], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template:
        panel = await panels.get_public_panel(db, slug)
        return page("panels/register.html", form={}, errors=Errors(), **await self._state(db, panel, services))

    @post("/{slug:str}/register")
    async def register(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        panel = await panels.get_public_panel(db, slug)
        state = await self._state(db, panel, services)
        _ = translator(request)
        data = await read_form(request)
        notice = state["notice"]
        if not state["is_open"] or notice is None:
            return page("panels/register.html", status=409, form=data, errors=Errors(), **state)
        form, errors = forms.parse_registration(data, _, panel.categories, notice.version)
        address = client_address(request)
        throttled = f"{panel.id}:{normalise_code(form.code)}"
        if "code" not in errors.messages and await services.throttle.is_blocked(CODE_LIMIT, throttled, address):
            errors.add("code", _("Too many wrong codes. Wait a quarter of an hour and try again."))
        if not errors:
            try:
                await recruitment.register(db, services.settings.secret_key, panel, notice, form)
            except panels.PanelRefused as refused:
                # Every wrong code counts towards the limits: codes are guessed, not forgotten.
                await services.throttle.record(CODE_LIMIT, throttled, address)
                errors.add(refused.field or "code", refusal_text(refused, _))
            else:
                return see_other(f"/panels/{panel.slug}/register/done")
        return page("panels/register.html", status=422, form=data, errors=errors, **state)

    @get("/{slug:str}/register/done", name="panel_registered")
    async def registered(self, slug: FromPath[str], db: NamedDependency[AsyncSession]) -> Template:
        return page("panels/registered.html", panel=await panels.get_public_panel(db, slug))


ROUTES: list[Any] = [
    FacilitatorController,
    PanelController,
    *SELECTION_ROUTES,
    *WORKSPACE_ROUTES,
    *COUNCIL_ROUTES,
    *RETENTION_ROUTES,
]
