"""Retention and the expert's own data: deleting what is kept no longer than needed, and the JSON download.

Retention periods are registry settings (pb.experts.models.RegistrySettings), decided in the municipality's
records-management plan. ``apply_retention`` runs from the command line (``pb experts retention``, daily from
cron) and from the settings page; each run writes one audit entry with what it deleted, so the audit trail
shows deletions (issue 6, Data rights and retention).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pb import i18n
from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.experts.models import (
    Assignment,
    AssignmentInvitation,
    AssignmentStatus,
    Attendance,
    ConsentPurpose,
    CoordinatorNote,
    Expert,
    ExpertConsent,
    ExpertGroup,
    ExpertIdentity,
    ExpertInput,
    ExpertPaymentDetails,
    ExpertSession,
    ExpertStatus,
    LedgerEntry,
    RegistrySettings,
    SignOff,
)
from pb.experts.registry import withdraw
from pb.i18n import N_


@dataclass
class RetentionOutcome:
    notes_deleted: int = 0
    inputs_deleted: int = 0
    lapsed_withdrawn: int = 0
    invitations_deleted: int = 0
    ledger_deleted: int = 0


async def apply_retention(
    db: AsyncSession, settings: RegistrySettings, actor: User | None, day: date, address: str = "retention"
) -> RetentionOutcome:
    outcome = RetentionOutcome()
    now = utcnow()
    # 1. Notes and input of assignments closed longer ago than the period; the published summary stays.
    closed_before = now - timedelta(days=settings.input_retention_days)
    expired = select(Assignment.id).where(
        Assignment.status == AssignmentStatus.CLOSED, Assignment.closed_at < closed_before
    )
    notes = await db.execute(delete(CoordinatorNote).where(CoordinatorNote.assignment_id.in_(expired)))
    inputs = await db.execute(delete(ExpertInput).where(ExpertInput.assignment_id.in_(expired)))
    outcome.notes_deleted = int(notes.rowcount or 0)  # type: ignore[attr-defined]
    outcome.inputs_deleted = int(inputs.rowcount or 0)  # type: ignore[attr-defined]
    # 2. Invitations never accepted: the entry held only an address, so it goes entirely.
    never_joined = now - timedelta(days=settings.invitation_days + settings.lapsed_retention_days)
    stale = list(
        await db.scalars(
            select(Expert.id).where(Expert.status == ExpertStatus.INVITED, Expert.invited_at < never_joined)
        )
    )
    if stale:
        await db.execute(delete(Expert).where(Expert.id.in_(stale)))
    outcome.invitations_deleted = len(stale)
    await db.commit()
    # 3. Experts whose registry consent ended (expired, not renewed) longer ago than the period leave the
    # registry as if they had withdrawn: contact data deleted, their input with it.
    lapsed_before = day - timedelta(days=settings.lapsed_retention_days)
    for expert in list(await db.scalars(select(Expert).where(Expert.status == ExpertStatus.ACTIVE))):
        consents = list(
            await db.scalars(
                select(ExpertConsent).where(
                    ExpertConsent.expert_id == expert.id, ExpertConsent.purpose == ConsentPurpose.REGISTRY
                )
            )
        )
        if any(consent.in_force(day) for consent in consents):
            continue
        ended = max((consent.expires_on for consent in consents if consent.expires_on), default=None)
        if ended is not None and ended < lapsed_before:
            await withdraw(db, actor, expert, address, reason="consent_expired")
            outcome.lapsed_withdrawn += 1
    # 4. Ledger lines after the bookkeeping period: Kirjanpitolaki 1336/1997 2:10 §, counted from the year's end.
    first_kept = date(day.year - settings.ledger_retention_years, 1, 1)
    ledger = await db.execute(delete(LedgerEntry).where(LedgerEntry.earned_on < first_kept))
    outcome.ledger_deleted = int(ledger.rowcount or 0)  # type: ignore[attr-defined]
    record(
        db,
        actor=actor,
        action="experts.retention_applied",
        object_type="expert_registry_settings",
        object_id=None,
        after=asdict(outcome),
        client_address=address,
    )
    await db.commit()
    return outcome


# --- the expert's own data (GDPR Art. 15 and 20) ----------------------------------------------------------------

FORMAT = "pb-lived-experience-data"
VERSION = 1

README_TEXTS = {
    "about": N_(
        "This file holds everything pb keeps about you as a lived-experience expert, on the date in "
        "“generated_at” (UTC). Your account's own data is in the account download. Times are in UTC."
    ),
    "entries": N_(
        "One entry per expert group: the group, your pseudonym (the code your work is kept under), your status, "
        "your contact details, your profile, how you want to be paid, every consent you have given or "
        "withdrawn, your assignments with your answers, the sessions you attended and the input you wrote, "
        "your sign-offs of summaries, and the fees and expenses recorded for you."
    ),
    "others": N_(
        "Other people's words are not in this file: the coordinators' notes and other experts' input stay "
        "with the group. Published summaries are anonymised and are not personal data."
    ),
}


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


async def own_data(db: AsyncSession, user: User, language: str, address: str) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    rows = await db.execute(
        select(Expert, ExpertIdentity, ExpertGroup)
        .join(ExpertIdentity, ExpertIdentity.expert_id == Expert.id)
        .join(ExpertGroup, ExpertGroup.id == Expert.group_id)
        .where(ExpertIdentity.user_id == user.id)
        .order_by(Expert.id)
    )
    for expert, identity, group in rows:
        payment = await db.get(ExpertPaymentDetails, expert.id)
        consents = await db.scalars(
            select(ExpertConsent).where(ExpertConsent.expert_id == expert.id).order_by(ExpertConsent.given_at)
        )
        invitations = await db.execute(
            select(AssignmentInvitation, Assignment)
            .join(Assignment, Assignment.id == AssignmentInvitation.assignment_id)
            .where(AssignmentInvitation.expert_id == expert.id)
            .order_by(AssignmentInvitation.invited_at)
        )
        assignments = []
        for invitation, assignment in invitations:
            attended = await db.execute(
                select(ExpertSession, Attendance)
                .join(Attendance, Attendance.session_id == ExpertSession.id)
                .where(ExpertSession.assignment_id == assignment.id, Attendance.expert_id == expert.id)
            )
            inputs = await db.scalars(
                select(ExpertInput).where(
                    ExpertInput.assignment_id == assignment.id, ExpertInput.expert_id == expert.id
                )
            )
            assignments.append(
                {
                    "topic": assignment.topic,
                    "starts_on": _when(assignment.starts_on),
                    "ends_on": _when(assignment.ends_on),
                    "invited_at": _when(invitation.invited_at),
                    "response": invitation.response,
                    "responded_at": _when(invitation.responded_at),
                    "agreement_version": invitation.agreement_version,
                    "agreement_sha256": invitation.agreement_sha256,
                    "agreement_accepted_at": _when(invitation.agreement_accepted_at),
                    "sessions": [
                        {
                            "title": session.title,
                            "starts_at": _when(session.starts_at),
                            "attended": mark.attended,
                            "minutes": mark.minutes,
                        }
                        for session, mark in attended
                    ],
                    "input": [{"written_at": _when(item.created_at), "text": item.body} for item in inputs],
                }
            )
        signoffs = await db.scalars(select(SignOff).where(SignOff.expert_id == expert.id).order_by(SignOff.at))
        ledger = await db.scalars(
            select(LedgerEntry).where(LedgerEntry.expert_id == expert.id).order_by(LedgerEntry.earned_on)
        )
        areas = {area.id: area for area in group.areas}
        entries.append(
            {
                "group": group.text("name", language),
                "pseudonym": expert.pseudonym,
                "status": expert.status,
                "invited_at": _when(expert.invited_at),
                "joined_at": _when(expert.joined_at),
                "contact": {
                    "name": identity.name,
                    "email": identity.email,
                    "phone": identity.phone,
                    "preferred_language": identity.preferred_language,
                    "access_needs": identity.access_needs,
                },
                "profile": {
                    "experience_areas": [
                        areas[area_id].text("name", language) for area_id in sorted(expert.area_ids) if area_id in areas
                    ],
                    "trained": expert.trained,
                    "training_details": expert.training_details,
                    "languages": expert.languages,
                    "other_languages": expert.other_languages,
                    "availability": expert.availability,
                    "remote_ok": expert.remote_ok,
                    "unavailable_until": _when(expert.unavailable_until),
                },
                "payment": None
                if payment is None
                else {
                    "fee_preference": payment.fee_preference,
                    "association_name": payment.association_name,
                    "withholding_percent": payment.withholding_basis_points / 100,
                    "has_earnings_limit": payment.has_earnings_limit,
                    "earnings_limit_cents": payment.earnings_limit_cents,
                },
                "consents": [
                    {
                        "purpose": consent.purpose,
                        "text_version": consent.consent_text.version,
                        "text": consent.consent_text.text(language),
                        "given_at": _when(consent.given_at),
                        "expires_on": _when(consent.expires_on),
                        "withdrawn_at": _when(consent.withdrawn_at),
                    }
                    for consent in consents
                ],
                "assignments": assignments,
                "signoffs": [
                    {
                        "summary_id": item.summary_id,
                        "decision": item.decision,
                        "comment": item.comment,
                        "text_sha256": item.content_sha256,
                        "at": _when(item.at),
                    }
                    for item in signoffs
                ],
                "ledger": [
                    {
                        "date": _when(entry.earned_on),
                        "type": entry.kind,
                        "payee": entry.payee,
                        "association": entry.association_name,
                        "description": entry.description,
                        "gross_cents": entry.amount_cents,
                        "withheld_cents": entry.withheld_cents,
                        "net_cents": entry.net_cents,
                    }
                    for entry in ledger
                ],
            }
        )
    record(
        db,
        actor=user,
        action="experts.own_data_exported",
        object_type="user",
        object_id=user.id,
        after={"entries": len(entries)},
        client_address=address,
    )
    await db.commit()
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "readme": {key: i18n.gettext(language, text) for key, text in README_TEXTS.items()},
        "entries": entries,
    }
