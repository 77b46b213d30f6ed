"""Who may reach the review pages: reviewers and admins; residents are refused, anonymous visitors sent to log in."""

from __future__ import annotations

import re

import pytest
from litestar.handlers import HTTPRouteHandler
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.proposals.models import ProposalStatus
from pb.web.shell import PbApp
from tests.conftest import FormClient, make_process
from tests.personas import AINO, ANNA, RIIKKA
from tests.review.support import make_proposal


def review_routes(app: PbApp) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not route.path.startswith("/review"):
            continue
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                found += [(method, route.path) for method in handler.http_methods if method in {"GET", "POST"}]
    assert len(found) >= 12, found
    return sorted(found)


def concrete(path: str, number: int) -> str:
    return re.sub(r"\{[a-z_]+:int\}", str(number), path)


@pytest.fixture
def proposal_id(db: Session, personas: dict[str, User]) -> int:
    process = make_process(db)
    return make_proposal(db, process, personas[AINO.email], "Benches").id


def test_residents_are_refused_every_review_route(
    app: PbApp, client: FormClient, personas: dict[str, User], proposal_id: int
) -> None:
    client.log_in(AINO)
    for method, path in review_routes(app):
        url = concrete(path, proposal_id)
        response = client.get(url) if method == "GET" else client.submit(url, {"reviewer": "1", "body": "x"})
        assert response.status_code == 403, (method, path, response.status_code)


def test_anonymous_visitors_are_sent_to_log_in_from_every_review_route(
    app: PbApp, client: FormClient, proposal_id: int
) -> None:
    for method, path in review_routes(app):
        url = concrete(path, proposal_id)
        response = client.get(url, follow_redirects=False) if method == "GET" else client.submit(url)
        assert response.status_code == 303, (method, path)
        assert response.headers["location"].startswith("/login"), (method, path)


def test_unknown_proposals_processes_and_projects_are_not_found(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(ANNA)
    for url in (
        "/review/proposals/999",
        "/review/processes/999",
        "/review/processes/999/ballot",
        "/review/projects/999",
    ):
        assert client.get(url).status_code == 404, url
    assert client.submit("/review/proposals/999/decision", {"feasibility": "feasible"}).status_code == 404


def test_a_draft_is_not_found_even_for_staff(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db)
    draft = make_proposal(db, process, personas[AINO.email], "Secret draft", status=ProposalStatus.DRAFT)
    client.log_in(ANNA)

    assert client.get(f"/review/proposals/{draft.id}").status_code == 404


def test_a_reviewer_reaches_my_assignments_and_the_review_page(
    client: FormClient, personas: dict[str, User], proposal_id: int
) -> None:
    client.log_in(RIIKKA)

    assert client.get("/review").status_code == 200
    page = client.get(f"/review/proposals/{proposal_id}?lang=en").text
    assert "Only the reviewers assigned to this proposal" in page
    assert 'action="/review/proposals/' in page  # the notes form
