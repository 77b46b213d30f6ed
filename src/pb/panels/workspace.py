"""The panel's workspace (issue 8, The panel's work): who may enter, joining with the emailed link, sessions with
attendance, tables and facilitators' notes, materials and expert hearings. No HTTP here; every change is one
transaction, and the facilitators' changes carry an audit entry.

Members see the sessions, materials, hearings, tables, the other members' names and the recommendations; the
facilitators' notes are for the panel's facilitators only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from litestar.exceptions import NotFoundException, PermissionDeniedException
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.i18n import N_
from pb.panels import tables as table_rules
from pb.panels.models import Panel
from pb.panels.notices import join_token_hash
from pb.panels.services import PanelRefused, may_manage
from pb.panels.work_forms import HearingForm, MaterialForm, SessionForm
from pb.panels.work_models import (
    PanelAttendance,
    PanelHearing,
    PanelMaterial,
    PanelMember,
    PanelSeat,
    PanelSession,
)


@dataclass(frozen=True)
class Seat:
    """Who is in the workspace: a member (``member``) or one of the panel's facilitators (``member`` is None)."""

    panel: Panel
    user: User
    member: PanelMember | None

    @property
    def is_facilitator(self) -> bool:
        return self.member is None


async def panel_by_slug(db: AsyncSession, slug: str) -> Panel:
    panel = await db.scalar(select(Panel).where(Panel.slug == slug))
    if panel is None:
        raise NotFoundException()
    return panel


async def get_workspace_for(db: AsyncSession, user: User, slug: str) -> Seat:
    """Access-checked loader: the panel's facilitators (and admins) and its active members; others get 403
    (the panel itself is public, its workspace is not)."""
    panel = await panel_by_slug(db, slug)
    if may_manage(user, panel):
        return Seat(panel, user, None)
    member = await db.scalar(
        select(PanelMember).where(
            PanelMember.panel_id == panel.id, PanelMember.user_id == user.id, PanelMember.dropped_out_at.is_(None)
        )
    )
    if member is None:
        raise PermissionDeniedException()
    return Seat(panel, user, member)


def require_facilitator(seat: Seat) -> None:
    if not seat.is_facilitator:
        raise PermissionDeniedException()


def require_member(seat: Seat) -> PanelMember:
    if seat.member is None:
        raise PermissionDeniedException()
    return seat.member


async def members_of(db: AsyncSession, panel: Panel, *, everyone: bool = False) -> list[PanelMember]:
    """The active members (``everyone``: also those who dropped out, e.g. to name the authors of old versions)."""
    query = select(PanelMember).where(PanelMember.panel_id == panel.id)
    if not everyone:
        query = query.where(PanelMember.dropped_out_at.is_(None))
    return list(await db.scalars(query.order_by(PanelMember.display_name, PanelMember.id)))


async def member_of(db: AsyncSession, panel: Panel, member_id: int) -> PanelMember:
    found = await db.get(PanelMember, member_id)
    if found is None or found.panel_id != panel.id:
        raise NotFoundException()
    return found


async def record_view(db: AsyncSession, seat: Seat, page: str, address: str, **details: object) -> None:
    """A facilitator's look at a workspace page that shows the members' names, attendance or seats, logged as the
    pool and selection pages log theirs (issue 8, Privacy: every access to the personal data is audit-logged).
    Members' own views are not logged: they see each other as fellow members, not as data subjects."""
    if not seat.is_facilitator:
        return
    _audit(db, seat, "panel.workspace_viewed", {"page": page, **details}, address)
    await db.commit()


# --- joining --------------------------------------------------------------------------------------------------


async def member_for_token(db: AsyncSession, secret_key: str, panel: Panel, token: str) -> PanelMember | None:
    return await db.scalar(
        select(PanelMember).where(
            PanelMember.panel_id == panel.id,
            PanelMember.join_token_hash == join_token_hash(secret_key, token),
            PanelMember.dropped_out_at.is_(None),
        )
    )


async def join(db: AsyncSession, user: User, member: PanelMember) -> None:
    """Links the account to the membership; the link works once."""
    already = await db.scalar(
        select(PanelMember.id).where(
            PanelMember.panel_id == member.panel_id, PanelMember.user_id == user.id, PanelMember.id != member.id
        )
    )
    if already is not None:
        raise PanelRefused(N_("Your account is already a member of this panel."))
    member.user_id = user.id
    member.joined_at = utcnow()
    member.join_token_hash = None
    record(
        db,
        actor=user,
        action="panel.member_joined",
        object_type="panel",
        object_id=member.panel_id,
        after={"member_id": member.id},
    )
    await db.commit()


async def set_name_public(db: AsyncSession, seat: Seat, public: bool, address: str) -> None:
    """The member's own consent to show their name on the public page, and its withdrawal (GDPR Art. 7(3)); each
    is logged, since the municipality must be able to show the consent it relies on (GDPR Art. 7(1))."""
    member = require_member(seat)
    member.name_public = public
    _audit(
        db,
        seat,
        "panel.name_consent_given" if public else "panel.name_consent_withdrawn",
        {"member_id": member.id},
        address,
    )
    await db.commit()


# --- sessions -------------------------------------------------------------------------------------------------


async def sessions_of(db: AsyncSession, panel: Panel) -> list[PanelSession]:
    return list(
        await db.scalars(select(PanelSession).where(PanelSession.panel_id == panel.id).order_by(PanelSession.starts_at))
    )


async def session_of(db: AsyncSession, panel: Panel, session_id: int) -> PanelSession:
    found = await db.get(PanelSession, session_id)
    if found is None or found.panel_id != panel.id:
        raise NotFoundException()
    return found


def _audit(db: AsyncSession, seat: Seat, action: str, after: dict[str, object], address: str) -> None:
    record(
        db,
        actor=seat.user,
        action=action,
        object_type="panel",
        object_id=seat.panel.id,
        after=after,
        client_address=address,
    )


async def add_session(db: AsyncSession, seat: Seat, form: SessionForm, address: str) -> PanelSession:
    require_facilitator(seat)
    session = PanelSession(
        panel_id=seat.panel.id,
        starts_at=form.starts_at,
        ends_at=form.ends_at,
        place=form.place,
        online_link=form.online_link,
        agenda=form.agenda,
        attendance=[],
        seats=[],
    )
    db.add(session)
    await db.flush()
    _audit(
        db, seat, "panel.session_added", {"session_id": session.id, "starts_at": form.starts_at.isoformat()}, address
    )
    await db.commit()
    return session


async def save_notes(db: AsyncSession, seat: Seat, session: PanelSession, notes: str, address: str) -> None:
    require_facilitator(seat)
    session.facilitator_notes = notes
    digest = hashlib.sha256(notes.encode()).hexdigest()
    _audit(db, seat, "panel.session_notes_saved", {"session_id": session.id, "sha256": digest}, address)
    await db.commit()


async def save_attendance(db: AsyncSession, seat: Seat, session: PanelSession, present: set[int], address: str) -> None:
    """Attendance of every active member at the session (present or not), replacing what was recorded."""
    require_facilitator(seat)
    members = await members_of(db, seat.panel)
    await db.execute(delete(PanelAttendance).where(PanelAttendance.session_id == session.id))
    db.add_all(
        PanelAttendance(session_id=session.id, member_id=member.id, present=member.id in present) for member in members
    )
    _audit(
        db,
        seat,
        "panel.attendance_saved",
        {"session_id": session.id, "present": len([m for m in members if m.id in present]), "members": len(members)},
        address,
    )
    await db.commit()
    await db.refresh(session)


async def allocate_tables(db: AsyncSession, seat: Seat, session: PanelSession, tables: int, address: str) -> None:
    """Seats the active members at ``tables`` tables, mixed across categories and rotated (pb.panels.tables)."""
    require_facilitator(seat)
    members = await members_of(db, seat.panel)
    if not members:
        raise PanelRefused(N_("The panel has no members yet."))
    earlier = [
        {item.member_id: item.table_number for item in other.seats}
        for other in await sessions_of(db, seat.panel)
        if other.id != session.id and other.starts_at < session.starts_at
    ]
    seating = table_rules.allocate(
        {member.id: {str(k): str(v) for k, v in member.features.items()} for member in members},
        tables,
        f"panel-{seat.panel.id}-session-{session.id}",
        table_rules.earlier_pairs(earlier),
    )
    await db.execute(delete(PanelSeat).where(PanelSeat.session_id == session.id))
    db.add_all(
        PanelSeat(session_id=session.id, member_id=member, table_number=table) for member, table in seating.items()
    )
    session.tables = max(seating.values())
    _audit(db, seat, "panel.tables_allocated", {"session_id": session.id, "tables": session.tables}, address)
    await db.commit()
    await db.refresh(session)


def attended_every_session(sessions: list[PanelSession], members: list[PanelMember]) -> int:
    """Members present at every session held (recruitment funnel, deliberation-panels.md §3.5)."""
    held = [session for session in sessions if session.attendance]
    if not held:
        return 0
    return sum(
        1
        for member in members
        if all(any(item.member_id == member.id and item.present for item in session.attendance) for session in held)
    )


# --- materials and hearings -------------------------------------------------------------------------------------


async def materials_of(db: AsyncSession, panel: Panel) -> list[PanelMaterial]:
    return list(
        await db.scalars(
            select(PanelMaterial).where(PanelMaterial.panel_id == panel.id).order_by(PanelMaterial.added_at)
        )
    )


async def material_of(db: AsyncSession, panel: Panel, material_id: int) -> PanelMaterial:
    found = await db.get(PanelMaterial, material_id)
    if found is None or found.panel_id != panel.id:
        raise NotFoundException()
    return found


async def add_material(
    db: AsyncSession, seat: Seat, form: MaterialForm, file_name: str, media_type: str, data: bytes, address: str
) -> PanelMaterial:
    require_facilitator(seat)
    material = PanelMaterial(
        panel_id=seat.panel.id,
        session_id=form.session_id,
        title=form.title,
        description=form.description,
        perspective=form.perspective,
        file_name=file_name[-200:],
        media_type=media_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        added_by_id=seat.user.id,
    )
    db.add(material)
    await db.flush()
    _audit(db, seat, "panel.material_added", {"material_id": material.id, "sha256": material.sha256}, address)
    await db.commit()
    return material


async def hearings_of(db: AsyncSession, panel: Panel) -> list[PanelHearing]:
    return list(
        await db.scalars(select(PanelHearing).where(PanelHearing.panel_id == panel.id).order_by(PanelHearing.id))
    )


async def add_hearing(db: AsyncSession, seat: Seat, form: HearingForm, address: str) -> PanelHearing:
    require_facilitator(seat)
    hearing = PanelHearing(
        panel_id=seat.panel.id,
        session_id=form.session_id,
        speaker=form.speaker,
        affiliation=form.affiliation,
        declared_interests=form.declared_interests,
        questions=form.questions,
    )
    db.add(hearing)
    await db.flush()
    _audit(db, seat, "panel.hearing_added", {"hearing_id": hearing.id}, address)
    await db.commit()
    return hearing
