"""Arranging a panel with a registered pool for the selection tests, and running its selection in-process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.panels import lottery, selection_job
from pb.panels.models import (
    Invitation,
    InvitationDraw,
    Panel,
    PanelAddress,
    PanelCategory,
    PanelRegister,
    PanelSelection,
    PrivacyNotice,
    Registration,
)
from pb.panels.selection_job import run_selection
from pb.panels.services import proposed_quotas
from tests.conftest import FormClient, add_persona
from tests.panels.support import FANNI, add_category, make_panel

# (name, email, language, gender index, language index, street address, willing to be a reserve)
PEOPLE = (
    ("Aila Mäkinen", "aila@example.fi", "fi", 0, 0, "Kauppakatu 1 A 1", True),
    ("Sixten Lindqvist", "sixten@example.fi", "sv", 1, 1, "Strandgatan 2", True),
    ("Noora Heikkinen", "noora@example.fi", "fi", 0, 0, "Koulukatu 3", True),
    ("Ahmed Ali", "ahmed@example.fi", "en", 1, 2, "Rantatie 4", False),
    ("Ritva Salonen", "ritva@example.fi", "fi", 0, 0, "Myllytie 5", True),
    ("Mikael Öhman", "mikael@example.fi", "sv", 1, 1, "Kirkkokatu 6", True),
    ("Juha Nieminen", "", "fi", 1, 0, "Asematie 7", True),
    ("Elina Koskinen", "elina@example.fi", "fi", 0, 0, "Puistotie 8", True),
    # Same flat as Aila, written differently: one household.
    ("Oskari Mäkinen", "oskari@example.fi", "fi", 1, 0, "KAUPPAKATU 1 a 1", True),
    ("Anna Berg", "anna.berg@example.fi", "sv", 0, 1, "Torget 10", False),
)


@dataclass(frozen=True)
class Pooled:
    panel: Panel
    gender: PanelCategory
    language: PanelCategory
    registrations: list[Registration]


def pooled_panel(db: Session, facilitator: User, *, slug: str = "raati-2026", size: int = 4) -> Pooled:
    """A published panel with two categories and proposed quotas, and the ten PEOPLE registered."""
    panel = make_panel(db, facilitator, slug=slug)
    panel.size = size
    gender = add_category(db, panel, "Sukupuoli", [("Nainen", 5100), ("Mies", 4900)])
    language = add_category(db, panel, "Äidinkieli", [("suomi", 8500), ("ruotsi", 1000), ("muu", 500)])
    db.refresh(panel)
    for value_id, bounds in proposed_quotas(panel).items():
        for category in (gender, language):
            for value in category.values:
                if value.id == value_id:
                    value.min_count, value.max_count = bounds.min, bounds.max
    notice = PrivacyNotice(panel_id=panel.id, version=1, text_fi="Tietosuojaseloste v1")
    db.add(notice)
    keys = [f"B{number:03d}" for number in range(len(PEOPLE))]
    addresses = [
        PanelAddress(panel_id=panel.id, address_key=key, street_address=person[5], postal_code="00100", district="K")
        for key, person in zip(keys, PEOPLE, strict=True)
    ]
    db.add_all(addresses)
    db.add(
        PanelRegister(
            panel_id=panel.id, file_sha256="0" * 64, register_sha256=lottery.register_digest(keys), addresses=len(keys)
        )
    )
    db.add(
        InvitationDraw(
            panel_id=panel.id,
            method=lottery.METHOD,
            seed="noppa",
            register_sha256=lottery.register_digest(keys),
            register_size=len(keys),
            drawn_count=len(keys),
            drawn_sha256=lottery.list_digest(keys),
            software_version="test",
        )
    )
    db.flush()
    registrations = []
    for position, (address, person) in enumerate(zip(addresses, PEOPLE, strict=True), start=1):
        name, email, tongue, gender_index, language_index, _street, reserve = person
        invitation = Invitation(panel_id=panel.id, address_id=address.id, position=position, used_at=utcnow())
        db.add(invitation)
        db.flush()
        registration = Registration(
            panel_id=panel.id,
            invitation_id=invitation.id,
            household_key=address.address_key,
            name=name,
            email=email,
            phone="040 123 4567" if not email else "",
            language=tongue,
            answers={
                str(gender.id): str(gender.values[gender_index].id),
                str(language.id): str(language.values[language_index].id),
            },
            available_all_sessions=True,
            willing_reserve=reserve,
            privacy_notice_id=notice.id,
        )
        db.add(registration)
        registrations.append(registration)
    # Registration has closed: the panel is being selected.
    panel.registration_closes_on = utcnow().date() - timedelta(days=1)
    db.commit()
    return Pooled(panel, gender, language, registrations)


async def no_worker(*_: object) -> None:
    """Stands in for pb.panels.selection_job.run_in_worker where a test runs the job itself (run_latest)."""


def run_latest(db: Session, database_url: str, panel: Panel) -> PanelSelection:
    """Runs the newest selection of the panel in this process, as the worker process would."""
    selection = db.scalars(
        select(PanelSelection).where(PanelSelection.panel_id == panel.id).order_by(PanelSelection.id.desc())
    ).first()
    assert selection is not None
    run_selection(database_url, selection.id)
    db.expire_all()
    found = db.get(PanelSelection, selection.id)
    assert found is not None
    return found


def drawn(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[Pooled, PanelSelection]:
    """Fanni runs the selection of the pooled panel (in this process) and draws it with a public value."""
    monkeypatch.setattr(selection_job, "run_in_worker", no_worker)
    pooled = pooled_panel(db, add_persona(db, FANNI))
    client.log_in(FANNI)
    assert client.submit(f"/facilitator/panels/{pooled.panel.id}/selection/run").status_code == 303
    selection = run_latest(db, database_url, pooled.panel)
    response = client.submit(
        f"/facilitator/panels/{pooled.panel.id}/selection/{selection.id}/draw",
        {"random_value": "6-2-5-1", "random_value_source": "Nopat, todistajana puheenjohtaja"},
    )
    assert response.status_code == 303
    db.expire_all()
    return pooled, db.get(PanelSelection, selection.id)  # type: ignore[return-value]
