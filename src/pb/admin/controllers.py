"""Admin pages: the overview, the list of accounts and granting and removing roles."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts import services as account
from pb.accounts.controllers import signed_in
from pb.accounts.models import STAFF_ROLES, Role, User
from pb.admin import forms, services
from pb.i18n import N_
from pb.web.auth import client_address, requires_role
from pb.web.forms import Errors, clean_text, read_form_lists, translator
from pb.web.responses import flash, page, see_other


async def get_user_for(actor: User, db: AsyncSession, user_id: FromPath[int]) -> User:
    """Access-checked loader: only admins reach this controller (guard), unknown ids are 404."""
    assert actor.has_role(Role.ADMIN)
    user = await services.get_user_for_admin(db, user_id)
    if user is None:
        raise NotFoundException()
    return user


class AdminController(Controller):
    path = "/admin"
    guards = [requires_role(Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    @get("/", name="admin")
    async def index(self) -> Template:
        return page("admin/index.html")

    @get("/users", name="admin_users")
    async def users(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        q: FromQuery[str | None] = None,
        role: FromQuery[str | None] = None,
        page_number: FromQuery[str | None] = None,
    ) -> Template:
        search = clean_text(q)[:100]
        wanted_role = forms.parse_role_filter(role)
        found = await services.find_users(db, search=search, role=wanted_role, page=forms.parse_page(page_number))
        context: dict[str, Any] = {
            "found": found,
            "q": search,
            "role": wanted_role.value if wanted_role else "",
            "roles": list(Role),
        }
        # htmx: the search form updates only the list, and the address bar follows (hx-push-url).
        if request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true":
            return page("admin/_user_list.html", **context)
        return page("admin/users.html", **context)

    @get("/users/{user_id:int}", name="admin_user")
    async def user(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        target = await get_user_for(signed_in(request), db, user_id)
        return page("admin/user.html", target=target, roles=list(Role), staff_roles=STAFF_ROLES, errors=Errors())

    @post("/users/{user_id:int}/roles")
    async def set_roles(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        target = await get_user_for(actor, db, user_id)
        values = (await read_form_lists(request)).get("roles", [])
        roles, errors = forms.parse_roles(values, translator(request), editing_self=actor.id == target.id)
        if errors:
            return page(
                "admin/user.html",
                status=422,
                target=target,
                roles=list(Role),
                staff_roles=STAFF_ROLES,
                errors=errors,
            )
        await account.set_roles(db, actor, target.id, roles, client_address(request))
        flash(request, translator(request)(N_("The roles have been saved.")))
        return see_other(f"/admin/users/{target.id}")
