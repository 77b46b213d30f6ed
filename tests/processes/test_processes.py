from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.db import utcnow
from pb.districts.models import District
from pb.processes.models import Process
from tests.conftest import FormClient, make_process
from tests.personas import AINO, ANNA

DETAILS = {
    "slug": "omabudjetti-2027",
    "name_fi": "Omabudjetti 2027",
    "name_sv": "Egen budget 2027",
    "name_en": "Own Budget 2027",
    "description_fi": "Kaupunki jakaa **rahaa**.",
    "age_bands": "12-17, 18-64, 65+",
    "is_published": "yes",
}


def test_an_admin_creates_a_round_with_six_phases(client: FormClient, personas: dict[str, User], db: Session) -> None:
    client.log_in(ANNA)
    response = client.submit("/admin/processes/new", DETAILS)
    assert response.status_code == 303
    process = db.scalars(select(Process)).one()
    assert [phase.kind for phase in process.phases] == [
        "proposals",
        "deliberation",
        "review",
        "voting",
        "results",
        "implementation",
    ]
    assert process.age_bands == ["12-17", "18-64", "65+"]
    assert db.scalars(select(AuditEvent.action)).all() == ["process.created"]


def test_a_bad_web_address_and_a_missing_name_are_shown_next_to_their_fields(
    client: FormClient, personas: dict[str, User]
) -> None:
    client.log_in(ANNA)
    response = client.submit("/admin/processes/new", {**DETAILS, "slug": "Oma Budjetti!", "name_fi": ""})
    assert response.status_code == 422
    assert 'id="slug-error"' in response.text and 'id="name_fi-error"' in response.text


def test_two_rounds_cannot_share_a_web_address(client: FormClient, personas: dict[str, User], db: Session) -> None:
    make_process(db, slug="omabudjetti-2027")
    client.log_in(ANNA)
    response = client.submit("/admin/processes/new", DETAILS)
    assert response.status_code == 422 and 'id="slug-error"' in response.text


def test_the_process_page_shows_the_timeline_and_what_a_visitor_can_do_now(client: FormClient, db: Session) -> None:
    make_process(db, open_phase="proposals")
    page = client.get("/processes/omabudjetti-2026?lang=en").text
    assert "What you can do now" in page
    assert 'href="/processes/omabudjetti-2026/proposals/new"' in page
    assert page.count('aria-current="step"') == 1
    assert "500\xa0000,00\xa0€" in page  # en_FI writes euros the Finnish way


def test_in_another_phase_the_page_invites_to_that_phase(client: FormClient, db: Session) -> None:
    make_process(db, open_phase="voting")
    page = client.get("/processes/omabudjetti-2026?lang=en").text
    assert "Vote for the projects" in page
    assert "/proposals/new" not in page


def test_an_unpublished_round_is_hidden_from_residents_but_not_from_admins(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    make_process(db, published=False)
    assert client.get("/processes/omabudjetti-2026").status_code == 404
    assert "omabudjetti-2026" not in client.get("/processes").text
    client.log_in(ANNA)
    assert client.get("/processes/omabudjetti-2026").status_code == 200


def test_past_rounds_stay_browsable(client: FormClient, db: Session) -> None:
    make_process(db, slug="omabudjetti-2024", open_phase=None)
    make_process(db, slug="omabudjetti-2026", open_phase="proposals")
    listing = client.get("/processes").text
    assert "/processes/omabudjetti-2024" in listing and "/processes/omabudjetti-2026" in listing


def test_an_admin_sets_phase_dates_and_overlapping_phases_are_refused(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_process(db)
    client.log_in(ANNA)
    dates = {}
    for index, kind in enumerate(["proposals", "deliberation", "review", "voting", "results", "implementation"]):
        dates[f"{kind}_starts"] = f"2027-0{index + 1}-01"
        dates[f"{kind}_ends"] = f"2027-0{index + 1}-20"
    assert client.submit(f"/admin/processes/{process.id}/phases", dates).status_code == 303
    db.expire_all()
    refreshed = db.get_one(Process, process.id)
    assert refreshed.phases[0].starts_at.isoformat() == "2026-12-31T22:00:00+00:00"  # midnight in Helsinki
    overlapping = {**dates, "deliberation_starts": "2027-01-15"}
    response = client.submit(f"/admin/processes/{process.id}/phases", overlapping)
    assert response.status_code == 422 and 'id="deliberation_starts-error"' in response.text


def test_an_admin_closes_the_open_phase_early(client: FormClient, personas: dict[str, User], db: Session) -> None:
    process = make_process(db, open_phase="proposals")
    client.log_in(ANNA)
    client.submit(f"/admin/processes/{process.id}/phases/proposals/close")
    db.expire_all()
    refreshed = db.get_one(Process, process.id)
    assert refreshed.current_phase(utcnow() + timedelta(seconds=1)) is None
    assert "/proposals/new" not in client.get("/processes/omabudjetti-2026").text
    assert db.scalars(select(AuditEvent.action)).all() == ["process.phase_closed_early"]


def test_an_admin_sets_districts_with_populations_per_age_band(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_process(db)
    process.age_bands = ["12-17", "18+"]
    db.commit()
    first = db.scalars(select(District)).first()
    assert first is not None
    client.log_in(ANNA)
    response = client.submit(
        f"/admin/processes/{process.id}/districts",
        {"districts": [str(first.id)], f"population_{first.id}_0": "1 200", f"population_{first.id}_1": "9000"},
    )
    assert response.status_code == 303
    db.expire_all()
    [item] = db.get_one(Process, process.id).districts
    assert item.population_by_age == {"12-17": 1200, "18+": 9000}
    assert item.eligible_population == 10200
    bad = client.submit(
        f"/admin/processes/{process.id}/districts", {"districts": [str(first.id)], f"population_{first.id}_0": "many"}
    )
    assert bad.status_code == 422


def test_an_admin_adds_and_removes_budgets_and_themes(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_process(db)
    client.log_in(ANNA)
    added = client.submit(
        f"/admin/processes/{process.id}/budgets", {"budget_name_fi": "Saaristo", "amount": "125 000,50"}
    )
    assert added.status_code == 303
    db.expire_all()
    budgets = db.get_one(Process, process.id).budgets
    assert budgets[-1].amount_cents == 12_500_050 and budgets[-1].district_id is None
    bad = client.submit(f"/admin/processes/{process.id}/budgets", {"budget_name_fi": "X", "amount": "lots"})
    assert bad.status_code == 422 and 'id="amount-error"' in bad.text
    client.submit(f"/admin/processes/{process.id}/budgets/{budgets[-1].id}/delete")
    client.submit(f"/admin/processes/{process.id}/themes", {"theme_name_fi": "Kulttuuri"})
    db.expire_all()
    refreshed = db.get_one(Process, process.id)
    assert len(refreshed.budgets) == 2
    assert [theme.name_fi for theme in refreshed.themes][-1] == "Kulttuuri"


def test_residents_cannot_manage_rounds(client: FormClient, personas: dict[str, User], db: Session) -> None:
    process = make_process(db)
    client.log_in(AINO)
    assert client.get("/admin/processes").status_code == 403
    assert client.submit(f"/admin/processes/{process.id}/details", DETAILS).status_code == 403
