"""Issue 7: "Only the session cookie is set; no tracking", over a resident's whole visit: reading, choosing a
language, a form refused for its missing token, a wrong password, logging in, their own-data pages and forms,
the open data API, logging out. Every answer's Set-Cookie is checked (tests/web/test_cookies.py crawls every GET
route; this follows the state-changing steps in between)."""

from __future__ import annotations

import logging

import httpx
import pytest

from pb.accounts.models import User
from tests.conftest import FormClient
from tests.personas import AINO

SESSION_COOKIE = "pb_session="


def test_a_residents_whole_visit_sets_no_cookie_but_the_session(
    client: FormClient, personas: dict[str, User], caplog: pytest.LogCaptureFixture
) -> None:
    cookies: list[tuple[str, str]] = []

    def keep_cookies(response: httpx.Response) -> None:
        for value in response.headers.get_list("set-cookie"):
            cookies.append((f"{response.request.method} {response.request.url.path}", value))

    client.event_hooks["response"].append(keep_cookies)
    with caplog.at_level(logging.ERROR, logger="pb.shell"):
        for path in ("/", "/processes", "/privacy", "/accessibility", "/api/v1/processes"):
            assert client.get(path).status_code == 200, path
        assert cookies == [], "reading starts no session"

        assert client.get("/?lang=sv").status_code == 200  # a language other than the browser's: kept in a session
        refused = client.post("/login", data={"email": AINO.email, "password": AINO.password})
        assert refused.status_code == 403
        assert client.submit("/login", {"email": AINO.email, "password": "wrong"}).status_code == 422
        assert client.submit("/login", {"email": AINO.email, "password": AINO.password}).status_code == 303
        for path in ("/account", "/account/notifications", "/account/data", "/account/delete", "/api/v1/panels"):
            assert client.get(path).status_code == 200, path
        assert client.submit("/account/notifications", {"new_comments": "yes"}).status_code == 303
        assert client.submit("/account/delete", {"content": "keep", "password": "wrong"}).status_code == 422
        assert client.submit("/logout").status_code == 303

    assert cookies, "choosing a language and logging in set the session cookie"
    others = [(step, value) for step, value in cookies if not value.startswith(SESSION_COOKIE)]
    assert others == [], "a cookie other than the session's"
    # The shell drops a foreign cookie and logs it: a step that tried to set one fails here even so.
    assert not [record for record in caplog.records if "dropped a cookie" in record.getMessage()]
