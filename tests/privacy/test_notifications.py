"""The notification settings page (issue 7: "which emails they get"), and the senders honouring it: status changes
of proposals (withdrawn, reviewed, combined into a plan — all through pb.proposals.services.notify_followers),
new comments on followed proposals, and whether the ballot summary box starts ticked.

pb sends no separate email for a reply to one's comment: replies reach followers as new comments."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.privacy.models import NotificationSettings
from pb.processes.models import Process
from pb.proposals.models import Follow
from pb.settings import Settings
from tests.conftest import FormClient, Mailbox, make_process
from tests.personas import AINO, SIXTEN
from tests.proposals.conftest import add_proposal
from tests.voting.ballot_support import open_round


def sixten_follows_ainos_proposal(db: Session, personas: dict[str, User], process: Process | None = None) -> int:
    process = process or make_process(db, open_phase="proposals")
    proposal = add_proposal(db, process, personas[AINO.email], title=f"Ehdotus {db.query(Follow).count()}")
    db.add(Follow(proposal_id=proposal.id, user_id=personas[SIXTEN.email].id, notify_comments=True))
    db.commit()
    return proposal.id


def choose(client: FormClient, **chosen: bool) -> None:
    response = client.submit("/account/notifications", {name: "yes" for name, on in chosen.items() if on})
    assert response.status_code == 303 and response.headers["location"] == "/account/notifications"


def test_the_page_shows_the_defaults_and_saves_the_choices(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    client.log_in(SIXTEN)
    page = client.get("/account/notifications?lang=en").text
    assert 'id="proposal_status" name="proposal_status" value="yes" checked' in page
    assert 'id="new_comments" name="new_comments" value="yes" checked' in page
    assert 'id="ballot_summary" name="ballot_summary" value="yes" aria' in page, "not ticked by default"

    choose(client, ballot_summary=True)
    stored = db.get_one(NotificationSettings, personas[SIXTEN.email].id)
    assert (stored.proposal_status, stored.new_comments, stored.ballot_summary) == (False, False, True)
    page = client.get("/account/notifications?lang=en").text
    assert 'id="ballot_summary" name="ballot_summary" value="yes" checked' in page
    assert "Your email choices have been saved." in page


def test_status_changes_reach_only_followers_who_want_them(
    client: FormClient, another_client: FormClient, db: Session, mailbox: Mailbox, personas: dict[str, User]
) -> None:
    process: Process = make_process(db, open_phase="proposals")
    first = sixten_follows_ainos_proposal(db, personas, process)
    client.log_in(AINO)
    assert client.submit(f"/proposals/{first}/withdraw", {"reason": ""}).status_code == 303
    assert len(mailbox.to(SIXTEN.email)) == 1, "on by default"

    another_client.log_in(SIXTEN)
    choose(another_client, new_comments=True)
    mailbox.clear()
    second = sixten_follows_ainos_proposal(db, personas, process)
    assert client.submit(f"/proposals/{second}/withdraw", {"reason": ""}).status_code == 303
    assert mailbox.to(SIXTEN.email) == []


def test_new_comments_reach_only_followers_who_want_them(
    client: FormClient, another_client: FormClient, db: Session, mailbox: Mailbox, personas: dict[str, User]
) -> None:
    proposal_id = sixten_follows_ainos_proposal(db, personas)
    client.log_in(AINO)
    comment = {"body": "Kiitos kaikille.", "stance": "neutral"}
    assert client.submit(f"/proposals/{proposal_id}/comments", comment).status_code == 303
    assert len(mailbox.to(SIXTEN.email)) == 1

    another_client.log_in(SIXTEN)
    choose(another_client, proposal_status=True)
    mailbox.clear()
    assert client.submit(f"/proposals/{proposal_id}/comments", comment).status_code == 303
    assert mailbox.to(SIXTEN.email) == []


def test_the_ballot_summary_box_starts_ticked_only_for_those_who_chose_it(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    voting = open_round(db, settings, personas)
    url = voting.vote_url(voting.citywide)
    form = {"project": [str(voting.citywide_ids["Uimaranta"])], "action": "review"}
    client.log_in(AINO)
    unticked = client.submit(f"{url}?lang=en", form).text
    assert 'id="email_summary" name="email_summary" value="yes" aria-describedby' in unticked

    choose(client, ballot_summary=True, proposal_status=True, new_comments=True)
    ticked = client.submit(f"{url}?lang=en", form).text
    assert 'id="email_summary" name="email_summary" value="yes" checked' in ticked
