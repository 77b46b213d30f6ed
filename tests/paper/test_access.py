"""Who may reach the assisted-voting and paper pages: voting assistants and admins. Residents are refused every
route, anonymous visitors are sent to log in, and a round that takes no paper ballots has no paper pages."""

from __future__ import annotations

import re

import pytest
from litestar.handlers import HTTPRouteHandler
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.processes.models import VotingMethod
from pb.web.shell import PbApp
from tests.conftest import FormClient
from tests.paper.support import VILLE, add_voting_staff
from tests.personas import AINO, ANNA, RIIKKA
from tests.voting_support import make_voting_process


def staff_routes(app: PbApp) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not route.path.startswith(("/assist", "/paper")):
            continue
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                found += [(method, route.path) for method in handler.http_methods if method in {"GET", "POST"}]
    assert len(found) >= 18, found
    return sorted(found)


def concrete(path: str, slug: str) -> str:
    return re.sub(r"\{[a-z_]+:int\}", "1", path.replace("{slug:str}", slug))


@pytest.fixture
def slug(db: Session) -> str:
    return str(make_voting_process(db).slug)


@pytest.mark.parametrize("persona", [AINO, RIIKKA], ids=["resident", "reviewer"])
def test_residents_and_other_staff_are_refused_every_route(
    app: PbApp, client: FormClient, personas: dict[str, User], slug: str, persona: object
) -> None:
    client.log_in(persona)  # type: ignore[arg-type]
    for method, path in staff_routes(app):
        url = concrete(path, slug)
        response = client.get(url) if method == "GET" else client.submit(url, {"sheet": "1", "budget": "1"})
        assert response.status_code == 403, (method, path, response.status_code)


def test_anonymous_visitors_are_sent_to_log_in(app: PbApp, client: FormClient, slug: str) -> None:
    for method, path in staff_routes(app):
        url = concrete(path, slug)
        response = client.get(url, follow_redirects=False) if method == "GET" else client.submit(url)
        assert response.status_code == 303, (method, path)
        assert response.headers["location"].startswith("/login"), (method, path)


def test_voting_assistants_and_admins_reach_the_pages(
    client: FormClient, db: Session, personas: dict[str, User], slug: str
) -> None:
    add_voting_staff(db)
    for persona in (VILLE, ANNA):
        client.log_in(persona)
        for path in (
            "/assist",
            f"/assist/{slug}",
            "/paper",
            f"/paper/{slug}/register",
            f"/paper/{slug}/batches",
            f"/paper/{slug}/reconciliation",
        ):
            assert client.get(path).status_code == 200, (persona.email, path)


def test_a_round_without_paper_ballots_has_no_paper_pages(client: FormClient, db: Session) -> None:
    process = make_voting_process(db)
    process.voting_methods = [VotingMethod.CENSUS, VotingMethod.ASSISTED]
    db.commit()
    add_voting_staff(db)
    client.log_in(VILLE)

    for page in ("register", "batches", "reconciliation"):
        assert client.get(f"/paper/{process.slug}/{page}").status_code == 404
    assert f"/paper/{process.slug}/" not in client.get("/paper").text
