"""Past elections imported from Pabulib files: every ballot type, malformed and oversized files, who may import,
the outcome of every rule, stability, and export then import giving the same ballots."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.counting.pabulib import ballot_digest, parse_pabulib
from pb.results.models import JobStatus, PastElection, ResultRecord, StabilityRun
from pb.results.pabulib_import import MAX_FILE_BYTES, count_every_rule
from pb.results.stability import stability_of_file
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, RIIKKA
from tests.results.support import cast_ballots, citywide, ended_round
from tests.results.test_pages import count_through_the_page, publish_through_the_page

DATA = Path(__file__).resolve().parents[1] / "data"
# One small file per Pabulib ballot type (sources: tests/data/pabulib/SOURCE.md, tests/data/pabulib_import/SOURCE.md).
FILES = {
    "approval": DATA / "pabulib" / "Poland_Warszawa_2019_Sadul.pb",
    "choose-1": DATA / "pabulib_import" / "Poland_Zabrze_2020_Centrum_Poludnie.pb",
    "cumulative": DATA / "pabulib" / "Poland_Czestochowa_2020_Grabowka.pb",
    "ordinal": DATA / "pabulib_import" / "Worldwide_Mechanical_Turk_Ranking_value_3.pb",
    "scoring": DATA / "pabulib_import" / "scoring_invented.pb",
}
SMALL = FILES["scoring"]


def upload(client: FormClient, content: bytes, name: str = "election.pb") -> Any:
    return client.post(
        "/past-elections/import",
        data={"_csrf_token": client.csrf_token()},
        files={"pabulib_file": (name, content, "text/plain")},
        follow_redirects=False,
    )


def imported_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    assert location.startswith("/past-elections/")
    return int(location.rsplit("/", 1)[1])


def stored(db: Session, election_id: int) -> PastElection:
    db.expire_all()
    election = db.get(PastElection, election_id)
    assert election is not None
    return election


@pytest.mark.parametrize("vote_type", list(FILES))
def test_an_admin_imports_each_ballot_type_and_everyone_can_browse_its_count_by_every_rule(
    client: FormClient, db: Session, personas: dict[str, User], vote_type: str
) -> None:
    content = FILES[vote_type].read_bytes()
    data = parse_pabulib(content)
    client.log_in(ANNA)

    election_id = imported_id(upload(client, content, FILES[vote_type].name))

    election = stored(db, election_id)
    assert election.file_data == content and election.file_digest == hashlib.sha256(content).hexdigest()
    assert election.ballot_digest == ballot_digest(data)
    assert (election.vote_type, election.voters, len(election.projects)) == (
        vote_type,
        len(data.votes),
        len(data.projects),
    )
    assert election.title == data.meta_map["description"]
    # Counted after the upload, from the stored bytes, exactly as `pb tally FILE --rule R --ties default` counts.
    assert election.count_status == JobStatus.DONE
    assert election.outcomes == count_every_rule(content)
    run = db.scalar(select(StabilityRun).where(StabilityRun.election_id == election_id))
    assert run is not None and run.status == JobStatus.DONE and run.rule == election.file_rule
    assert run.wins == stability_of_file(content, run.rule, run.seed, 200)
    client.submit("/logout")

    listing = client.get("/past-elections?lang=en")
    page = client.get(f"/past-elections/{election_id}?lang=en")
    download = client.get(f"/past-elections/{election_id}/file")

    assert listing.status_code == 200 and f'href="/past-elections/{election_id}"' in listing.text
    assert page.status_code == 200
    assert election.file_digest in page.text and election.ballot_digest in page.text
    assert "What each rule funds" in page.text and "The rules side by side" in page.text
    assert 'class="data results-stability"' in page.text and run.seed in page.text
    assert page.text.count('class="bar-chart"') == 2  # the votes, and the stability view
    assert download.content == content and "attachment" in download.headers["content-disposition"]


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        (b"META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;2\n",
         10, "which is not in PROJECTS"),
        (b"META\nkey;value\nbudget;lots\nvote_type;approval\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n",
         3, "budget is not a number"),
        (b"hello;world\n", 1, "expected the META section title"),
        (b"META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;\xff\xfe\n", 7, "not UTF-8"),
    ],
)  # fmt: skip
def test_a_malformed_file_is_refused_next_to_the_field_naming_the_line_and_nothing_is_stored(
    client: FormClient, db: Session, personas: dict[str, User], content: bytes, line: int, problem: str
) -> None:
    client.log_in(ANNA)

    response = upload(client, content)

    assert response.status_code == 422
    assert 'id="pabulib_file-error"' in response.text and 'aria-invalid="true"' in response.text
    assert f"Line {line}: " in response.text and problem in response.text
    assert db.scalars(select(PastElection)).all() == [] and db.scalars(select(StabilityRun)).all() == []


def test_an_empty_upload_asks_for_the_file(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    client.log_in(ANNA)

    response = upload(client, b"")

    assert response.status_code == 422
    assert "Choose the Pabulib file (.pb) to import." in response.text
    assert db.scalars(select(PastElection)).all() == []


def test_a_file_over_the_size_limit_gets_a_clear_message(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    content = SMALL.read_bytes()
    oversized = content + b"\n" * (MAX_FILE_BYTES + 1 - len(content))

    response = upload(client, oversized)
    much_larger = upload(client, b"\n" * (MAX_FILE_BYTES + 200 * 1024))

    assert response.status_code == 422
    assert f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB" in response.text
    assert 'id="pabulib_file-error"' in response.text
    # A body far over the limit is refused before it is read, with the error page for too large a form.
    assert much_larger.status_code == 413 and "too large" in much_larger.text
    assert db.scalars(select(PastElection)).all() == []


def test_the_same_file_twice_is_refused_with_a_link_to_the_first_import(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    first = imported_id(upload(client, SMALL.read_bytes()))

    again = upload(client, SMALL.read_bytes(), "copy.pb")

    assert again.status_code == 422 and "already been imported" in again.text
    assert f'href="/past-elections/{first}"' in again.text
    assert len(db.scalars(select(PastElection)).all()) == 1


def test_residents_and_reviewers_get_403_on_the_import_and_the_staff_actions(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    election_id = imported_id(upload(client, SMALL.read_bytes()))
    client.submit("/logout")
    for persona in (AINO, RIIKKA):
        client.log_in(persona)
        assert client.get("/past-elections/import").status_code == 403
        # The token travels in the header here: Litestar's CSRF middleware would otherwise parse the multipart
        # body and, the guard refusing the request, leave its temporary file unclosed (a ResourceWarning).
        refused = client.post(
            "/past-elections/import",
            headers={"x-csrftoken": client.csrf_token()},
            files={"pabulib_file": ("a.pb", FILES["approval"].read_bytes(), "text/plain")},
            follow_redirects=False,
        )
        assert refused.status_code == 403
        assert client.submit(f"/past-elections/{election_id}/stability", {"rule": "greedy"}).status_code == 403
        assert client.submit(f"/past-elections/{election_id}/delete").status_code == 403
        page = client.get(f"/past-elections/{election_id}").text
        assert 'id="stability-form"' not in page and 'id="delete-form"' not in page
        client.submit("/logout")
    anonymous = client.get("/past-elections/import", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    assert len(db.scalars(select(PastElection)).all()) == 1


def test_an_admin_asks_for_the_stability_of_another_rule_and_a_stored_one_is_reused(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    election_id = imported_id(upload(client, SMALL.read_bytes()))
    file_rule = stored(db, election_id).file_rule

    refused = client.submit(f"/past-elections/{election_id}/stability", {"rule": "nonsense"})
    assert refused.status_code == 422 and 'id="rule-error"' in refused.text
    assert client.submit(f"/past-elections/{election_id}/stability", {"rule": "mes"}).status_code == 303
    assert client.submit(f"/past-elections/{election_id}/stability", {"rule": file_rule}).status_code == 303

    runs = db.scalars(select(StabilityRun).where(StabilityRun.election_id == election_id)).all()
    assert sorted(run.rule for run in runs) == sorted({file_rule, "mes"})
    assert all(run.status == JobStatus.DONE for run in runs)
    page = client.get(f"/past-elections/{election_id}?lang=en").text
    assert page.count('class="data results-stability"') == len(runs)


def test_an_admin_deletes_an_import(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    client.log_in(ANNA)
    election_id = imported_id(upload(client, SMALL.read_bytes()))

    response = client.submit(f"/past-elections/{election_id}/delete")

    assert response.status_code == 303
    db.expire_all()
    assert db.scalars(select(PastElection)).all() == [] and db.scalars(select(StabilityRun)).all() == []
    assert client.get(f"/past-elections/{election_id}").status_code == 404


def test_a_closed_budgets_exported_ballots_import_as_the_same_election(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = ended_round(db)
    budget = citywide(process)
    cast_ballots(db, budget)
    client.log_in(ANNA)
    # Greedy: its 200 resamples (after the count and after the import) are the quickest to compute.
    record_id = count_through_the_page(client, process.slug, budget.id, "greedy")
    publish_through_the_page(client, process.slug, record_id)
    exported = client.get(f"/processes/{process.slug}/results/{budget.id}.pb").content

    election = stored(db, imported_id(upload(client, exported, f"{process.slug}-{budget.id}.pb")))

    record = db.get(ResultRecord, record_id)
    assert record is not None
    assert election.file_digest == record.file_digest and election.ballot_digest == record.ballot_digest
    assert parse_pabulib(election.file_data) == parse_pabulib(record.ballots_file)
    assert election.voters == record.voters
    # Counted as a past election with the record's rule, it selects what the record selected.
    assert election.file_rule == "greedy"
    assert election.outcomes["greedy"]["selected"] == [str(project_id) for project_id in record.selected]


def test_the_list_says_when_nothing_is_imported_and_offers_the_import_to_admins(
    client: FormClient, personas: dict[str, User]
) -> None:
    assert "No elections have been imported yet." in client.get("/past-elections?lang=en").text
    assert 'href="/past-elections/import"' not in client.get("/past-elections?lang=en").text
    client.log_in(ANNA)
    assert 'href="/past-elections/import"' in client.get("/past-elections?lang=en").text
    assert client.get("/past-elections/999").status_code == 404
