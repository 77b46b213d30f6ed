"""Pages that belong to no single domain: the front page and the health check."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Response, Template
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pb.web.responses import page


class SiteController(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self) -> Template:
        return page("site/home.html")

    @get("/healthz", name="health")
    async def health(self, db: NamedDependency[AsyncSession]) -> Response[str]:
        await db.execute(text("SELECT 1"))
        return Response("ok", media_type="text/plain")
