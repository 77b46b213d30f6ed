"""Who sees what (issue 6, Quality): confidential notes and input only for the group's coordinators and each
expert's own input for that expert; a resident, another group's coordinator, a facilitator, the department that
asked and a council member see nothing confidential."""

from __future__ import annotations

import pytest

from pb.accounts.models import User
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


@pytest.mark.parametrize(
    "persona", [AINO, FREDRIK, KARL, DORA], ids=["resident", "facilitator", "other-coordinator", "requester"]
)
def test_nobody_else_can_add_a_note(
    client: FormClient, group: Arranged, people: dict[str, User], persona: Persona
) -> None:
    client.log_in(persona)
    response = client.submit(f"/coordinator/assignments/{group.assignment.id}/notes", {"body": "sneaky"})
    assert response.status_code in {403, 404}


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
