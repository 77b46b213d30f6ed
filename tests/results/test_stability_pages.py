"""Stability runs of result records (computed after counting, in a worker process, stored with their seed and
reused) and the results page's stability and turnout sections."""

from __future__ import annotations

import re
from datetime import timedelta

from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import Database, utcnow
from pb.i18n import format_number
from pb.i18n import format_percent as percent
from pb.processes.models import BudgetRule, Process, ProcessDistrict
from pb.results import services as results
from pb.results.models import JobStatus, ResultRecord, StabilityRun
from pb.results.stability import RESAMPLING_PROCEDURE, stability_of_file
from pb.settings import Settings
from pb.voting.models import VoterRecord
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, RIIKKA
from tests.results.support import cast_ballots, citywide, compute, ended_round
from tests.results.test_pages import count_through_the_page, publish_through_the_page
from tests.voting_support import budgets, district, project_ids


def run_of(db: Session, record_id: int) -> StabilityRun:
    db.expire_all()
    run = db.scalar(select(StabilityRun).where(StabilityRun.record_id == record_id))
    assert run is not None
    return run


def test_counting_through_the_page_stores_a_seeded_stability_run_that_anyone_can_repeat(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    client.log_in(ANNA)

    # MES without completion: with the completion, 21 voters and 500,000 € take thousands of one-euro steps per
    # count, which makes 200 resamples slow for a test (the pure tests cover the completed rule).
    record_id = count_through_the_page(client, process.slug, budget.id, "mes-uncompleted")

    run = run_of(db, record_id)
    record = db.get(ResultRecord, record_id)
    assert record is not None
    assert (run.status, run.resamples, run.rule, run.variant) == ("done", 200, "mes-uncompleted", "mes")
    assert run.tie_order == record.tie_order == "default"
    assert len(run.seed) == 32 and run.ballot_digest == record.ballot_digest
    assert set(run.versions) >= {"pb", "engine", "numpy"} and run.finished_at is not None
    assert set(run.wins) == {str(project_id) for project_id in project_ids(db, budget).values()}
    assert all(0 <= wins <= 200 for wins in run.wins.values())
    # The published ballots file and the stored seed give the same figures.
    assert stability_of_file(record.ballots_file, "mes-uncompleted", run.seed, 200) == run.wins
    review = client.get(f"/results/{process.slug}/records/{record_id}?lang=en")
    assert "How stable is the result?" in review.text and run.seed in review.text
    assert 'id="stability-form"' not in review.text  # nothing left to start


def test_the_public_page_shows_each_projects_share_of_resamples_with_its_explanation(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    client.log_in(ANNA)
    record_id = count_through_the_page(client, process.slug, budget.id, "greedy")
    publish_through_the_page(client, process.slug, record_id)
    client.submit("/logout")
    run = run_of(db, record_id)

    page = client.get(f"/processes/{process.slug}/results?lang=en").text

    table = re.search(r'<table class="data results-stability">(.*?)</table>', page, re.S)
    assert table is not None
    rows = dict(re.findall(r'<th scope="row">([^<]*)</th>.*?<td class="number">([^<]*)</td>', table.group(1), re.S))
    titles = {str(project_id): title for title, project_id in project_ids(db, budget).items()}
    assert rows == {titles[project_id]: f"{wins} / 200" for project_id, wins in run.wins.items()}
    assert 'id="stability-' in page and "<svg" in page
    assert "statisticians call this a bootstrap" in page and run.seed in page
    assert escape(RESAMPLING_PROCEDURE) in page
    assert 'id="stability-form"' not in page  # no staff controls in public


def test_a_stored_run_is_reused_and_not_computed_again(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    client.log_in(ANNA)
    record_id = count_through_the_page(client, process.slug, budget.id, "greedy")
    first = run_of(db, record_id)
    seed, finished = first.seed, first.finished_at

    response = client.submit(f"/results/{process.slug}/records/{record_id}/stability")

    assert response.status_code == 303
    again = run_of(db, record_id)
    assert (again.id, again.seed, again.finished_at) == (first.id, seed, finished)
    assert len(db.scalars(select(StabilityRun)).all()) == 1
    assert "already stored" in client.get(response.headers["location"] + "?lang=en").text


async def test_a_failed_or_lost_run_starts_again_with_a_new_seed_and_a_running_one_is_left_alone(
    db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    record = await compute(settings, process.id, budget.id, "greedy")
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            loaded = await session.get(ResultRecord, record.id)
            assert loaded is not None
            run, start = await results.request_stability(session, record=loaded, actor=None, now=utcnow())
            assert start and run.status == JobStatus.RUNNING
            assert await results.stability_for(session, record.id) is None
            _, start = await results.request_stability(session, record=loaded, actor=None, now=utcnow())
            assert not start  # still running, not stale
            run.status = JobStatus.FAILED
            await session.commit()
            restarted, start = await results.request_stability(session, record=loaded, actor=None, now=utcnow())
            assert start and restarted.id == run.id and restarted.status == JobStatus.RUNNING
            first_seed = restarted.seed
            restarted.requested_at = utcnow() - results.STABILITY_STALE_AFTER - timedelta(minutes=1)
            await session.commit()
            lost, start = await results.request_stability(session, record=loaded, actor=None, now=utcnow())
            assert start and lost.seed != first_seed
        await results.run_stability(database.sessionmaker, run.id)
        async with database.sessionmaker() as session:
            summary = await results.stability_for(session, record.id)
    finally:
        await database.engine.dispose()
    assert summary is not None and summary.resamples == 200 and summary.rule == "greedy"
    titles = set(project_ids(db, budget))
    assert {project.name for project in summary.projects} == titles
    assert all(0 <= project.share <= 1 for project in summary.projects)
    assert {project.project_id for project in summary.projects if project.selected} == {
        str(project_id) for project_id in record.selected
    }
    shares = [project.share for project in summary.projects]
    assert shares == sorted(shares, reverse=True)


def test_a_result_counted_without_a_stability_run_says_so_and_staff_can_start_it(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    import anyio

    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    record = anyio.run(compute, settings, process.id, budget.id, "greedy")
    client.log_in(ANNA)
    review = client.get(f"/results/{process.slug}/records/{record.id}?lang=en").text
    assert "not available yet" in review and 'id="stability-form"' in review

    response = client.submit(f"/results/{process.slug}/records/{record.id}/stability")

    assert response.status_code == 303
    assert run_of(db, record.id).status == "done", run_of(db, record.id).error


def test_residents_and_reviewers_may_not_ask_for_a_stability_run(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    import anyio

    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    record = anyio.run(compute, settings, process.id, budget.id, "greedy")
    for persona in (AINO, RIIKKA):
        client.log_in(persona)
        assert client.submit(f"/results/{process.slug}/records/{record.id}/stability").status_code == 403
        client.submit("/logout")
    assert db.scalars(select(StabilityRun)).all() == []


# --- turnout -----------------------------------------------------------------------------------------------------


def vote(db: Session, process: Process, voter: str, budget_id: int, district_code: str, band: str) -> None:
    moment = utcnow() - timedelta(days=40)
    db.add(
        VoterRecord(
            process_id=process.id,
            budget_id=budget_id,
            voter_key=voter,
            slot=f"budget:{budget_id}",
            channel="online",
            district_id=district(db, district_code).id,
            age_band=band,
            first_voted_at=moment,
            last_voted_at=moment,
        )
    )


def turnout_table(html: str, table_id: str) -> list[tuple[str, ...]]:
    found = re.search(rf'id="{table_id}-heading">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert found, table_id
    rows = re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)
    return [tuple(cell.strip() for cell in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)) for row in rows]


def test_the_results_page_shows_turnout_by_district_age_and_channel_with_small_counts_suppressed(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget, central = budgets(process)
    cast_ballots(db, budget)
    # 12 adults from Keskusta and 6 teenagers from Saaristo voted in the city-wide budget; 3 also in Keskusta's.
    for n in range(12):
        vote(db, process, f"k{n}", budget.id, "keskusta", "18-64")
    for n in range(6):
        vote(db, process, f"s{n}", budget.id, "saaristo", "12-17")
    for n in range(3):
        vote(db, process, f"k{n}", central.id, "keskusta", "18-64")
    db.commit()
    client.log_in(ANNA)
    publish_through_the_page(client, process.slug, count_through_the_page(client, process.slug, budget.id, "greedy"))
    publish_through_the_page(client, process.slug, count_through_the_page(client, process.slug, central.id, "greedy"))
    client.submit("/logout")

    page = client.get(f"/processes/{process.slug}/results?lang=en").text

    # Each district has 1,000 eligible residents (tests.conftest.make_process).
    assert turnout_table(page, f"turnout-{budget.id}-district") == [
        ("Centre", "12", format_number(1000, "en"), percent(0.012, "en")),
        ("Archipelago", "6", format_number(1000, "en"), percent(0.006, "en")),
    ]
    # Nobody over 65 voted: that zero reads "<5", and the other bands are hidden so it cannot be worked out.
    assert turnout_table(page, f"turnout-{budget.id}-age") == [
        ("12-17", "hidden", "200", ""),
        ("18-64", "hidden", format_number(1200, "en"), ""),
        ("65+", "&lt;5", "600", ""),
    ]
    # Three voters in the district budget: too few for any breakdown.
    assert "There are too few voters to show this table" in page
    assert f'id="turnout-{budget.id}-district-chart"' in page
    assert f"{percent(18 / 2000, 'en')}" in page


def test_a_district_budget_under_the_own_district_rule_counts_only_its_residents_as_eligible() -> None:
    process = Process(budget_rule=BudgetRule.OWN_DISTRICT)
    process.districts = [
        ProcessDistrict(district_id=1, population_by_age={"18-64": 600}),
        ProcessDistrict(district_id=2, population_by_age={"18-64": 400}),
    ]
    from pb.processes.models import Budget

    citywide_budget, district_budget = Budget(district_id=None), Budget(district_id=2)

    assert results.eligible_populations(process, citywide_budget) == {1: {"18-64": 600}, 2: {"18-64": 400}}
    assert results.eligible_populations(process, district_budget) == {2: {"18-64": 400}}
    process.budget_rule = BudgetRule.CITYWIDE_PLUS_ONE
    assert results.eligible_populations(process, district_budget) == {1: {"18-64": 600}, 2: {"18-64": 400}}
