"""The audit log for admins: browse and filter every recorded staff action."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role
from pb.admin.forms import parse_page
from pb.admin.services import users_by_id
from pb.audit import forms
from pb.audit import services as audit
from pb.web.auth import requires_role
from pb.web.deps import Services
from pb.web.forms import translator
from pb.web.responses import page


class AuditController(Controller):
    path = "/admin/audit"
    guards = [requires_role(Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    @get("/", name="audit_log")
    async def index(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template:
        query = {key: value for key, value in request.query_params.items() if isinstance(value, str)}
        wanted, errors = forms.parse_filter(query, translator(request), services.settings.timezone)
        found = await audit.list_events(db, wanted, parse_page(query.get("page")))
        actors = await users_by_id(db, {event.actor_id for event in found.events if event.actor_id is not None})
        staff = await audit.staff_members(db)
        return page(
            "audit/list.html",
            status=422 if errors else 200,
            found=found,
            actors=actors,
            staff=staff,
            actions=await audit.known_actions(db),
            object_types=await audit.known_object_types(db),
            form=query,
            errors=errors,
        )
