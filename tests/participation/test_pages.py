"""The participation pages: staff see every count, the public sees small counts suppressed, and only once voting
has started; counts come from the voter records and the paper register."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.paper.models import PaperVoter
from pb.processes.models import Process
from pb.voting.models import VoterRecord
from tests.conftest import FormClient, add_persona
from tests.participation.conftest import KAISA, VILLE
from tests.personas import AINO, ANNA
from tests.voting_support import budgets, district, make_voting_process

PUBLIC = "/processes/omabudjetti-2026/participation"
STAFF = "/participation/omabudjetti-2026"


def vote(db: Session, process: Process, voter: str, budget_id: int, *, channel: str = "online",
         district_code: str = "keskusta", band: str | None = "18-64", at: datetime | None = None) -> None:  # fmt: skip
    moment = at or utcnow() - timedelta(minutes=5)
    slot = "district" if budget_id != process.budgets[0].id else f"budget:{budget_id}"
    db.add(
        VoterRecord(
            process_id=process.id,
            budget_id=budget_id,
            voter_key=voter,
            slot=slot,
            channel=channel,
            district_id=district(db, district_code).id,
            age_band=band,
            first_voted_at=moment,
            last_voted_at=moment,
        )
    )
    db.commit()


def table(html: str, table_id: str) -> dict[str, str]:
    """Label -> voters column of one table of the page."""
    section = re.search(rf'aria-labelledby="{table_id}-heading">(.*?)</section>', html, re.S)
    assert section, table_id
    rows = re.findall(r'<th scope="row">([^<]*)</th>\s*<td class="number">([^<]*)</td>', section.group(1))
    return {label: value.replace("&lt;", "<") for label, value in rows}


@pytest.fixture
def process(db: Session) -> Process:
    process = make_voting_process(db)
    citywide, centre = budgets(process)
    # 12 in Keskusta (10 of whom also in the district budget), 3 in Saaristo, 1 paper voter in Saaristo.
    for n in range(12):
        vote(db, process, f"k{n}", citywide.id)
    for n in range(10):
        vote(db, process, f"k{n}", centre.id)
    for n in range(3):
        vote(db, process, f"s{n}", citywide.id, district_code="saaristo", band="12-17")
    db.add(
        PaperVoter(
            process_id=process.id,
            budget_id=citywide.id,
            person_key="paper-1",
            sheet_key="sheet-1",
            district_id=district(db, "saaristo").id,
            age_band="65+",
        )
    )
    db.commit()
    return process


def test_staff_see_every_count_from_the_voter_records_and_the_paper_register(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    html = client.get(STAFF + "?lang=en").text
    assert table(html, "by-district") == {"Centre": "12", "Archipelago": "4"}
    assert table(html, "by-budget") == {"City-wide": "16", "Centre": "10"}
    assert table(html, "by-age") == {"12-17": "3", "18-64": "12", "65+": "1"}
    assert table(html, "by-channel")["On paper"] == "1"


def test_a_voter_in_two_budgets_counts_once_for_turnout(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    # English in Finland writes numbers the Finnish way (pb.i18n.BABEL_LOCALES): "2 000", "0,8 %".
    html = client.get(STAFF + "?lang=en").text.replace("\xa0", " ")
    # 16 distinct voters of 2,000 eligible residents (1,000 in each district): 0.8 %.
    assert re.search(r"<dt>Voters</dt><dd>16</dd>", html)
    assert "<dt>Turnout</dt><dd>0,8 %</dd>" in html
    # Keskusta: 12 of 1,000.
    assert re.search(r"Centre</th>\s*<td[^>]*>12</td>\s*<td[^>]*>1 000</td>\s*<td[^>]*>1,2 %</td>", html)


def test_the_public_page_shows_small_counts_as_under_five_and_hides_what_would_give_them_away(
    client: FormClient, db: Session, process: Process
) -> None:
    html = client.get(PUBLIC + "?lang=en").text
    # Archipelago's 4 is small; with the total 16 published, Centre's 12 would give it away, so it is hidden.
    assert table(html, "by-district") == {"Centre": "hidden", "Archipelago": "<5"}
    # Its turnout would give the count away too.
    assert not re.search(r"Archipelago</th>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>\d", html)
    assert re.search(r"<dt>Voters</dt><dd>16</dd>", html)
    assert "12" not in "".join(table(html, "by-district").values())


def test_the_public_page_shows_no_breakdown_while_there_are_fewer_than_five_voters(
    client: FormClient, db: Session
) -> None:
    process = make_voting_process(db)
    vote(db, process, "only", process.budgets[0].id)
    html = client.get(PUBLIC + "?lang=en").text
    assert re.search(r"<dt>Voters</dt><dd>&lt;5</dd>", html)
    assert "too few voters yet" in html
    assert table(html, "by-district") == {}


def test_a_resident_and_a_council_member_may_not_open_the_staff_page_but_an_assistant_may(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    assert client.get(STAFF, follow_redirects=False).status_code in (302, 303)
    client.log_in(AINO)
    assert client.get(STAFF).status_code == 403
    add_persona(db, KAISA)
    add_persona(db, VILLE)
    client.log_in(KAISA)
    assert client.get(STAFF).status_code == 403
    assert client.get(PUBLIC).status_code == 200
    client.log_in(VILLE)
    assert client.get(STAFF).status_code == 200


def test_the_public_page_appears_when_voting_starts_and_stays_after_it(client: FormClient, db: Session) -> None:
    process = make_voting_process(db, open_phase="review")
    assert client.get(PUBLIC).status_code == 404
    assert PUBLIC not in client.get("/processes/omabudjetti-2026").text
    voting = next(phase for phase in process.phases if phase.kind == "voting")
    voting.starts_at = datetime.now(UTC) - timedelta(days=2)
    voting.ends_at = datetime.now(UTC) - timedelta(days=1)
    db.commit()
    assert client.get(PUBLIC).status_code == 200
    assert PUBLIC in client.get("/processes/omabudjetti-2026").text


def test_a_draft_round_has_no_public_page(client: FormClient, db: Session) -> None:
    process = make_voting_process(db)
    process.is_published = False
    db.commit()
    assert client.get(PUBLIC).status_code == 404
