"""Record ids in addresses: a number no record can have is a 404, before any query is made.

Ids are PostgreSQL ``integer`` columns (up to 2**31 - 1; SQLite stores up to 2**63 - 1 and refuses bigger Python
ints with an OverflowError). Without this check an address such as ``/proposals/99999999999`` reaches the
database and fails there, which the visitor would see as a server error (developers' guide: bad input never gets
a 500). The open data API checks its own parameters and answers with a JSON problem (pb.api.forms).
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from pb.db import MAX_ID


def id_in_range(value: int) -> bool:
    return 0 < value <= MAX_ID


class IdRangeMiddleware(ASGIMiddleware):
    """Answers 404 for an address whose integer path parameter cannot be the id of any record."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        for value in scope.get("path_params", {}).values():
            if isinstance(value, int) and not isinstance(value, bool) and not id_in_range(value):
                raise NotFoundException()
        await next_app(scope, receive, send)
