"""The outermost layer of every request: language, session and security headers.

It wraps Litestar's own entry point rather than being a Litestar middleware because routing errors (404/405)
skip middleware; here every response, error pages included, gets the same headers, language and session.
The session's cookie is the only cookie pb ever sets (issue 7): the language choice and the CSRF token live in
the session, and a test crawls every page to check that no other Set-Cookie appears.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

from litestar import Litestar
from litestar.types import Message, Scope

from pb.accounts.models import User
from pb.i18n import negotiate
from pb.settings import LANGUAGES, Settings
from pb.web import csrf
from pb.web.auth import USER_KEY, load_user_for_scope
from pb.web.sessions import ROTATE_FLAG, SESSION_LANGUAGE, SessionLayer

log = logging.getLogger("pb.shell")
# Static files, and the open-data API (anonymous, read-only, used from other sites' pages), never see a session:
# no store read, no user lookup, and nothing there (not even ?lang=) can start one and set a cookie.
SESSIONLESS_PREFIXES = ("/static/", "/api/")

# No inline script or style anywhere (templates are checked for style= and on*= attributes by a test).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


class PbApp(Litestar):
    """Litestar with pb's outer layer; configured by ``configure_shell`` in ``create_app``."""

    pb_settings: Settings
    session_layer: SessionLayer

    def configure_shell(self, settings: Settings, session_layer: SessionLayer) -> None:
        self.pb_settings = settings
        self.session_layer = session_layer

    def choose_language(self, scope: Scope) -> str:
        """?lang=, else the choice kept in the session, the signed-in user's preference, Accept-Language, default.

        A ?lang= that differs from what the visitor would get anyway is kept in the session (starting one if
        needed: choosing a language is an explicit request), so the choice follows them from page to page.
        """
        session = scope.get("session")
        user = scope["state"].get(USER_KEY)
        chosen = session.get(SESSION_LANGUAGE) if isinstance(session, dict) else None
        if chosen in LANGUAGES:
            current = str(chosen)
        elif isinstance(user, User) and user.preferred_language in LANGUAGES:
            current = user.preferred_language
        else:
            current = negotiate(_header(list(scope["headers"]), b"accept-language"), self.pb_settings.default_language)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        asked = next(iter(query.get("lang", [])), None)
        if asked in LANGUAGES and asked != current:
            if isinstance(session, dict):
                session[SESSION_LANGUAGE] = asked
            return str(asked)
        return current

    def without_foreign_cookies(self, headers: list[tuple[bytes, bytes]], path: str) -> list[tuple[bytes, bytes]]:
        """Drops any Set-Cookie but the session's: pb sets no other cookie (issue 7), whatever a library tries."""
        prefix = f"{self.session_layer.cookie_name}=".encode("latin-1")
        kept = []
        for name, value in headers:
            if name.lower() == b"set-cookie" and not value.startswith(prefix):
                log.error("dropped a cookie other than the session's on %s: %r", path, value.split(b"=", 1)[0])
                continue
            kept.append((name, value))
        return kept

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:  # ASGI entry point
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        # RFC 9110 9.3.2: HEAD is GET without the content. Litestar routes a handler to HEAD only if it is
        # declared so, and then with no body at all; here every GET route answers HEAD with the GET's headers.
        head = scope["method"] == "HEAD"
        if head:
            scope["method"] = "GET"
        state = scope.setdefault("state", {})
        loaded = None
        expected_token: object = None
        if not scope["path"].startswith(SESSIONLESS_PREFIXES):
            scope["session"], loaded = await self.session_layer.load(scope["headers"])
            # Taken before anything (an ended login, a handler) can change the session, for the CSRF check.
            expected_token = scope["session"].get(csrf.SESSION_KEY)
            state[csrf.EXPECTED_STATE_KEY] = expected_token
            await load_user_for_scope(scope, self.state.db)
        state["locale"] = self.choose_language(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = self.without_foreign_cookies(list(message.get("headers", [])), scope["path"])
                names = {name.lower() for name, _ in headers}
                headers += [header for header in SECURITY_HEADERS if header[0] not in names]
                if self.pb_settings.uses_https:
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                if loaded is not None:
                    if b"cache-control" not in names:
                        # Pages can show personal data; shared library computers must not keep them.
                        headers.append((b"cache-control", b"no-store"))
                    session = scope.get("session")
                    rotate = bool(state.get(ROTATE_FLAG))
                    if rotate and isinstance(session, dict) and session.get(csrf.SESSION_KEY) == expected_token:
                        # The new id gets a new token too: a token that someone planted or saw together with the
                        # old id must not keep working (OWASP Session Management Cheat Sheet, "Renew the
                        # Session ID After Any Privilege Level Change").
                        session.pop(csrf.SESSION_KEY, None)
                    headers += await self.session_layer.save(session, loaded, rotate)
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)
