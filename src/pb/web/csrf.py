"""Cross-site request forgery defence without a cookie of its own.

Two independent checks on every state-changing request (any method but GET, HEAD, OPTIONS and TRACE):

1. Fetch Metadata / Origin (defence in depth): a browser says where a request comes from. ``Sec-Fetch-Site``
   other than ``same-origin`` or ``none`` (a request the user typed) is refused; a browser too old to send it
   still sends ``Origin``, which must name this site. Requests with neither come from something that is not a
   browser (curl, the tests' httpx clients) and cannot carry a victim's cookies, so they fall through to the token.
   (OWASP CSRF Prevention Cheat Sheet, "Fetch Metadata headers" and "Verifying origin with standard headers";
   the same algorithm as Go 1.25's ``net/http.CrossOriginProtection``.)
2. Synchronizer token (OWASP CSRF Prevention Cheat Sheet, "Synchronizer token pattern"): a random token kept in
   the server-side session, sent back in the ``_csrf_token`` form field or the ``X-CSRFToken`` header htmx adds.
   It replaces the double-submit cookie Litestar's ``CSRFConfig`` sets, so pb sets no cookie but the session's
   (issue 7: "Only the session cookie is set").

An anonymous visitor has no session until a page actually shows them a form: rendering ``csrf_input`` (or
``csrf_token()``) is what starts one (templating.py), so a visitor who only reads pages gets no cookie at all.
Starting a session for a form the visitor is about to fill in is a "user-centric security" use that needs no
consent (Article 29 Working Party, Opinion 04/2012 on cookie consent exemption, 3.3).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from markupsafe import Markup, escape

SESSION_KEY = "csrf"
FORM_FIELD = "_csrf_token"
HEADER = "x-csrftoken"
# The token the session held when the request arrived (set by the shell before anything can change the session).
EXPECTED_STATE_KEY = "csrf_expected"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# A route that must accept posts from other sites (none does today) opts out with ``opt={"exclude_from_csrf": True}``.
EXCLUDE_OPT_KEY = "exclude_from_csrf"
# ``none``: the user started the request themselves (typed address, bookmark); never a forgery.
ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})
# The 403 page looks for "csrf" in the detail to explain that the form had expired (web/errors.py).
REFUSED = "CSRF check failed"


def session_token(scope: Any, *, start_session: bool) -> str:
    """The visitor's token; created when missing, but a session is only started for it if ``start_session``."""
    session = scope.get("session")
    if not isinstance(session, dict):  # static files have no session
        return ""
    token = session.get(SESSION_KEY)
    if isinstance(token, str) and token:
        return token
    if not session and not start_session:
        return ""
    token = secrets.token_urlsafe(32)
    session[SESSION_KEY] = token
    return token


class CSRFInput:
    """The hidden form field, rendered lazily: a page that shows a form is what starts an anonymous session."""

    def __init__(self, scope: Any) -> None:
        self.scope = scope

    def __html__(self) -> Markup:
        token = session_token(self.scope, start_session=True)
        return Markup('<input type="hidden" name="{}" value="{}">').format(FORM_FIELD, escape(token))

    def __str__(self) -> str:
        return str(self.__html__())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def is_cross_site(scope: Scope, base_url: str) -> bool:
    """True when the browser tells us the request was made by another site's page."""
    fetch_site = _header(scope, b"sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in ALLOWED_FETCH_SITES
    origin = _header(scope, b"origin")
    if origin is None:
        return False
    # "null" is sent from sandboxed frames, data: URLs and after cross-origin redirects: never our own pages.
    origin_host = urlsplit(origin.strip()).netloc.lower()
    own_hosts = {urlsplit(base_url).netloc.lower(), (_header(scope, b"host") or "").lower()}
    return not origin_host or origin_host not in own_hosts


def tokens_match(expected: object, submitted: object) -> bool:
    if not isinstance(expected, str) or not expected or not isinstance(submitted, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


class CSRFMiddleware(ASGIMiddleware):
    """Refuses state-changing requests from other sites or without the session's token, with the friendly 403."""

    scopes = (ScopeType.HTTP,)
    exclude_opt_key = EXCLUDE_OPT_KEY

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["method"] in SAFE_METHODS:  # type: ignore[typeddict-item]
            await next_app(scope, receive, send)
            return
        # The site's own address, from the settings the app was configured with (pb.app.configure_app).
        if is_cross_site(scope, scope["litestar_app"].state.settings.base_url):
            raise PermissionDeniedException(f"{REFUSED}: cross-site request")
        expected = scope.get("state", {}).get(EXPECTED_STATE_KEY)
        if not tokens_match(expected, _header(scope, HEADER.encode())):
            request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope=scope, receive=receive)
            content_type, _ = request.content_type
            if content_type not in {RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART}:
                raise PermissionDeniedException(f"{REFUSED}: no token")
            # The parsed form is kept in the scope, so the handler reads it again without reading the body twice.
            form = await request.form()
            if not tokens_match(expected, form.get(FORM_FIELD)):
                for _name, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        await value.close()  # a refused upload's temporary file is not left open
                raise PermissionDeniedException(f"{REFUSED}: missing or wrong token")
        await next_app(scope, receive, send)
