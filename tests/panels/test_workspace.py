"""The panel's workspace: joining with the emailed link, sessions, attendance, tables, materials, hearings, notes,
and who may do what."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.audit.models import AuditEvent
from pb.panels import tables
from pb.panels.work_models import PanelAttendance, PanelHearing, PanelMaterial, PanelMember, PanelSeat, PanelSession
from tests.conftest import FormClient, Mailbox, add_persona
from tests.panels.selection_support import drawn
from tests.panels.support import FANNI, FOLKE
from tests.panels.work_support import add_session, log_in_in_english, panel_at_work
from tests.personas import AINO, SIXTEN


def test_a_selected_person_joins_the_workspace_once_with_the_emailed_link(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch, mailbox: Mailbox
) -> None:
    pooled, selection = drawn(client, db, database_url, monkeypatch)
    client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/notify")
    registrations = {r.id: r for r in pooled.registrations}
    selected = next(
        registrations[p.registration_id or 0]
        for p in selection.people
        if p.on_panel and registrations[p.registration_id or 0].email
    )
    match = re.search(
        r"http://testserver\.local(/panels/raati-2026/join/\S+)", mailbox.last_to(selected.email).get_content()
    )
    assert match
    link = match.group(1)
    aino = add_persona(db, AINO)
    log_in_in_english(client, AINO)
    assert client.get("/panels/raati-2026/workspace").status_code == 403

    assert selected.name in client.get(link).text
    assert client.submit(link).status_code == 303

    assert client.get("/panels/raati-2026/workspace").status_code == 200
    member = db.scalars(select(PanelMember).where(PanelMember.user_id == aino.id)).one()
    assert member.display_name == selected.name and member.join_token_hash is None
    # The link works once.
    assert "This link does not work" in client.get(link).text
    assert client.submit(link).status_code == 404
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.member_joined")).one()


def test_the_facilitator_plans_a_session_in_helsinki_time(client: FormClient, db: Session) -> None:
    work = panel_at_work(db)
    log_in_in_english(client, FANNI)

    refused = client.submit("/panels/raati-2026/workspace/sessions", {"day": "2026-03-07", "starts": "17", "ends": ""})
    assert refused.status_code == 422
    assert "Enter a time as HH:MM" in refused.text and "Enter the place, an online link, or both." in refused.text
    response = client.submit(
        "/panels/raati-2026/workspace/sessions",
        {"day": "2026-03-07", "starts": "10:00", "ends": "15:30", "place": "Kaupungintalo", "agenda": "# Aloitus"},
    )

    assert response.status_code == 303
    session = db.scalars(select(PanelSession).where(PanelSession.panel_id == work.panel.id)).one()
    # 10:00 in Helsinki in March (UTC+2) is 08:00 UTC.
    assert session.starts_at.hour == 8 and session.ends_at.hour == 13
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.session_added")).one()


def test_members_see_the_sessions_but_not_the_facilitators_notes_and_cannot_change_them(
    client: FormClient, db: Session
) -> None:
    work = panel_at_work(db)
    session = add_session(db, work.panel)
    log_in_in_english(client, FANNI)
    assert (
        client.submit(
            f"/panels/raati-2026/workspace/sessions/{session.id}/notes", {"facilitator_notes": "Ahmed tarvitsee tulkin"}
        ).status_code
        == 303
    )
    log_in_in_english(client, SIXTEN)

    page = client.get(f"/panels/raati-2026/workspace/sessions/{session.id}")

    assert page.status_code == 200 and "Kaupungintalo" in page.text
    assert "Ahmed tarvitsee tulkin" not in page.text
    assert (
        client.submit(
            f"/panels/raati-2026/workspace/sessions/{session.id}/notes", {"facilitator_notes": "x"}
        ).status_code
        == 403
    )
    assert client.submit("/panels/raati-2026/workspace/sessions", {"day": "2026-03-07"}).status_code == 403
    assert client.submit(f"/panels/raati-2026/workspace/sessions/{session.id}/attendance", {}).status_code == 403


def test_attendance_is_recorded_for_every_member(client: FormClient, db: Session) -> None:
    work = panel_at_work(db)
    session = add_session(db, work.panel)
    log_in_in_english(client, FANNI)
    present = [work.members[0].id, work.members[2].id]

    response = client.post(
        f"/panels/raati-2026/workspace/sessions/{session.id}/attendance",
        data={"present": [str(member) for member in present], "_csrf_token": client.csrf_token()},
        follow_redirects=False,
    )

    assert response.status_code == 303
    rows = db.scalars(select(PanelAttendance).where(PanelAttendance.session_id == session.id)).all()
    assert len(rows) == 6 and {row.member_id for row in rows if row.present} == set(present)


def test_tables_mix_the_categories_and_rotate_between_sessions(client: FormClient, db: Session) -> None:
    work = panel_at_work(db)
    first = add_session(db, work.panel, days_from_now=30)
    second = add_session(db, work.panel, days_from_now=37)
    log_in_in_english(client, FANNI)

    assert client.submit(f"/panels/raati-2026/workspace/sessions/{first.id}/tables", {"tables": "2"}).status_code == 303
    assert (
        client.submit(f"/panels/raati-2026/workspace/sessions/{second.id}/tables", {"tables": "2"}).status_code == 303
    )

    def seating(session_id: int) -> dict[int, int]:
        seats = db.scalars(select(PanelSeat).where(PanelSeat.session_id == session_id)).all()
        return {seat.member_id: seat.table_number for seat in seats}

    features = {member.id: member.features for member in work.members}
    one, two = seating(first.id), seating(second.id)
    assert sorted(list(one.values()).count(t) for t in (1, 2)) == [3, 3]
    # No table is all of one gender, and the second session repeats fewer pairs than any same seating would.
    for table in (1, 2):
        genders = {features[m][next(iter(features[m]))] for m, t in one.items() if t == table}
        assert len(genders) == 2
    met = tables.earlier_pairs([one])
    assert tables.cost(features, two, met) < tables.cost(features, one, met)
    assert "Table 1" in client.get(f"/panels/raati-2026/workspace/sessions/{first.id}").text
    refused = client.submit(f"/panels/raati-2026/workspace/sessions/{first.id}/tables", {"tables": "0"})
    assert refused.status_code == 422 and "Enter a whole number" in refused.text


def test_the_table_allocation_is_reproducible_and_balanced() -> None:
    features = {m: {"gender": "f" if m % 2 else "m", "age": str(m % 3)} for m in range(1, 25)}
    first = tables.allocate(features, 4, "seed")
    assert first == tables.allocate(features, 4, "seed")
    assert sorted(list(first.values()).count(t) for t in range(1, 5)) == [6, 6, 6, 6]
    assert tables.allocate(features, 4, "another seed") != first


def test_over_several_sessions_every_table_mixes_every_category_and_few_pairs_meet_again() -> None:
    # 24 members at four tables of six: two genders, three age bands, four languages.
    features = {m: {"gender": "fm"[m % 2], "age": str(m % 3), "language": str(m % 4)} for m in range(1, 25)}

    def pairs(seating: dict[int, int]) -> set[frozenset[int]]:
        return {frozenset((a, b)) for a in seating for b in seating if a < b and seating[a] == seating[b]}

    earlier: list[dict[int, int]] = []
    for session in range(3):
        seating = tables.allocate(features, 4, f"session-{session}", tables.earlier_pairs(earlier))
        for table in range(1, 5):
            people = [m for m, t in seating.items() if t == table]
            for category, values in (("gender", 2), ("age", 3), ("language", 4)):
                assert len({features[m][category] for m in people}) == values, (session, table, category)
        met = set().union(*(pairs(item) for item in earlier))
        unrotated = tables.allocate(features, 4, f"session-{session}")
        if session == 1:
            # Six people from four earlier tables: at least two pairs meet again at each table, eight in all.
            assert len(pairs(seating) & met) == 8
        if session:
            assert len(pairs(seating) & met) < len(pairs(unrotated) & met)
        earlier.append(seating)


def test_materials_are_uploaded_by_facilitators_and_downloaded_by_members(client: FormClient, db: Session) -> None:
    work = panel_at_work(db)
    log_in_in_english(client, FANNI)
    refused = client.post(
        "/panels/raati-2026/workspace/materials",
        data={"title": "Ohje", "perspective": "", "_csrf_token": client.csrf_token()},
        files={"file": ("ohje.exe", b"MZ", "application/octet-stream")},
        follow_redirects=False,
    )
    assert refused.status_code == 422 and "Use a PDF" in refused.text
    response = client.post(
        "/panels/raati-2026/workspace/materials",
        data={
            "title": "Keskustan kaavaluonnos",
            "perspective": "Kaupungin kaavoittajat",
            "_csrf_token": client.csrf_token(),
        },
        files={"file": ("kaava.pdf", b"%PDF-1.7 kaava", "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    material = db.scalars(select(PanelMaterial).where(PanelMaterial.panel_id == work.panel.id)).one()
    log_in_in_english(client, SIXTEN)

    download = client.get(f"/panels/raati-2026/workspace/materials/{material.id}")

    assert download.content == b"%PDF-1.7 kaava" and download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment")
    assert "Kaupungin kaavoittajat" in client.get("/panels/raati-2026/workspace").text


def test_an_expert_hearing_records_declared_interests_and_questions(client: FormClient, db: Session) -> None:
    work = panel_at_work(db)
    log_in_in_english(client, FANNI)
    assert client.submit("/panels/raati-2026/workspace/hearings", {"speaker": "Liisa Liikenne"}).status_code == 422

    response = client.submit(
        "/panels/raati-2026/workspace/hearings",
        {
            "speaker": "Liisa Liikenne",
            "affiliation": "HSL",
            "declared_interests": "Ei sidonnaisuuksia",
            "questions": "Miksi?",
        },
    )

    assert response.status_code == 303
    hearing = db.scalars(select(PanelHearing).where(PanelHearing.panel_id == work.panel.id)).one()
    assert hearing.declared_interests == "Ei sidonnaisuuksia"
    log_in_in_english(client, SIXTEN)
    assert "Liisa Liikenne" in client.get("/panels/raati-2026/workspace").text


def test_people_outside_the_panel_are_refused_and_anonymous_visitors_log_in(client: FormClient, db: Session) -> None:
    panel_at_work(db)
    add_persona(db, AINO)
    add_persona(db, FOLKE)
    anonymous = client.get("/panels/raati-2026/workspace", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    for persona in (AINO, FOLKE):
        client.log_in(persona)
        assert client.get("/panels/raati-2026/workspace").status_code == 403
    assert client.get("/panels/no-such-panel/workspace").status_code == 404


def test_a_member_may_show_their_name_on_the_public_page_and_withdraw_it(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, _ = drawn(client, db, database_url, monkeypatch)
    members = db.scalars(select(PanelMember).where(PanelMember.panel_id == pooled.panel.id)).all()
    # Sixten's account stands in for the first member's (who joined with the emailed link).
    members[0].user_id = add_persona(db, SIXTEN).id
    db.commit()
    name = members[0].display_name
    log_in_in_english(client, SIXTEN)
    assert name not in client.get("/panels/raati-2026").text

    assert client.submit("/panels/raati-2026/workspace/name", {"name_public": "yes"}).status_code == 303

    db.refresh(members[0])
    assert members[0].name_public
    public = client.get("/panels/raati-2026").text
    assert f"Members who agreed to be named: {name}</p>" in public
    # The other members gave no consent: their names stay off the public page.
    for member in members[1:]:
        assert member.display_name not in public
    # An unticked box withdraws the consent (GDPR Art. 7(3)); both choices are in the audit log.
    assert client.submit("/panels/raati-2026/workspace/name", {}).status_code == 303
    assert name not in client.get("/panels/raati-2026").text
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("panel.name_consent%"))).all()
    assert actions == ["panel.name_consent_given", "panel.name_consent_withdrawn"]
    # A facilitator cannot give a member's consent for them.
    log_in_in_english(client, FANNI)
    assert client.submit("/panels/raati-2026/workspace/name", {"name_public": "yes"}).status_code == 403
