"""Pages that belong to no single domain: the front page and the health check."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Response, Template
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pb.processes import services as processes
from pb.processes.models import PHASE_LABELS
from pb.web.responses import page


class SiteController(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        moment = processes.now()
        visible = await processes.visible_processes(db, request.scope["state"].get("user"))
        open_now = [process for process in visible if process.is_published and process.current_phase(moment)]
        return page("site/home.html", open_processes=open_now, now=moment, phase_labels=PHASE_LABELS)

    @get("/healthz", name="health")
    async def health(self, db: NamedDependency[AsyncSession]) -> Response[str]:
        await db.execute(text("SELECT 1"))
        return Response("ok", media_type="text/plain")
