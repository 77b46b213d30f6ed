"""The draw of a panel and what follows it (issue 8): the public draw from the published lottery, the reserve
list, replacing members who drop out within the quotas, the panel's composition in numbers, and the published
files (the lottery, and the frozen pool in the format ``pb sortition`` reads).

No HTTP here; every change is one transaction with its audit entry, committed explicitly.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from collections.abc import Sequence

import anyio.to_thread
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

import pb
from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.i18n import N_
from pb.panels.models import (
    Panel,
    PanelCategory,
    PanelCategoryValue,
    PanelReplacement,
    PanelSelection,
    Registration,
    SelectionPerson,
)
from pb.panels.selection import Status, drawn_selection, instance_of, registrations_by_id
from pb.panels.services import PanelRefused
from pb.panels.work_models import PanelMember
from pb.sortition.draw import Lottery, canonical_json, sha256_hex
from pb.sortition.draw import draw as public_draw
from pb.sortition.replacement import NoReplacementError, priority, replace_members

# --- the public draw ------------------------------------------------------------------------------------------------


def stored_lottery(selection: PanelSelection) -> Lottery:
    """The published lottery back from the database, checked against its digest (load ``lottery`` first)."""
    lottery = Lottery(
        tuple(tuple(str(pid) for pid in panel) for panel in selection.lottery),
        {},
        selection.lottery_max_change or 0.0,
        selection.lottery_rounding,
    )
    if lottery.digest != selection.lottery_sha256:
        raise RuntimeError(f"selection {selection.id}: the stored lottery does not match its published digest")
    return lottery


def reserve_order(random_value: str, pseudonyms: Sequence[str]) -> list[str]:
    """The reserve list: willing reserves in the order of their seeded priority (pb.sortition.replacement.priority
    with the draw's public random value as the seed), so anyone can recompute it; the highest comes first."""
    return sorted(pseudonyms, key=lambda pseudonym: (-priority(random_value, pseudonym), pseudonym))


async def draw_panel(
    db: AsyncSession, actor: User, panel: Panel, selection: PanelSelection, random_value: str, source: str, address: str
) -> PanelSelection:
    if selection.status != Status.DONE or selection.lottery_published_at is None:
        raise PanelRefused(N_("Only a finished selection can be drawn."))
    if await drawn_selection(db, panel) is not None:
        raise PanelRefused(N_("The panel has already been drawn."))
    await db.refresh(selection, ["lottery"])
    chosen = public_draw(stored_lottery(selection), random_value)
    now = utcnow()
    # The update claims the draw only once, whoever presses the button first.
    claimed = await db.execute(
        update(PanelSelection)
        .where(PanelSelection.id == selection.id, PanelSelection.drawn_at.is_(None))
        .values(
            drawn_at=now,
            drawn_index=chosen.index,
            random_value=chosen.random_value,
            random_value_source=source,
            drawn_by_id=actor.id,
        )
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await db.rollback()
        raise PanelRefused(N_("The panel has already been drawn."))
    registrations = await registrations_by_id(db, selection)
    selected = set(chosen.selected)
    willing = [
        person.pseudonym
        for person in selection.people
        if person.pseudonym not in selected
        and person.registration_id in registrations
        and registrations[person.registration_id].willing_reserve
    ]
    ranks = {pseudonym: rank for rank, pseudonym in enumerate(reserve_order(chosen.random_value, willing), start=1)}
    for person in selection.people:
        person.selected = person.on_panel = person.pseudonym in selected
        person.reserve_rank = ranks.get(person.pseudonym)
        if person.on_panel:
            db.add(_member(panel, person, registrations.get(person.registration_id or 0)))
    record(
        db,
        actor=actor,
        action="panel.selection_drawn",
        object_type="panel",
        object_id=panel.id,
        after={
            "selection_id": selection.id,
            "random_value": chosen.random_value,
            "index": chosen.index,
            "lottery_sha256": chosen.lottery_digest,
            "selected": list(chosen.selected),
            "reserves": len(ranks),
        },
        client_address=address,
    )
    await db.commit()
    await db.refresh(selection)
    return selection


def _member(panel: Panel, person: SelectionPerson, registration: Registration | None) -> PanelMember:
    return PanelMember(
        panel_id=panel.id,
        pseudonym=person.pseudonym,
        registration_id=person.registration_id,
        display_name=registration.name if registration else "",
        features=dict(person.features),
    )


# --- replacements -------------------------------------------------------------------------------------------------


def panel_digest(pseudonyms: Sequence[str]) -> str:
    return sha256_hex(canonical_json(sorted(pseudonyms)))


async def replace_member(
    db: AsyncSession, actor: User, panel: Panel, selection: PanelSelection, member: PanelMember, address: str
) -> PanelReplacement:
    """Replaces a member who dropped out by the first reserve who keeps every quota (the others stay)."""
    if selection.drawn_at is None:
        raise PanelRefused(N_("The panel has not been drawn yet."))
    people = {person.pseudonym: person for person in selection.people}
    dropped = people.get(member.pseudonym)
    if dropped is None or not dropped.on_panel or member.dropped_out_at is not None:
        raise PanelRefused(N_("This person is not on the panel."))
    on_panel = [person.pseudonym for person in selection.people if person.on_panel]
    reserve = [
        person.pseudonym
        for person in sorted(selection.people, key=lambda item: item.reserve_rank or 0)
        if person.reserve_rank is not None
        and not person.on_panel
        and person.dropped_out_at is None
        and person.registration_id is not None
    ]
    unavailable = [person.pseudonym for person in selection.people if person.dropped_out_at is not None]
    count = len([item for item in selection.people if item.dropped_out_at is not None])
    seed = f"{selection.random_value}#replacement-{count + 1}"
    instance = instance_of(selection)
    try:
        replacement = await anyio.to_thread.run_sync(
            lambda: replace_members(
                instance, on_panel, [member.pseudonym], seed, reserve=reserve, unavailable=unavailable
            )
        )
    except NoReplacementError as error:
        raise PanelRefused(
            N_("No reserve keeps every quota (%(detail)s). You can record the dropout without a replacement."),
            detail=str(error),
        ) from None
    now = utcnow()
    dropped.on_panel = False
    dropped.dropped_out_at = now
    member.dropped_out_at = now
    registrations = await registrations_by_id(db, selection)
    for pseudonym in replacement.added:
        person = people[pseudonym]
        person.on_panel = True
        db.add(_member(panel, person, registrations.get(person.registration_id or 0)))
    row = PanelReplacement(
        selection_id=selection.id,
        dropped=member.pseudonym,
        added=list(replacement.added),
        seed=seed,
        reserve=reserve,
        panel_sha256=panel_digest(replacement.panel),
        replaced_by_id=actor.id,
        software_version=pb.__version__,
    )
    db.add(row)
    record(
        db,
        actor=actor,
        action="panel.member_replaced",
        object_type="panel",
        object_id=panel.id,
        after={
            "selection_id": selection.id,
            "dropped": member.pseudonym,
            "added": list(replacement.added),
            "seed": seed,
            "panel_sha256": row.panel_sha256,
        },
        client_address=address,
    )
    await db.commit()
    return row


async def record_dropout(
    db: AsyncSession, actor: User, panel: Panel, selection: PanelSelection, member: PanelMember, address: str
) -> None:
    """A member leaves and nobody replaces them (no reserve fits, or too late in the process)."""
    person = next((item for item in selection.people if item.pseudonym == member.pseudonym), None)
    if person is None or not person.on_panel or member.dropped_out_at is not None:
        raise PanelRefused(N_("This person is not on the panel."))
    now = utcnow()
    person.on_panel = False
    person.dropped_out_at = now
    member.dropped_out_at = now
    record(
        db,
        actor=actor,
        action="panel.member_dropped_out",
        object_type="panel",
        object_id=panel.id,
        after={"selection_id": selection.id, "dropped": member.pseudonym, "replaced": False},
        client_address=address,
    )
    await db.commit()


async def replacements_of(db: AsyncSession, selection: PanelSelection) -> list[PanelReplacement]:
    return list(
        await db.scalars(
            select(PanelReplacement).where(PanelReplacement.selection_id == selection.id).order_by(PanelReplacement.id)
        )
    )


# --- what anyone may see --------------------------------------------------------------------------------------------


def composition(
    panel: Panel, selection: PanelSelection
) -> list[tuple[PanelCategory, list[tuple[PanelCategoryValue, int]]]]:
    """The panel in numbers by category (never names): what the public page shows after the draw."""
    counts: Counter[tuple[str, str]] = Counter(
        (category, value)
        for person in selection.people
        if person.on_panel
        for category, value in person.features.items()
    )
    return [
        (category, [(value, counts[(str(category.id), str(value.id))]) for value in category.values])
        for category in panel.categories
    ]


async def lottery_file(db: AsyncSession, selection: PanelSelection) -> bytes:
    """The published lottery: its panels in canonical order, exactly the bytes whose SHA-256 is published."""
    await db.refresh(selection, ["lottery"])
    return canonical_json(selection.lottery)


# --- export in the shared sortition format ------------------------------------------------------------------------

EXPORT_README = """Frozen pool of a pb panel selection, in the format `pb sortition FOLDER --seed VALUE` reads.

people.csv   one line per person: a pseudonymous id, a pseudonymous household and one column per category
quotas.csv   category,value,min,max
instance.json  the panel size and the columns
labels.csv   what the category and value ids mean

SHA-256 of the pool (pb.sortition.draw.digests): {pool}
SHA-256 of the quotas: {quotas}
SHA-256 of the whole instance: {instance}
SHA-256 of the published lottery of {size} panels: {lottery}
"""


def export_zip(panel: Panel, selection: PanelSelection) -> bytes:
    """The frozen pool as files anyone can rerun (issue 8: pb sortition reads the same format)."""
    instance = instance_of(selection)
    people = io.StringIO()
    writer = csv.writer(people, lineterminator="\n")
    writer.writerow(["id", "household", *instance.categories])
    for person in instance.people:
        writer.writerow([person.id, person.household, *(person.features[c] for c in instance.categories)])
    quotas = io.StringIO()
    writer = csv.writer(quotas, lineterminator="\n")
    writer.writerow(["category", "value", "min", "max"])
    for quota in instance.quotas:
        writer.writerow([quota.category, quota.value, quota.min, quota.max])
    labels = io.StringIO()
    writer = csv.writer(labels, lineterminator="\n")
    writer.writerow(["category", "value", "category_fi", "value_fi", "category_sv", "value_sv"])
    for category in panel.categories:
        for value in category.values:
            writer.writerow([category.id, value.id, category.name_fi, value.name_fi, category.name_sv, value.name_sv])
    meta = {
        "panel_size": instance.panel_size,
        "id_column": "id",
        "address_columns": ["household"],
        "categories": list(instance.categories),
    }
    readme = EXPORT_README.format(
        pool=selection.pool_sha256,
        quotas=selection.quotas_sha256,
        instance=selection.instance_sha256,
        size=selection.lottery_size,
        lottery=selection.lottery_sha256 or "-",
    )
    files = {
        "people.csv": people.getvalue(),
        "quotas.csv": quotas.getvalue(),
        "instance.json": json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
        "labels.csv": labels.getvalue(),
        "README.txt": readme,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            # A fixed date: the same selection always gives the same file.
            info = zipfile.ZipInfo(f"{panel.slug}-selection-{selection.id}/{name}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
