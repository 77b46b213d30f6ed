"""The results pages: the admin counts, reviews and publishes; the public sees only published results, with
their explanation, comparison, integrity block and downloads; funded projects' implementation is tracked."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.counting.election import Election
from pb.counting.pabulib import parse_pabulib
from pb.counting.rules import CLI_NAMES, count
from pb.i18n import format_euros
from pb.results.models import ImplementationNote, ResultRecord
from pb.settings import Settings
from pb.web.shell import PbApp
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, RIIKKA
from tests.results.support import cast_ballots, citywide, compute, ended_round
from tests.voting_support import budgets, project_ids


def count_through_the_page(client: FormClient, slug: str, budget_id: int, rule: str = "mes") -> int:
    response = client.submit(f"/results/{slug}/budgets/{budget_id}/compute", {"rule": rule})
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"/results/{slug}/records/")
    return int(location.rsplit("/", 1)[1])


def publish_through_the_page(client: FormClient, slug: str, record_id: int) -> None:
    response = client.submit(f"/results/{slug}/records/{record_id}/publish")
    assert response.status_code == 303, response.text


def test_a_resident_and_a_reviewer_are_refused_the_admin_pages(
    app: PbApp, client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    for persona in (AINO, RIIKKA):
        client.log_in(persona)
        assert client.get(f"/results/{process.slug}").status_code == 403
        assert client.submit(f"/results/{process.slug}/budgets/{budget.id}/compute", {"rule": "mes"}).status_code == 403
        client.submit("/logout")
    assert db.scalars(select(ResultRecord)).all() == []


async def test_unpublished_results_do_not_exist_for_the_public(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    record = await compute(settings, process.id, budget.id)

    client.log_in(AINO)
    for path in (
        f"/processes/{process.slug}/results",
        f"/processes/{process.slug}/results/{budget.id}.pb",
        f"/processes/{process.slug}/results/{budget.id}.json",
        f"/processes/{process.slug}/results/{budget.id}.json?record={record.id}",
        f"/processes/{process.slug}/results/projects/{record.selected[0]}",
    ):
        assert client.get(path).status_code == 404, path


def test_an_admin_counts_reviews_and_publishes_and_the_public_sees_the_result(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    citywide_budget, central = budgets(process)
    cast_ballots(db, citywide_budget)
    client.log_in(ANNA)
    assert client.get(f"/results/{process.slug}").status_code == 200

    record_id = count_through_the_page(client, process.slug, citywide_budget.id, "greedy")
    review = client.get(f"/results/{process.slug}/records/{record_id}")
    assert review.status_code == 200
    assert "Skipped: did not fit in the money left" in review.text
    publish_through_the_page(client, process.slug, record_id)
    publish_through_the_page(client, process.slug, count_through_the_page(client, process.slug, central.id, "mes"))

    client.submit("/logout")
    # After logout the language follows the browser: no language cookie outlives the session (issue 7).
    page = client.get(f"/processes/{process.slug}/results", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert 'class="bar-chart"' in page.text and "<svg" in page.text
    assert "Funded" in page.text and "Not funded" in page.text
    assert "What other rules would have chosen" in page.text
    record = db.get(ResultRecord, record_id)
    assert record is not None and record.file_digest in page.text
    # A second publication of the same record is refused.
    client.log_in(ANNA)
    assert client.submit(f"/results/{process.slug}/records/{record_id}/publish").status_code == 422


def test_the_pb_download_matches_the_records_digest_and_recounts_to_the_same_selection(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    client.log_in(ANNA)
    record_id = count_through_the_page(client, process.slug, budget.id, "mes")
    publish_through_the_page(client, process.slug, record_id)
    client.submit("/logout")

    ballots = client.get(f"/processes/{process.slug}/results/{budget.id}.pb")
    document = client.get(f"/processes/{process.slug}/results/{budget.id}.json").json()

    assert ballots.status_code == 200 and "attachment" in ballots.headers["content-disposition"]
    assert hashlib.sha256(ballots.content).hexdigest() == document["ballots"]["sha256"]
    data = parse_pabulib(ballots.content)
    outcome = count(CLI_NAMES[document["rule"]], Election.from_pabulib(data), document["tie_order"])
    assert list(outcome.selected) == document["selected"]
    assert document["status"] == "published" and document["computed_by"] == ANNA.name
    assert document["recompute"] == f"pb tally {process.slug}-{budget.id}.pb --rule mes --ties default --json"
    assert set(document["versions"]) >= {"pb", "engine"}


def test_a_recount_after_publication_makes_a_new_record_and_the_page_shows_the_history(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    client.log_in(ANNA)
    first = count_through_the_page(client, process.slug, budget.id, "greedy")
    publish_through_the_page(client, process.slug, first)
    second = count_through_the_page(client, process.slug, budget.id, "mes")
    publish_through_the_page(client, process.slug, second)

    page = client.get(f"/processes/{process.slug}/results").text
    old = client.get(f"/processes/{process.slug}/results/{budget.id}.json?record={first}").json()
    current = client.get(f"/processes/{process.slug}/results/{budget.id}.json").json()

    assert "Earlier counts" in page
    assert (old["record"], old["rule"], current["record"], current["rule"]) == (first, "greedy", second, "mes")
    stored = db.get(ResultRecord, first)
    assert stored is not None and stored.is_published


def test_counting_form_errors_are_shown_with_the_form(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    client.log_in(ANNA)

    response = client.submit(f"/results/{process.slug}/budgets/{budget.id}/compute", {"rule": "greedy-threshold"})

    assert response.status_code == 422
    assert 'class="error-summary"' in response.text and 'id="threshold-error"' in response.text
    assert db.scalars(select(ResultRecord)).all() == []


def test_an_admin_records_implementation_and_residents_see_it(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    ids = project_ids(db, budget)
    client.log_in(ANNA)
    publish_through_the_page(client, process.slug, count_through_the_page(client, process.slug, budget.id, "greedy"))
    lava = ids["Lava"]
    base = f"/results/{process.slug}/projects/{lava}"

    refused = client.submit(base, {"status": "cancelled", "cancel_reason": "", "actual_cost": ""})
    assert refused.status_code == 422 and 'id="cancel_reason-error"' in refused.text
    assert client.submit(base, {"status": "in_progress", "actual_cost": "410 000,50"}).status_code == 303
    assert client.submit(f"{base}/notes", {"day": "2026-05-04", "text": "Rakentaminen alkoi."}).status_code == 303
    assert client.submit(f"{base}/notes", {"day": "4.5.", "text": ""}).status_code == 422
    # A project the result did not fund has no implementation page.
    assert client.get(f"/results/{process.slug}/projects/{ids['Uimaranta']}").status_code == 404
    client.submit("/logout")

    project_page = client.get(f"/processes/{process.slug}/results/projects/{lava}?lang=en")
    assert project_page.status_code == 200
    assert "In progress" in project_page.text and "Rakentaminen alkoi." in project_page.text
    assert format_euros(41_000_050, "en") in project_page.text
    assert "In progress" in client.get(f"/processes/{process.slug}/results?lang=en").text
    assert len(db.scalars(select(ImplementationNote)).all()) == 1
    client.log_in(AINO)
    assert client.submit(base, {"status": "done"}).status_code == 403


async def test_results_are_published_only_when_every_budget_is(
    db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    from pb.db import Database
    from pb.processes.models import Process
    from pb.results.services import results_published

    process = ended_round(db)
    citywide_budget, central = budgets(process)
    cast_ballots(db, citywide_budget)
    admin = personas[ANNA.email]

    async def published() -> bool:
        database = Database.connect(settings.database_url)
        try:
            async with database.sessionmaker() as session:
                loaded = await session.get(Process, process.id)
                assert loaded is not None
                return await results_published(session, loaded)
        finally:
            await database.engine.dispose()

    await compute(settings, process.id, citywide_budget.id, publish_as=None)
    assert not await published()
    await compute(settings, process.id, citywide_budget.id, publish_as=admin.id)
    assert not await published()
    await compute(settings, process.id, central.id, publish_as=admin.id)
    assert await published()


def test_the_json_record_is_valid_json_with_the_lot_procedure(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    client.log_in(ANNA)
    publish_through_the_page(client, process.slug, count_through_the_page(client, process.slug, budget.id))

    body = client.get(f"/processes/{process.slug}/results/{budget.id}.json")

    document = json.loads(body.text)
    assert body.headers["content-type"].startswith("application/json")
    assert document["lot"]["procedure"].startswith("projects sorted by the SHA-256")
    assert client.get(f"/processes/{process.slug}/results/{budget.id}.txt").status_code == 404
    assert client.get(f"/processes/{process.slug}/results/999999.pb").status_code == 404
