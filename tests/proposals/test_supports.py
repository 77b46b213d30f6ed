"""Supports: one per verified resident while the proposals phase is open, counted in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import Database, utcnow
from pb.processes.models import Phase, Process
from pb.proposals import services
from pb.proposals.models import Proposal, ProposalStatus, Support
from tests.conftest import FormClient
from tests.personas import AINO, PEKKA, SIXTEN
from tests.proposals.conftest import add_proposal


def count_of(db: Session, proposal: Proposal) -> tuple[int, int]:
    db.expire_all()
    rows = len(db.scalars(select(Support).where(Support.proposal_id == proposal.id)).all())
    return db.get_one(Proposal, proposal.id).support_count, rows


def test_a_resident_supports_once_and_takes_it_back_without_javascript(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(SIXTEN)
    response = client.submit(f"/proposals/{proposal.id}/support")
    assert response.status_code == 303
    assert response.headers["location"] == f"/proposals/{proposal.id}#support"
    assert count_of(db, proposal) == (1, 1)
    # A second click (or a resent form) does not count twice.
    assert client.submit(f"/proposals/{proposal.id}/support").status_code == 303
    assert count_of(db, proposal) == (1, 1)
    assert (
        "1 st" in client.get(f"/proposals/{proposal.id}").text
        or "1 support" in client.get(f"/proposals/{proposal.id}?lang=en").text
    )
    assert client.submit(f"/proposals/{proposal.id}/unsupport").status_code == 303
    assert count_of(db, proposal) == (0, 0)
    assert client.submit(f"/proposals/{proposal.id}/unsupport").status_code == 303
    assert count_of(db, proposal) == (0, 0)


def test_with_htmx_the_support_button_is_replaced_in_place(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(SIXTEN)
    response = client.submit(f"/proposals/{proposal.id}/support?lang=en", htmx=True)
    assert response.status_code == 200
    assert response.headers["vary"] == "HX-Request"
    assert response.text.lstrip().startswith('<div class="support" id="support">')
    assert "<html" not in response.text
    assert "1 support" in response.text and f'action="/proposals/{proposal.id}/unsupport"' in response.text
    response = client.submit(f"/proposals/{proposal.id}/unsupport?lang=en", htmx=True)
    assert "0 supports" in response.text and f'action="/proposals/{proposal.id}/support"' in response.text


def test_supports_from_several_residents_are_all_counted(
    client: FormClient, another_client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[SIXTEN.email])
    client.log_in(AINO)
    another_client.log_in(SIXTEN)
    client.submit(f"/proposals/{proposal.id}/support")
    another_client.submit(f"/proposals/{proposal.id}/support")
    assert count_of(db, proposal) == (2, 2)


async def test_a_support_that_loses_a_race_is_already_supported_not_an_error(
    database_url: str, db: Session, process: Process, personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    db.add(Support(proposal_id=proposal.id, user_id=personas[SIXTEN.email].id))
    db.commit()

    async def not_seen_yet(*_: object) -> bool:  # the other request committed after our check
        return False

    monkeypatch.setattr(services, "has_supported", not_seen_yet)
    database = Database.connect(database_url)
    try:
        async with database.sessionmaker() as session:
            loaded = await session.get_one(Proposal, proposal.id)
            sixten = await session.get_one(User, personas[SIXTEN.email].id)
            assert await services.add_support(session, loaded, sixten) is False
    finally:
        await database.engine.dispose()
    assert count_of(db, proposal) == (0, 1)


def test_an_unverified_resident_cannot_support(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(PEKKA)
    assert "Support this proposal" not in client.get(f"/proposals/{proposal.id}?lang=en").text
    assert client.submit(f"/proposals/{proposal.id}/support").status_code == 403
    assert count_of(db, proposal) == (0, 0)


def test_an_anonymous_visitor_is_asked_to_log_in(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    assert f"/login?next=/proposals/{proposal.id}" in client.get(f"/proposals/{proposal.id}").text
    response = client.submit(f"/proposals/{proposal.id}/support")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_supports_end_with_the_proposals_phase_and_stay_counted(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(SIXTEN)
    client.submit(f"/proposals/{proposal.id}/support")
    phase = db.scalars(select(Phase).where(Phase.process_id == process.id, Phase.kind == "proposals")).one()
    phase.closed_early_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert client.submit(f"/proposals/{proposal.id}/unsupport").status_code == 403
    assert client.submit(f"/proposals/{proposal.id}/support", htmx=True).status_code == 403
    assert count_of(db, proposal) == (1, 1)


@pytest.mark.parametrize("status", [ProposalStatus.WITHDRAWN, ProposalStatus.DRAFT])
def test_withdrawn_proposals_and_drafts_cannot_be_supported(
    client: FormClient, db: Session, process: Process, personas: dict[str, User], status: str
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email], status=status)
    client.log_in(AINO)
    assert client.submit(f"/proposals/{proposal.id}/support").status_code == 403
    assert count_of(db, proposal) == (0, 0)
