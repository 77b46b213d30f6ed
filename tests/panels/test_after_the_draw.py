"""After the draw: the reserve list, replacing a member who drops out within the quotas, and telling everyone the
result by email in the language they registered in."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.audit.models import AuditEvent
from pb.panels.models import PanelReplacement, PanelSelection
from pb.panels.work_models import PanelMember
from tests.conftest import FormClient, Mailbox
from tests.panels.selection_support import drawn


def quota_counts(selection: PanelSelection) -> Counter[tuple[str, str]]:
    return Counter(pair for person in selection.people if person.on_panel for pair in person.features.items())


def within_quotas(selection: PanelSelection) -> bool:
    counts = quota_counts(selection)
    return all(item["min"] <= counts[(item["category"], item["value"])] <= item["max"] for item in selection.quotas)


def test_the_draw_makes_members_of_the_selected_and_a_reserve_list_of_the_willing(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, selection = drawn(client, db, database_url, monkeypatch)

    members = db.scalars(select(PanelMember).where(PanelMember.panel_id == pooled.panel.id)).all()
    on_panel = {person.pseudonym for person in selection.people if person.on_panel}
    assert {member.pseudonym for member in members} == on_panel and len(on_panel) == 4
    assert within_quotas(selection)
    willing = {r.id for r in pooled.registrations if r.willing_reserve}
    reserves = [person for person in selection.people if person.reserve_rank is not None]
    assert reserves and all(person.registration_id in willing and not person.on_panel for person in reserves)


def test_a_dropout_is_replaced_within_the_quotas_and_the_change_is_logged(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, selection = drawn(client, db, database_url, monkeypatch)
    member = db.scalars(select(PanelMember).where(PanelMember.panel_id == pooled.panel.id)).first()
    assert member is not None
    staying = {person.pseudonym for person in selection.people if person.on_panel} - {member.pseudonym}

    response = client.submit(f"/facilitator/panels/{pooled.panel.id}/members/{member.id}/dropout", {"replace": "yes"})

    assert response.status_code == 303
    db.expire_all()
    selection = db.get(PanelSelection, selection.id)  # type: ignore[assignment]
    replacement = db.scalars(select(PanelReplacement)).one()
    assert replacement.dropped == member.pseudonym and len(replacement.added) == 1
    people = {person.pseudonym: person for person in selection.people}
    assert not people[member.pseudonym].on_panel and people[member.pseudonym].dropped_out_at is not None
    assert people[replacement.added[0]].on_panel and people[replacement.added[0]].reserve_rank is not None
    assert within_quotas(selection) and sum(person.on_panel for person in selection.people) == 4
    # The members already selected stay: only the one who left is replaced.
    assert all(people[pseudonym].on_panel for pseudonym in staying)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.member_replaced")).one()
    assert event.after is not None and event.after["added"] == replacement.added
    assert replacement.added[0] in client.get(f"/panels/{pooled.panel.slug}/selection").text
    # The replacement is a member of the workspace; the one who left is not.
    members = {m.pseudonym: m for m in db.scalars(select(PanelMember))}
    assert members[replacement.added[0]].is_active and not members[member.pseudonym].is_active


def test_a_dropout_can_be_recorded_without_a_replacement(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, selection = drawn(client, db, database_url, monkeypatch)
    member = db.scalars(select(PanelMember)).first()
    assert member is not None

    response = client.submit(f"/facilitator/panels/{pooled.panel.id}/members/{member.id}/dropout", {"replace": "no"})

    assert response.status_code == 303
    db.expire_all()
    assert sum(person.on_panel for person in db.get(PanelSelection, selection.id).people) == 3  # type: ignore[union-attr]
    assert db.scalars(select(PanelReplacement)).all() == []
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.member_dropped_out")).one()


def test_everyone_is_told_the_result_once_in_their_own_language(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch, mailbox: Mailbox
) -> None:
    pooled, selection = drawn(client, db, database_url, monkeypatch)

    response = client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/notify")

    assert response.status_code == 303
    db.expire_all()
    selection = db.get(PanelSelection, selection.id)  # type: ignore[assignment]
    registrations = {r.id: r for r in pooled.registrations}
    for person in selection.people:
        registration = registrations[person.registration_id or 0]
        if not registration.email:
            assert person.notified_at is None  # Juha gave only a phone number
            continue
        message = mailbox.last_to(registration.email)
        assert message["Content-Language"] == registration.language
        expected = "selected" if person.on_panel else ("reserve" if person.reserve_rank else "not_selected")
        assert person.notified_as == expected
        body = message.get_content()
        if expected == "selected":
            assert f"/panels/{pooled.panel.slug}/join/" in body
        else:
            assert "/join/" not in body
    sent = len(mailbox.messages)
    assert sent == 9
    page = client.get(f"/facilitator/panels/{pooled.panel.id}/selection")
    assert "no email: phone" in page.text and "040 123 4567" in page.text
    # Nothing new to tell: a second press sends nothing.
    client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/notify")
    assert len(mailbox.messages) == sent
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.selection_notified")).all()
    assert events[0].after is not None and events[0].after["unreached"] == 1
