from __future__ import annotations

import re
from pathlib import Path

import pytest
from litestar import get

from pb.accounts.models import User
from pb.web.shell import PbApp
from tests.conftest import FormClient
from tests.personas import AINO

ROOT = Path(__file__).resolve().parents[2]


def assert_security_headers(headers: dict[str, str] | object) -> None:
    csp = headers["content-security-policy"]  # type: ignore[index]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["referrer-policy"] == "same-origin"  # type: ignore[index]


@pytest.mark.own_app
def test_every_kind_of_response_carries_the_security_headers(app: PbApp, client: FormClient) -> None:
    @get("/test-only/boom", sync_to_thread=False)
    def boom() -> str:
        raise RuntimeError("boom")

    app.register(boom)
    for path, status in [("/", 200), ("/no-such-page", 404), ("/static/css/pb.css", 200), ("/test-only/boom", 500)]:
        response = client.get(path)
        assert response.status_code == status, path
        assert_security_headers(response.headers)
    not_allowed = client.request("PUT", "/login")
    assert not_allowed.status_code == 405
    assert_security_headers(not_allowed.headers)


@pytest.mark.own_app
def test_error_pages_are_friendly_and_in_the_visitors_language(app: PbApp, client: FormClient) -> None:
    @get("/test-only/boom", sync_to_thread=False)
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.register(boom)
    missing = client.get("/no-such-page?lang=sv")
    assert '<html lang="sv">' in missing.text and "Sidan hittades inte" in missing.text
    failed = client.get("/test-only/boom?lang=en")
    assert failed.status_code == 500
    assert "Something went wrong on our side" in failed.text
    assert "secret internals" not in failed.text and "Traceback" not in failed.text


def test_error_pages_know_who_is_logged_in(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(AINO)
    assert "/account" in client.get("/no-such-page").text


def test_an_anonymous_visitor_gets_no_session_cookie_and_no_stored_session(
    client: FormClient, settings: object
) -> None:
    response = client.get("/")
    assert "set-cookie" not in response.headers
    client.get("/processes")
    client.get("/static/css/pb.css")
    assert not client.cookies
    session_dir = settings.session_dir
    assert not session_dir.exists() or list(session_dir.iterdir()) == []


def test_static_files_get_no_cookies_and_are_cacheable(client: FormClient) -> None:
    response = client.get("/static/js/htmx-2.0.11.min.js")
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    assert "max-age" in response.headers["cache-control"]


def test_the_session_cookie_is_httponly_and_samesite_lax(client: FormClient, personas: dict[str, User]) -> None:
    client.get("/")
    response = client.submit("/login", {"email": AINO.email, "password": AINO.password})
    cookie = next(value for name, value in response.headers.multi_items() if value.startswith("pb_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_under_https_cookies_are_secure_and_use_the_host_prefix(settings: object) -> None:
    from dataclasses import replace

    from pb.app import create_app
    from tests.conftest import FormClient as Client

    https_settings = replace(settings, base_url="https://osallistu.example.fi", secret_key="x" * 40)  # type: ignore[type-var]
    with Client(app=create_app(https_settings), base_url="https://osallistu.example.fi") as https_client:
        response = https_client.get("/login")
        # The only cookie: the session's, which the login form starts (it holds the form's CSRF token).
        (cookie,) = [value for name, value in response.headers.multi_items() if name == "set-cookie"]
        attributes = [part.strip() for part in cookie.split(";")]
        assert attributes[0].startswith("__Host-pb_session=")
        # RFC 6265bis 4.1.3.2: a __Host- cookie is Secure, has Path=/ and no Domain, so no other host can set it.
        assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(attributes)
        assert not any(part.lower().startswith("domain=") for part in attributes)
        assert "max-age=31536000" in response.headers["strict-transport-security"]
        # The token works over https too.
        token = https_client.csrf_token()
        posted = https_client.post("/login", data={"email": "x@example.fi", "password": "y", "_csrf_token": token})
        assert posted.status_code == 422


TEMPLATE_FILES = sorted((ROOT / "templates").rglob("*.html"))


def test_templates_have_no_inline_styles_or_event_handlers() -> None:
    # The Content-Security-Policy forbids inline style and script; this catches them before a browser does.
    offending = re.compile(r"\s(style|on[a-z]+)\s*=", re.IGNORECASE)
    for path in TEMPLATE_FILES:
        text = path.read_text(encoding="utf-8")
        assert not offending.search(text), f"{path.relative_to(ROOT)} has an inline style or on* handler"
        assert "<script>" not in text and "<style" not in text, path


def test_no_page_loads_anything_from_another_site() -> None:
    # Scripts, images, stylesheets, fonts and form targets; a plain <a href> to another site loads nothing.
    external = re.compile(
        r"""(\bsrc|<link[^>]*\bhref|\baction)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//""", re.IGNORECASE
    )
    for path in [*TEMPLATE_FILES, *sorted((ROOT / "static").rglob("*.css"))]:
        assert not external.search(path.read_text(encoding="utf-8")), path


def test_htmx_is_vendored_and_served_from_our_own_static_folder() -> None:
    assert (ROOT / "static/js/htmx-2.0.11.min.js").stat().st_size > 10_000
    base = (ROOT / "templates/base.html").read_text(encoding="utf-8")
    assert 'src="/static/js/htmx-2.0.11.min.js"' in base
