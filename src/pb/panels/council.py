"""The council's response to the panel (issue 8, To the council and back): per recommendation a decision
(accepted, partly, rejected, further study), its reasons, who is responsible and by when, and dated progress
updates. Recorded by council members (or admins); published on the panel's public page and emailed to the
members at once (OECD 2020 principle 2, Accountability: respond publicly, item by item, and report progress).
No HTTP here.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.i18n import N_
from pb.mail import Mailer
from pb.panels.models import Panel, Registration
from pb.panels.recommendations import Stage, recommendations_of
from pb.panels.services import PanelRefused
from pb.panels.work_forms import ResponseForm
from pb.panels.work_models import CouncilResponse, PanelMember, PanelRecommendation, ResponseUpdate
from pb.settings import Settings

log = logging.getLogger(__name__)


class Decision(StrEnum):
    ACCEPTED = "accepted"
    PARTLY = "partly"
    REJECTED = "rejected"
    FURTHER_STUDY = "further_study"


DECISION_LABELS = {
    Decision.ACCEPTED: N_("Accepted"),
    Decision.PARTLY: N_("Partly accepted"),
    Decision.REJECTED: N_("Rejected"),
    Decision.FURTHER_STUDY: N_("Referred for further study"),
}


async def panels_for_council(db: AsyncSession) -> list[Panel]:
    """Panels whose recommendations are final, i.e. handed to the council."""
    return list(
        await db.scalars(
            select(Panel).where(Panel.recommendations_stage == Stage.FINAL).order_by(Panel.last_session_on.desc())
        )
    )


async def get_panel_for_council(db: AsyncSession, panel_id: int) -> Panel:
    panel = await db.get(Panel, panel_id)
    if panel is None or panel.recommendations_stage != Stage.FINAL:
        raise NotFoundException()
    return panel


async def responses_of(db: AsyncSession, panel: Panel) -> dict[int, CouncilResponse]:
    """Recommendation id -> its response."""
    found = await db.scalars(
        select(CouncilResponse)
        .join(PanelRecommendation, CouncilResponse.recommendation_id == PanelRecommendation.id)
        .where(PanelRecommendation.panel_id == panel.id)
    )
    return {item.recommendation_id: item for item in found}


async def save_response(
    db: AsyncSession, actor: User, panel: Panel, recommendation: PanelRecommendation, form: ResponseForm, address: str
) -> CouncilResponse:
    existing = await _response_to(db, recommendation)
    return await _store(db, actor, panel, recommendation, existing, form, address)


async def _response_to(db: AsyncSession, recommendation: PanelRecommendation) -> CouncilResponse | None:
    return await db.scalar(select(CouncilResponse).where(CouncilResponse.recommendation_id == recommendation.id))


async def _store(
    db: AsyncSession,
    actor: User,
    panel: Panel,
    recommendation: PanelRecommendation,
    response: CouncilResponse | None,
    form: ResponseForm,
    address: str,
) -> CouncilResponse:
    """Records `form` as the answer to `recommendation`, over `response`, its earlier answer if any."""
    before = None
    if response is None:
        response = CouncilResponse(recommendation_id=recommendation.id, updates=[])
        db.add(response)
    else:
        before = {
            "decision": response.decision,
            "deadline": response.deadline.isoformat() if response.deadline else None,
        }
    response.decision = form.decision
    response.reasoning = form.reasoning
    response.responsible_body = form.responsible_body
    response.deadline = form.deadline
    response.decision_reference = form.decision_reference
    response.recorded_at = utcnow()
    response.recorded_by_id = actor.id
    record(
        db,
        actor=actor,
        action="panel.response_saved",
        object_type="panel",
        object_id=panel.id,
        before=before,
        after={
            "recommendation_id": recommendation.id,
            "decision": form.decision,
            "deadline": form.deadline.isoformat() if form.deadline else None,
            "published": panel.response_published_at is not None,
        },
        client_address=address,
    )
    await db.commit()
    return response


async def answer(
    db: AsyncSession,
    mailer: Mailer,
    settings: Settings,
    actor: User,
    panel: Panel,
    recommendation: PanelRecommendation,
    form: ResponseForm,
    address: str,
) -> Published | None:
    """Saves the answer to one recommendation. Once the answers are public, a changed answer is public at once, so
    the members get it by email, as they get progress reports (OECD 2020 principle 2, Accountability). None: nobody
    was emailed now (not published yet, or the answer is the same as before)."""
    existing = await _response_to(db, recommendation)
    earlier = _terms(existing) if existing is not None else None
    response = await _store(db, actor, panel, recommendation, existing, form, address)
    if panel.response_published_at is None or earlier == _terms(response):
        return None
    return await _email_members(
        db,
        mailer,
        settings,
        panel,
        CHANGED_SUBJECT,
        "panels/email/changed.txt",
        recommendation=recommendation,
        response=response,
    )


def _terms(response: CouncilResponse) -> tuple[object, ...]:
    """What the members are told of an answer."""
    return (
        response.decision,
        response.reasoning,
        response.responsible_body,
        response.deadline,
        response.decision_reference,
    )


async def add_update(
    db: AsyncSession, actor: User, panel: Panel, response: CouncilResponse, on: date, text: str, address: str
) -> None:
    response.updates.append(ResponseUpdate(on=on, text=text, recorded_by_id=actor.id))
    record(
        db,
        actor=actor,
        action="panel.response_updated",
        object_type="panel",
        object_id=panel.id,
        after={"recommendation_id": response.recommendation_id, "on": on.isoformat()},
        client_address=address,
    )
    await db.commit()


@dataclass(frozen=True)
class Published:
    emailed: int
    unreached: int


RESPONSE_SUBJECT = N_("The council has answered the panel's recommendations")
PROGRESS_SUBJECT = N_("Progress on the council's answer to the panel's recommendations")
CHANGED_SUBJECT = N_("The council has changed its answer to a recommendation of the panel")


async def _email_members(
    db: AsyncSession, mailer: Mailer, settings: Settings, panel: Panel, subject: str, template: str, **context: object
) -> Published:
    """Emails every member who stayed to the end, each in their language; a failed delivery is counted, not fatal
    (the answer is public already, and the facilitators can reach the rest another way)."""
    emailed = unreached = 0
    link = f"{settings.base_url.rstrip('/')}/panels/{panel.slug}"
    for email, language, name in await member_addresses(db, panel):
        if not email:
            unreached += 1
            continue
        message = mailer.compose(
            email,
            language,
            subject,
            template,
            name=name,
            panel=panel,
            decision_labels=DECISION_LABELS,
            panel_link=link,
            **context,
        )
        try:
            await mailer.send(message)
        except (OSError, smtplib.SMTPException):
            log.exception("could not email a member of panel %s", panel.id)
            unreached += 1
            continue
        emailed += 1
    return Published(emailed, unreached)


async def publish(
    db: AsyncSession, mailer: Mailer, settings: Settings, actor: User, panel: Panel, address: str
) -> Published:
    """Publishes the response on the public page and emails every member in their language."""
    if panel.response_published_at is not None:
        raise PanelRefused(N_("The response has already been published."))
    recommendations = await recommendations_of(db, panel)
    responses = await responses_of(db, panel)
    if not recommendations or any(item.id not in responses for item in recommendations):
        raise PanelRefused(N_("Answer every recommendation before publishing."))
    panel.response_published_at = utcnow()
    record(
        db,
        actor=actor,
        action="panel.response_published",
        object_type="panel",
        object_id=panel.id,
        after={"recommendations": len(recommendations)},
        client_address=address,
    )
    await db.commit()
    return await _email_members(
        db,
        mailer,
        settings,
        panel,
        RESPONSE_SUBJECT,
        "panels/email/response.txt",
        items=[(item, responses[item.id]) for item in recommendations],
    )


async def report_progress(
    db: AsyncSession,
    mailer: Mailer,
    settings: Settings,
    actor: User,
    panel: Panel,
    recommendation: PanelRecommendation,
    response: CouncilResponse,
    on: date,
    text: str,
    address: str,
) -> Published | None:
    """Adds a dated progress report; once the answer is public, the members get it by email too (OECD 2020
    principle 2, Accountability: report back on implementation). Before that, the reports go out with the answer
    (None: nobody was emailed now)."""
    await add_update(db, actor, panel, response, on, text, address)
    if panel.response_published_at is None:
        return None
    return await _email_members(
        db,
        mailer,
        settings,
        panel,
        PROGRESS_SUBJECT,
        "panels/email/progress.txt",
        recommendation=recommendation,
        response=response,
        on=on,
        text=text,
    )


async def member_addresses(db: AsyncSession, panel: Panel) -> list[tuple[str, str, str]]:
    """(email, language, name) of every member who stayed to the end: the registration's contact details, or the
    linked account's once the registration has been deleted."""
    members = list(
        await db.scalars(
            select(PanelMember).where(PanelMember.panel_id == panel.id, PanelMember.dropped_out_at.is_(None))
        )
    )
    registrations = {
        item.id: item
        for item in await db.scalars(
            select(Registration).where(Registration.id.in_([m.registration_id for m in members if m.registration_id]))
        )
    }
    users = {
        item.id: item
        for item in await db.scalars(select(User).where(User.id.in_([m.user_id for m in members if m.user_id])))
    }
    found = []
    for member in members:
        registration = registrations.get(member.registration_id or 0)
        user = users.get(member.user_id or 0)
        if registration is not None and registration.email:
            found.append((registration.email, registration.language, member.display_name))
        elif user is not None:
            found.append((user.email, user.preferred_language or "fi", member.display_name))
        else:
            found.append(("", "fi", member.display_name))
    return found
