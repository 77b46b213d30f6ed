"""Assignments: a department's request and the coordinator's decision, finding experts by area and availability,
invitations the experts answer in pb with the confidentiality agreement recorded, sessions and attendance, and the
experts' own input."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.experts.models import (
    Assignment,
    AssignmentInvitation,
    AssignmentStatus,
    Attendance,
    CoordinatorNote,
    ExpertInput,
    ExpertSession,
    InvitationResponse,
)
from pb.experts.services import text_digest
from tests.conftest import FormClient, Mailbox
from tests.experts.personas import DORA, EEVA, ELIAS, KAISA
from tests.experts.support import Arranged, add_expert, another_assignment, audit, invite
from tests.personas import Persona


def as_(client: FormClient, persona: Persona) -> FormClient:
    client.cookies.clear()
    client.log_in(persona)
    return client


def request_form(arranged: Arranged, **overrides: str) -> dict[str, str]:
    start = date.today() + timedelta(days=10)
    form = {
        "group_id": str(arranged.group.id),
        "department": "Nuorisopalvelut",
        "topic": "Nuorten palvelujen löydettävyys",
        "questions": "Mistä nuori löytää apua?",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=30)).strftime("%d.%m.%Y"),
        "experts_wanted": "5",
        "confidentiality": "public",
    }
    form.update(overrides)
    return form


def details(**overrides: str) -> dict[str, str]:
    start = date.today() + timedelta(days=10)
    form = {
        "department": "Nuorisopalvelut",
        "topic": "Nuorten palvelujen löydettävyys",
        "questions": "Mistä nuori löytää apua?",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=30)).isoformat(),
        "experts_wanted": "5",
        "confidentiality": "public",
        "fee_basis": "hour",
        "fee_rate": "25,50",
        "agreement_text": "Pidän salassa muiden kertomukset.",
    }
    form.update(overrides)
    return form


def test_a_department_asks_and_the_coordinator_takes_the_request_on(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    as_(client, DORA)
    bad = client.submit("/expert-requests", request_form(group, topic="", starts_on="2020-01-01", group_id="999"))
    assert bad.status_code == 422
    for field in ("topic", "starts_on", "group_id"):
        assert f'id="{field}-error"' in bad.text
    assert client.submit("/expert-requests", request_form(group)).status_code == 303
    requested = db.scalars(select(Assignment).where(Assignment.topic == "Nuorten palvelujen löydettävyys")).one()
    assert requested.status == AssignmentStatus.REQUESTED and requested.requested_by_id == people[DORA.email].id
    assert "Requested" in client.get("/expert-requests").text

    as_(client, KAISA)
    assert "Nuorten palvelujen löydettävyys" in client.get(f"/coordinator/groups/{group.group.id}/assignments").text
    taken = client.submit(f"/coordinator/assignments/{requested.id}/details", details())
    assert taken.status_code == 303
    db.expire_all()
    taken_on = db.get(Assignment, requested.id)
    assert taken_on is not None and taken_on.status == AssignmentStatus.OPEN
    assert (taken_on.fee_basis, taken_on.fee_rate_cents) == ("hour", 2550)
    assert "In progress" in as_(client, DORA).get("/expert-requests").text


def test_the_coordinator_can_decline_a_request(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    as_(client, DORA).submit("/expert-requests", request_form(group))
    requested = db.scalars(select(Assignment).where(Assignment.status == AssignmentStatus.REQUESTED)).one()
    as_(client, KAISA)
    assert (
        client.submit(
            f"/coordinator/assignments/{requested.id}/decline", {"decision_note": "Ei resursseja."}
        ).status_code
        == 303
    )
    again = client.submit(f"/coordinator/assignments/{requested.id}/decline", {})
    assert again.status_code == 422 and 'id="decision_note-error"' in again.text
    db.expire_all()
    assert db.get(Assignment, requested.id).status == AssignmentStatus.DECLINED  # type: ignore[union-attr]


def test_experts_are_found_by_area_and_availability_and_invited_by_email(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User], mailbox: Mailbox
) -> None:
    second = another_assignment(db, group.group)
    weekend = add_expert(db, group.group, None, "Wilma Viikonloppu", "wilma@example.fi", [group.areas[1]], group.texts)
    weekend.availability = ["weekend"]
    away = add_expert(db, group.group, None, "Aaro Poissa", "aaro@example.fi", [group.areas[1]], group.texts)
    away.unavailable_until = date.today() + timedelta(days=30)
    db.commit()
    as_(client, KAISA)
    base = f"/coordinator/assignments/{second.id}?searched=1"
    substance = client.get(f"{base}&area={group.areas[1].id}").text
    assert EEVA.name in substance and "Wilma Viikonloppu" in substance
    assert ELIAS.name not in substance  # no substance-abuse experience
    assert "Aaro Poissa" not in substance  # away when the work starts
    evenings = client.get(f"{base}&area={group.areas[1].id}&time=weekday_evening").text
    assert EEVA.name in evenings and "Wilma Viikonloppu" not in evenings
    assert audit(db, "experts.searched")

    invited = client.submit(
        f"/coordinator/assignments/{second.id}/invitations", {"expert": [str(group.eeva.id), str(weekend.id)]}
    )
    assert invited.status_code == 303
    # The email says only that there is something to read in pb: nothing about the group or the topic.
    message = mailbox.last_to(EEVA.email)
    body = message.get_content()
    assert "/experts" in body and second.topic not in body and "Mielenterveys" not in body
    assert {
        row.expert_id
        for row in db.scalars(select(AssignmentInvitation).where(AssignmentInvitation.assignment_id == second.id))
    } == {
        group.eeva.id,
        weekend.id,
    }
    # Invited once: not offered again.
    assert EEVA.name not in client.get(f"{base}&area={group.areas[1].id}").text.split("Find experts")[1]


def test_an_expert_accepts_with_the_confidentiality_agreement_recorded(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    second = another_assignment(db, group.group)
    invitation = invite(db, second, group.eeva, accepted=False)
    as_(client, EEVA)
    page = client.get(f"/experts/assignments/{invitation.id}")
    assert "Salassapito." in page.text
    # Writing input before accepting is refused.
    assert client.submit(f"/experts/assignments/{invitation.id}/input", {"body": "Jotain"}).status_code == 422
    missing = client.submit(f"/experts/assignments/{invitation.id}/answer", {"answer": "accept"})
    assert missing.status_code == 422 and 'id="agreement-error"' in missing.text
    accepted = client.submit(
        f"/experts/assignments/{invitation.id}/answer",
        {"answer": "accept", "agreement": "yes", "agreement_version": "1"},
    )
    assert accepted.status_code == 303
    db.expire_all()
    row = db.get(AssignmentInvitation, invitation.id)
    assert row is not None and row.response == InvitationResponse.ACCEPTED
    assert row.agreement_version == 1 and row.agreement_sha256 == text_digest("Salassapito.")
    assert row.agreement_accepted_at is not None
    # Answered once: the form is gone, and the refusal says why.
    again = client.submit(f"/experts/assignments/{invitation.id}/answer", {"answer": "decline"})
    assert again.status_code == 422 and 'id="answer-error"' in again.text


def test_an_agreement_changed_while_the_expert_read_it_must_be_read_again(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    second = another_assignment(db, group.group)
    invitation = invite(db, second, group.eeva, accepted=False)
    as_(client, EEVA).get(f"/experts/assignments/{invitation.id}")
    # The coordinator changes the agreement while Eeva reads version 1.
    second.agreement_text = "Uusi salassapitositoumus."
    second.agreement_version = 2
    db.commit()
    stale = {"answer": "accept", "agreement": "yes", "agreement_version": "1"}
    refused = client.submit(f"/experts/assignments/{invitation.id}/answer", stale)
    assert refused.status_code == 422 and 'id="agreement-error"' in refused.text
    assert "Uusi salassapitositoumus." in refused.text
    db.expire_all()
    assert db.get(AssignmentInvitation, invitation.id).response == InvitationResponse.PENDING  # type: ignore[union-attr]
    accepted = client.submit(f"/experts/assignments/{invitation.id}/answer", {**stale, "agreement_version": "2"})
    assert accepted.status_code == 303
    db.expire_all()
    row = db.get(AssignmentInvitation, invitation.id)
    assert row is not None and row.agreement_version == 2
    assert row.agreement_sha256 == text_digest("Uusi salassapitositoumus.")


def test_an_expert_may_decline(client: FormClient, db: Session, group: Arranged, people: dict[str, User]) -> None:
    second = another_assignment(db, group.group)
    invitation = invite(db, second, group.elias, accepted=False)
    as_(client, ELIAS)
    assert client.submit(f"/experts/assignments/{invitation.id}/answer", {"answer": "decline"}).status_code == 303
    db.expire_all()
    row = db.get(AssignmentInvitation, invitation.id)
    assert row is not None and row.response == InvitationResponse.DECLINED and row.agreement_accepted_at is None


def test_changing_the_agreement_makes_a_new_version(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    as_(client, KAISA)
    form = details(agreement_text="Uusi sopimusteksti.", starts_on=date.today().isoformat())
    assert client.submit(f"/coordinator/assignments/{group.assignment.id}/details", form).status_code == 303
    db.expire_all()
    assert db.get(Assignment, group.assignment.id).agreement_version == 2  # type: ignore[union-attr]


def test_sessions_and_attendance(client: FormClient, db: Session, group: Arranged, people: dict[str, User]) -> None:
    as_(client, KAISA)
    base = f"/coordinator/assignments/{group.assignment.id}"
    bad = client.submit(
        f"{base}/sessions", {"title": "", "date": "31.2.2026", "time": "25:00", "duration_minutes": "5"}
    )
    assert bad.status_code == 422
    for field in ("title", "date", "time", "duration_minutes"):
        assert f'id="{field}-error"' in bad.text
    added = client.submit(
        f"{base}/sessions", {"title": "Tapaaminen 2", "date": "2.3.2026", "time": "17:30", "duration_minutes": "120"}
    )
    assert added.status_code == 303
    session = db.scalars(select(ExpertSession).where(ExpertSession.title == "Tapaaminen 2")).one()
    # Entered in Helsinki time (UTC+2 in March), stored in UTC.
    assert session.starts_at.isoformat() == "2026-03-02T15:30:00+00:00"
    marked = client.submit(
        f"{base}/sessions/{session.id}/attendance",
        {"attended": [str(group.eeva.id)], f"minutes_{group.eeva.id}": "60", f"minutes_{group.elias.id}": "120"},
    )
    assert marked.status_code == 303
    rows = {row.expert_id: row for row in db.scalars(select(Attendance).where(Attendance.session_id == session.id))}
    assert (rows[group.eeva.id].attended, rows[group.eeva.id].minutes) == (True, 60)
    assert (rows[group.elias.id].attended, rows[group.elias.id].minutes) == (False, 0)


def test_an_expert_writes_and_takes_back_their_own_input(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    own_id, other_id = group.eeva_input.id, group.elias_input.id
    as_(client, EEVA)
    path = f"/experts/assignments/{group.eeva_invitation.id}"
    assert client.submit(f"{path}/input", {"body": ""}).status_code == 422
    assert client.submit(f"{path}/input", {"body": "Toinen ajatus."}).status_code == 303
    texts = {row.body for row in db.scalars(select(ExpertInput).where(ExpertInput.expert_id == group.eeva.id))}
    assert "Toinen ajatus." in texts
    # Someone else's input cannot be deleted through one's own page.
    assert client.submit(f"{path}/input/{other_id}/delete").status_code == 303
    db.expire_all()
    assert db.get(ExpertInput, other_id) is not None
    assert client.submit(f"{path}/input/{own_id}/delete").status_code == 303
    db.expire_all()
    assert db.get(ExpertInput, own_id) is None


def test_closing_ends_the_assignment_for_everyone(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    pending_expert = add_expert(
        db, group.group, None, "Pirjo Vastaamatta", "pirjo@example.fi", [group.areas[0]], group.texts
    )
    pending = invite(db, group.assignment, pending_expert, accepted=False)
    base = f"/coordinator/assignments/{group.assignment.id}"
    as_(client, KAISA)
    assert client.submit(f"{base}/close").status_code == 303
    db.expire_all()
    assert db.get(AssignmentInvitation, pending.id).response == InvitationResponse.CANCELLED  # type: ignore[union-attr]
    # Pages opened before the closing still post their forms: each refusal says why, beside its field.
    session = {"title": "Myöhässä", "date": "2.3.2026", "time": "17:30", "duration_minutes": "60"}
    for path, form, field in [
        (f"{base}/sessions", session, "title"),
        (f"{base}/details", details(), "topic"),
        (f"{base}/close", {}, None),
    ]:
        response = client.submit(path, form)
        if field is None:
            assert response.status_code == 303  # a flash message on the assignment page
        else:
            assert response.status_code == 422 and f'id="{field}-error"' in response.text, path
    as_(client, EEVA)
    late = client.submit(f"/experts/assignments/{group.eeva_invitation.id}/input", {"body": "Myöhässä"})
    assert late.status_code == 422 and 'id="body-error"' in late.text
    db.expire_all()
    assert not db.scalars(select(ExpertInput).where(ExpertInput.body == "Myöhässä")).all()
    assert not db.scalars(select(ExpertSession).where(ExpertSession.title == "Myöhässä")).all()


def test_the_coordinator_writes_notes_on_the_assignment(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    as_(client, KAISA)
    path = f"/coordinator/assignments/{group.assignment.id}"
    empty = client.submit(f"{path}/notes", {"body": "  "})
    assert empty.status_code == 422 and 'id="body-error"' in empty.text
    assert client.submit(f"{path}/notes", {"body": "Sovittiin kolmas tapaaminen."}).status_code == 303
    assert "Sovittiin kolmas tapaaminen." in client.get(f"{path}/input").text
    note = db.scalars(select(CoordinatorNote).where(CoordinatorNote.body == "Sovittiin kolmas tapaaminen.")).one()
    # The log names the note, never its words.
    assert audit(db, "experts.note_added")[-1].after == {"note_id": note.id}
    # A request not taken on has no notes yet.
    as_(client, DORA).submit("/expert-requests", request_form(group))
    requested = db.scalars(select(Assignment).where(Assignment.status == AssignmentStatus.REQUESTED)).one()
    refused = as_(client, KAISA).submit(f"/coordinator/assignments/{requested.id}/notes", {"body": "Muistiinpano"})
    assert refused.status_code == 422 and 'id="body-error"' in refused.text
