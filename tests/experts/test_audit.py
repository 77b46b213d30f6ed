"""Every read of confidential notes and input writes an audit entry naming exactly what was shown (issue 6):
the coordinator's reads, and each expert's reads of their own input."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pb.accounts.models import User
from tests.conftest import FormClient
from tests.experts.personas import EEVA, KAISA, KARL
from tests.experts.support import Arranged, audit


def test_each_time_the_coordinator_reads_the_notes_and_input_it_is_logged_with_what_was_shown(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(KAISA)
    path = f"/coordinator/assignments/{group.assignment.id}/input"
    client.get(path)
    client.get(path)
    events = audit(db, "experts.confidential_read")
    assert len(events) == 2
    for event in events:
        assert event.actor_id == people[KAISA.email].id
        assert (event.object_type, event.object_id) == ("expert_assignment", str(group.assignment.id))
        assert event.after == {"notes": [group.note.id], "inputs": [group.eeva_input.id, group.elias_input.id]}
        assert event.client_address


def test_a_refused_read_leaves_nothing_read_in_the_log(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(KARL)
    assert client.get(f"/coordinator/assignments/{group.assignment.id}/input").status_code == 404
    assert audit(db, "experts.confidential_read") == []


def test_an_experts_reading_of_their_own_input_is_logged_too(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(EEVA)
    client.get(f"/experts/assignments/{group.eeva_invitation.id}")
    events = audit(db, "experts.own_input_read")
    assert [(event.actor_id, event.after) for event in events] == [
        (people[EEVA.email].id, {"inputs": [group.eeva_input.id]})
    ]


def test_the_audit_log_of_reads_holds_no_names_or_words(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(KAISA)
    client.get(f"/coordinator/assignments/{group.assignment.id}/input")
    client.get(f"/coordinator/groups/{group.group.id}/experts")
    for action in ("experts.confidential_read", "experts.registry_viewed"):
        for event in audit(db, action):
            logged = str(event.after)
            assert EEVA.name not in logged and EEVA.email not in logged and "ajanvaraus" not in logged
