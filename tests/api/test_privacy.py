"""What the open data API must never publish: drafts, hidden content, unpublished rounds, results and panels,
ballots before the results are out, anyone's email or name; and it sets no cookie and starts no session."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.settings import Settings
from tests.api.support import (
    BASE,
    DRAFT_SECRET,
    HIDDEN_SECRET,
    UNPUBLISHED_PANEL_SECRET,
    UNPUBLISHED_ROUND_SECRET,
    Api,
    Arranged,
    arrange,
)
from tests.conftest import FormClient
from tests.personas import AINO, ALL, ANNA


@pytest.fixture
def api(client: FormClient) -> Api:
    return Api(client)


def every_list(arranged: Arranged) -> list[str]:
    slug = arranged.process.slug
    return [
        f"{BASE}/processes",
        f"{BASE}/processes/{slug}",
        f"{BASE}/budgets",
        f"{BASE}/projects",
        f"{BASE}/implementations",
        f"{BASE}/proposals",
        f"{BASE}/proposals?status=published",
        f"{BASE}/proposals/{arranged.hidden.id}",
        f"{BASE}/results",
        f"{BASE}/panels",
        f"{BASE}/budgets/{arranged.citywide.id}/ballots",
        f"{BASE}/processes/{slug}/participation",
    ]


async def test_no_answer_contains_a_draft_hidden_text_an_unpublished_round_or_anyones_email(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    secrets = [DRAFT_SECRET, HIDDEN_SECRET, UNPUBLISHED_ROUND_SECRET, UNPUBLISHED_PANEL_SECRET, "salainen-kierros"]
    secrets += [persona.email for persona in ALL] + ["aino@example.fi", "Aino Virtanen"]
    for path in every_list(arranged):
        response = api.get(path)
        assert response.status_code == 200, (path, response.text)
        for secret in secrets:
            assert secret not in response.text, (path, secret)


async def test_a_draft_does_not_exist_and_a_hidden_proposal_is_shown_without_its_content(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    assert api.get(f"{BASE}/proposals/{arranged.draft.id}").status_code == 404
    hidden = api.data(f"{BASE}/proposals/{arranged.hidden.id}")
    assert hidden["hidden"] is True
    assert hidden["hidden_reason"] == "Loukkaava sisältö"
    content = ("title", "summary", "body", "district_id", "theme_id", "address", "latitude", "longitude")
    assert all(hidden[name] is None for name in content)
    assert hidden["images"] == []
    assert api.get(f"{BASE}/proposals?status=draft").status_code == 400


async def test_an_unpublished_round_and_its_parts_do_not_exist(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    await arrange(db, settings, personas)
    from sqlalchemy import select

    from pb.processes.models import Budget, Process, Project

    hidden = db.scalar(select(Process).where(Process.slug == "salainen-kierros"))
    assert hidden is not None
    budget = db.scalars(select(Budget).where(Budget.process_id == hidden.id)).first()
    project = db.scalars(select(Project).where(Project.budget_id == budget.id)).first() if budget else None
    assert budget is not None and project is not None
    for path in (
        f"{BASE}/processes/salainen-kierros",
        f"{BASE}/processes/salainen-kierros/participation",
        f"{BASE}/processes/salainen-kierros/bulk.zip",
        f"{BASE}/budgets/{budget.id}",
        f"{BASE}/budgets/{budget.id}/ballots",
        f"{BASE}/projects/{project.id}",
    ):
        assert api.get(path).status_code == 404, path
    assert api.data(f"{BASE}/projects?process=salainen-kierros") == []


async def test_unpublished_results_do_not_exist_and_their_ballots_stay_closed(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas, publish=False)
    record = arranged.records[arranged.citywide.id]
    assert api.data(f"{BASE}/results") == []
    assert api.get(f"{BASE}/results/{record.id}").status_code == 404
    assert api.get(f"{BASE}/results/{record.id}/ballots.pb").status_code == 404
    assert api.get(f"{BASE}/budgets/{arranged.citywide.id}/ballots").status_code == 404
    assert api.get(f"{BASE}/processes/{arranged.process.slug}/bulk.zip").status_code == 404
    projects = api.data(f"{BASE}/projects?process={arranged.process.slug}")
    assert {item["status"] for item in projects} == {"on_ballot"}
    assert all(item["result"] is None and item["implementation"] is None for item in projects)
    assert api.data(f"{BASE}/implementations") == []
    assert api.data(f"{BASE}/processes/{arranged.process.slug}")["results_published"] is False


async def test_ballots_wait_until_every_budget_of_the_round_is_published(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    """The ballots page's rule (pb.voting.verification): the ballot list opens with the round's results."""
    from pb.db import utcnow
    from pb.results.models import RecordStatus, ResultRecord

    arranged = await arrange(db, settings, personas, publish=False)
    record = db.get_one(ResultRecord, arranged.records[arranged.citywide.id].id)
    record.status, record.published_at = RecordStatus.PUBLISHED, utcnow()
    db.commit()
    assert api.data(f"{BASE}/results/{record.id}")["current"] is True
    assert api.get(f"{BASE}/budgets/{arranged.citywide.id}/ballots").status_code == 404
    assert api.get(f"{BASE}/processes/{arranged.process.slug}/bulk.zip").status_code == 404


async def test_the_api_sets_no_cookie_and_starts_no_session_even_for_a_signed_in_admin(
    api: Api, client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    session_files = set(Path(settings.session_dir).glob("**/*")) if Path(settings.session_dir).exists() else set()
    anonymous = {path: api.get(path).text for path in every_list(arranged)}
    for path in every_list(arranged):
        response = client.get(path)
        assert "set-cookie" not in response.headers, path
    after = set(Path(settings.session_dir).glob("**/*")) if Path(settings.session_dir).exists() else set()
    assert after == session_files
    # A signed-in administrator reads exactly what everybody reads: no unpublished round, no draft.
    client.log_in(ANNA)
    for path, text in anonymous.items():
        response = client.get(path)
        assert "set-cookie" not in response.headers, path
        assert response.text == text, path
    client.submit("/logout")
    client.log_in(AINO)  # the author of the draft
    assert client.get(f"{BASE}/proposals/{arranged.draft.id}").status_code == 404


def test_a_language_parameter_starts_no_session_on_the_api(client: FormClient, personas: dict[str, User]) -> None:
    # Elsewhere ?lang= is kept in the session (pb.web.shell); the API has none to keep it in.
    response = client.get(f"{BASE}/processes?lang=sv")
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
