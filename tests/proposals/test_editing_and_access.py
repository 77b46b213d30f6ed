"""Who sees and changes a proposal: drafts for their authors only, editing by authors during the phase,
withdrawing, and hidden proposals replaced by the moderator's reason."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.processes.models import Phase, Process
from pb.proposals.models import Follow, Proposal, ProposalEvent, ProposalStatus
from tests.conftest import FormClient, Mailbox
from tests.personas import AINO, ANNA, RIIKKA, SIXTEN
from tests.proposals.conftest import add_proposal, form_for


def close_proposals_phase(db: Session, process: Process) -> None:
    phase = db.scalars(select(Phase).where(Phase.process_id == process.id, Phase.kind == "proposals")).one()
    phase.closed_early_at = utcnow() - timedelta(seconds=1)
    db.commit()


def test_a_draft_is_invisible_to_everybody_but_its_authors(
    client: FormClient, another_client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    draft = add_proposal(db, process, personas[AINO.email], title="Salainen luonnos", status=ProposalStatus.DRAFT)
    another_client.log_in(SIXTEN)
    assert another_client.get(f"/proposals/{draft.id}").status_code == 404
    assert "Salainen luonnos" not in another_client.get(f"/processes/{process.slug}/proposals").text
    assert client.get(f"/proposals/{draft.id}").status_code == 404  # anonymous
    client.log_in(AINO)
    own = client.get(f"/proposals/{draft.id}")
    assert own.status_code == 200 and "Salainen luonnos" in own.text
    # The author finds their drafts above the list.
    assert "Salainen luonnos" in client.get(f"/processes/{process.slug}/proposals").text


def test_a_published_proposal_has_a_permanent_public_page(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email], body="Tarvitaan [lisätietoa](https://example.fi).")
    page = client.get(f"/proposals/{proposal.id}")
    assert page.status_code == 200
    assert "Uusi leikkipuisto" in page.text and "Aino Virtanen" in page.text
    assert 'rel="nofollow ugc noopener"' in page.text
    assert page.text.count("<h1") == 1
    assert client.get("/proposals/99999").status_code == 404


def test_only_authors_may_edit(client: FormClient, db: Session, process: Process, personas: dict[str, User]) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(SIXTEN)
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403
    response = client.submit(f"/proposals/{proposal.id}/edit", form_for(process, title="Kaapattu", action="save"))
    assert response.status_code == 403
    db.expire_all()
    assert db.get_one(Proposal, proposal.id).title == "Uusi leikkipuisto"


def test_an_author_edits_a_published_proposal(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(AINO)
    form = client.get(f"/proposals/{proposal.id}/edit")
    assert form.status_code == 200 and 'value="Uusi leikkipuisto"' in form.text
    response = client.submit(
        f"/proposals/{proposal.id}/edit", form_for(process, title="Parempi leikkipuisto", action="save")
    )
    assert response.status_code == 303
    db.expire_all()
    changed = db.get_one(Proposal, proposal.id)
    assert (changed.title, changed.status) == ("Parempi leikkipuisto", ProposalStatus.PUBLISHED)


def test_an_author_publishes_a_draft_by_editing_it(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    draft = add_proposal(db, process, personas[AINO.email], status=ProposalStatus.DRAFT)
    client.log_in(AINO)
    assert client.submit(f"/proposals/{draft.id}/edit", form_for(process, action="publish")).status_code == 303
    db.expire_all()
    assert db.get_one(Proposal, draft.id).status == ProposalStatus.PUBLISHED
    assert db.scalars(select(ProposalEvent.kind)).all() == ["published"]


def test_editing_ends_with_the_proposals_phase(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    close_proposals_phase(db, process)
    client.log_in(AINO)
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403
    assert client.submit(f"/proposals/{proposal.id}/edit", form_for(process, action="save")).status_code == 403
    page = client.get(f"/proposals/{proposal.id}").text
    assert f'href="/proposals/{proposal.id}/edit"' not in page


def test_an_author_withdraws_a_proposal_and_its_followers_are_told(
    client: FormClient, db: Session, process: Process, personas: dict[str, User], mailbox: Mailbox
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    db.add(Follow(proposal_id=proposal.id, user_id=personas[SIXTEN.email].id))
    db.commit()
    client.log_in(AINO)
    assert client.get(f"/proposals/{proposal.id}/withdraw").status_code == 200
    response = client.submit(f"/proposals/{proposal.id}/withdraw", {"reason": "Kaupunki tekee tämän jo."})
    assert response.status_code == 303
    db.expire_all()
    assert db.get_one(Proposal, proposal.id).status == ProposalStatus.WITHDRAWN
    event = db.scalars(select(ProposalEvent)).one()
    assert (event.kind, event.status, event.public_note) == ("withdrawn", "withdrawn", "Kaupunki tekee tämän jo.")
    message = mailbox.last_to(SIXTEN.email)
    assert message.get_content().startswith("Hej Sixten")  # in his own language
    assert "Kaupunki tekee tämän jo." in message.get_content()
    assert mailbox.to(AINO.email) == []  # the one who withdrew is not told about it
    # Withdrawn proposals leave the default list but stay on their page.
    assert "Uusi leikkipuisto" not in client.get(f"/processes/{process.slug}/proposals").text
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    assert client.submit(f"/proposals/{proposal.id}/withdraw", {}).status_code == 403


def test_others_cannot_withdraw(client: FormClient, db: Session, process: Process, personas: dict[str, User]) -> None:
    proposal = add_proposal(db, process, personas[AINO.email])
    client.log_in(ANNA)
    assert client.submit(f"/proposals/{proposal.id}/withdraw", {}).status_code == 403
    db.expire_all()
    assert db.get_one(Proposal, proposal.id).status == ProposalStatus.PUBLISHED


def test_a_hidden_proposal_shows_the_reason_instead_of_its_content(
    client: FormClient, another_client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(
        db, process, personas[AINO.email], title="Loukkaava otsikko", hidden_reason="Sisältää henkilötietoja."
    )
    client.log_in(SIXTEN)
    page = client.get(f"/proposals/{proposal.id}").text
    assert "Sisältää henkilötietoja." in page
    assert "Loukkaava otsikko" not in page and "Keinut ja hiekkalaatikko" not in page
    listed = client.get(f"/processes/{process.slug}/proposals").text
    assert "Sisältää henkilötietoja." in listed and "Loukkaava otsikko" not in listed
    # Staff see the content with the notice, so that they can decide on it.
    another_client.log_in(RIIKKA)
    staff_page = another_client.get(f"/proposals/{proposal.id}").text
    assert "Loukkaava otsikko" in staff_page and "Sisältää henkilötietoja." in staff_page
