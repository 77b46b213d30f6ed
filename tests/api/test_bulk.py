"""The bulk download of a round: one ZIP with the CSV files, the .pb ballots, the JSON records and a readme."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.api.bulk import csv_text
from pb.counting.election import Election
from pb.counting.pabulib import parse_pabulib
from pb.counting.rules import CLI_NAMES, count
from pb.settings import Settings
from tests.api.support import BASE, DRAFT_SECRET, HIDDEN_SECRET, Api, arrange
from tests.conftest import FormClient


@pytest.fixture
def api(client: FormClient) -> Api:
    return Api(client)


def rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))


async def test_the_zip_holds_every_file_a_reuser_needs_to_recount(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    slug = arranged.process.slug
    response = api.get(f"{BASE}/processes/{slug}/bulk.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == f'attachment; filename="{slug}-open-data.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    names = set(archive.namelist())
    per_budget = {
        f"results/{slug}-{budget.id}.{kind}"
        for budget in (arranged.citywide, arranged.central)
        for kind in ("pb", "json")
    }
    assert names == {"README.txt", "process.json", "projects.csv", "results.csv", "participation.csv", *per_budget}

    readme = archive.read("README.txt").decode()
    assert "Creative Commons Attribution 4.0" in readme and "CC BY 4.0" in readme
    assert "https://creativecommons.org/licenses/by/4.0/" in readme
    process = json.loads(archive.read("process.json"))
    assert process["slug"] == slug

    for budget in (arranged.citywide, arranged.central):
        record = arranged.records[budget.id]
        ballots = archive.read(f"results/{slug}-{budget.id}.pb")
        assert hashlib.sha256(ballots).hexdigest() == record.file_digest
        document = json.loads(archive.read(f"results/{slug}-{budget.id}.json"))
        assert document["record"] == record.id and document["ballots"]["sha256"] == record.file_digest
        # The download alone recomputes the published selection (docs/verify-results.md).
        data = parse_pabulib(ballots.decode())
        election = Election.from_pabulib(data, lot_order=[project.project_id for project in data.projects])
        outcome = count(CLI_NAMES[document["rule"]], election, document["tie_order"])
        assert list(outcome.selected) == document["selected"]
        # The same bytes as the results page's download.
        page = api.client.get(f"/processes/{slug}/results/{budget.id}.json")
        assert archive.read(f"results/{slug}-{budget.id}.json") == page.content

    projects = rows(archive, "projects.csv")
    assert {row["title"] for row in projects} == {
        "Uimaranta",
        "Skeittipuisto",
        "Kirjastoauto",
        "Lava",
        "Penkit",
        "Valaistus",
    }
    lava = next(row for row in projects if row["title"] == "Lava")
    assert lava["voters"] == "10" and lava["cost_cents"] == "40000000"
    funded = next(row for row in projects if row["project_id"] == str(arranged.funded_project.id))
    assert funded["status"] == "funded" and funded["implementation_status"] == "in_progress"
    results = rows(archive, "results.csv")
    assert {int(row["record_id"]) for row in results} == {record.id for record in arranged.records.values()}
    participation = rows(archive, "participation.csv")
    # Nobody is known to have voted in the arranged round: the total is suppressed and nothing is broken down.
    assert participation[0] == {
        "breakdown": "total", "key": "", "voters": "", "shown": "small", "eligible": "2000", "turnout": ""
    }  # fmt: skip
    assert {row["shown"] for row in participation[1:]} == {"not_published"}

    everything = b"".join(archive.read(name) for name in names).decode()
    for secret in (DRAFT_SECRET, HIDDEN_SECRET, "aino@example.fi", "Aino Virtanen"):
        assert secret not in everything

    again = api.get(f"{BASE}/processes/{slug}/bulk.zip", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_defused() -> None:
    text = csv_text(("a", "b", "c"), [('=HYPERLINK("x")', "-1+1", "Uimaranta, uusi")])
    assert list(csv.reader(io.StringIO(text))) == [["a", "b", "c"], ['\'=HYPERLINK("x")', "'-1+1", "Uimaranta, uusi"]]


async def test_participation_in_the_zip_suppresses_small_counts_as_the_public_page(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    from datetime import timedelta

    from pb.db import utcnow
    from pb.voting.models import Channel, VoterRecord

    arranged = await arrange(db, settings, personas)
    voting = arranged.process.phase("voting")
    assert voting is not None
    district_ids = [item.district_id for item in arranged.process.districts]
    # 12 voters from the first district and 2 from the second: the second is "<5" and so the first is hidden.
    for number in range(14):
        db.add(
            VoterRecord(
                process_id=arranged.process.id,
                budget_id=arranged.citywide.id,
                voter_key=f"voter-{number}",
                slot=f"budget:{arranged.citywide.id}",
                channel=Channel.ONLINE,
                district_id=district_ids[0] if number < 12 else district_ids[1],
                age_band="18-64",
                first_voted_at=voting.starts_at + timedelta(hours=1),
                last_voted_at=utcnow(),
            )
        )
    db.commit()
    figures = api.data(f"{BASE}/processes/{arranged.process.slug}/participation")
    assert figures["voters"] == 14
    lines = {line["key"]: line for line in figures["breakdowns"]["district"]["lines"]}
    assert lines[district_ids[1]] == {
        "key": district_ids[1],
        "voters": None,
        "shown": "small",
        "eligible": 1000,
        "turnout": None,
    }
    assert lines[district_ids[0]]["shown"] == "hidden" and lines[district_ids[0]]["voters"] is None
    archive = zipfile.ZipFile(io.BytesIO(api.get(f"{BASE}/processes/{arranged.process.slug}/bulk.zip").content))
    by_district = [row for row in rows(archive, "participation.csv") if row["breakdown"] == "district"]
    assert {row["shown"] for row in by_district} >= {"small", "hidden"}
    assert all(row["voters"] == "" for row in by_district if row["shown"] != "yes")
