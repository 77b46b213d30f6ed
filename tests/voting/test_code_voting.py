"""Voting with the code from the letter, without an account (VotingMethod.CODE): the code is tried a limited
number of times, a lost code is refused, the first ballot marks the code used, and the voter can leave."""

from __future__ import annotations

from html import unescape

from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.eligibility.models import CodeStatus, VotingCode
from pb.processes.models import VotingMethod
from pb.settings import Settings
from tests.conftest import FormClient
from tests.voting.ballot_support import Round, ballots_of, open_round, receipt_on
from tests.voting_support import district, keys_for

CODE = "K3YS-4B7C-9QRT"


def with_codes(db: Session, settings: Settings, personas: dict[str, User]) -> tuple[Round, VotingCode]:
    voting = open_round(db, settings, personas)
    voting.process.voting_methods = [VotingMethod.CENSUS, VotingMethod.CODE]
    code = VotingCode(
        process_id=voting.process.id,
        district_id=district(db, "keskusta").id,
        code_hash=keys_for(settings).voting_code(CODE),
        serial=1,
    )
    lost = VotingCode(
        process_id=voting.process.id,
        district_id=district(db, "keskusta").id,
        code_hash=keys_for(settings).voting_code("LOST-LOST-0000"),
        serial=2,
        status=CodeStatus.LOST,
    )
    db.add_all([code, lost])
    db.commit()
    return voting, code


def status_of(db: Session, code: VotingCode) -> str:
    db.expire_all()
    found = db.get(VotingCode, code.id)
    assert found is not None
    return found.status


def test_a_person_votes_with_the_letters_code_and_the_first_ballot_uses_the_code(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting, code = with_codes(db, settings, personas)
    slug = voting.process.slug
    assert f'href="/processes/{slug}/vote/code"' in client.get(f"/processes/{slug}/vote?lang=en").text
    assert client.get(f"/processes/{slug}/vote/code?lang=en").status_code == 200

    entered = client.submit(f"/processes/{slug}/vote/code", {"code": " k3ys 4b7c 9qrt "})
    assert entered.status_code == 303 and entered.headers["location"] == f"/processes/{slug}/vote"
    overview = client.get(f"/processes/{slug}/vote?lang=en").text
    assert f'href="{voting.vote_url(voting.central)}"' in overview and "Stop voting with this code" in overview
    assert status_of(db, code) == CodeStatus.UNUSED

    cast = client.submit(voting.vote_url(voting.central, "/cast"), {"project": [str(voting.central_ids["Penkit"])]})
    assert cast.status_code == 303
    receipt_on(client.get(voting.vote_url(voting.central, "/done?lang=en")).text)
    assert status_of(db, code) == CodeStatus.USED
    # The used code still lets its holder change the ballot until voting ends; the last ballot counts.
    client.submit(f"/processes/{slug}/vote/code/forget")
    client.submit(f"/processes/{slug}/vote/code", {"code": CODE})
    client.submit(voting.vote_url(voting.central, "/cast"), {"project": [str(voting.central_ids["Valaistus"])]})
    assert ballots_of(db, voting.central) == [{voting.central_ids["Valaistus"]: 1}]


def test_a_code_voter_who_leaves_can_no_longer_vote_from_that_browser(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting, _code = with_codes(db, settings, personas)
    slug = voting.process.slug
    client.submit(f"/processes/{slug}/vote/code", {"code": CODE})

    left = client.submit(f"/processes/{slug}/vote/code/forget")

    assert left.status_code == 303
    assert client.get(f"{voting.vote_url(voting.central)}?lang=en").status_code == 403
    cast = client.submit(voting.vote_url(voting.central, "/cast"), {"project": [str(voting.central_ids["Penkit"])]})
    assert cast.status_code == 403 and ballots_of(db, voting.central) == []


def test_a_wrong_or_lost_code_is_explained_next_to_the_field(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting, _code = with_codes(db, settings, personas)
    url = f"/processes/{voting.process.slug}/vote/code?lang=en"

    wrong = client.submit(url, {"code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 422 and 'id="code-error"' in wrong.text
    assert "This voting code is not valid for this round." in wrong.text
    lost = client.submit(url, {"code": "LOST-LOST-0000"})
    assert lost.status_code == 422 and "reported lost" in lost.text
    empty = client.submit(url, {"code": "  "})
    assert empty.status_code == 422 and "Enter the voting code from your letter." in empty.text


def test_guessing_codes_is_stopped_per_code_and_per_address(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting, _code = with_codes(db, settings, personas)
    url = f"/processes/{voting.process.slug}/vote/code?lang=en"

    for _attempt in range(5):
        assert client.submit(url, {"code": "AAAA-BBBB-CCCC"}).status_code == 422
    blocked = client.submit(url, {"code": "aaaa bbbb cccc"})
    assert "Too many attempts. Wait 15 minutes and try again." in unescape(blocked.text)
    for attempt in range(30):
        client.submit(url, {"code": f"ZZZZ-ZZZZ-{attempt:04d}"})
    # Even the right code waits now: the address has guessed too often.
    right = client.submit(url, {"code": CODE})
    assert right.status_code == 422 and "Too many attempts" in right.text


def test_a_round_without_code_voting_has_no_code_page(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)

    assert client.get(f"/processes/{voting.process.slug}/vote/code").status_code == 404
    assert client.submit(f"/processes/{voting.process.slug}/vote/code", {"code": CODE}).status_code == 404
