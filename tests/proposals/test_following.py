"""Following a proposal, and the notifications other packages send through ``notify_followers``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import Database
from pb.i18n import N_
from pb.processes.models import Process
from pb.proposals import services
from pb.proposals.models import Coauthor, Follow, Proposal
from pb.web.shell import PbApp
from tests.conftest import FormClient, Mailbox
from tests.personas import AINO, ANNA, PEKKA, RIIKKA, SIXTEN
from tests.proposals.conftest import add_proposal


def test_a_resident_follows_a_proposal_and_its_comments_and_stops(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(SIXTEN)
    response = client.submit(f"/proposals/{proposal.id}/follow", {"notify_comments": "yes"})
    assert response.status_code == 303 and response.headers["location"] == f"/proposals/{proposal.id}#follow"
    follow = db.scalars(select(Follow)).one()
    assert (follow.user_id, follow.notify_comments) == (personas[SIXTEN.email].id, True)
    # Following again changes the choice rather than adding a row.
    client.submit(f"/proposals/{proposal.id}/follow", {})
    db.expire_all()
    assert db.scalars(select(Follow.notify_comments)).all() == [False]
    client.submit(f"/proposals/{proposal.id}/unfollow")
    assert db.scalars(select(Follow)).all() == []


def test_an_unverified_account_cannot_follow(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(PEKKA)
    assert client.submit(f"/proposals/{proposal.id}/follow", {}).status_code == 403
    assert db.scalars(select(Follow)).all() == []


async def notify(app: PbApp, database_url: str, proposal_id: int, **options: Any) -> int:
    database = Database.connect(database_url)
    try:
        async with database.sessionmaker() as session:
            proposal = await session.get_one(Proposal, proposal_id)
            return await services.notify_followers(
                app.state.services,
                session,
                proposal,
                N_("A proposal you follow has been withdrawn"),
                "proposals/email_withdrawn.txt",
                reason="",
                **options,
            )
    finally:
        await database.engine.dispose()


async def test_followers_and_authors_are_emailed_once_each_in_their_own_language(
    app: PbApp, database_url: str, db: Session, process: Process, personas: dict[str, User], mailbox: Mailbox
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    db.add_all(
        [
            Follow(proposal_id=proposal.id, user_id=personas[SIXTEN.email].id, notify_comments=False),
            Follow(proposal_id=proposal.id, user_id=personas[AINO.email].id, notify_comments=True),
            Follow(proposal_id=proposal.id, user_id=personas[PEKKA.email].id, notify_comments=True),  # unverified
            Coauthor(
                proposal_id=proposal.id,
                email=ANNA.email,
                user_id=personas[ANNA.email].id,
                token_hash="0" * 64,
                accepted_at=proposal.created_at,
            ),
        ]
    )
    db.commit()
    assert await notify(app, database_url, proposal.id) == 3
    assert {message["To"] for message in mailbox.messages} == {AINO.email, SIXTEN.email, ANNA.email}
    assert mailbox.last_to(SIXTEN.email).get_content().startswith("Hej Sixten")
    assert mailbox.last_to(AINO.email).get_content().startswith("Hei Aino")
    assert f"http://testserver.local/proposals/{proposal.id}" in mailbox.last_to(ANNA.email).get_content()


async def test_about_a_new_comment_only_those_who_asked_are_emailed_and_never_the_commenter(
    app: PbApp, database_url: str, db: Session, process: Process, personas: dict[str, User], mailbox: Mailbox
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    db.add_all(
        [
            Follow(proposal_id=proposal.id, user_id=personas[SIXTEN.email].id, notify_comments=False),
            Follow(proposal_id=proposal.id, user_id=personas[AINO.email].id, notify_comments=True),
            Follow(proposal_id=proposal.id, user_id=personas[RIIKKA.email].id, notify_comments=True),
        ]
    )
    db.commit()
    sent = await notify(app, database_url, proposal.id, about_comment=True, skip_user_id=personas[RIIKKA.email].id)
    assert sent == 1
    assert [message["To"] for message in mailbox.messages] == [AINO.email]
