"""Small helpers every controller uses: pages, redirects, flash messages."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

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
    """Ask the outer shell to set the language cookie (e.g. to the user's preference at login)."""
    request.scope["state"]["locale"] = language
    request.scope["state"]["remember_language"] = language
