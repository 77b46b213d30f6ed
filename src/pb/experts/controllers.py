"""HTTP for the coordinators' pages of lived-experience groups: the groups, their setup (coordinators, experience
areas, consent texts), the registry with invitations, the registry settings and retention. Assignments are in
``assignment_controllers``, the experts' and requesters' own pages in ``expert_controllers``."""

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
from pb.experts import forms, registry, retention
from pb.experts import services as experts
from pb.experts.models import (
    CONSENT_LABELS,
    INVITATION_RESPONSE_LABELS,
    ConsentPurpose,
    ExpertGroup,
    ExpertIdentity,
    ExpertStatus,
)
from pb.i18n import N_
from pb.web.auth import client_address, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, Translate, read_form, translator
from pb.web.responses import flash, page, see_other

BASE = "/coordinator"
INVITATION_TEMPLATE = "experts/email/invitation.txt"


def refusal_text(refused: experts.ExpertsRefused, _: Translate) -> str:
    return _(refused.message) % refused.params if refused.params else _(refused.message)


async def send_invitation(services: Services, group: ExpertGroup, identity: ExpertIdentity, token: str) -> None:
    """The email names the group, so it goes only to the address the coordinator typed; it carries no profile."""
    link = f"{services.settings.base_url}/experts/join/{token}"
    message = services.mailer.compose(
        identity.email,
        identity.preferred_language,
        N_("You are invited to help develop services"),
        INVITATION_TEMPLATE,
        group_name=group.text("name", identity.preferred_language),
        link=link,
        settings=services.settings,
    )
    await services.mailer.send(message)


class CoordinatorController(Controller):
    path = BASE
    guards = [requires_role(Role.COORDINATOR, Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    # --- groups ---

    async def _groups(self, db: AsyncSession, user: User, *, status: int = 200, **overrides: Any) -> Template:
        context: dict[str, Any] = {"groups": await experts.groups_for(db, user), "form": {}, "errors": Errors()}
        context.update(overrides)
        return page("experts/coordinator/groups.html", status=status, **context)

    @get("/", name="coordinator_groups")
    async def index(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        return await self._groups(db, signed_in(request))

    @post("/groups")
    async def create_group(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        _ = translator(request)
        data = await read_form(request)
        names, errors = forms.parse_group(data, _)
        if errors:
            return await self._groups(db, actor, status=422, form=data, errors=errors)
        group = await experts.create_group(db, actor, names, client_address(request))
        flash(request, _("The group has been created. Add its experience areas and consent texts next."))
        return see_other(f"{BASE}/groups/{group.id}")

    # --- a group's setup: coordinators, areas, consent texts ---

    async def _setup(
        self, db: AsyncSession, user: User, group: ExpertGroup, *, status: int = 200, **overrides: Any
    ) -> Template:
        texts = await experts.current_consent_texts(db, group)
        context: dict[str, Any] = {
            "group": group,
            "is_coordinator": experts.coordinates(user, group),
            "coordinators": await experts.coordinator_users(db, group),
            "coordinator_form": {},
            "coordinator_errors": Errors(),
            "area_form": {},
            "area_errors": Errors(),
            "texts": texts,
            "purposes": list(ConsentPurpose),
            "consent_labels": CONSENT_LABELS,
            "consent_forms": {
                purpose.value: {
                    f"consent_{language}": texts[purpose].text(language) if purpose in texts else ""
                    for language in forms.LANGUAGES
                }
                for purpose in ConsentPurpose
            },
            "consent_errors": {},
            "no_errors": Errors(),
        }
        context.update(overrides)
        return page("experts/coordinator/group.html", status=status, **context)

    @get("/groups/{group_id:int}", name="coordinator_group")
    async def group(
        self, request: Request[Any, Any, Any], group_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        user = signed_in(request)
        return await self._setup(db, user, await experts.get_group_for(db, user, group_id, people=False))

    @post("/groups/{group_id:int}/coordinators")
    async def add_coordinator(
        self, request: Request[Any, Any, Any], group_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        group = await experts.get_group_for(db, actor, group_id, people=False)
        _ = translator(request)
        data = await read_form(request)
        email, errors = forms.parse_coordinator(data, _)
        if not errors:
            try:
                await experts.add_coordinator(db, actor, group, email, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add(refused.field, refusal_text(refused, _))
            else:
                flash(request, _("The coordinator has been added."))
                return see_other(f"{BASE}/groups/{group.id}#coordinators")
        return await self._setup(db, actor, group, status=422, coordinator_form=data, coordinator_errors=errors)

    @post("/groups/{group_id:int}/areas")
    async def add_area(
        self, request: Request[Any, Any, Any], group_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        group = await experts.get_group_for(db, actor, group_id, people=False)
        _ = translator(request)
        data = await read_form(request)
        names, errors = forms.parse_area(data, _)
        if errors:
            return await self._setup(db, actor, group, status=422, area_form=data, area_errors=errors)
        await experts.add_area(db, actor, group, names, client_address(request))
        flash(request, _("The area has been added."))
        return see_other(f"{BASE}/groups/{group.id}#areas")

    @post("/groups/{group_id:int}/areas/{area_id:int}/retire")
    async def retire_area(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        area_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        actor = signed_in(request)
        group = await experts.get_group_for(db, actor, group_id, people=False)
        area = experts.area_by_id(group, area_id)
        if area is None:
            raise NotFoundException()
        await experts.retire_area(db, actor, group, area, client_address(request))
        flash(request, translator(request)(N_("The area is no longer offered. Experts who chose it keep it.")))
        return see_other(f"{BASE}/groups/{group.id}#areas")

    @post("/groups/{group_id:int}/consent-texts")
    async def publish_consent_text(
        self, request: Request[Any, Any, Any], group_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        group = await experts.get_group_for(db, actor, group_id, people=False)
        _ = translator(request)
        data = await read_form(request)
        (purpose, texts), errors = forms.parse_consent_text(data, _)
        if errors:
            consent_forms: dict[str, dict[str, str]] = {item.value: {} for item in ConsentPurpose}
            consent_forms[purpose.value] = data
            return await self._setup(
                db,
                actor,
                group,
                status=422,
                consent_forms=consent_forms,
                consent_errors={purpose.value: errors},
            )
        text = await experts.publish_consent_text(db, actor, group, purpose, texts, client_address(request))
        flash(request, _("Version %(version)s of the consent text is now in use.") % {"version": text.version})
        return see_other(f"{BASE}/groups/{group.id}#consent-{purpose.value}")

    # --- the registry ---

    async def _registry(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        group: ExpertGroup,
        *,
        status: int = 200,
        **overrides: Any,
    ) -> Template:
        user = signed_in(request)
        settings = request.app.state.settings
        rows = await registry.read_registry(db, user, group, client_address(request), experts.today(settings.timezone))
        context: dict[str, Any] = {
            "group": group,
            "is_coordinator": True,
            "rows": rows,
            "areas": {area.id: area for area in group.areas},
            "consent_labels": CONSENT_LABELS,
            "has_registry_text": ConsentPurpose.REGISTRY in await experts.current_consent_texts(db, group),
            "form": {"language": "fi"},
            "errors": Errors(),
        }
        context.update(overrides)
        return page("experts/coordinator/registry.html", status=status, **context)

    @get("/groups/{group_id:int}/experts", name="coordinator_registry")
    async def registry_page(
        self, request: Request[Any, Any, Any], group_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        group = await experts.get_group_for(db, signed_in(request), group_id)
        return await self._registry(request, db, group)

    @post("/groups/{group_id:int}/experts")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        actor = signed_in(request)
        group = await experts.get_group_for(db, actor, group_id)
        _ = translator(request)
        data = await read_form(request)
        form, errors = forms.parse_invite(data, _)
        if ConsentPurpose.REGISTRY not in await experts.current_consent_texts(db, group):
            errors.add("email", _("Write the consent text for being in the registry first (group setup)."))
        if not errors:
            settings_row = await experts.registry_settings(db)
            try:
                _expert, identity, token = await registry.invite(
                    db, actor, group, form, settings_row, client_address(request)
                )
            except experts.ExpertsRefused as refused:
                errors.add(refused.field, refusal_text(refused, _))
            else:
                await send_invitation(services, group, identity, token)
                flash(request, _("The invitation has been sent to %(email)s.") % {"email": form.email})
                return see_other(f"{BASE}/groups/{group.id}/experts")
        return await self._registry(request, db, group, status=422, form=data, errors=errors)

    @get("/experts/{expert_id:int}", name="coordinator_expert")
    async def expert(
        self, request: Request[Any, Any, Any], expert_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        user = signed_in(request)
        expert, group = await experts.get_expert_for(db, user, expert_id)
        settings = request.app.state.settings
        detail = await registry.read_expert(db, user, expert, client_address(request), experts.today(settings.timezone))
        return page(
            "experts/coordinator/expert.html",
            group=group,
            is_coordinator=True,
            detail=detail,
            areas={area.id: area for area in group.areas},
            consent_labels=CONSENT_LABELS,
            response_labels=INVITATION_RESPONSE_LABELS,
            invited=expert.status == ExpertStatus.INVITED,
        )

    @post("/experts/{expert_id:int}/invitation")
    async def renew_invitation(
        self,
        request: Request[Any, Any, Any],
        expert_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Redirect:
        actor = signed_in(request)
        expert, group = await experts.get_expert_for(db, actor, expert_id)
        _ = translator(request)
        identity = await db.get(ExpertIdentity, expert.id)
        if identity is None:
            raise NotFoundException()
        try:
            token = await registry.renew_invitation(
                db, actor, expert, identity, await experts.registry_settings(db), client_address(request)
            )
        except experts.ExpertsRefused as refused:
            flash(request, refusal_text(refused, _), "error")
        else:
            await send_invitation(services, group, identity, token)
            flash(request, _("A new invitation has been sent."))
        return see_other(f"{BASE}/experts/{expert.id}")

    # --- registry settings and retention ---

    async def _settings(self, db: AsyncSession, *, status: int = 200, **overrides: Any) -> Template:
        current = await experts.registry_settings(db)
        form = {name: str(getattr(current, name)) for name in experts.SETTING_FIELDS}
        form["earnings_limit"] = f"{current.earnings_limit_cents // 100},{current.earnings_limit_cents % 100:02d}"
        context: dict[str, Any] = {"current": current, "form": form, "errors": Errors()}
        context.update(overrides)
        return page("experts/coordinator/settings.html", status=status, **context)

    @get("/settings", name="coordinator_settings")
    async def settings_page(self, db: NamedDependency[AsyncSession]) -> Template:
        return await self._settings(db)

    @post("/settings")
    async def save_settings(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        _ = translator(request)
        data = await read_form(request)
        values, errors = forms.parse_settings(data, _)
        if errors:
            return await self._settings(db, status=422, form=data, errors=errors)
        await experts.save_settings(db, actor, values, client_address(request))
        flash(request, _("The settings have been saved."))
        return see_other(f"{BASE}/settings")

    @post("/retention")
    async def apply_retention(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Redirect:
        actor = signed_in(request)
        _ = translator(request)
        settings = request.app.state.settings
        outcome = await retention.apply_retention(
            db,
            await experts.registry_settings(db),
            actor,
            experts.today(settings.timezone),
            client_address(request),
        )
        flash(
            request,
            _(
                "Retention applied: %(notes)s notes, %(inputs)s pieces of input, %(invitations)s unanswered "
                "invitations and %(ledger)s ledger lines deleted; %(lapsed)s experts whose consent had ended left "
                "the registry."
            )
            % {
                "notes": outcome.notes_deleted,
                "inputs": outcome.inputs_deleted,
                "invitations": outcome.invitations_deleted,
                "ledger": outcome.ledger_deleted,
                "lapsed": outcome.lapsed_withdrawn,
            },
        )
        return see_other(f"{BASE}/settings")
