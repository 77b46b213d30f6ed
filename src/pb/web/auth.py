"""Who is asking: the signed-in user, and guards that let only the right roles through."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy import select

from pb.accounts.models import Role, User
from pb.db import Database

USER_KEY = "user"
SESSION_USER_ID = "user_id"
SESSION_LOGIN_AT = "login_at"


async def load_user(connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    """The signed-in user (loaded by the outer shell for every page, error pages included)."""
    return await load_user_for_scope(connection.scope, connection.app.state.db)


async def load_user_for_scope(scope: Any, database: Database) -> User | None:
    state = scope.setdefault("state", {})
    if USER_KEY in state:
        cached: User | None = state[USER_KEY]
        return cached
    user: User | None = None
    session = scope.get("session")
    if isinstance(session, dict) and isinstance(session.get(SESSION_USER_ID), int):
        async with database.sessionmaker() as db:
            user = await db.scalar(select(User).where(User.id == session[SESSION_USER_ID]))
        if user is not None and not _session_still_valid(user, session):
            user = None
        if user is None:
            session.clear()
    state[USER_KEY] = user
    return user


def _session_still_valid(user: User, session: dict[str, Any]) -> bool:
    # A password change or reset ends every other session of the account (OWASP ASVS 3.3.3).
    if not user.is_active:
        return False
    if user.sessions_valid_from is None:
        return True
    login_at = session.get(SESSION_LOGIN_AT)
    try:
        return datetime.fromisoformat(str(login_at)) >= user.sessions_valid_from
    except ValueError:
        return False


class LoginRequired(NotAuthorizedException):
    """Raised for anonymous visitors on pages that need an account; answered with a redirect to login."""


async def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if await load_user(connection) is None:
        raise LoginRequired()


GuardFunction = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Coroutine[Any, Any, None]]


def requires_role(*roles: Role) -> GuardFunction:
    """Staff guard: anonymous visitors are sent to log in, signed-in users without the role get 403."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = await load_user(connection)
        if user is None:
            raise LoginRequired()
        if not user.has_role(*roles):
            raise PermissionDeniedException()

    guard.__name__ = f"requires_role({', '.join(roles)})"
    return guard


def current_user_or_none(connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    value = connection.scope.get("state", {}).get(USER_KEY)
    return value if isinstance(value, User) else None


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    # Behind the reverse proxy, uvicorn's --proxy-headers sets the client from X-Forwarded-For (docs/deploy.md).
    return connection.client.host if connection.client else "unknown"
