"""Inventory tests over every route of the app, so that a new route cannot forget its protections."""

from __future__ import annotations

import re

import pytest
from litestar.handlers import HTTPRouteHandler

from pb.accounts.models import User
from pb.web.shell import PbApp
from tests.conftest import FormClient
from tests.personas import AINO, ANNA

# Routes reachable without any role, and the routes that need only a signed-in account.
PUBLIC_PATHS = {
    "/",
    "/healthz",
    "/register",
    "/register/sent",
    "/verify-email/{token:str}",
    "/login",
    "/logout",
    "/password-reset",
    "/password-reset/sent",
    "/password-reset/{token:str}",
}
ACCOUNT_PATHS = {"/account", "/account/profile", "/account/email", "/account/password", "/account/verification"}


def routes(app: PbApp) -> list[tuple[str, str, HTTPRouteHandler]]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler) or route.path.startswith("/static"):
                continue
            for method in sorted(handler.http_methods):
                if method not in {"HEAD", "OPTIONS"}:
                    found.append((method, route.path, handler))
    return found


def concrete(path: str) -> str:
    path = re.sub(r"\{[a-z_]+:int\}", "1", path)
    return re.sub(r"\{[a-z_]+:str\}", "x" * 43, path)


def test_every_route_is_known_to_be_public_for_accounts_or_for_staff(app: PbApp) -> None:
    for _method, path, handler in routes(app):
        guarded = bool(handler.guards) or any(getattr(layer, "guards", None) for layer in handler.ownership_layers)
        if path in PUBLIC_PATHS:
            assert not guarded, path
        else:
            assert guarded, f"{path} has no guard: add one or list it as public"


@pytest.mark.parametrize("kind", ["staff", "account"])
def test_protected_routes_send_anonymous_visitors_to_log_in(app: PbApp, client: FormClient, kind: str) -> None:
    checked = 0
    for method, path, _handler in routes(app):
        is_account = path in ACCOUNT_PATHS
        if path in PUBLIC_PATHS or (kind == "account") != is_account:
            continue
        url = concrete(path)
        response = client.get(url, follow_redirects=False) if method == "GET" else client.submit(url)
        assert response.status_code == 303, (method, path, response.status_code)
        assert response.headers["location"].startswith("/login"), (method, path)
        checked += 1
    assert checked > 0


def test_staff_routes_refuse_a_resident(app: PbApp, client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(AINO)
    checked = 0
    for method, path, _handler in routes(app):
        if path in PUBLIC_PATHS or path in ACCOUNT_PATHS:
            continue
        url = concrete(path)
        response = client.get(url) if method == "GET" else client.submit(url)
        assert response.status_code == 403, (method, path, response.status_code)
        checked += 1
    assert checked >= 5


def test_every_state_changing_route_refuses_a_request_without_a_csrf_token(
    app: PbApp, client: FormClient, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    checked = 0
    for method, path, _handler in routes(app):
        if method == "GET":
            continue
        url = concrete(path)
        without = client.request(method, url, data={"email": "x@example.fi"}, follow_redirects=False)
        assert without.status_code == 403, (method, path, without.status_code)
        forged = client.request(method, url, data={"_csrf_token": "0" * 128}, follow_redirects=False)
        assert forged.status_code == 403, (method, path)
        checked += 1
    assert checked >= 10


def test_the_framework_openapi_pages_that_load_scripts_from_a_cdn_are_off(client: FormClient) -> None:
    for path in ("/schema", "/schema/redoc", "/schema/swagger", "/schema/openapi.json"):
        assert client.get(path).status_code == 404, path
