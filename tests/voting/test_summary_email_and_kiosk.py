"""The optional summary email of a ballot, and the same voting pages on a voting assistant's device (kiosk)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from litestar.stores.file import FileStore
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from pb.settings import Settings
from pb.voting import identity
from pb.voting.models import Channel, VoterRecord
from tests.conftest import FormClient, Mailbox, add_persona
from tests.personas import AINO, Persona
from tests.voting.ballot_support import ballots_of, open_round, receipt_on
from tests.voting_support import AINO_IN_CENSUS, keys_for, voter

# Ville: a voting assistant at a library's voting point; he starts a kiosk voter after checking their ID.
VILLE = Persona(
    "ville@example.fi",
    "Ville Vaaliavustaja",
    "ville-avustaa-1",
    "fi",
    frozenset({Role.RESIDENT, Role.VOTING_ASSISTANT}),
)


def test_aino_asks_for_a_summary_of_her_ballot_and_it_comes_without_the_receipt_code(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User], mailbox: Mailbox
) -> None:
    voting = open_round(db, settings, personas, central_format="ranked", max_choices=3)
    ids = voting.central_ids
    client.log_in(AINO)
    url = voting.vote_url(voting.central)
    form = {f"rank-{ids['Kukat']}": "1", f"rank-{ids['Penkit']}": "2"}
    review = client.submit(f"{url}?lang=en", {**form, "action": "review"})
    assert 'name="email_summary" value="yes"' in review.text and AINO.email in review.text

    client.submit(f"{url}/cast", {**form, "email_summary": "yes"})
    receipt = receipt_on(client.get(f"{url}/done").text)

    message = mailbox.last_to(AINO.email)
    body = message.get_content()
    assert "1. Kukat" in body and "2. Penkit" in body
    assert receipt not in body and receipt.replace("-", "") not in body
    assert f"{settings.base_url}/processes/{voting.process.slug}/vote" in body


def test_no_summary_is_sent_unless_asked_for(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User], mailbox: Mailbox
) -> None:
    voting = open_round(db, settings, personas)
    client.log_in(AINO)

    client.submit(voting.vote_url(voting.citywide, "/cast"), {"project": [str(voting.citywide_ids["Lava"])]})

    assert mailbox.to(AINO.email) == [] and len(ballots_of(db, voting.citywide)) == 1


def start_kiosk_voter(client: FormClient, settings: Settings, session_data: dict[str, Any]) -> None:
    """What /assist/{slug} leaves in the assistant's session after checking a person's identity, written into
    the session store directly so these tests do not depend on the assistant's form."""
    session_id = client.cookies.get("pb_session")
    assert session_id
    store = FileStore(settings.session_dir, create_directories=True)

    async def update() -> None:
        raw = await store.get(session_id)
        assert raw is not None
        data = json.loads(raw)
        data.update(session_data)
        await store.set(session_id, json.dumps(data, default=str), expires_in=3600)

    asyncio.run(update())


def test_on_an_assistants_device_the_voter_casts_and_the_page_offers_the_next_voter(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User], mailbox: Mailbox
) -> None:
    voting = open_round(db, settings, personas, prove_aino=False)
    add_persona(db, VILLE)
    client.log_in(VILLE)
    session: dict[str, Any] = {}
    person = voter(db, keys_for(settings), voting.process, AINO_IN_CENSUS, Channel.ASSISTED)
    identity.store_voter(session, identity.KIOSK, voting.process, person)
    start_kiosk_voter(client, settings, session)
    url = voting.vote_url(voting.citywide)

    review = client.submit(f"{url}?lang=en", {"project": [str(voting.citywide_ids["Uimaranta"])], "action": "review"})
    assert review.status_code == 200 and "email_summary" not in review.text
    client.submit(f"{url}/cast", {"project": [str(voting.citywide_ids["Uimaranta"])], "email_summary": "yes"})
    done = client.get(f"{url}/done?lang=en").text

    receipt_on(done)
    assert f'action="/assist/{voting.process.slug}/reset"' in done and "Next voter" in done
    assert mailbox.to(VILLE.email) == []
    record = db.scalars(select(VoterRecord)).one()
    assert record.channel == Channel.ASSISTED and record.voter_key == person.key
