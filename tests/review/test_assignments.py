"""Admins assign proposals to reviewers, one by one or in bulk; reviewers see their assignments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.proposals.models import ProposalEvent
from pb.review.models import ReviewAssignment
from tests.conftest import FormClient, make_process
from tests.personas import AINO, ANNA, RIIKKA
from tests.review.support import make_proposal


def assignments(db: Session) -> set[tuple[int, int]]:
    db.expire_all()
    return {(row.proposal_id, row.reviewer_id) for row in db.scalars(select(ReviewAssignment))}


def test_an_admin_assigns_one_proposal_to_a_reviewer(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db)
    proposal = make_proposal(db, process, personas[AINO.email], "Benches")
    riikka = personas[RIIKKA.email]
    client.log_in(ANNA)

    response = client.submit(f"/review/proposals/{proposal.id}/assignments", {"reviewer": str(riikka.id)})

    assert response.status_code == 303
    assert assignments(db) == {(proposal.id, riikka.id)}
    audit = db.scalars(select(AuditEvent)).one()
    assert (audit.action, audit.object_id, audit.after) == (
        "review.assigned",
        str(proposal.id),
        {"reviewer_id": riikka.id},
    )
    # The public timeline says review started, without naming the reviewer.
    event = db.scalars(select(ProposalEvent).where(ProposalEvent.kind == "review_assigned")).one()
    assert event.public_note == ""


def test_an_admin_assigns_proposals_in_bulk_and_the_reviewer_sees_them_in_my_assignments(
    client: FormClient, another_client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db)
    chosen = [make_proposal(db, process, personas[AINO.email], f"Proposal {n}") for n in range(3)]
    left_out = make_proposal(db, process, personas[AINO.email], "Left out")
    riikka = personas[RIIKKA.email]
    client.log_in(ANNA)

    response = client.submit(
        f"/review/processes/{process.id}/assignments",
        {"proposals": [str(p.id) for p in chosen], "reviewer": str(riikka.id)},
    )

    assert response.status_code == 303
    assert assignments(db) == {(p.id, riikka.id) for p in chosen}
    another_client.log_in(RIIKKA)
    mine = another_client.get("/review?lang=en").text
    assert all(f'href="/review/proposals/{p.id}"' in mine for p in chosen)
    assert "Left out" not in mine and left_out.id not in {p.id for p in chosen}


def test_assigning_the_same_proposal_twice_adds_nothing(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db)
    proposal = make_proposal(db, process, personas[AINO.email], "Benches")
    riikka = personas[RIIKKA.email]
    client.log_in(ANNA)
    for _ in range(2):
        client.submit(
            f"/review/processes/{process.id}/assignments", {"proposals": [str(proposal.id)], "reviewer": str(riikka.id)}
        )

    assert assignments(db) == {(proposal.id, riikka.id)}
    assert len(db.scalars(select(ProposalEvent).where(ProposalEvent.kind == "review_assigned")).all()) == 1


def test_bulk_assignment_without_proposals_or_reviewer_is_refused_next_to_the_fields(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db)
    make_proposal(db, process, personas[AINO.email], "Benches")
    client.log_in(ANNA)

    response = client.submit(f"/review/processes/{process.id}/assignments", {"reviewer": ""})

    assert response.status_code == 422
    assert 'id="proposals-error"' in response.text and 'id="reviewer-error"' in response.text
    assert assignments(db) == set()


def test_only_reviewers_can_be_assigned(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db)
    proposal = make_proposal(db, process, personas[AINO.email], "Benches")
    client.log_in(ANNA)

    response = client.submit(f"/review/proposals/{proposal.id}/assignments", {"reviewer": str(personas[AINO.email].id)})

    assert response.status_code == 422
    assert 'id="reviewer-error"' in response.text


def test_an_admin_removes_an_assignment(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db)
    proposal = make_proposal(db, process, personas[AINO.email], "Benches")
    riikka = personas[RIIKKA.email]
    client.log_in(ANNA)
    client.submit(f"/review/proposals/{proposal.id}/assignments", {"reviewer": str(riikka.id)})

    response = client.submit(f"/review/proposals/{proposal.id}/assignments/{riikka.id}/remove")

    assert response.status_code == 303
    assert assignments(db) == set()
    assert [event.action for event in db.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        "review.assigned",
        "review.unassigned",
    ]


def test_a_reviewer_cannot_assign_proposals(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db)
    proposal = make_proposal(db, process, personas[AINO.email], "Benches")
    riikka = personas[RIIKKA.email]
    client.log_in(RIIKKA)

    assert client.get(f"/review/processes/{process.id}").status_code == 403
    response = client.submit(f"/review/proposals/{proposal.id}/assignments", {"reviewer": str(riikka.id)})
    assert response.status_code == 403
    assert assignments(db) == set()
