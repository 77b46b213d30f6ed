"""Arranging panels for the tests: a facilitator persona, a panel with categories, quotas, a privacy text, an
address register, a drawn lottery and letters with known codes."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pypdf
from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from pb.db import utcnow
from pb.panels import lottery
from pb.panels.models import (
    Invitation,
    InvitationDraw,
    Panel,
    PanelAddress,
    PanelCategory,
    PanelCategoryValue,
    PanelFacilitator,
    PanelRegister,
    PrivacyNotice,
)
from pb.panels.recruitment import code_hash
from tests.conftest import add_persona
from tests.personas import Persona

# Fanni: an English-speaking panel facilitator who runs the panels she is named on; not an admin, so other
# panels' pools are hidden from her and the PB admin pages refuse her.
FANNI = Persona(
    "fanni@example.fi", "Fanni Fasilitaattori", "fanni-fasilitoi-1", "en", frozenset({Role.RESIDENT, Role.FACILITATOR})
)
# Folke: another facilitator, of no panel in these tests: he must not see Fanni's panel or its people.
FOLKE = Persona(
    "folke@example.fi", "Folke Facilitator", "folke-facilitates-1", "sv", frozenset({Role.RESIDENT, Role.FACILITATOR})
)

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@dataclass(frozen=True)
class Arranged:
    panel: Panel
    gender: PanelCategory
    language: PanelCategory
    codes: list[str]  # the letters' codes by lottery position (1-based position = index + 1)


def make_panel(db: Session, facilitator: User, *, slug: str = "raati-2026", closes_in_days: int = 14) -> Panel:
    day = date.today()
    panel = Panel(
        slug=slug,
        name_fi="Kuntalaisraati 2026",
        name_sv="Invånarpanelen 2026",
        name_en="Citizens' panel 2026",
        remit_fi="Miten kaupungin keskustaa kehitetään?",
        remit_sv="Hur ska stadens centrum utvecklas?",
        remit_en="How should the city centre be developed?",
        commissioner="Kaupunginvaltuusto",
        size=4,
        tolerance=1,
        registration_closes_on=day + timedelta(days=closes_in_days),
        first_session_on=day + timedelta(days=closes_in_days + 14),
        last_session_on=day + timedelta(days=closes_in_days + 21),
        is_published=True,
        created_by_id=facilitator.id,
    )
    panel.facilitators.append(PanelFacilitator(user_id=facilitator.id))
    db.add(panel)
    db.commit()
    return panel


def add_category(db: Session, panel: Panel, name: str, values: list[tuple[str, int]]) -> PanelCategory:
    category = PanelCategory(panel_id=panel.id, name_fi=name, name_sv=name, name_en=name, position=len(values))
    for position, (value, share) in enumerate(values):
        category.values.append(
            PanelCategoryValue(name_fi=value, name_sv=value, name_en=value, population_share=share, position=position)
        )
    db.add(category)
    db.commit()
    return category


def recruiting_panel(db: Session, facilitator: User, secret_key: str, *, invited: int = 6) -> Arranged:
    """A published panel with two categories, a privacy text (version 1), ten addresses, ``invited`` of them
    drawn, and letters printed for all of them with known codes."""
    panel = make_panel(db, facilitator)
    gender = add_category(db, panel, "Sukupuoli", [("Nainen", 5100), ("Mies", 4900)])
    language = add_category(db, panel, "Äidinkieli", [("suomi", 8500), ("ruotsi", 1000), ("muu", 500)])
    db.add(PrivacyNotice(panel_id=panel.id, version=1, text_fi="Tietosuojaseloste v1", text_sv="Dataskydd v1"))
    keys = [f"A{number:03d}" for number in range(1, 11)]
    addresses = [
        PanelAddress(
            panel_id=panel.id,
            address_key=key,
            street_address=f"Kauppakatu {index}",
            postal_code="00100",
            district="Keskusta",
        )
        for index, key in enumerate(keys, start=1)
    ]
    db.add_all(addresses)
    db.add(
        PanelRegister(
            panel_id=panel.id, file_sha256="0" * 64, register_sha256=lottery.register_digest(keys), addresses=len(keys)
        )
    )
    db.flush()
    drawn = lottery.draw("noppa 3-1-6", keys, invited)
    db.add(
        InvitationDraw(
            panel_id=panel.id,
            method=lottery.METHOD,
            seed="noppa 3-1-6",
            register_sha256=lottery.register_digest(keys),
            register_size=len(keys),
            drawn_count=len(drawn),
            drawn_sha256=lottery.list_digest(drawn),
            software_version="test",
        )
    )
    by_key = {address.address_key: address for address in addresses}
    codes = [f"TEST-{position:04d}-CODE" for position in range(1, len(drawn) + 1)]
    for position, key in enumerate(drawn, start=1):
        db.add(
            Invitation(
                panel_id=panel.id,
                address_id=by_key[key].id,
                position=position,
                letter_printed_at=utcnow(),
                code_hash=code_hash(secret_key, panel.id, codes[position - 1]),
            )
        )
    db.commit()
    return Arranged(panel, gender, language, codes)


def registration_form(arranged: Arranged, code: str, **overrides: str) -> dict[str, str]:
    form = {
        "code": code,
        "name": "Sixten Lindqvist",
        "email": "sixten@example.fi",
        "phone": "",
        "language": "sv",
        f"category_{arranged.gender.id}": str(arranged.gender.values[1].id),
        f"category_{arranged.language.id}": str(arranged.language.values[1].id),
        "available_all_sessions": "yes",
        "willing_reserve": "yes",
        "accessibility_needs": "Hörslinga",
        "dietary_needs": "",
        "availability_notes": "",
        "consent": "yes",
        "privacy_version": "1",
    }
    form.update(overrides)
    return form


def add_fanni(db: Session) -> User:
    return add_persona(db, FANNI)
