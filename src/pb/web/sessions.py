"""Server-side sessions that we rotate ourselves.

Litestar's server-side sessions accept a client-chosen id and never rotate it (session fixation) and write a
store entry for every anonymous request (see docs/architecture.md). This layer runs outside Litestar's router,
so error pages see the session too, and:
- ids not present in the store are ignored (a planted id is never adopted);
- empty sessions are never written, so anonymous visitors get no cookie and no store entry;
- a handler that sets ``request.state.rotate_session`` (login, logout) gets a new id, the old one is deleted.

Its cookie is the only one pb sets (issue 7). What other sites keep in cookies lives in the session instead:
the CSRF token (web/csrf.py) and a language chosen with ?lang= (web/shell.py). An anonymous visitor gets a
session only when a page shows them a form, when they choose a language, or when they start voting with a code.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

from litestar.stores.base import Store

ROTATE_FLAG = "rotate_session"
# The language chosen with ?lang= when it differs from the visitor's default (user's preference, browser).
SESSION_LANGUAGE = "language"


@dataclass
class LoadedSession:
    session_id: str | None
    serialized: str | None


class SessionLayer:
    def __init__(self, store: Store, *, cookie_name: str, max_age: int, secure: bool) -> None:
        self.store = store
        self.cookie_name = cookie_name
        self.max_age = max_age
        self.secure = secure

    def session_id_from_headers(self, headers: list[tuple[bytes, bytes]]) -> str | None:
        for name, value in headers:
            if name == b"cookie":
                cookie: SimpleCookie = SimpleCookie()
                try:
                    cookie.load(value.decode("latin-1"))
                except Exception:  # a malformed Cookie header means "no session", never an error page
                    continue
                morsel = cookie.get(self.cookie_name)
                if morsel is not None and 20 <= len(morsel.value) <= 100:
                    return morsel.value
        return None

    async def load(self, headers: list[tuple[bytes, bytes]]) -> tuple[dict[str, Any], LoadedSession]:
        session_id = self.session_id_from_headers(headers)
        if session_id is not None:
            raw = await self.store.get(session_id)
            if raw is not None:
                text = raw.decode("utf-8")
                data = json.loads(text)
                if isinstance(data, dict):
                    return data, LoadedSession(session_id, text)
        return {}, LoadedSession(None, None)

    async def save(self, data: Any, loaded: LoadedSession, rotate: bool) -> list[tuple[bytes, bytes]]:
        """Persist the session after the handler ran; returns the Set-Cookie headers to add."""
        if not isinstance(data, dict) or not data:
            if loaded.session_id is None:
                return []
            await self.store.delete(loaded.session_id)
            return [self._cookie("", max_age=0)]
        serialized = json.dumps(data, sort_keys=True, default=str)
        if loaded.session_id is not None and not rotate:
            if serialized != loaded.serialized:
                await self.store.set(loaded.session_id, serialized, expires_in=self.max_age)
            return []
        if loaded.session_id is not None:
            await self.store.delete(loaded.session_id)
        new_id = secrets.token_urlsafe(32)
        await self.store.set(new_id, serialized, expires_in=self.max_age)
        return [self._cookie(new_id, max_age=self.max_age)]

    def _cookie(self, value: str, *, max_age: int) -> tuple[bytes, bytes]:
        parts = [f"{self.cookie_name}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
        if self.secure:
            parts.append("Secure")
        return (b"set-cookie", "; ".join(parts).encode("latin-1"))
