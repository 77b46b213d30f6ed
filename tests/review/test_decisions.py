"""Reviewers record a public feasibility decision, an official cost estimate and internal notes."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.proposals.models import Proposal, ProposalEvent, ProposalStatus
from pb.review.forms import parse_euros
from pb.review.models import InternalNote, Review
from tests.conftest import FormClient, Mailbox, make_process
from tests.personas import AINO, ANNA, RIIKKA
from tests.review.support import assign, make_proposal, text_of


@pytest.fixture
def assigned(db: Session, personas: dict[str, User]) -> Proposal:
    """A published proposal by Aino, assigned to Riikka."""
    process = make_process(db, open_phase="review")
    proposal = make_proposal(db, process, personas[AINO.email], "Benches by the shore")
    assign(db, proposal, personas[RIIKKA.email])
    return proposal


def test_a_decision_adds_a_timeline_event_an_audit_entry_and_emails_the_authors(
    client: FormClient, db: Session, personas: dict[str, User], mailbox: Mailbox, assigned: Proposal
) -> None:
    client.log_in(RIIKKA)

    response = client.submit(
        f"/review/proposals/{assigned.id}/decision",
        {
            "feasibility": "feasible",
            "public_reason": "The shore path can take benches.",
            "cost_min": "12 000",
            "cost_max": "15 000,50",
        },
    )

    assert response.status_code == 303, response.text
    db.expire_all()
    review = db.scalars(select(Review)).one()
    assert (review.feasibility, review.cost_min_cents, review.cost_max_cents) == ("feasible", 1_200_000, 1_500_050)
    assert review.decided_by_id == personas[RIIKKA.email].id
    assert db.get_one(Proposal, assigned.id).status == ProposalStatus.FEASIBLE
    events = {event.kind: event for event in db.scalars(select(ProposalEvent))}
    assert events["feasibility_decided"].status == ProposalStatus.FEASIBLE
    assert events["feasibility_decided"].public_note == "The shore path can take benches."
    assert events["cost_estimated"].public_note == "12000.00-15000.50"
    audit = db.scalars(select(AuditEvent)).one()
    assert (audit.action, audit.object_type, audit.object_id) == ("review.decided", "proposal", str(assigned.id))
    assert audit.before == {
        "feasibility": "undecided",
        "public_reason": "",
        "cost_min_cents": None,
        "cost_max_cents": None,
    }
    assert audit.after == {
        "feasibility": "feasible",
        "public_reason": "The shore path can take benches.",
        "cost_min_cents": 1_200_000,
        "cost_max_cents": 1_500_050,
    }
    email = text_of(mailbox.last_to(AINO.email))
    assert "The shore path can take benches." in email
    assert f"http://testserver.local/proposals/{assigned.id}" in email


def test_saving_the_same_decision_again_changes_nothing(
    client: FormClient, db: Session, personas: dict[str, User], mailbox: Mailbox, assigned: Proposal
) -> None:
    client.log_in(RIIKKA)
    form = {"feasibility": "not_feasible", "public_reason": "The land belongs to the state."}
    client.submit(f"/review/proposals/{assigned.id}/decision", form)
    mailbox.clear()

    assert client.submit(f"/review/proposals/{assigned.id}/decision", form).status_code == 303

    assert len(db.scalars(select(AuditEvent)).all()) == 1
    assert len(db.scalars(select(ProposalEvent).where(ProposalEvent.kind == "feasibility_decided")).all()) == 1
    assert mailbox.messages == []


def test_a_changed_cost_alone_adds_a_cost_event_but_no_second_decision_event(
    client: FormClient, db: Session, personas: dict[str, User], assigned: Proposal
) -> None:
    client.log_in(RIIKKA)
    client.submit(f"/review/proposals/{assigned.id}/decision", {"feasibility": "feasible", "cost_min": "1000"})
    client.submit(f"/review/proposals/{assigned.id}/decision", {"feasibility": "feasible", "cost_min": "2000"})

    kinds = [event.kind for event in db.scalars(select(ProposalEvent).order_by(ProposalEvent.id))]
    assert kinds == ["published", "feasibility_decided", "cost_estimated", "cost_estimated"]


def test_a_reviewer_cannot_decide_on_a_proposal_not_assigned_to_them(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db, open_phase="review")
    proposal = make_proposal(db, process, personas[AINO.email], "Not hers")
    client.log_in(RIIKKA)

    response = client.submit(f"/review/proposals/{proposal.id}/decision", {"feasibility": "feasible"})

    assert response.status_code == 403
    assert db.scalars(select(Review)).all() == []
    # She may still read the proposal's review page and add notes.
    assert client.get(f"/review/proposals/{proposal.id}").status_code == 200


def test_an_admin_may_decide_on_any_proposal(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db, open_phase="review")
    proposal = make_proposal(db, process, personas[AINO.email], "Unassigned")
    client.log_in(ANNA)

    response = client.submit(f"/review/proposals/{proposal.id}/decision", {"feasibility": "feasible"})

    assert response.status_code == 303


def test_not_feasible_without_a_public_reason_is_refused_next_to_the_field(
    client: FormClient, db: Session, personas: dict[str, User], mailbox: Mailbox, assigned: Proposal
) -> None:
    client.log_in(RIIKKA)

    response = client.submit(
        f"/review/proposals/{assigned.id}/decision", {"feasibility": "not_feasible", "public_reason": "  "}
    )

    assert response.status_code == 422
    assert 'id="public_reason-error"' in response.text
    assert 'href="#public_reason"' in response.text  # the error summary links to the field
    assert 'aria-describedby="public_reason-hint public_reason-error"' in response.text
    assert db.scalars(select(Review)).all() == [] and mailbox.messages == []


@pytest.mark.parametrize(
    ("low", "high", "field"),
    [
        ("20 000", "10 000", "cost_max"),
        ("", "10 000", "cost_min"),
        ("ten euros", "", "cost_min"),
        ("-500", "", "cost_min"),
        ("100", "1,234", "cost_max"),
    ],
)
def test_a_cost_range_that_does_not_make_sense_is_refused_next_to_the_field(
    client: FormClient, db: Session, personas: dict[str, User], assigned: Proposal, low: str, high: str, field: str
) -> None:
    client.log_in(RIIKKA)

    response = client.submit(
        f"/review/proposals/{assigned.id}/decision", {"feasibility": "feasible", "cost_min": low, "cost_max": high}
    )

    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert db.scalars(select(Review)).all() == []


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("12000", 1_200_000), ("12 000", 1_200_000), ("12\u00a0000,5", 1_200_050), ("1 200.25 €", 120_025), ("", None)],
)
def test_euro_amounts_are_read_as_people_type_them(typed: str, cents: int | None) -> None:
    assert parse_euros(typed) == cents


def test_an_exact_amount_is_stored_as_a_range_of_one_point(
    client: FormClient, db: Session, personas: dict[str, User], assigned: Proposal
) -> None:
    client.log_in(RIIKKA)
    client.submit(f"/review/proposals/{assigned.id}/decision", {"feasibility": "feasible", "cost_min": "5000"})

    review = db.scalars(select(Review)).one()
    assert (review.cost_min_cents, review.cost_max_cents) == (500_000, 500_000)


def test_the_decision_of_a_proposal_on_the_ballot_cannot_be_changed(
    client: FormClient, db: Session, personas: dict[str, User], assigned: Proposal
) -> None:
    assigned.status = ProposalStatus.ON_BALLOT
    db.commit()
    client.log_in(RIIKKA)

    response = client.submit(f"/review/proposals/{assigned.id}/decision", {"feasibility": "feasible"})

    assert response.status_code == 422
    assert db.scalars(select(Review)).all() == []


def test_notes_are_added_with_htmx_as_a_fragment_and_without_as_a_redirect(
    client: FormClient, db: Session, personas: dict[str, User], assigned: Proposal
) -> None:
    client.log_in(RIIKKA)

    plain = client.submit(f"/review/proposals/{assigned.id}/notes", {"body": "Asked the parks unit."})
    fragment = client.submit(f"/review/proposals/{assigned.id}/notes", {"body": "Parks unit agrees."}, htmx=True)

    assert plain.status_code == 303 and plain.headers["location"] == f"/review/proposals/{assigned.id}#notes"
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'id="notes"' in fragment.text
    assert fragment.text.index("Parks unit agrees.") < fragment.text.index("Asked the parks unit.")  # newest first
    assert [note.body for note in db.scalars(select(InternalNote).order_by(InternalNote.id))] == [
        "Asked the parks unit.",
        "Parks unit agrees.",
    ]
    assert [event.action for event in db.scalars(select(AuditEvent))] == ["review.note_added"] * 2


def test_an_empty_note_is_refused_both_with_htmx_and_without(
    client: FormClient, db: Session, personas: dict[str, User], assigned: Proposal
) -> None:
    client.log_in(RIIKKA)

    fragment = client.submit(f"/review/proposals/{assigned.id}/notes", {"body": ""}, htmx=True)
    page = client.submit(f"/review/proposals/{assigned.id}/notes", {"body": ""})

    assert fragment.status_code == 422 and "<html" not in fragment.text and 'id="body-error"' in fragment.text
    assert page.status_code == 422 and "<html" in page.text and 'id="body-error"' in page.text
    assert db.scalars(select(InternalNote)).all() == []
