"""Issue 7: "Only the session cookie is set; no tracking." And CSRF defence without a cookie of its own.

The crawl walks the demo municipality as an anonymous visitor, a resident and an admin, following links and
requesting every GET route of the route inventory at least once, and checks every answer's Set-Cookie headers.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar import Request, Response, get, post

from pb.accounts.models import User
from pb.demo import DEMO_USERS, load_demo
from pb.settings import Settings
from pb.web.shell import PbApp
from tests.conftest import FormClient, csrf_token_in
from tests.personas import AINO
from tests.web.test_route_inventory import concrete, routes

SESSION_COOKIE = "pb_session"
LINK = re.compile(r'href="(/[^"#]*)"')
# Enough to see every kind of page a route serves (the demo's four rounds are in four different phases) without
# walking hundreds of near-identical pages. Query strings (sorting, paging, ?lang=) are not followed.
VISITS_PER_ROUTE = 4
# Pages an anonymous visitor reads without filling in anything: none of them may start a session.
READING = (
    "/", "/processes", "/processes/omabudjetti-2026", "/processes/omabudjetti-2026/proposals",
    "/processes/omabudjetti-2024/results", "/privacy", "/accessibility", "/panels/kuntalaisraati-2026",
)  # fmt: skip


def set_cookies(response: Any) -> list[str]:
    return [value for name, value in response.headers.multi_items() if name.lower() == "set-cookie"]


def demo_password(email: str) -> str:
    return next(user.password for user in DEMO_USERS if user.email == email)


@pytest.fixture
def demo(settings: Settings) -> None:
    asyncio.run(load_demo(settings))


def route_patterns(app: PbApp) -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for method, path, _handler in routes(app):
        if method == "GET":
            regex = re.sub(r"\{[a-z_]+:int\}", r"\\d+", path)
            regex = re.sub(r"\{[a-z_]+:(str|path)\}", r"[^/]+", regex)
            patterns.append((path, re.compile(f"^{regex}$")))
    # As the router does: a fixed segment ("/password-reset/sent") wins over a parameter ("/password-reset/{token}").
    return sorted(patterns, key=lambda item: item[0].count("{"))


def crawl(app: PbApp, client: FormClient) -> tuple[Counter[str], Counter[str]]:
    """Follows links from the front page, then requests every GET route that no link led to.

    Returns the visits and the 200 answers per route; fails on the first Set-Cookie that is not the session's.
    """
    patterns = route_patterns(app)
    seen: set[str] = set()
    visits: Counter[str] = Counter()
    answered: Counter[str] = Counter()

    def visit(url: str) -> list[str]:
        path = urlsplit(url).path
        route = next((route for route, pattern in patterns if pattern.match(path)), None)
        if route is None or url in seen or visits[route] >= VISITS_PER_ROUTE:
            return []
        seen.add(url)
        visits[route] += 1
        response = client.get(url, follow_redirects=False)
        for cookie in set_cookies(response):
            assert cookie.startswith(f"{SESSION_COOKIE}="), f"GET {url} set a cookie other than the session's: {cookie}"
            assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie, cookie
        if response.status_code != 200:
            return []
        answered[route] += 1
        if not response.headers.get("content-type", "").startswith("text/html"):
            return []
        return [unescape(link).partition("?")[0] for link in LINK.findall(response.text)]

    queue = ["/", *READING]  # the panel's public page is linked from its letters, not from the site
    while queue:
        queue.extend(visit(queue.pop(0)))
    for route, _pattern in patterns:
        if not visits[route]:  # reached by no link: a token in an email, a page behind a form
            visit(concrete(route))
    return visits, answered


@pytest.mark.parametrize("who", ["anonymous", "asukas@example.fi", "admin@example.fi"])
def test_no_page_sets_any_cookie_but_the_session(
    app: PbApp, client: FormClient, demo: None, who: str, caplog: pytest.LogCaptureFixture
) -> None:
    if who != "anonymous":
        response = client.submit("/login", {"email": who, "password": demo_password(who)})
        assert response.status_code == 303, response.text
    visits, answered = crawl(app, client)
    get_routes = {path for path, _pattern in route_patterns(app)}
    assert set(visits) == get_routes
    # The crawl really walked the site (and did not, say, stop at a login page).
    assert len(answered) >= (len(get_routes) // 2 if who == "admin@example.fi" else 20), sorted(answered)
    # The shell drops a foreign cookie and logs it, so a page that tries to set one fails here too.
    assert not [record for record in caplog.records if "dropped a cookie" in record.getMessage()]


def test_an_anonymous_visitor_who_only_reads_gets_no_cookie_and_no_stored_session(
    client: FormClient, demo: None, settings: Settings
) -> None:
    proposals = client.get("/processes/omabudjetti-2026/proposals").text
    reading = [*READING, *sorted(set(re.findall(r'href="(/proposals/\d+)"', proposals)))[:3]]
    assert len(reading) > len(READING)
    for path in reading:
        response = client.get(path)
        assert response.status_code == 200, path
        assert set_cookies(response) == [], path
        # Without a session <body> carries no token for htmx (creating one would start a session).
        assert "hx-headers" not in response.text, path
    assert not client.cookies
    assert not settings.session_dir.exists() or list(settings.session_dir.iterdir()) == []


def test_a_page_with_a_form_starts_a_session_that_holds_the_token(client: FormClient) -> None:
    first = client.get("/login")
    (cookie,) = set_cookies(first)
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    token = csrf_token_in(first.text)
    # The next page carries the same token, for htmx too, and sets no cookie again.
    again = client.get("/")
    assert f'"x-csrftoken": "{token}"' in again.text
    assert set_cookies(again) == []
    assert csrf_token_in(client.get("/register").text) == token


def test_a_token_from_one_session_is_refused_in_another(
    client: FormClient, another_client: FormClient, personas: dict[str, User]
) -> None:
    theirs = another_client.csrf_token()
    client.csrf_token()  # this visitor has a session, with a token of its own
    refused = client.post("/login", data={"email": AINO.email, "password": AINO.password, "_csrf_token": theirs})
    assert refused.status_code == 403
    accepted = client.submit("/login", {"email": AINO.email, "password": AINO.password})
    assert accepted.status_code == 303


def test_a_missing_or_forged_token_gets_the_friendly_page_in_the_visitors_language(client: FormClient) -> None:
    client.get("/login?lang=sv")
    for data in ({"email": "x@example.fi"}, {"email": "x@example.fi", "_csrf_token": "forged"}):
        refused = client.post("/login", data=data)
        assert refused.status_code == 403
        assert '<html lang="sv">' in refused.text
        assert "Formuläret hade gått ut" in refused.text


def test_a_post_without_any_session_is_refused(client: FormClient) -> None:
    refused = client.post("/login", data={"email": AINO.email, "password": AINO.password, "_csrf_token": ""})
    assert refused.status_code == 403
    assert set_cookies(refused) == []


def test_htmx_sends_the_token_as_a_header(client: FormClient, personas: dict[str, User]) -> None:
    token = client.csrf_token()
    response = client.post(
        "/login",
        data={"email": AINO.email, "password": AINO.password},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another origin
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.local.evil.example"},
    ],
)
def test_a_post_from_another_site_is_refused_even_with_a_valid_token(
    client: FormClient, personas: dict[str, User], headers: dict[str, str]
) -> None:
    form = {"email": AINO.email, "password": AINO.password, "_csrf_token": client.csrf_token()}
    refused = client.post("/login", data=form, headers=headers, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/account", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed or bookmarked by the user
        {"Origin": "http://testserver.local"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver.local"},
    ],
)
def test_a_post_from_our_own_pages_is_accepted(
    client: FormClient, personas: dict[str, User], headers: dict[str, str]
) -> None:
    form = {"email": AINO.email, "password": AINO.password, "_csrf_token": client.csrf_token()}
    accepted = client.post("/login", data=form, headers=headers, follow_redirects=False)
    assert accepted.status_code == 303


def test_logging_in_gives_the_new_session_a_new_token(client: FormClient, personas: dict[str, User]) -> None:
    before = client.csrf_token()
    client.log_in(AINO)
    after = client.csrf_token()
    assert after != before
    refused = client.post("/logout", data={"_csrf_token": before}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.submit("/logout").status_code == 303


def test_a_planted_session_id_is_ignored_and_its_token_is_useless(
    client: FormClient, another_client: FormClient, personas: dict[str, User]
) -> None:
    # The attacker's own session and token, planted in the victim's browser (cookie tossing over http).
    attacker_token = another_client.csrf_token()
    attacker_session = another_client.session_id()
    assert attacker_session is not None
    client.cookies.set(SESSION_COOKIE, attacker_session, domain="testserver.local")
    client.log_in(AINO)
    assert client.session_id() != attacker_session
    refused = client.post("/logout", data={"_csrf_token": attacker_token}, follow_redirects=False)
    assert refused.status_code == 403


def test_a_refused_upload_leaves_no_file_open(client: FormClient, personas: dict[str, User]) -> None:
    # With warnings as errors, an unclosed temporary file would fail the test (ResourceWarning).
    client.log_in(AINO)
    refused = client.post(
        "/account/profile", files={"photo": ("a.jpg", b"0" * 2048, "image/jpeg")}, data={"_csrf_token": "forged"}
    )
    assert refused.status_code == 403


def test_safe_methods_are_never_checked(client: FormClient) -> None:
    for method in ("GET", "OPTIONS"):
        response = client.request(method, "/login", headers={"Sec-Fetch-Site": "cross-site"})
        assert response.status_code in {200, 204}, method


@pytest.mark.own_app
def test_a_cookie_set_by_any_handler_is_dropped_and_logged(
    app: PbApp, client: FormClient, caplog: pytest.LogCaptureFixture
) -> None:
    @get("/test-only/tracker", sync_to_thread=False)
    def tracker() -> Response[str]:
        return Response("hello", cookies={"tracker": "1"})

    @post("/test-only/tracker", sync_to_thread=False, status_code=200)
    def tracker_post() -> Response[str]:
        return Response("posted", cookies={"tracker": "2"})

    app.register(tracker)
    app.register(tracker_post)
    with caplog.at_level(logging.ERROR, logger="pb.shell"):
        response = client.get("/test-only/tracker")
        posted = client.submit("/test-only/tracker")
    assert response.text == "hello" and posted.text == "posted"
    assert not [cookie for cookie in set_cookies(response) + set_cookies(posted) if cookie.startswith("tracker")]
    assert len([record for record in caplog.records if "dropped a cookie" in record.getMessage()]) == 2


@pytest.mark.own_app
def test_the_open_data_api_never_sees_or_starts_a_session(app: PbApp, client: FormClient) -> None:
    @get("/api/test-only/echo", sync_to_thread=False)
    def echo(request: Request[Any, Any, Any]) -> dict[str, bool]:
        return {"session": "session" in request.scope}

    app.register(echo)
    client.get("/?lang=sv")  # this browser has a session
    assert client.session_id()
    for url in ("/api/test-only/echo", "/api/test-only/echo?lang=en"):
        response = client.get(url)
        assert response.json() == {"session": False}, url
        assert set_cookies(response) == [], url
