"""Arranging a panel at work: members (one of them Sixten, with his account), sessions and recommendations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from pb.db import utcnow
from pb.panels.models import Panel
from pb.panels.work_models import PanelMember, PanelRecommendation, PanelSession, RecommendationVersion
from tests.conftest import FormClient, add_persona
from tests.panels.support import FANNI, add_category, make_panel
from tests.personas import SIXTEN, Persona

# Valtteri: an English-speaking council member who records the council's answers to panels; no other staff role.
VALTTERI = Persona(
    "valtteri@example.fi",
    "Valtteri Valtuutettu",
    "valtuutettu-vastaa-1",
    "en",
    frozenset({Role.RESIDENT, Role.COUNCIL_MEMBER}),
)

# (name, gender index, language index)
MEMBERS = (
    ("Sixten Lindqvist", 1, 1),
    ("Aila Mäkinen", 0, 0),
    ("Noora Heikkinen", 0, 0),
    ("Ahmed Ali", 1, 2),
    ("Ritva Salonen", 0, 0),
    ("Mikael Öhman", 1, 1),
)


@dataclass(frozen=True)
class AtWork:
    panel: Panel
    fanni: User
    sixten: User
    members: list[PanelMember]


def panel_at_work(db: Session, *, stage: str = "drafting") -> AtWork:
    """A published panel whose six members were drawn; Sixten's account has joined the workspace."""
    fanni = add_persona(db, FANNI)
    sixten = add_persona(db, SIXTEN)
    panel = make_panel(db, fanni)
    panel.size = len(MEMBERS)
    panel.recommendations_stage = stage
    gender = add_category(db, panel, "Sukupuoli", [("Nainen", 5100), ("Mies", 4900)])
    language = add_category(db, panel, "Äidinkieli", [("suomi", 8500), ("ruotsi", 1000), ("muu", 500)])
    members = []
    for number, (name, gender_index, language_index) in enumerate(MEMBERS):
        member = PanelMember(
            panel_id=panel.id,
            pseudonym=f"p{number:08x}",
            display_name=name,
            features={
                str(gender.id): str(gender.values[gender_index].id),
                str(language.id): str(language.values[language_index].id),
            },
            user_id=sixten.id if number == 0 else None,
            joined_at=utcnow() if number == 0 else None,
        )
        db.add(member)
        members.append(member)
    db.commit()
    return AtWork(panel, fanni, sixten, members)


def add_session(db: Session, panel: Panel, *, days_from_now: int = 30) -> PanelSession:
    starts = utcnow().replace(microsecond=0) + timedelta(days=days_from_now)
    session = PanelSession(
        panel_id=panel.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="Kaupungintalo",
        agenda="Tutustuminen",
    )
    db.add(session)
    db.commit()
    return session


def add_recommendation(db: Session, panel: Panel, member: PanelMember, title: str) -> PanelRecommendation:
    recommendation = PanelRecommendation(
        panel_id=panel.id,
        position=1,
        title=title,
        body=f"{title}: teksti",
        rationale="Koska se auttaa.",
        created_by_member_id=member.id,
    )
    recommendation.versions.append(
        RecommendationVersion(
            number=1, title=title, body=recommendation.body, rationale=recommendation.rationale, member_id=member.id
        )
    )
    db.add(recommendation)
    db.commit()
    return recommendation


def log_in_in_english(client: FormClient, persona: Persona) -> None:
    """Logs in and chooses English for the rest of the session: these tests read the English texts, whatever
    language the persona prefers (their emails still follow the language they registered in)."""
    client.log_in(persona)
    client.get("/?lang=en")
