"""Co-creation: an admin combines proposals into a plan."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.i18n import gettext
from pb.proposals.models import Proposal, ProposalEvent, ProposalStatus
from tests.conftest import FormClient, Mailbox, make_process
from tests.personas import AINO, ANNA, RIIKKA, SIXTEN
from tests.review.support import make_proposal, text_of


def test_merging_proposals_into_a_plan_marks_them_merged_links_both_ways_and_emails_their_authors(
    client: FormClient, db: Session, personas: dict[str, User], mailbox: Mailbox
) -> None:
    process = make_process(db)
    swings = make_proposal(db, process, personas[AINO.email], "Swings in the park")
    slide = make_proposal(db, process, personas[SIXTEN.email], "A slide in the park")
    client.log_in(ANNA)

    response = client.submit(
        f"/review/processes/{process.id}/plan",
        {
            "proposals": [str(swings.id), str(slide.id)],
            "title": "A playground for the park",
            "summary": "Swings and a slide together.",
            "body": "Both proposals ask for play equipment.",
            "district": "",
            "theme": "",
        },
    )

    assert response.status_code == 303, response.text
    db.expire_all()
    plan = db.scalars(select(Proposal).where(Proposal.is_plan.is_(True))).one()
    assert response.headers["location"] == f"/review/proposals/{plan.id}"
    assert (plan.status, plan.author_id, plan.title) == (
        ProposalStatus.PUBLISHED,
        personas[ANNA.email].id,
        "A playground for the park",
    )
    for source in (swings, slide):
        stored = db.get_one(Proposal, source.id)
        assert (stored.status, stored.merged_into_id) == (ProposalStatus.MERGED, plan.id)
    kinds = {event.proposal_id: event.kind for event in db.scalars(select(ProposalEvent)) if event.kind != "published"}
    assert kinds == {swings.id: "merged", slide.id: "merged", plan.id: "plan_created"}
    audit = db.scalars(select(AuditEvent)).one()
    assert (audit.action, audit.after) == (
        "review.plan_created",
        {"title": "A playground for the park", "sources": [swings.id, slide.id]},
    )

    # Each author hears about it in their own language, with a link to the plan.
    finnish, swedish = mailbox.last_to(AINO.email), mailbox.last_to(SIXTEN.email)
    assert text_of(finnish).startswith(gettext("fi", "Hello %(name)s,") % {"name": AINO.name})
    assert text_of(swedish).startswith(gettext("sv", "Hello %(name)s,") % {"name": SIXTEN.name})
    assert f"http://testserver.local/proposals/{plan.id}" in text_of(finnish)
    assert "Swings in the park" in text_of(finnish) and "A slide in the park" in text_of(swedish)

    # The plan's review page links to its sources, and a source's review page links to the plan.
    plan_page = client.get(f"/review/proposals/{plan.id}?lang=en").text
    assert f'href="/proposals/{swings.id}"' in plan_page and f'href="/proposals/{slide.id}"' in plan_page
    source_page = client.get(f"/review/proposals/{swings.id}?lang=en").text
    assert f'href="/proposals/{plan.id}"' in source_page and "A playground for the park" in source_page
    # So do the public pages, for everybody.
    client.post("/logout", data={"_csrf_token": client.csrf_token()})
    public_plan = client.get(f"/proposals/{plan.id}?lang=en").text
    assert f'href="/proposals/{swings.id}"' in public_plan and "This plan was made from these proposals" in public_plan
    public_source = client.get(f"/proposals/{swings.id}?lang=en").text
    assert f'href="/proposals/{plan.id}"' in public_source and "Combined into a plan" in public_source


def test_the_plan_form_starts_from_the_texts_of_the_chosen_proposals(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db)
    first = make_proposal(db, process, personas[AINO.email], "Benches", body="Three benches by the shore.")
    second = make_proposal(db, process, personas[SIXTEN.email], "Shade", body="Trees for shade.")
    client.log_in(ANNA)

    response = client.submit(
        f"/review/processes/{process.id}/plan/draft",
        {"proposals": [str(first.id), str(second.id)]},
        params={"lang": "en"},
    )

    assert response.status_code == 200
    assert "Three benches by the shore." in response.text and "Trees for shade." in response.text
    assert f'name="proposals" value="{first.id}"' in response.text


def test_a_plan_needs_at_least_two_proposals(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db)
    only = make_proposal(db, process, personas[AINO.email], "Benches")
    client.log_in(ANNA)

    response = client.submit(f"/review/processes/{process.id}/plan/draft", {"proposals": [str(only.id)]})

    assert response.status_code == 422
    assert 'id="proposals-error"' in response.text


def test_a_proposal_already_reviewed_cannot_be_merged_and_nothing_changes(
    client: FormClient, db: Session, personas: dict[str, User], mailbox: Mailbox
) -> None:
    process = make_process(db)
    first = make_proposal(db, process, personas[AINO.email], "Benches")
    reviewed = make_proposal(db, process, personas[SIXTEN.email], "Shade", status=ProposalStatus.NOT_FEASIBLE)
    client.log_in(ANNA)

    response = client.submit(
        f"/review/processes/{process.id}/plan",
        {"proposals": [str(first.id), str(reviewed.id)], "title": "Plan", "summary": "S", "body": "B"},
    )

    assert response.status_code == 422
    assert "Shade" in response.text and 'id="proposals-error"' in response.text
    db.expire_all()
    assert db.get_one(Proposal, first.id).status == ProposalStatus.PUBLISHED
    assert db.scalars(select(Proposal).where(Proposal.is_plan.is_(True))).all() == []
    assert mailbox.messages == []


def test_a_reviewer_may_not_merge_proposals(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db)
    first = make_proposal(db, process, personas[AINO.email], "Benches")
    second = make_proposal(db, process, personas[SIXTEN.email], "Shade")
    client.log_in(RIIKKA)

    response = client.submit(
        f"/review/processes/{process.id}/plan",
        {"proposals": [str(first.id), str(second.id)], "title": "Plan", "summary": "S", "body": "B"},
    )

    assert response.status_code == 403
