"""The outermost layer of every request: language, session and security headers.

It wraps Litestar's own entry point rather than being a Litestar middleware because routing errors (404/405)
skip middleware; here every response, error pages included, gets the same headers, language and session.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from litestar import Litestar
from litestar.types import Message, Scope

from pb.i18n import negotiate
from pb.settings import LANGUAGES, Settings
from pb.web.auth import load_user_for_scope
from pb.web.sessions import ROTATE_FLAG, SessionLayer

LANGUAGE_COOKIE = "pb_lang"

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


def _cookie_value(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie_name, _, cookie_value = part.strip().partition("=")
                if cookie_name == name:
                    return cookie_value
    return None


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

    def choose_language(self, scope: Scope) -> tuple[str, bool]:
        """Language from ?lang= (then remembered in a cookie), the cookie, Accept-Language, or the default."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        asked = next(iter(query.get("lang", [])), None)
        headers = list(scope["headers"])
        remembered = _cookie_value(headers, LANGUAGE_COOKIE)
        if asked in LANGUAGES:
            return asked, asked != remembered
        if remembered in LANGUAGES:
            return remembered, False
        return negotiate(_header(headers, b"accept-language"), self.pb_settings.default_language), False

    def language_cookie(self, language: str) -> tuple[bytes, bytes]:
        secure = "; Secure" if self.pb_settings.uses_https else ""
        value = f"{LANGUAGE_COOKIE}={language}; Path=/; Max-Age=31536000; SameSite=Lax{secure}"
        return (b"set-cookie", value.encode())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:  # ASGI entry point
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        language, remember_language = self.choose_language(scope)
        state["locale"] = language
        is_static = scope["path"].startswith("/static/")
        loaded = None
        if not is_static:
            scope["session"], loaded = await self.session_layer.load(scope["headers"])
            await load_user_for_scope(scope, self.state.db)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [header for header in SECURITY_HEADERS if header[0] not in names]
                if self.pb_settings.uses_https:
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                if loaded is not None:
                    if b"cache-control" not in names:
                        # Pages can show personal data; shared library computers must not keep them.
                        headers.append((b"cache-control", b"no-store"))
                    headers += await self.session_layer.save(scope.get("session"), loaded, bool(state.get(ROTATE_FLAG)))
                chosen = state.get("remember_language")
                if remember_language or chosen in LANGUAGES:
                    headers.append(self.language_cookie(chosen if chosen in LANGUAGES else language))
                message = {**message, "headers": headers}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)
