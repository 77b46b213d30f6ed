"""Small helpers every controller uses: pages, redirects, flash messages."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from pb.web.sessions import SESSION_LANGUAGE

FLASH_KEY = "flash"


def page(template: str, *, status: int = 200, **context: Any) -> Template:
    return Template(template_name=template, context=context, status_code=status)


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """htmx asks for a fragment. A history restore comes from htmx too but needs the whole page."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def see_other(path: str) -> Redirect:
    """POST/redirect/GET: 303 so the browser follows with GET and a reload does not post again."""
    return Redirect(path=path, status_code=303)


def flash(request: Request[Any, Any, Any], message: str, category: str = "success") -> None:
    """A one-time message shown on the next page (stored in the session, so only for signed-in users)."""
    request.session.setdefault(FLASH_KEY, []).append({"message": message, "category": category})


def remember_language(request: Request[Any, Any, Any], language: str) -> None:
    """The user's stored preference becomes the site's language (at login, after changing it): this response
    is in it, and an earlier ?lang= choice kept in the session no longer overrides it (web/shell.py)."""
    request.scope["state"]["locale"] = language
    session = request.scope.get("session")
    if isinstance(session, dict):
        session.pop(SESSION_LANGUAGE, None)
