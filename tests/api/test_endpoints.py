"""The open data API's endpoints: each answers with what its public page shows, in the documented shape."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.proposals.models import PUBLIC_STATUSES
from pb.settings import Settings
from pb.web.shell import PbApp
from tests.api.support import BASE, Api, arrange, counted
from tests.conftest import FormClient


@pytest.fixture
def api(client: FormClient) -> Api:
    return Api(client)


async def test_the_index_links_to_every_list(api: Api) -> None:
    data = api.data(BASE)
    assert api.data(f"{BASE}/") == data
    for name, url in data["links"].items():
        assert url.startswith("http://testserver.local/api/v1/"), name
        assert api.get(url.removeprefix("http://testserver.local")).status_code == 200, name


async def test_a_round_is_published_with_its_phases_districts_budgets_and_themes(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    listed = api.data(f"{BASE}/processes")
    assert [item["slug"] for item in listed] == [arranged.process.slug]
    process = api.data(f"{BASE}/processes/{arranged.process.slug}")
    assert process == listed[0]
    assert process["name"] == {"fi": "Omabudjetti 2026", "sv": "Egen budget 2026", "en": "Own Budget 2026"}
    assert process["current_phase"] == "results"
    assert [phase["kind"] for phase in process["phases"]][:4] == ["proposals", "deliberation", "review", "voting"]
    assert {phase["state"] for phase in process["phases"][:4]} == {"ended"}
    assert [budget["amount_cents"] for budget in process["budgets"]] == [50_000_000, 20_000_000]
    assert process["districts"][0]["eligible_population"] == 1000
    assert [theme["name"]["en"] for theme in process["themes"]] == ["Sports", "Nature"]
    assert process["results_published"] is True
    assert process["links"]["bulk"] == f"http://testserver.local/api/v1/processes/{arranged.process.slug}/bulk.zip"
    assert api.data(f"{BASE}/processes?phase=results") == listed
    assert api.data(f"{BASE}/processes?phase=voting") == []


async def test_budgets_are_listed_by_round_and_district(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    slug = arranged.process.slug
    everything = api.data(f"{BASE}/budgets")
    assert [item["id"] for item in everything] == [arranged.citywide.id, arranged.central.id]
    assert [item["id"] for item in api.data(f"{BASE}/budgets?district=city")] == [arranged.citywide.id]
    district = arranged.central.district_id
    assert [item["id"] for item in api.data(f"{BASE}/budgets?process={slug}&district={district}")] == [
        arranged.central.id
    ]
    assert api.data(f"{BASE}/budgets/{arranged.central.id}")["ballot_format"] == "approval"
    assert api.data(f"{BASE}/budgets?process=salainen-kierros") == []


async def test_ballot_projects_carry_their_cost_votes_status_and_implementation(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    projects = api.data(f"{BASE}/projects?process={arranged.process.slug}&budget={arranged.citywide.id}")
    by_title = {item["title"]: item for item in projects}
    assert set(by_title) == {"Uimaranta", "Skeittipuisto", "Kirjastoauto", "Lava"}
    record = arranged.records[arranged.citywide.id]
    for item in projects:
        assert item["status"] == ("funded" if item["id"] in record.selected else "not_funded")
        assert item["result"]["record_id"] == record.id
    # 10 voters chose Lava alone (tests.results.support.BALLOTS).
    assert by_title["Lava"]["result"]["voters"] == 10
    assert by_title["Uimaranta"]["cost_cents"] == 20_000_000
    assert by_title["Uimaranta"]["proposal_id"] == arranged.published.id
    funded = api.data(f"{BASE}/projects/{arranged.funded_project.id}")
    assert funded["implementation"]["status"] == "in_progress"
    assert funded["implementation"]["notes"][0]["text"] == "Rakennus alkoi."
    not_funded = api.data(f"{BASE}/projects?status=not_funded")
    assert not_funded and all(item["implementation"] is None for item in not_funded)
    assert {item["budget_id"] for item in api.data(f"{BASE}/projects?district=city")} == {arranged.citywide.id}


async def test_implementations_list_only_funded_projects(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    funded = {project_id for record in arranged.records.values() for project_id in record.selected}
    listed = api.data(f"{BASE}/implementations?process={arranged.process.slug}")
    assert {item["id"] for item in listed} == funded
    assert [item["id"] for item in api.data(f"{BASE}/implementations?status=in_progress")] == [
        arranged.funded_project.id
    ]
    assert len(api.data(f"{BASE}/implementations?status=not_started")) == len(funded) - 1
    assert [item["id"] for item in api.data(f"{BASE}/implementations?updated_since=2000-01-01")] == [
        arranged.funded_project.id
    ]
    assert api.data(f"{BASE}/implementations?updated_since=2999-01-01T00:00:00Z") == []


async def test_published_results_come_with_their_record_and_ballots_file(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    record = arranged.records[arranged.citywide.id]
    listed = api.data(f"{BASE}/results?process={arranged.process.slug}")
    assert {item["record"] for item in listed} == {item.id for item in arranged.records.values()}
    document = api.data(f"{BASE}/results/{record.id}")
    assert document == next(item for item in listed if item["record"] == record.id)
    assert document["current"] is True
    assert document["selected"] == [str(project_id) for project_id in record.selected]
    assert document["ballots"]["sha256"] == record.file_digest
    assert sum(item["voters"] for item in document["projects"] if item["title"] == "Lava") == 10
    # The .json download of the results page is the same record, field for field.
    page = api.client.get(f"/processes/{arranged.process.slug}/results/{arranged.citywide.id}.json").json()
    assert {key: document[key] for key in page} == page
    ballots = api.get(f"{BASE}/results/{record.id}/ballots.pb")
    assert ballots.text == record.ballots_file
    assert ballots.headers["content-type"].startswith("text/plain")
    assert api.data(f"{BASE}/results?current=false") == []
    assert api.data(f"{BASE}/results?published_since=2999-01-01") == []
    assert len(api.data(f"{BASE}/results?budget={arranged.central.id}")) == 1


async def test_anonymised_ballots_are_listed_without_voters(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    response = api.get(f"{BASE}/budgets/{arranged.citywide.id}/ballots?limit=1000")
    body = response.json()
    assert body["meta"]["total"] == counted(db, arranged.citywide) == 21
    assert sum(1 for ballot in body["data"] if ballot["receipt_hash"]) == 3
    assert {len(ballot["choices"]) for ballot in body["data"]} == {1, 2}
    assert set(body["data"][0]) == {"receipt_hash", "paper", "choices"}


async def test_proposals_show_their_public_fields_and_timeline(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    proposal = api.data(f"{BASE}/proposals/{arranged.published.id}")
    assert proposal["title"] == "Uimaranta"
    assert proposal["status"] == "on_ballot"
    assert proposal["address"] == "Rantatie 1"
    assert proposal["timeline"]["events"][0]["kind"] == "on_ballot"
    assert proposal["timeline"]["project_ids"] == [arranged.ballot_project.id]
    listed = api.data(f"{BASE}/proposals?process={arranged.process.slug}")
    assert {item["id"] for item in listed} == {arranged.published.id, arranged.hidden.id}
    assert all(item["status"] in {str(status) for status in PUBLIC_STATUSES} for item in listed)
    assert [item["id"] for item in api.data(f"{BASE}/proposals?status=on_ballot")] == [arranged.published.id]


async def test_filtering_proposals_by_district_or_time(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    district = arranged.published.district_id
    # The hidden proposal is in the same district, but its page does not say so.
    assert [item["id"] for item in api.data(f"{BASE}/proposals?district={district}")] == [arranged.published.id]
    assert api.data(f"{BASE}/proposals?district=city") == []
    assert api.data(f"{BASE}/proposals?updated_since=2999-01-01") == []
    before = utcnow().isoformat().replace("+00:00", "Z")
    arranged.published.hidden_at = utcnow()
    db.commit()
    # Hiding does not change updated_at, but a client keeping a copy learns that the content is gone.
    changed = api.data(f"{BASE}/proposals?updated_since={before}")
    assert [item["id"] for item in changed] == [arranged.published.id]
    assert changed[0]["hidden"] is True and changed[0]["title"] is None


async def test_panels_show_what_their_public_page_shows(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    listed = api.data(f"{BASE}/panels")
    assert [item["slug"] for item in listed] == [arranged.panel.slug]
    panel = api.data(f"{BASE}/panels/{arranged.panel.slug}")
    assert panel["remit"]["en"] == "How should the city centre be developed?"
    assert panel["invitation_lottery"]["seed"] == "noppa 3-1-6"
    assert panel["invitation_lottery"]["drawn_count"] == 6
    assert panel["registration_open"] is True
    assert api.get(f"{BASE}/panels/tuleva-raati").status_code == 404


async def test_participation_figures_suppress_small_counts(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    figures = api.data(f"{BASE}/processes/{arranged.process.slug}/participation")
    # The arranged ballots have no voter records: nobody is known to have voted, so nothing is broken down.
    assert figures["voters"] is None and figures["voters_shown"] == "small"
    assert all(not breakdown["published"] for breakdown in figures["breakdowns"].values())
    assert figures["eligible"] == 2000


async def test_a_round_before_voting_has_no_participation_figures(
    api: Api, db: Session, personas: dict[str, User]
) -> None:
    from tests.conftest import make_process

    process = make_process(db, open_phase="proposals")
    assert api.get(f"{BASE}/processes/{process.slug}/participation").status_code == 404


def test_every_api_route_is_in_the_openapi_document(app: PbApp, api: Api) -> None:
    documented = {(BASE + template).rstrip("/") for template in api.document["paths"]}
    routed = {route.path.replace(":str}", "}") for route in app.routes if route.path.startswith(BASE)}
    assert routed == documented
