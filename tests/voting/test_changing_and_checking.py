"""A voter sees and changes their ballot until voting ends (the last one counts); once results are out anyone
checks a receipt code and reads the anonymised ballots (issue 4: "a voter enters their receipt code to see
that their ballot was counted as cast")."""

from __future__ import annotations

import re
import secrets
from html import unescape
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.settings import Settings
from pb.voting.models import Ballot
from pb.voting.secrecy import new_receipt, receipt_hash
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, SIXTEN
from tests.voting.ballot_support import ballots_of, close_voting, open_round, plain, publish_results, receipt_on
from tests.voting_support import SIXTEN_IN_CENSUS, add_census, keys_for, prove

HASH = re.compile(r'<code class="receipt-hash">([0-9a-f]{64})</code>')


def test_aino_sees_her_current_ballot_and_changes_it_and_the_last_one_counts(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas, central_format="cumulative", points_total=10, points_per_project=5)
    ids = voting.central_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.central)
    client.submit(f"{url}/cast", {f"points-{ids['Penkit']}": "5"})
    client.get(f"{url}/done")

    overview = client.get(f"/processes/{voting.process.slug}/vote?lang=en").text
    assert "You have voted. Your current ballot:" in overview and "Penkit: 5 points" in overview
    ballot = client.get(f"{url}?lang=en").text
    assert (
        "Your current ballot" in ballot
        and f'name="points-{ids["Penkit"]}" min="0" max="5" step="1" value="5"' in ballot
    )
    review = client.submit(f"{url}?lang=en", {f"points-{ids['Kukat']}": "2", "action": "review"})
    assert "This ballot replaces the ballot you cast earlier in this budget." in review.text

    client.submit(f"{url}/cast", {f"points-{ids['Kukat']}": "2"})

    assert ballots_of(db, voting.central) == [{ids["Kukat"]: 2}]
    assert "Kukat: 2 points" in client.get(f"/processes/{voting.process.slug}/vote?lang=en").text
    close_voting(db, voting.process)
    after = client.get(f"/processes/{voting.process.slug}/vote?lang=en").text
    assert "Voting has ended." in after and "Kukat: 2 points" in after and "Change your ballot" not in after


def test_a_receipt_shows_the_ballot_counted_as_cast_and_a_replaced_ballots_receipt_finds_nothing(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas, central_format="ranked", max_choices=3)
    ids = voting.central_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.central)
    client.submit(f"{url}/cast", {f"rank-{ids['Penkit']}": "1"})
    first = receipt_on(client.get(f"{url}/done").text)
    client.submit(f"{url}/cast", {f"rank-{ids['Kukat']}": "1", f"rank-{ids['Kirppis']}": "2"})
    last = receipt_on(client.get(f"{url}/done").text)
    check = f"/processes/{voting.process.slug}/receipt?lang=en"

    early = client.submit(check, {"receipt": last})
    assert early.status_code == 403 and "when the results of this round are out" in early.text
    close_voting(db, voting.process)
    assert client.submit(check, {"receipt": last}).status_code == 403  # counted but not yet published
    publish_results(settings, voting.process, personas[ANNA.email].id)
    assert client.get(check).status_code == 200

    found = another_visitor_checks(client, check, last.lower().replace("-", " "))
    assert found.status_code == 200 and "Your ballot was counted as cast" in found.text
    assert found.text.index("Kukat") < found.text.index("Kirppis")
    replaced = client.submit(check, {"receipt": first})
    assert replaced.status_code == 404 and "No ballot has this receipt code" in replaced.text
    malformed = client.submit(check, {"receipt": "ABC"})
    assert malformed.status_code == 422 and 'id="receipt-error"' in malformed.text


def another_visitor_checks(client: FormClient, path: str, receipt: str) -> Any:
    """Checking needs no account: the receipt code alone finds the ballot."""
    client.submit("/logout")
    return client.submit(path, {"receipt": receipt})


def test_checking_receipts_is_throttled_per_address(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    close_voting(db, voting.process)
    publish_results(settings, voting.process, personas[ANNA.email].id)
    check = f"/processes/{voting.process.slug}/receipt?lang=en"

    for attempt in range(30):
        assert client.submit(check, {"receipt": f"AAAA-BBBB-CCCC-{attempt:04d}"}).status_code == 404
    blocked = client.submit(check, {"receipt": "AAAA-BBBB-CCCC-9999"})

    assert blocked.status_code == 422 and "Too many attempts" in unescape(blocked.text)


def test_the_anonymised_ballot_list_shows_receipt_hashes_and_choices_in_pages_once_results_are_out(
    client: FormClient,
    another_client: FormClient,
    db: Session,
    settings: Settings,
    personas: dict[str, User],
) -> None:
    voting = open_round(db, settings, personas)
    add_census(db, keys_for(settings), voting.process, SIXTEN_IN_CENSUS)
    prove(db, keys_for(settings), voting.process, personas[SIXTEN.email].id, SIXTEN_IN_CENSUS)
    ids = voting.citywide_ids
    url = voting.vote_url(voting.citywide)
    client.log_in(AINO)
    client.submit(f"{url}/cast", {"project": [str(ids["Uimaranta"])]})
    aino = receipt_on(client.get(f"{url}/done").text)
    another_client.log_in(SIXTEN)
    another_client.submit(f"{url}/cast", {"project": [str(ids["Lava"]), str(ids["Kirjastoauto"])]})
    list_url = f"/processes/{voting.process.slug}/ballots/{voting.citywide.id}?lang=en"
    assert client.get(list_url).status_code == 403
    close_voting(db, voting.process)
    publish_results(settings, voting.process, personas[ANNA.email].id)

    page = client.get(list_url)

    assert page.status_code == 200
    text = plain(page.text)
    assert receipt_hash(aino) in text and aino not in text
    assert text.count('<code class="receipt-hash">') == 2
    assert "Uimaranta (200 000,00 €)" in text and "Lava (400 000,00 €)" in text
    assert "Aino" not in text.split("<main", 1)[1]


def test_the_ballot_list_pages_through_the_ballots_in_the_order_of_their_random_ids(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    project = voting.citywide_ids["Uimaranta"]
    for _number in range(60):
        receipt = new_receipt()
        db.add(
            Ballot(
                id=secrets.token_hex(16),
                budget_id=voting.citywide.id,
                link=secrets.token_hex(32),
                choices=[[project, 1]],
                receipt_hash=receipt_hash(receipt),
            )
        )
    db.commit()
    close_voting(db, voting.process)
    publish_results(settings, voting.process, personas[ANNA.email].id)
    list_url = f"/processes/{voting.process.slug}/ballots/{voting.citywide.id}?lang=en"

    first, second = client.get(list_url).text, client.get(f"{list_url}&page=2").text

    hashes = HASH.findall(first) + HASH.findall(second)
    assert len(HASH.findall(first)) == 50 and len(hashes) == 60
    ids = db.scalars(select(Ballot.id).where(Ballot.budget_id == voting.citywide.id).order_by(Ballot.id)).all()
    by_id = {ballot.id: ballot.receipt_hash for ballot in db.scalars(select(Ballot))}
    assert hashes == [by_id[ballot_id] for ballot_id in ids]
    assert "Page 1 of 2" in first and 'rel="next"' in first and "Page 2 of 2" in second
    assert HASH.findall(client.get(f"{list_url}&page=9").text) == HASH.findall(second)
    assert HASH.findall(client.get(f"{list_url}&page=x").text) == HASH.findall(first)
