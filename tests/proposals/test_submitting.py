"""Making a proposal: who may, the form's checks next to each field, preview, draft and publish."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.moderation.models import UserBlock
from pb.processes.models import Process
from pb.proposals.forms import parse_euros
from pb.proposals.models import Follow, Proposal, ProposalEvent, ProposalStatus
from tests.conftest import FormClient, make_process
from tests.personas import AINO, PEKKA
from tests.proposals.conftest import form_for


def new_url(process: Process) -> str:
    return f"/processes/{process.slug}/proposals"


def test_a_verified_resident_publishes_a_proposal(client: FormClient, db: Session, process: Process) -> None:
    client.log_in(AINO)
    response = client.submit(new_url(process), form_for(process))
    assert response.status_code == 303
    proposal = db.scalars(select(Proposal)).one()
    assert response.headers["location"] == f"/proposals/{proposal.id}"
    assert proposal.status == ProposalStatus.PUBLISHED
    assert proposal.published_at is not None
    assert (proposal.title, proposal.address) == ("Penkkejä rantaan", "Rantapolku 1")
    assert (proposal.latitude, proposal.longitude) == (60.1699, 24.9384)
    assert proposal.author_cost_cents == 1_200_000
    assert proposal.district_id == process.districts[0].district_id
    assert proposal.language == "fi"
    events = db.scalars(select(ProposalEvent)).all()
    assert [(event.kind, event.status) for event in events] == [("published", "published")]
    # The author follows their own proposal.
    assert db.scalars(select(Follow)).one().proposal_id == proposal.id
    page = client.get(f"/proposals/{proposal.id}").text
    assert "<strong>yhtään</strong>" in page
    assert re.search(r"12\s000,00\s€", page)  # Babel's Finnish format, with a no-break space


def test_a_draft_is_saved_without_publishing(client: FormClient, db: Session, process: Process) -> None:
    client.log_in(AINO)
    response = client.submit(new_url(process), form_for(process, action="draft"))
    assert response.status_code == 303
    proposal = db.scalars(select(Proposal)).one()
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.published_at is None
    assert db.scalars(select(ProposalEvent)).all() == []


def test_a_city_wide_proposal_has_no_district(client: FormClient, db: Session, process: Process) -> None:
    client.log_in(AINO)
    client.submit(new_url(process), form_for(process, district="city"))
    assert db.scalars(select(Proposal)).one().district_id is None


def test_preview_renders_the_proposal_without_saving_it(client: FormClient, db: Session, process: Process) -> None:
    client.log_in(AINO)
    response = client.submit(
        new_url(process),
        form_for(process, action="preview", body="# Otsikko\n\n<script>x()</script> [linkki](https://example.fi)"),
    )
    assert response.status_code == 200
    assert 'id="preview-heading"' in response.text
    assert "<h2>Otsikko</h2>" in response.text  # the user's h1 becomes h2: the page keeps one h1
    assert "<script>x()</script>" not in response.text
    assert 'rel="nofollow ugc noopener"' in response.text
    assert db.scalars(select(Proposal)).all() == []


def test_an_unverified_resident_cannot_propose(client: FormClient, db: Session, process: Process) -> None:
    client.log_in(PEKKA)
    form_page = client.get(f"{new_url(process)}/new")
    assert form_page.status_code == 403
    assert "Confirm your email address" in form_page.text or "Vahvista" in form_page.text
    assert client.submit(new_url(process), form_for(process)).status_code == 403
    assert db.scalars(select(Proposal)).all() == []


def test_an_anonymous_visitor_is_sent_to_log_in(client: FormClient, process: Process) -> None:
    response = client.get(f"{new_url(process)}/new", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("phase", ["deliberation", None])
def test_nobody_can_propose_outside_the_proposals_phase(
    client: FormClient, db: Session, personas: dict[str, User], phase: str | None
) -> None:
    process = make_process(db, open_phase=phase)
    client.log_in(AINO)
    assert client.get(f"{new_url(process)}/new").status_code == 403
    assert client.submit(new_url(process), form_for(process)).status_code == 403
    assert db.scalars(select(Proposal)).all() == []


def test_a_blocked_resident_cannot_propose(
    client: FormClient, db: Session, personas: dict[str, User], process: Process
) -> None:
    db.add(UserBlock(user_id=personas[AINO.email].id, reason="Spam"))
    db.commit()
    client.log_in(AINO)
    response = client.submit(new_url(process), form_for(process))
    assert response.status_code == 403
    assert db.scalars(select(Proposal)).all() == []


def test_an_unpublished_process_is_not_found(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db, published=False)
    client.log_in(AINO)
    assert client.get(f"{new_url(process)}/new").status_code == 404
    assert client.get(new_url(process)).status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "x" * 151),
        ("summary", "   "),
        ("summary", "x" * 501),
        ("body", ""),
        ("body", "x" * 8001),
        ("district", "99999"),
        ("district", "keskusta"),
        ("theme", ""),
        ("theme", "99999"),
        ("address", "x" * 201),
        ("latitude", "91"),
        ("latitude", "abc"),
        ("longitude", "-180.5"),
        ("longitude", ""),
        ("cost", "paljon"),
        ("cost", "-100"),
        ("cost", "12,0000"),
        ("cost", "999 999 999 999"),
    ],
)
def test_each_invalid_field_is_refused_with_a_message_next_to_it(
    client: FormClient, db: Session, process: Process, field: str, value: str
) -> None:
    client.log_in(AINO)
    response = client.submit(new_url(process), form_for(process, **{field: value}))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert f'href="#{field}"' in response.text  # the error summary links to the field
    assert 'aria-invalid="true"' in response.text
    assert db.scalars(select(Proposal)).all() == []


def test_the_form_keeps_what_was_typed_when_it_comes_back_with_errors(client: FormClient, process: Process) -> None:
    client.log_in(AINO)
    response = client.submit(new_url(process), form_for(process, title="", summary="Säilyvä <b>yhteenveto</b>"))
    assert response.status_code == 422
    assert "Säilyvä &lt;b&gt;yhteenveto&lt;/b&gt;" in response.text


@pytest.mark.parametrize(
    ("written", "cents"),
    [
        ("12 000", 1_200_000),
        ("12000", 1_200_000),
        ("12000,50", 1_200_050),
        ("12 000,5", 1_200_050),
        ("12\u00a0000 €", 1_200_000),
        ("12,000.50", 1_200_050),
        ("12.000,50", 1_200_050),
        ("1 234 567", 123_456_700),
        ("0", 0),
        ("", None),
    ],
)
def test_euros_are_read_the_way_people_write_them(written: str, cents: int | None) -> None:
    assert parse_euros(written) == cents


@pytest.mark.parametrize("written", ["12,0000", "1.2.3", "abc", "-5", "12 000 000 000", "1,23,456"])
def test_amounts_that_are_not_euros_are_refused(written: str) -> None:
    with pytest.raises(ValueError):
        parse_euros(written)
