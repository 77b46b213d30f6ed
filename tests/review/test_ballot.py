"""Feasible proposals and plans become ballot projects; staff edit them until voting starts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.i18n import format_euros
from pb.processes.models import Process, Project
from pb.proposals.models import Proposal, ProposalEvent, ProposalStatus
from tests.conftest import FormClient, make_process
from tests.personas import AINO, ANNA, RIIKKA
from tests.review.support import make_proposal, mark_feasible, start_voting


def city_wide(process: Process) -> int:
    return next(budget.id for budget in process.budgets if budget.district_id is None)


def projects(db: Session) -> list[Project]:
    db.expire_all()
    return list(db.scalars(select(Project).order_by(Project.id)))


def benches_on_the_ballot(client: FormClient, db: Session, personas: dict[str, User]) -> tuple[Process, Proposal]:
    """Anna, an admin, puts Aino's feasible proposal "Benches" (1,000 €) on the city-wide ballot."""
    process = make_process(db, open_phase="review")
    proposal = make_proposal(db, process, personas[AINO.email], "Benches")
    mark_feasible(db, proposal, 100_000)
    client.log_in(ANNA)
    client.submit(
        f"/review/processes/{process.id}/ballot", {"proposals": [str(proposal.id)], "budget": str(city_wide(process))}
    )
    return process, proposal


def test_a_feasible_proposal_goes_on_the_ballot_one_by_one_with_the_amount_given(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db, open_phase="review")
    proposal = make_proposal(db, process, personas[AINO.email], "Benches")
    mark_feasible(db, proposal, 1_000_000, 2_000_000)
    client.log_in(ANNA)

    response = client.submit(
        f"/review/proposals/{proposal.id}/ballot",
        {"budget": str(city_wide(process)), "title": "Shore benches", "summary": "Ten benches.", "cost": "15 000"},
    )

    assert response.status_code == 303, response.text
    [project] = projects(db)
    assert (project.title, project.summary, project.cost_cents, project.proposal_id) == (
        "Shore benches",
        "Ten benches.",
        1_500_000,
        proposal.id,
    )
    assert db.get_one(Proposal, proposal.id).status == ProposalStatus.ON_BALLOT
    event = db.scalars(select(ProposalEvent).where(ProposalEvent.kind == "on_ballot")).one()
    assert event.status == ProposalStatus.ON_BALLOT
    assert "Put on the ballot: City-wide" in client.get(f"/proposals/{proposal.id}?lang=en").text
    audit = db.scalars(select(AuditEvent)).one()
    assert (audit.action, audit.after["cost_cents"]) == ("review.project_created", 1_500_000)


def test_feasible_proposals_go_on_the_ballot_in_bulk_at_the_upper_end_of_their_range(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db, open_phase="review")
    ranged = make_proposal(db, process, personas[AINO.email], "Benches")
    mark_feasible(db, ranged, 1_000_000, 2_000_000)
    exact = make_proposal(db, process, personas[AINO.email], "Lights")
    mark_feasible(db, exact, 500_000)
    client.log_in(ANNA)
    # The page says which amount bulk uses.
    assert "the upper end" in client.get(f"/review/processes/{process.id}?lang=en").text

    response = client.submit(
        f"/review/processes/{process.id}/ballot",
        {"proposals": [str(ranged.id), str(exact.id)], "budget": str(city_wide(process))},
    )

    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/review/processes/{process.id}/ballot"
    assert {(p.title, p.cost_cents) for p in projects(db)} == {("Benches", 2_000_000), ("Lights", 500_000)}
    assert {db.get_one(Proposal, p.id).status for p in (ranged, exact)} == {ProposalStatus.ON_BALLOT}


def test_bulk_ballot_refuses_all_when_one_proposal_is_not_feasible(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db, open_phase="review")
    feasible = make_proposal(db, process, personas[AINO.email], "Benches")
    mark_feasible(db, feasible, 100_000)
    unreviewed = make_proposal(db, process, personas[AINO.email], "Unreviewed idea")
    client.log_in(ANNA)

    response = client.submit(
        f"/review/processes/{process.id}/ballot",
        {"proposals": [str(feasible.id), str(unreviewed.id)], "budget": str(city_wide(process))},
    )

    assert response.status_code == 422
    assert 'id="proposals-error"' in response.text and "Unreviewed idea" in response.text
    assert projects(db) == []


def test_bulk_ballot_refuses_a_feasible_proposal_without_an_official_cost(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db, open_phase="review")
    uncosted = make_proposal(db, process, personas[AINO.email], "Uncosted")
    mark_feasible(db, uncosted, None)
    client.log_in(ANNA)

    response = client.submit(
        f"/review/processes/{process.id}/ballot", {"proposals": [str(uncosted.id)], "budget": str(city_wide(process))}
    )

    assert response.status_code == 422 and "Uncosted" in response.text
    assert projects(db) == []


def test_a_district_budget_takes_only_proposals_for_that_district(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db, open_phase="review")
    district_budget = next(budget for budget in process.budgets if budget.district_id is not None)
    city_wide_idea = make_proposal(db, process, personas[AINO.email], "City-wide idea")
    mark_feasible(db, city_wide_idea, 100_000)
    client.log_in(ANNA)

    response = client.submit(
        f"/review/processes/{process.id}/ballot",
        {"proposals": [str(city_wide_idea.id)], "budget": str(district_budget.id)},
    )

    assert response.status_code == 422
    assert projects(db) == []


def test_staff_edit_a_project_before_voting_starts(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    _process, _proposal = benches_on_the_ballot(client, db, personas)
    [project] = projects(db)

    response = client.submit(
        f"/review/projects/{project.id}", {"title": "Benches by the shore", "summary": "Ten.", "cost": "1 250"}
    )

    assert response.status_code == 303
    [edited] = projects(db)
    assert (edited.title, edited.summary, edited.cost_cents) == ("Benches by the shore", "Ten.", 125_000)
    audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "review.project_updated")).one()
    assert (audit.before["cost_cents"], audit.after["cost_cents"]) == (100_000, 125_000)


def test_edits_are_refused_after_voting_starts(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process, _proposal = benches_on_the_ballot(client, db, personas)
    [project] = projects(db)
    start_voting(db, process)

    page = client.get(f"/review/projects/{project.id}?lang=en")
    response = client.submit(
        f"/review/projects/{project.id}", {"title": "Changed", "summary": "", "cost": "1"}, params={"lang": "en"}
    )

    assert "Voting has started, so ballot projects can no longer be edited." in page.text
    assert 'action="/review/projects/' not in page.text
    assert response.status_code == 409
    assert "Voting has started, so ballot projects can no longer be edited." in response.text
    assert projects(db)[0].title == "Benches"


def test_no_project_is_added_after_voting_starts(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db, open_phase="voting")
    proposal = make_proposal(db, process, personas[AINO.email], "Late")
    mark_feasible(db, proposal, 100_000)
    client.log_in(ANNA)

    response = client.submit(
        f"/review/proposals/{proposal.id}/ballot",
        {"budget": str(city_wide(process)), "title": "Late", "summary": "", "cost": "1000"},
    )

    assert response.status_code == 422
    assert projects(db) == []


def test_the_ballot_page_lists_projects_per_budget_with_totals(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db, open_phase="review")
    for title, cost in (("Benches", 30_000_000), ("Lights", 25_000_000)):
        proposal = make_proposal(db, process, personas[AINO.email], title)
        mark_feasible(db, proposal, cost)
    client.log_in(ANNA)
    ids = [str(p.id) for p in db.scalars(select(Proposal))]
    client.submit(f"/review/processes/{process.id}/ballot", {"proposals": ids, "budget": str(city_wide(process))})

    page = client.get(f"/review/processes/{process.id}/ballot?lang=en").text

    assert "Benches" in page and "Lights" in page
    assert format_euros(55_000_000, "en") in page  # the total, over the city-wide budget
    assert format_euros(50_000_000, "en") in page
    assert "The projects cost more than the budget" in page


def test_a_reviewer_sees_the_ballot_but_cannot_change_it(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db, open_phase="review")
    proposal = make_proposal(db, process, personas[AINO.email], "Benches")
    mark_feasible(db, proposal, 100_000)
    client.log_in(RIIKKA)

    assert client.get(f"/review/processes/{process.id}/ballot").status_code == 200
    response = client.submit(
        f"/review/processes/{process.id}/ballot", {"proposals": [str(proposal.id)], "budget": str(city_wide(process))}
    )
    assert response.status_code == 403
    assert projects(db) == []


def test_staff_take_a_project_off_the_ballot_with_a_public_reason_before_voting(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    _process, proposal = benches_on_the_ballot(client, db, personas)
    [project] = projects(db)

    without_reason = client.submit(f"/review/projects/{project.id}/remove", {"reason": " "})
    removed = client.submit(f"/review/projects/{project.id}/remove", {"reason": "The park is being rebuilt."})

    assert without_reason.status_code == 422 and 'id="reason-error"' in without_reason.text
    assert removed.status_code == 303
    assert projects(db) == []
    db.expire_all()
    assert db.get_one(Proposal, proposal.id).status == ProposalStatus.FEASIBLE
    assert "The park is being rebuilt." in client.get(f"/proposals/{proposal.id}?lang=en").text
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "review.project_removed")).one()


def test_a_project_stays_on_the_ballot_once_voting_has_started(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process, _proposal = benches_on_the_ballot(client, db, personas)
    start_voting(db, process)
    [project] = projects(db)

    response = client.submit(f"/review/projects/{project.id}/remove", {"reason": "Too late."})

    assert response.status_code == 409
    assert len(projects(db)) == 1
