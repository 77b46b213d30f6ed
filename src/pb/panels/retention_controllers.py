"""HTTP for a panel's end: closing the panel and deleting the personal data that is due (the retention periods are
set on the panel's page, pb.panels.controllers)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.db import utcnow
from pb.panels import retention
from pb.panels import services as panels
from pb.web.auth import client_address, requires_role
from pb.web.forms import translator
from pb.web.responses import flash, see_other

BASE = "/facilitator/panels"


class RetentionController(Controller):
    path = BASE
    guards = [requires_role(Role.FACILITATOR, Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    @post("/{panel_id:int}/close")
    async def close(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Redirect:
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        try:
            await retention.close_panel(db, actor, panel, client_address(request))
        except panels.PanelRefused as refused:
            flash(request, _(refused.message), "error")
        else:
            flash(request, _("The panel has been closed."))
        return see_other(f"{BASE}/{panel.id}#retention")

    @post("/{panel_id:int}/purge")
    async def purge(
        self, request: Request[Any, Any, Any], panel_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Redirect:
        """Deletes now what is due (the daily `pb panels purge` would do it too)."""
        actor = signed_in(request)
        panel = await panels.get_panel_for(db, actor, panel_id)
        _ = translator(request)
        due = await retention.status(db, panel)
        now = utcnow()
        if panel.members_purged_at is None and due.members_due is not None and due.members_due <= now:
            purged = await retention.purge_members(db, panel, actor)
        elif panel.unselected_purged_at is None and due.unselected_due is not None and due.unselected_due <= now:
            purged = await retention.purge_unselected(db, panel, actor)
        else:
            flash(request, _("Nothing is due for deletion yet."), "error")
            return see_other(f"{BASE}/{panel.id}#retention")
        message = _("Deleted: %(registrations)s registrations and %(addresses)s street addresses.")
        flash(request, message % {"registrations": purged.registrations, "addresses": purged.addresses})
        return see_other(f"{BASE}/{panel.id}#retention")


ROUTES: list[Any] = [RetentionController]
