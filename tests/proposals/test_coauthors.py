"""Co-authors: invited by email, linked to an account when they accept, and then allowed to edit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.processes.models import Process
from pb.proposals.models import Coauthor, Proposal, ProposalStatus
from tests.conftest import FormClient, Mailbox
from tests.personas import AINO, PEKKA, SIXTEN
from tests.proposals.conftest import add_proposal, form_for


def invite(client: FormClient, proposal: Proposal, email: str, mailbox: Mailbox) -> str:
    response = client.submit(f"/proposals/{proposal.id}/coauthors", {"email": email})
    assert response.status_code == 303, response.text
    return mailbox.link_in_last_to(email.lower()).removeprefix("http://testserver.local")


def test_an_invited_co_author_accepts_and_can_edit(
    client: FormClient,
    another_client: FormClient,
    db: Session,
    process: Process,
    personas: dict[str, User],
    mailbox: Mailbox,
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email], status=ProposalStatus.DRAFT)
    client.log_in(AINO)
    link = invite(client, proposal, "SIXTEN@example.fi", mailbox)
    invitation = db.scalars(select(Coauthor)).one()
    assert invitation.email == "sixten@example.fi" and invitation.user_id is None
    assert link.split("/")[-1] not in invitation.token_hash  # only a digest of the token is stored
    assert mailbox.last_to("sixten@example.fi")["Subject"]

    another_client.log_in(SIXTEN)
    assert another_client.get(f"/proposals/{proposal.id}").status_code == 404  # not yet an author of the draft
    assert another_client.get(link).status_code == 200
    assert another_client.submit(link).headers["location"] == f"/proposals/{proposal.id}"
    db.expire_all()
    accepted = db.scalars(select(Coauthor)).one()
    assert accepted.user_id == personas[SIXTEN.email].id and accepted.accepted_at is not None

    page = another_client.get(f"/proposals/{proposal.id}")
    assert page.status_code == 200 and "Aino Virtanen, Sixten Lindqvist" in page.text
    response = another_client.submit(
        f"/proposals/{proposal.id}/edit", form_for(process, title="Yhdessä", action="draft")
    )
    assert response.status_code == 303
    db.expire_all()
    assert db.get_one(Proposal, proposal.id).title == "Yhdessä"
    # The link works once.
    assert another_client.get(link).status_code == 404


def test_an_invitation_link_that_is_unknown_or_old_does_not_work(
    client: FormClient, db: Session, process: Process, personas: dict[str, User], mailbox: Mailbox
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(AINO)
    link = invite(client, proposal, "uusi@example.fi", mailbox)
    invitation = db.scalars(select(Coauthor)).one()
    invitation.invited_at -= timedelta(days=31)
    db.commit()
    client.log_in(SIXTEN)
    assert client.get(link).status_code == 404
    assert client.submit(link).status_code == 404
    assert client.get("/coauthor-invitations/" + "x" * 43).status_code == 404


def test_an_unverified_account_cannot_accept(
    client: FormClient, db: Session, process: Process, personas: dict[str, User], mailbox: Mailbox
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(AINO)
    link = invite(client, proposal, PEKKA.email, mailbox)
    client.log_in(PEKKA)
    assert client.submit(link).status_code == 403
    assert db.scalars(select(Coauthor.accepted_at)).one() is None


def test_only_authors_invite_and_the_author_cannot_invite_themselves(
    client: FormClient, db: Session, process: Process, personas: dict[str, User], mailbox: Mailbox
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(SIXTEN)
    assert client.submit(f"/proposals/{proposal.id}/coauthors", {"email": "x@example.fi"}).status_code == 403
    client.log_in(AINO)
    response = client.submit(f"/proposals/{proposal.id}/coauthors", {"email": AINO.email})
    assert response.status_code == 422 and 'id="email-error"' in response.text
    response = client.submit(f"/proposals/{proposal.id}/coauthors", {"email": "ei osoite"})
    assert response.status_code == 422 and 'id="email-error"' in response.text
    assert db.scalars(select(Coauthor)).all() == []


def test_the_invitation_form_cannot_be_used_to_send_mass_email(
    client: FormClient, db: Session, process: Process, personas: dict[str, User], mailbox: Mailbox
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    db.add_all(
        Coauthor(proposal_id=proposal.id, email=f"n{number}@example.fi", token_hash=f"{number:064d}")
        for number in range(10)
    )
    db.commit()
    client.log_in(AINO)
    response = client.submit(f"/proposals/{proposal.id}/coauthors", {"email": "yksitoista@example.fi"})
    assert response.status_code == 422 and 'id="email-error"' in response.text
    assert mailbox.messages == []
    # Sending an invitation again to someone already invited is still possible.
    assert client.submit(f"/proposals/{proposal.id}/coauthors", {"email": "n3@example.fi"}).status_code == 303
