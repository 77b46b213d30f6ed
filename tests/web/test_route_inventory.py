"""Inventory tests over every route of the app, so that a new route cannot forget its protections.

Each route is one of three kinds, read from its guards: public (no guard; must be listed below, so that making
a page public is a decision), for signed-in accounts (`requires_login`), or for staff (`requires_role(...)`).
"""

from __future__ import annotations

import re
from typing import Literal

import pytest
from litestar.handlers import HTTPRouteHandler

from pb.accounts.models import User
from pb.web.auth import requires_login
from pb.web.shell import PbApp
from tests.conftest import FormClient
from tests.personas import AINO, ANNA

# What anyone may do without an account: (method, path).
PUBLIC_GET_PATHS = (
    "/", "/healthz", "/register", "/register/sent", "/verify-email/{token:str}", "/login",
    "/password-reset", "/password-reset/sent", "/password-reset/{token:str}",
    "/processes", "/processes/{slug:str}", "/processes/{slug:str}/proposals",
    "/proposals/{proposal_id:int}", "/proposals/{proposal_id:int}/images/{image_id:int}",
    "/proposals/{proposal_id:int}/comments", "/comments/{comment_id:int}",
    # Voting: code voters have no account, and the voting page tells a visitor how to get the right to vote.
    "/processes/{slug:str}/vote", "/processes/{slug:str}/vote/code", "/processes/{slug:str}/vote/{budget_id:int}",
    "/processes/{slug:str}/vote/{budget_id:int}/done",
    # Verifiability: anyone checks a receipt and reads the anonymised ballots once results are out.
    "/processes/{slug:str}/receipt", "/processes/{slug:str}/ballots/{budget_id:int}",
    "/processes/{slug:str}/participation",
    # Published results, their files for recounting, and what became of each funded project.
    "/processes/{slug:str}/results", "/processes/{slug:str}/results/{file_name:str}",
    "/processes/{slug:str}/results/projects/{project_id:int}",
    # Past elections imported from Pabulib files (other cities' published data), and the files themselves.
    "/past-elections", "/past-elections/{election_id:int}", "/past-elections/{election_id:int}/file",
    # The outcome report of a round (PDF) once every result is published (issue 5: "anyone can download it").
    "/processes/{slug:str}/outcome-report.pdf",
    # Citizen panels: the public page, and registration with the code of an invitation letter.
    "/panels/{slug:str}", "/panels/{slug:str}/register", "/panels/{slug:str}/register/done",
    # ... and how its panel was selected (digests, the published lottery, the draw) and its report, for anyone to check.
    "/panels/{slug:str}/selection", "/panels/{slug:str}/selection/{selection_id:int}/lottery.json",
    "/panels/{slug:str}/report.pdf",
    # How pb handles personal data and how accessible it is, readable before having an account (and after
    # deleting one).
    "/privacy", "/accessibility", "/privacy/account-deleted",
    # The open data API (issue 7): read-only JSON of what the public pages show, for anyone (docs/open-data.md).
    "/api/v1", "/api/v1/openapi.json", "/api/v1/processes", "/api/v1/processes/{slug:str}",
    "/api/v1/processes/{slug:str}/participation", "/api/v1/processes/{slug:str}/bulk.zip", "/api/v1/budgets",
    "/api/v1/budgets/{budget_id:str}", "/api/v1/budgets/{budget_id:str}/ballots", "/api/v1/projects",
    "/api/v1/projects/{project_id:str}", "/api/v1/implementations", "/api/v1/proposals",
    "/api/v1/proposals/{proposal_id:str}", "/api/v1/results", "/api/v1/results/{record_id:str}",
    "/api/v1/results/{record_id:str}/ballots.pb", "/api/v1/panels", "/api/v1/panels/{slug:str}",
    "/api/v1/panels/{slug:str}/recommendations",
)  # fmt: skip
# Forms that by their nature come from people who are not signed in (or are signing out).
PUBLIC_POST_PATHS = (
    "/register", "/verify-email/{token:str}", "/login", "/logout", "/password-reset", "/password-reset/{token:str}",
    # Voting with a letter's code needs no account (the handlers find the voter in the session).
    "/processes/{slug:str}/vote/code", "/processes/{slug:str}/vote/code/forget",
    "/processes/{slug:str}/vote/{budget_id:int}", "/processes/{slug:str}/vote/{budget_id:int}/total",
    "/processes/{slug:str}/vote/{budget_id:int}/cast", "/processes/{slug:str}/receipt",
    "/panels/{slug:str}/register",
)  # fmt: skip
PUBLIC_ROUTES = {("GET", path) for path in PUBLIC_GET_PATHS} | {("POST", path) for path in PUBLIC_POST_PATHS}
Kind = Literal["public", "account", "staff"]


def kind_of(handler: HTTPRouteHandler) -> Kind:
    guards = [guard for layer in handler.ownership_layers for guard in (getattr(layer, "guards", None) or [])]
    if any(getattr(guard, "__name__", "").startswith("requires_role") for guard in guards):
        return "staff"
    if requires_login in guards:
        return "account"
    return "public"


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


def test_every_unguarded_route_is_deliberately_public(app: PbApp) -> None:
    for method, path, handler in routes(app):
        if kind_of(handler) == "public":
            assert (method, path) in PUBLIC_ROUTES, f"{method} {path} has no guard: add one, or list it as public"


def test_staff_routes_are_marked_as_staff(app: PbApp) -> None:
    for _method, path, handler in routes(app):
        if kind_of(handler) == "staff":
            assert any((getattr(layer, "opt", None) or {}).get("staff") for layer in handler.ownership_layers), path


@pytest.mark.parametrize("kind", ["staff", "account"])
def test_protected_routes_send_anonymous_visitors_to_log_in(app: PbApp, client: FormClient, kind: Kind) -> None:
    checked = 0
    for method, path, handler in routes(app):
        if kind_of(handler) != kind:
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
    for method, path, handler in routes(app):
        if kind_of(handler) != "staff":
            continue
        url = concrete(path)
        response = client.get(url) if method == "GET" else client.submit(url)
        assert response.status_code == 403, (method, path, response.status_code)
        checked += 1
    assert checked >= 5


def test_every_state_changing_route_refuses_a_request_without_a_csrf_token(
    app: PbApp, client: FormClient, another_client: FormClient, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    token = client.csrf_token()
    # A real token, but of another visitor's session (the token is bound to the session, not just well-formed).
    someone_elses = another_client.csrf_token()
    checked = 0
    for method, path, _handler in routes(app):
        if method == "GET":
            continue
        url = concrete(path)
        without = client.request(method, url, data={"email": "x@example.fi"}, follow_redirects=False)
        assert without.status_code == 403, (method, path, without.status_code)
        forged = client.request(method, url, data={"_csrf_token": "0" * 128}, follow_redirects=False)
        assert forged.status_code == 403, (method, path)
        stolen = client.request(method, url, data={"_csrf_token": someone_elses}, follow_redirects=False)
        assert stolen.status_code == 403, (method, path)
        # Defence in depth: the browser says another site's page sent it, so even the right token is refused.
        cross_site = client.request(
            method, url, data={"_csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"}, follow_redirects=False
        )
        assert cross_site.status_code == 403, (method, path)
        for refused in (without, forged, stolen, cross_site):
            # The CSRF check's own page (it runs before the guards), in the admin's language.
            assert "The form had expired" in refused.text, (method, path)
        checked += 1
    assert checked >= 10


def test_the_framework_openapi_pages_that_load_scripts_from_a_cdn_are_off(client: FormClient) -> None:
    for path in ("/schema", "/schema/redoc", "/schema/swagger", "/schema/openapi.json"):
        assert client.get(path).status_code == 404, path


def test_an_id_no_record_can_have_is_a_404_on_every_route(
    app: PbApp, client: FormClient, personas: dict[str, User]
) -> None:
    # Without pb.web.ids the database would fail on it (PostgreSQL: integer out of range; SQLite: OverflowError).
    client.log_in(ANNA)
    checked = 0
    for method, path, _handler in routes(app):
        if ":int}" not in path:
            continue
        for too_big in ("99999999999", "9" * 30):
            url = re.sub(r"\{[a-z_]+:str\}", "x" * 43, re.sub(r"\{[a-z_]+:int\}", too_big, path))
            response = client.get(url) if method == "GET" else client.submit(url)
            assert response.status_code == 404, (method, path, response.status_code)
        checked += 1
    assert checked >= 50
