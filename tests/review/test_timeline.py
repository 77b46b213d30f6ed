"""The public status timeline on the proposal page, and the staff-only internal notes beside it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import Database, utcnow
from pb.proposals.models import Proposal, ProposalEvent, ProposalStatus
from pb.review import services as review
from pb.review.models import Feasibility, InternalNote, Review
from tests.conftest import FormClient, make_process
from tests.personas import AINO, ANNA, RIIKKA, SIXTEN
from tests.review.support import assign, make_proposal

SECRET = "Internal: the parks unit budget is tight this year."


def reviewed_proposal(db: Session, personas: dict[str, User]) -> Proposal:
    process = make_process(db, open_phase="review")
    proposal = make_proposal(db, process, personas[AINO.email], "Benches by the shore")
    assign(db, proposal, personas[RIIKKA.email])
    return proposal


def test_internal_notes_are_invisible_to_residents_and_anonymous_visitors(
    client: FormClient, another_client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    proposal = reviewed_proposal(db, personas)
    client.log_in(RIIKKA)
    client.submit(f"/review/proposals/{proposal.id}/notes", {"body": SECRET})
    client.submit(
        f"/review/proposals/{proposal.id}/decision",
        {"feasibility": "not_feasible", "public_reason": "The shore is a nature reserve."},
    )

    anonymous = another_client.get(f"/proposals/{proposal.id}?lang=en")
    another_client.log_in(SIXTEN)
    resident = another_client.get(f"/proposals/{proposal.id}?lang=en")
    staff = client.get(f"/proposals/{proposal.id}?lang=en")

    for response in (anonymous, resident):
        assert response.status_code == 200
        # Rejected proposals stay visible with their reasons; the notes and reviewers' names do not show.
        assert "The shore is a nature reserve." in response.text and "Found not feasible" in response.text
        assert SECRET not in response.text and "Internal notes" not in response.text
        assert RIIKKA.name not in response.text and "/review/proposals/" not in response.text
    assert staff.status_code == 200
    assert SECRET in staff.text and f'href="/review/proposals/{proposal.id}"' in staff.text


def test_the_timeline_shows_each_step_in_order(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db, open_phase="review")
    proposal = make_proposal(db, process, personas[AINO.email], "Benches by the shore")
    client.log_in(ANNA)
    client.submit(f"/review/proposals/{proposal.id}/assignments", {"reviewer": str(personas[RIIKKA.email].id)})
    client.submit(
        f"/review/proposals/{proposal.id}/decision",
        {
            "feasibility": "feasible",
            "public_reason": "Fits the shore plan.",
            "cost_min": "10 000",
            "cost_max": "20 000",
        },
    )

    page = client.get(f"/proposals/{proposal.id}?lang=en").text

    steps = ["Published", "Review by city experts started", "Found feasible", "Official cost estimate: "]
    positions = [page.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "Fits the shore plan." in page


async def test_the_timeline_needs_the_same_number_of_queries_however_long_it_is(
    database_url: str, db: Session, personas: dict[str, User]
) -> None:
    process = make_process(db)
    short = make_proposal(db, process, personas[AINO.email], "Short history")
    long = make_proposal(db, process, personas[AINO.email], "Long history", status=ProposalStatus.FEASIBLE)
    for n in range(5):
        source = make_proposal(db, process, personas[SIXTEN.email], f"Source {n}", status=ProposalStatus.MERGED)
        source.merged_into_id = long.id
        long.events.append(ProposalEvent(kind="cost_estimated", public_note=f"{n}000.00", at=utcnow()))
        db.add(InternalNote(proposal_id=long.id, author_id=personas[ANNA.email].id, body=f"Note {n}"))
    db.add(Review(proposal_id=long.id, feasibility=Feasibility.FEASIBLE, cost_min_cents=100, cost_max_cents=200))
    db.commit()
    staff = personas[ANNA.email]

    database = Database.connect(database_url)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    counts: dict[int, int] = {}
    try:
        async with database.sessionmaker() as session:
            for proposal in (short, long):
                loaded = await session.get_one(Proposal, proposal.id)
                statements.clear()
                timeline = (await review.timeline_context(session, loaded, staff))["timeline"]
                counts[proposal.id] = len(statements)
    finally:
        await database.engine.dispose()
    assert len(timeline.sources) == 5 and len(timeline.notes) == 5 and len(timeline.events) == 6
    assert counts[short.id] == counts[long.id] <= 5


def test_cost_notes_read_back_as_cents() -> None:
    assert review.cost_note(1_500_000, 1_500_000) == "15000.00"
    assert review.cost_note(100_050, 200_000) == "1000.50-2000.00"
    assert review.parse_cost_note("1000.50-2000.00") == (100_050, 200_000)
    assert review.parse_cost_note("nonsense") is None
