"""Emails to the pool and the panel (issue 8): who was selected, who is a reserve and who was not (everyone who
registered hears the result, as the letter promised), each in the language they registered in; and the council's
response to the members. A member's email carries a one-time link that joins their account to the workspace;
pb keeps only a keyed hash of it (STYLE.md, Data).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import smtplib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.i18n import N_
from pb.mail import Mailer
from pb.panels.models import Panel, PanelSelection, Registration
from pb.panels.selection import registrations_by_id
from pb.panels.services import PanelRefused
from pb.panels.work_models import PanelMember
from pb.settings import Settings

log = logging.getLogger(__name__)

SUBJECTS = {
    "selected": N_("You have been selected for the citizens' panel"),
    "reserve": N_("You are a reserve for the citizens' panel"),
    "not_selected": N_("The citizens' panel has been selected"),
}


def join_token_hash(secret_key: str, token: str) -> str:
    key = hmac.new(secret_key.encode(), b"pb-panel-key:join-link", hashlib.sha256).digest()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def new_join_token(secret_key: str, member: PanelMember) -> str:
    token = secrets.token_urlsafe(24)
    member.join_token_hash = join_token_hash(secret_key, token)
    return token


JOIN_LINK_SUBJECT = N_("Your link to the citizens' panel's workspace")


async def resend_join_link(
    db: AsyncSession,
    mailer: Mailer,
    settings: Settings,
    actor: User,
    panel: Panel,
    member: PanelMember,
    address: str,
) -> None:
    """Emails a member who has not joined yet a new one-time link (the first was lost, or went to spam); the
    earlier link stops working, since only the newest token's hash is kept. The email goes to the registration's
    address in the registration's language, like the selection email."""
    name = member.display_name or member.pseudonym
    if not member.is_active:
        raise PanelRefused(N_("%(name)s has dropped out of the panel."), name=name)
    if member.user_id is not None:
        raise PanelRefused(N_("%(name)s has already joined the workspace."), name=name)
    registration = await db.get(Registration, member.registration_id) if member.registration_id else None
    if registration is None or not registration.email:
        raise PanelRefused(N_("pb has no email address for %(name)s: reach them another way."), name=name)
    base = settings.base_url.rstrip("/")
    earlier = member.join_token_hash
    message = mailer.compose(
        registration.email,
        registration.language,
        JOIN_LINK_SUBJECT,
        "panels/email/join_link.txt",
        name=registration.name,
        panel=panel,
        join_link=f"{base}/panels/{panel.slug}/join/{new_join_token(settings.secret_key, member)}",
        panel_link=f"{base}/panels/{panel.slug}",
    )
    try:
        await mailer.send(message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not email member %s of panel %s a new join link", member.id, panel.id)
        # The new token is not kept: the link already sent stays the one that works.
        member.join_token_hash = earlier
        raise PanelRefused(N_("The email could not be sent. Try again later.")) from None
    record(
        db,
        actor=actor,
        action="panel.join_link_resent",
        object_type="panel",
        object_id=panel.id,
        after={"member_id": member.id},
        client_address=address,
    )
    await db.commit()


def outcome_of(rank: int | None, on_panel: bool, dropped: bool) -> str | None:
    if dropped:
        return None
    if on_panel:
        return "selected"
    return "reserve" if rank is not None else "not_selected"


@dataclass
class Notified:
    sent: dict[str, int] = field(default_factory=lambda: {"selected": 0, "reserve": 0, "not_selected": 0})
    # People to reach another way (no email address, or the mail server refused): by phone, from the list.
    unreached: list[tuple[Registration, str]] = field(default_factory=list)


async def notify_selection(
    db: AsyncSession,
    mailer: Mailer,
    settings: Settings,
    actor: User,
    panel: Panel,
    selection: PanelSelection,
    address: str,
) -> Notified:
    """Emails everyone whose news has changed since they were last told (after the draw, after a replacement)."""
    registrations = await registrations_by_id(db, selection)
    members = {
        item.pseudonym: item
        for item in await db.scalars(
            select(PanelMember).where(PanelMember.panel_id == panel.id, PanelMember.dropped_out_at.is_(None))
        )
    }
    outcome = Notified()
    base = settings.base_url.rstrip("/")
    for person in selection.people:
        registration = registrations.get(person.registration_id or 0)
        news = outcome_of(person.reserve_rank, person.on_panel, person.dropped_out_at is not None)
        if registration is None or news is None or news == person.notified_as:
            continue
        if not registration.email:
            outcome.unreached.append((registration, news))
            continue
        link = ""
        member = members.get(person.pseudonym)
        if news == "selected" and member is not None and member.user_id is None:
            link = f"{base}/panels/{panel.slug}/join/{new_join_token(settings.secret_key, member)}"
        message = mailer.compose(
            registration.email,
            registration.language,
            SUBJECTS[news],
            f"panels/email/{news}.txt",
            name=registration.name,
            panel=panel,
            rank=person.reserve_rank,
            join_link=link,
            panel_link=f"{base}/panels/{panel.slug}",
            retention_days=panel.unselected_retention_days,
        )
        try:
            await mailer.send(message)
        except (OSError, smtplib.SMTPException):
            log.exception("could not email registration %s of panel %s", registration.id, panel.id)
            outcome.unreached.append((registration, news))
            continue
        person.notified_as = news
        person.notified_at = utcnow()
        outcome.sent[news] += 1
        # Committed one by one: a failure halfway must not send the same news twice on the next try.
        await db.commit()
    record(
        db,
        actor=actor,
        action="panel.selection_notified",
        object_type="panel",
        object_id=panel.id,
        after={"selection_id": selection.id, **outcome.sent, "unreached": len(outcome.unreached)},
        client_address=address,
    )
    await db.commit()
    return outcome


async def pending_notices(db: AsyncSession, selection: PanelSelection) -> int:
    registrations = await registrations_by_id(db, selection)
    return sum(
        1
        for person in selection.people
        if person.registration_id in registrations
        and (news := outcome_of(person.reserve_rank, person.on_panel, person.dropped_out_at is not None)) is not None
        and news != person.notified_as
    )
