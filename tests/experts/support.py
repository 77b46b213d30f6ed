"""Arranging lived-experience groups for the tests: Kaisa's mental-health group with two experts (Eeva and Elias)
in an assignment Dora asked for, their input and Kaisa's note, and Karl's child-welfare group next to it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pypdf
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.experts.models import (
    Assignment,
    AssignmentInvitation,
    AssignmentStatus,
    Attendance,
    ConsentPurpose,
    ConsentText,
    CoordinatorNote,
    ExperienceArea,
    Expert,
    ExpertAreaChoice,
    ExpertConsent,
    ExpertGroup,
    ExpertGroupCoordinator,
    ExpertIdentity,
    ExpertInput,
    ExpertPaymentDetails,
    ExpertSession,
    ExpertStatus,
    FeePreference,
    InvitationResponse,
)
from tests.experts.personas import DORA, EEVA, ELIAS, KAISA, KARL

EEVA_INPUT = "Eeva kirjoitti: ajanvaraus puhelimella kesti tunnin."
ELIAS_INPUT = "Elias wrote: the waiting room felt unsafe."
KAISA_NOTE = "Kaisan muistiinpano: sovittiin toinen tapaaminen."


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def audit(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@dataclass(frozen=True)
class Arranged:
    group: ExpertGroup
    other_group: ExpertGroup
    areas: list[ExperienceArea]  # adult mental health, substance abuse, youth, housing
    texts: dict[ConsentPurpose, ConsentText]
    eeva: Expert
    elias: Expert
    assignment: Assignment
    eeva_invitation: AssignmentInvitation
    elias_invitation: AssignmentInvitation
    session: ExpertSession
    eeva_input: ExpertInput
    elias_input: ExpertInput
    note: CoordinatorNote


def make_group(db: Session, coordinator: User, name: str) -> ExpertGroup:
    group = ExpertGroup(name_fi=name, name_sv=name, name_en=name, created_by_id=coordinator.id)
    group.coordinators.append(ExpertGroupCoordinator(user_id=coordinator.id))
    db.add(group)
    db.commit()
    return group


def add_expert(
    db: Session,
    group: ExpertGroup,
    user: User | None,
    name: str,
    email: str,
    areas: list[ExperienceArea],
    texts: dict[ConsentPurpose, ConsentText],
    *,
    purposes: tuple[ConsentPurpose, ...] = (ConsentPurpose.REGISTRY, ConsentPurpose.CONTACT),
    fee: FeePreference = FeePreference.FEE,
    withholding: int = 2500,
    phone: str = "",
    pseudonym: str | None = None,
) -> Expert:
    expert = Expert(
        group_id=group.id,
        pseudonym=pseudonym or f"KA-T{len(db.scalars(select(Expert)).all()):05d}",
        status=ExpertStatus.ACTIVE,
        joined_at=datetime.now(UTC),
        trained=True,
        languages=["fi"],
        availability=["weekday_daytime", "weekday_evening"],
        profile_updated_at=datetime.now(UTC),
    )
    for area in areas:
        expert.area_choices.append(ExpertAreaChoice(area_id=area.id))
    db.add(expert)
    db.flush()
    db.add(ExpertIdentity(expert_id=expert.id, user_id=user.id if user else None, name=name, email=email, phone=phone))
    db.add(
        ExpertPaymentDetails(
            expert_id=expert.id,
            fee_preference=fee,
            association_name="Mielen ry" if fee is FeePreference.ASSOCIATION else "",
            withholding_basis_points=withholding if fee is FeePreference.FEE else 0,
        )
    )
    for purpose in purposes:
        db.add(ExpertConsent(expert_id=expert.id, purpose=purpose, consent_text_id=texts[purpose].id))
    db.commit()
    return expert


def invite(db: Session, assignment: Assignment, expert: Expert, *, accepted: bool = True) -> AssignmentInvitation:
    invitation = AssignmentInvitation(
        assignment_id=assignment.id,
        expert_id=expert.id,
        response=InvitationResponse.ACCEPTED if accepted else InvitationResponse.PENDING,
        agreement_version=1 if accepted else None,
        agreement_accepted_at=datetime.now(UTC) if accepted else None,
    )
    db.add(invitation)
    db.commit()
    return invitation


def another_assignment(db: Session, group: ExpertGroup, topic: str = "Toinen tehtävä") -> Assignment:
    """An open assignment nobody has been invited to yet."""
    assignment = Assignment(
        group_id=group.id,
        status=AssignmentStatus.OPEN,
        topic=topic,
        questions="Mitä mieltä olette?",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=9),
        experts_wanted=3,
        fee_rate_cents=2500,
        agreement_text="Salassapito.",
    )
    db.add(assignment)
    db.commit()
    return assignment


def profile(areas: list[int], **overrides: object) -> dict[str, object]:
    """The expert's profile form, filled in as a person would (Aino's details unless overridden)."""
    form: dict[str, object] = {
        "name": "Aino Virtanen",
        "email": "aino.private@example.fi",
        "phone": "040 765 4321",
        "preferred_language": "fi",
        "areas": [str(area) for area in areas],
        "trained": "yes",
        "training_details": "Kokemusasiantuntijakoulutus 2024",
        "languages": ["fi", "sv"],
        "availability": ["weekday_evening"],
        "fee_preference": "fee",
        "withholding": "25,5",
    }
    form.update(overrides)
    return form


def arrange(db: Session, people: dict[str, User]) -> Arranged:
    kaisa, karl = people[KAISA.email], people[KARL.email]
    group = make_group(db, kaisa, "Mielenterveyspalvelut")
    other = make_group(db, karl, "Lastensuojelu")
    areas = []
    for position, name in enumerate(("Adult mental health", "Substance abuse", "Youth services", "Housing")):
        area = ExperienceArea(group_id=group.id, name_fi=name, name_sv=name, name_en=name, position=position)
        db.add(area)
        areas.append(area)
    texts = {}
    for purpose in ConsentPurpose:
        text = ConsentText(group_id=group.id, purpose=purpose, version=1, text_fi=f"Suostumus: {purpose.value}")
        db.add(text)
        texts[purpose] = text
    db.add(ConsentText(group_id=other.id, purpose=ConsentPurpose.REGISTRY, version=1, text_fi="Rekisteri"))
    db.commit()
    eeva = add_expert(
        db,
        group,
        people[EEVA.email],
        EEVA.name,
        EEVA.email,
        areas[:2],
        texts,
        purposes=tuple(ConsentPurpose),
        phone="040 123 4567",
        pseudonym="KA-EEVA22",
    )
    elias = add_expert(
        db,
        group,
        people[ELIAS.email],
        ELIAS.name,
        ELIAS.email,
        [areas[0], areas[3]],
        texts,
        fee=FeePreference.ASSOCIATION,
        pseudonym="KA-ELIAS2",
    )
    today = date.today()
    assignment = Assignment(
        group_id=group.id,
        status=AssignmentStatus.OPEN,
        requested_by_id=people[DORA.email].id,
        department="Sosiaalipalvelut",
        topic="Ajanvarauksen sujuvuus",
        questions="Miten ajanvaraus sujuu?",
        starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(days=30),
        experts_wanted=2,
        fee_rate_cents=3000,
        agreement_text="Pidän salassa muiden asiat.",
    )
    db.add(assignment)
    db.commit()
    eeva_invitation = invite(db, assignment, eeva)
    elias_invitation = invite(db, assignment, elias)
    session = ExpertSession(
        assignment_id=assignment.id,
        title="Tapaaminen 1",
        starts_at=datetime.now(UTC) - timedelta(days=2),
        duration_minutes=90,
    )
    db.add(session)
    db.flush()
    db.add_all(
        [
            Attendance(session_id=session.id, expert_id=eeva.id, attended=True, minutes=90),
            Attendance(session_id=session.id, expert_id=elias.id, attended=True, minutes=90),
        ]
    )
    eeva_input = ExpertInput(assignment_id=assignment.id, expert_id=eeva.id, body=EEVA_INPUT)
    elias_input = ExpertInput(assignment_id=assignment.id, expert_id=elias.id, body=ELIAS_INPUT)
    note = CoordinatorNote(assignment_id=assignment.id, author_id=kaisa.id, body=KAISA_NOTE)
    db.add_all([eeva_input, elias_input, note])
    db.commit()
    return Arranged(
        group=group,
        other_group=other,
        areas=areas,
        texts=texts,
        eeva=eeva,
        elias=elias,
        assignment=assignment,
        eeva_invitation=eeva_invitation,
        elias_invitation=elias_invitation,
        session=session,
        eeva_input=eeva_input,
        elias_input=elias_input,
        note=note,
    )
