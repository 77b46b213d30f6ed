"""Who cannot vote, and where: every refusal is a page in the reader's language that says what to do, never an
error 500 (issue 4: "a ballot posted after closing is refused with a clear message")."""

from __future__ import annotations

from html import unescape

from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.i18n import gettext
from pb.processes.models import Budget, BudgetRule, PhaseKind, Project
from pb.settings import Settings
from tests.conftest import FormClient, make_process
from tests.personas import AINO, PEKKA, SIXTEN
from tests.voting.ballot_support import ballots_of, close_voting, move_phase, open_round
from tests.voting_support import district


def test_a_ballot_posted_after_voting_closed_is_refused_with_a_clear_message(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    client.log_in(AINO)
    url = voting.vote_url(voting.citywide)
    assert client.get(url).status_code == 200
    close_voting(db, voting.process)

    refused = client.submit(f"{url}/cast?lang=en", {"project": [str(voting.citywide_ids["Lava"])]})

    assert refused.status_code == 403
    assert "Voting has closed. Your ballot was not saved." in refused.text
    assert ballots_of(db, voting.citywide) == []
    in_finnish = client.submit(f"{url}/cast?lang=fi", {"project": [str(voting.citywide_ids["Lava"])]})
    assert in_finnish.status_code == 403 and 'lang="fi"' in in_finnish.text
    assert gettext("fi", "Voting has closed. Your ballot was not saved.") in in_finnish.text
    assert client.get(f"{url}?lang=en").status_code == 403


def test_before_voting_starts_the_overview_tells_when_it_begins_and_the_ballot_is_refused(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    move_phase(db, voting.process, PhaseKind.VOTING, starts_in_days=3)
    client.log_in(AINO)

    overview = client.get(f"/processes/{voting.process.slug}/vote?lang=en")
    assert overview.status_code == 200 and "Voting begins on" in overview.text
    assert f'href="{voting.vote_url(voting.citywide)}"' not in overview.text
    ballot = client.get(f"{voting.vote_url(voting.citywide)}?lang=en")
    assert ballot.status_code == 403 and "Voting has not started yet." in ballot.text


def test_an_anonymous_visitor_is_told_to_log_in_and_a_resident_without_a_proof_to_check_their_right(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas, prove_aino=False)
    slug = voting.process.slug

    anonymous = client.get(f"/processes/{slug}/vote?lang=en")
    assert anonymous.status_code == 200
    assert "Sign in or enter the voting code from your letter to vote." in anonymous.text
    assert f'href="/login?next=/processes/{slug}/vote"' in anonymous.text
    ballot = client.get(f"{voting.vote_url(voting.citywide)}?lang=en")
    assert ballot.status_code == 403 and "Log in to vote" in ballot.text

    client.log_in(AINO)
    unproven = client.get(f"/processes/{slug}/vote?lang=en")
    assert "Check your voting right first." in unproven.text
    assert f'href="/processes/{slug}/eligibility"' in unproven.text
    cast = client.submit(f"{voting.vote_url(voting.citywide)}/cast?lang=sv", {"project": "1"})
    assert cast.status_code == 403 and 'lang="sv"' in cast.text
    assert ballots_of(db, voting.citywide) == []


def test_a_resident_with_an_unconfirmed_address_is_asked_to_confirm_it_first(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    client.log_in(PEKKA)

    page = client.get(f"{voting.vote_url(voting.citywide)}?lang=en")

    assert page.status_code == 403 and "Confirm your email address before voting." in page.text


def test_under_the_one_district_rule_a_second_district_is_refused_after_voting_in_one(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    voting.process.budget_rule = BudgetRule.CITYWIDE_PLUS_ONE
    other = Budget(
        process_id=voting.process.id,
        district_id=district(db, "saaristo").id,
        name_fi="Saaristo",
        name_en="Archipelago",
        amount_cents=10_000_000,
        position=2,
    )
    other.projects.append(Project(title="Laituri", cost_cents=1_000_000))
    db.add(other)
    db.commit()
    client.log_in(AINO)
    client.submit(f"{voting.vote_url(voting.central)}/cast", {"project": [str(voting.central_ids["Penkit"])]})

    refused = client.get(f"/processes/{voting.process.slug}/vote/{other.id}?lang=en")
    assert refused.status_code == 403
    assert "You have already voted in another district's budget." in unescape(refused.text)
    overview = unescape(client.get(f"/processes/{voting.process.slug}/vote?lang=en").text)
    assert "one district of your choice" in overview and "You have already voted in another district" in overview
    posted = client.submit(f"/processes/{voting.process.slug}/vote/{other.id}/cast?lang=en", {"project": "1"})
    assert posted.status_code == 403 and ballots_of(db, other) == []


def test_unknown_unpublished_and_other_rounds_budgets_are_not_found(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    hidden = make_process(db, slug="luonnos", open_phase="voting", published=False)
    client.log_in(SIXTEN)

    assert client.get("/processes/no-such-round/vote").status_code == 404
    assert client.get("/processes/luonnos/vote").status_code == 404
    assert client.get(f"/processes/luonnos/vote/{hidden.budgets[0].id}").status_code == 404
    assert client.get(f"/processes/{voting.process.slug}/vote/{hidden.budgets[0].id}").status_code == 404
    assert client.submit(f"/processes/{voting.process.slug}/vote/{hidden.budgets[0].id}/cast").status_code == 404
    assert client.get(f"/processes/{voting.process.slug}/ballots/{hidden.budgets[0].id}").status_code == 404


def test_the_process_page_invites_to_vote_while_voting_is_open(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    slug = voting.process.slug

    assert f'<a class="button" href="/processes/{slug}/vote">' in client.get(f"/processes/{slug}?lang=en").text
    close_voting(db, voting.process)
    page = client.get(f"/processes/{slug}?lang=en").text
    assert f'href="/processes/{slug}/vote"' not in page and f'href="/processes/{slug}/receipt"' in page
