"""Deleting the pool's personal data when it is no longer needed (issue 8, Privacy; GDPR Art. 5(1)(e), storage
limitation, and Art. 17): the data of people not selected a configurable number of days after the draw, the
members' data a configurable number of days after the panel closes.

What goes, in the order the tables are walked:
- ``panel_registrations``: name, contact details, answers, needs, availability (the row is deleted; the links
  from ``panel_selection_people`` and ``panel_members`` are set to NULL by their foreign keys);
- ``panel_addresses``: the street address and postal code of every address of the register (the address ids
  stay: the published invitation lottery refers to their digest);
- ``panel_members`` of people no longer on the panel (at the first step) and of everyone (at the second): the
  name, the link to an account and any unused join link.
What stays is pseudonymous: the frozen pool of the selection (pseudonyms, category values, household pseudonyms),
so that anyone can still recompute the published selection, and the panel's work under members' pseudonyms.

``purge_due`` runs both steps for every panel whose time has come; ``pb panels purge`` calls it (daily from cron).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.i18n import N_
from pb.panels.models import Panel, PanelAddress, Registration
from pb.panels.selection import drawn_selection
from pb.panels.services import PanelRefused
from pb.panels.work_models import PanelMember


@dataclass(frozen=True)
class Retention:
    """When each deletion is (or was) due, for the facilitator's page."""

    unselected_due: datetime | None
    members_due: datetime | None
    unselected_done: datetime | None
    members_done: datetime | None


async def status(db: AsyncSession, panel: Panel) -> Retention:
    selection = await drawn_selection(db, panel)
    unselected = (
        selection.drawn_at + timedelta(days=panel.unselected_retention_days)
        if selection is not None and selection.drawn_at is not None
        else None
    )
    members = panel.closed_at + timedelta(days=panel.member_retention_days) if panel.closed_at else None
    return Retention(unselected, members, panel.unselected_purged_at, panel.members_purged_at)


@dataclass(frozen=True)
class Purged:
    registrations: int
    addresses: int
    members: int


async def _anonymise_members(db: AsyncSession, panel: Panel, *, only_gone: bool) -> int:
    query = update(PanelMember).where(PanelMember.panel_id == panel.id)
    if only_gone:
        query = query.where(PanelMember.dropped_out_at.is_not(None))
    result = await db.execute(
        query.values(display_name="", user_id=None, registration_id=None, join_token_hash=None, name_public=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def purge_unselected(db: AsyncSession, panel: Panel, actor: User | None = None) -> Purged:
    """Deletes the data of everyone not on the panel now (not selected, reserves, members who dropped out)."""
    selection = await drawn_selection(db, panel)
    if selection is None:
        raise PanelRefused(N_("The panel has not been drawn yet."))
    keep = [p.registration_id for p in selection.people if p.on_panel and p.registration_id is not None]
    removed = await db.execute(
        delete(Registration).where(Registration.panel_id == panel.id, Registration.id.not_in(keep))
    )
    blanked = await db.execute(
        update(PanelAddress)
        .where(PanelAddress.panel_id == panel.id, PanelAddress.street_address != "")
        .values(street_address="", postal_code="")
    )
    members = await _anonymise_members(db, panel, only_gone=True)
    panel.unselected_purged_at = utcnow()
    outcome = Purged(int(removed.rowcount), int(blanked.rowcount), members)  # type: ignore[attr-defined]
    record(
        db,
        actor=actor,
        action="panel.unselected_data_deleted",
        object_type="panel",
        object_id=panel.id,
        after={"registrations": outcome.registrations, "addresses": outcome.addresses, "members": members},
    )
    await db.commit()
    return outcome


async def purge_members(db: AsyncSession, panel: Panel, actor: User | None = None) -> Purged:
    """Deletes the remaining registrations and the members' names and account links (after the panel closed)."""
    if panel.closed_at is None:
        raise PanelRefused(N_("Close the panel first."))
    removed = await db.execute(delete(Registration).where(Registration.panel_id == panel.id))
    blanked = await db.execute(
        update(PanelAddress)
        .where(PanelAddress.panel_id == panel.id, PanelAddress.street_address != "")
        .values(street_address="", postal_code="")
    )
    members = await _anonymise_members(db, panel, only_gone=False)
    panel.members_purged_at = utcnow()
    if panel.unselected_purged_at is None:
        panel.unselected_purged_at = panel.members_purged_at
    outcome = Purged(int(removed.rowcount), int(blanked.rowcount), members)  # type: ignore[attr-defined]
    record(
        db,
        actor=actor,
        action="panel.member_data_deleted",
        object_type="panel",
        object_id=panel.id,
        after={"registrations": outcome.registrations, "addresses": outcome.addresses, "members": members},
    )
    await db.commit()
    return outcome


async def purge_due(db: AsyncSession, now: datetime | None = None) -> list[tuple[str, str, Purged]]:
    """Runs every deletion whose day has come; returns (panel slug, step, what was deleted)."""
    now = now or utcnow()
    done: list[tuple[str, str, Purged]] = []
    for panel in list(await db.scalars(select(Panel).order_by(Panel.id))):
        due = await status(db, panel)
        if panel.members_purged_at is None and due.members_due is not None and due.members_due <= now:
            done.append((panel.slug, "members", await purge_members(db, panel)))
        elif panel.unselected_purged_at is None and due.unselected_due is not None and due.unselected_due <= now:
            done.append((panel.slug, "unselected", await purge_unselected(db, panel)))
    return done


async def save_periods(
    db: AsyncSession, actor: User, panel: Panel, unselected_days: int, member_days: int, address: str
) -> None:
    before = {"unselected_days": panel.unselected_retention_days, "member_days": panel.member_retention_days}
    panel.unselected_retention_days = unselected_days
    panel.member_retention_days = member_days
    record(
        db,
        actor=actor,
        action="panel.retention_saved",
        object_type="panel",
        object_id=panel.id,
        before=before,
        after={"unselected_days": unselected_days, "member_days": member_days},
        client_address=address,
    )
    await db.commit()


async def close_panel(db: AsyncSession, actor: User, panel: Panel, address: str) -> None:
    """The panel's work is over: the members' retention period starts."""
    if panel.closed_at is not None:
        raise PanelRefused(N_("The panel has already been closed."))
    panel.closed_at = utcnow()
    record(
        db,
        actor=actor,
        action="panel.closed",
        object_type="panel",
        object_id=panel.id,
        after={"member_days": panel.member_retention_days},
        client_address=address,
    )
    await db.commit()
