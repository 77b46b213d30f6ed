"""Who sees what (issue 6, Quality): confidential notes and input only for the group's coordinators and each
expert's own input for that expert; a resident, another group's coordinator, a facilitator, the department that
asked and a council member see nothing confidential."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.experts.models import Assignment, CoordinatorNote, ExpertSession, LedgerEntry, Summary
from tests.conftest import FormClient
from tests.experts.personas import DORA, EEVA, ELIAS, FREDRIK, KAISA, KARL, VILLE
from tests.experts.support import EEVA_INPUT, ELIAS_INPUT, KAISA_NOTE, Arranged
from tests.personas import AINO, ANNA, Persona

CONFIDENTIAL = (EEVA_INPUT, ELIAS_INPUT, KAISA_NOTE)


def coordinator_pages(arranged: Arranged) -> list[str]:
    assignment = f"/coordinator/assignments/{arranged.assignment.id}"
    group = f"/coordinator/groups/{arranged.group.id}"
    return [
        f"{assignment}/input",
        f"{assignment}/summary",
        f"{assignment}/sessions",
        f"{assignment}/compensation",
        assignment,
        f"{group}/experts",
        f"{group}/assignments",
        f"{group}/ledger",
        f"/coordinator/experts/{arranged.eeva.id}",
    ]


def test_the_groups_coordinator_reads_the_notes_and_everyones_input(
    client: FormClient, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(KAISA)
    page = client.get(f"/coordinator/assignments/{group.assignment.id}/input")
    assert page.status_code == 200
    for text in CONFIDENTIAL:
        assert text in page.text
    # Input is shown under the pseudonym, not the name.
    assert "KA-EEVA22" in page.text and EEVA.name not in page.text


@pytest.mark.parametrize(
    ("persona", "status"),
    [(AINO, 403), (FREDRIK, 403), (DORA, 403), (VILLE, 403), (KARL, 404), (ANNA, 404)],
    ids=["resident", "facilitator", "requester", "council-member", "other-coordinator", "admin-not-coordinator"],
)
def test_nobody_else_reaches_the_groups_pages_about_people(
    client: FormClient, group: Arranged, people: dict[str, User], persona: Persona, status: int
) -> None:
    client.log_in(persona)
    for path in coordinator_pages(group):
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code)
        assert not any(text in response.text for text in CONFIDENTIAL), path


def changes(arranged: Arranged) -> list[tuple[str, dict[str, object]]]:
    """Every state-changing route about the group's people and their work, with a form that would work."""
    assignment = f"/coordinator/assignments/{arranged.assignment.id}"
    group = f"/coordinator/groups/{arranged.group.id}"
    eeva = str(arranged.eeva.id)
    return [
        (f"{group}/experts", {"email": "someone@example.fi", "language": "fi"}),
        (f"/coordinator/experts/{eeva}/invitation", {}),
        (f"{assignment}/details", {"topic": "Muutettu"}),
        (f"{assignment}/close", {}),
        (f"{assignment}/invitations", {"expert": [eeva]}),
        (f"{assignment}/sessions", {"title": "X", "date": "1.3.2030", "time": "17:00", "duration_minutes": "60"}),
        (f"{assignment}/sessions/{arranged.session.id}/attendance", {"attended": [eeva]}),
        (f"{assignment}/notes", {"body": "sneaky"}),
        (f"{assignment}/summary", {"themes": "Teemat"}),
        (f"{assignment}/summary/signoff", {}),
        (f"{assignment}/summary/publish", {"reviewed": "yes"}),
        (f"{assignment}/fees", {"session_id": str(arranged.session.id)}),
        (f"{assignment}/expenses", {"expert_id": eeva, "description": "X", "amount": "5", "spent_on": "1.3.2026"}),
        (f"{group}/ledger/export", {}),
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [(AINO, 403), (FREDRIK, 403), (DORA, 403), (VILLE, 403), (KARL, 404), (ANNA, 404)],
    ids=["resident", "facilitator", "requester", "council-member", "other-coordinator", "admin-not-coordinator"],
)
def test_nobody_else_can_change_the_groups_people_or_their_work(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User], persona: Persona, status: int
) -> None:
    client.log_in(persona)
    for path, form in changes(group):
        response = client.submit(path, form)
        assert response.status_code == status, (path, response.status_code)
        # Above all, no payroll file with names for someone who may not see them.
        assert not response.headers.get("content-type", "").startswith("text/csv"), path
    db.expire_all()
    assignment = db.get(Assignment, group.assignment.id)
    assert assignment is not None and (assignment.topic, assignment.status) == ("Ajanvarauksen sujuvuus", "open")
    for model in (Summary, LedgerEntry, ExpertSession, CoordinatorNote):
        assert len(db.scalars(select(model)).all()) == (1 if model in {ExpertSession, CoordinatorNote} else 0), model
    assert not [event for event in db.scalars(select(AuditEvent)) if event.action.startswith("experts.")]


def test_an_expert_reads_only_their_own_input(client: FormClient, group: Arranged, people: dict[str, User]) -> None:
    client.log_in(EEVA)
    own = client.get(f"/experts/assignments/{group.eeva_invitation.id}")
    assert own.status_code == 200
    assert EEVA_INPUT in own.text
    assert ELIAS_INPUT not in own.text and KAISA_NOTE not in own.text
    # Elias's invitation page (with his input) is not hers: 404, as if it did not exist.
    assert client.get(f"/experts/assignments/{group.elias_invitation.id}").status_code == 404
    assert client.get(f"/experts/{group.elias.id}/profile").status_code == 404
    assert client.get(f"/experts/{group.elias.id}/consents").status_code == 404


def test_an_admin_may_set_a_group_up_but_not_read_its_people(
    client: FormClient, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(ANNA)
    setup = client.get(f"/coordinator/groups/{group.group.id}")
    assert setup.status_code == 200
    assert f"/coordinator/groups/{group.group.id}/experts" not in setup.text
    assert client.get(f"/coordinator/groups/{group.group.id}/experts").status_code == 404


def test_the_requester_sees_the_status_of_the_request_and_nothing_confidential(
    client: FormClient, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(DORA)
    page = client.get("/expert-requests")
    assert page.status_code == 200
    assert "Ajanvarauksen sujuvuus" in page.text
    assert not any(text in page.text for text in CONFIDENTIAL)
    assert EEVA.name not in page.text and ELIAS.name not in page.text


def test_anonymous_visitors_are_sent_to_log_in(client: FormClient, group: Arranged) -> None:
    for path in [*coordinator_pages(group), "/experts", f"/experts/assignments/{group.eeva_invitation.id}"]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
