"""Selecting a panel from its registered pool (issue 8, Selection): the pool as a selection instance, the
feasibility check in words a facilitator can act on, freezing the pool for a LEXIMIN run (which runs in a worker
process, ``pb.panels.selection_job``), the public draw, the reserve list, replacements and the file export.

The algorithms are pb.sortition's; this module only adapts the database to them. No HTTP here; every change is
one transaction with its audit entry, committed explicitly.

Pseudonyms: the frozen pool names people ``p`` + 8 hex digits and households ``h`` + 8 hex digits, both random
per run, so the published lottery and the exported pool say nothing about who registered or where they live.
A household is one normalised address (street address and postal code, ``pb.sortition.models.household_key``),
so two letters sent to one flat under two register ids still make one household (issue 8: at most one person
per household).
"""

from __future__ import annotations

import secrets
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import anyio.to_thread
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

import pb
from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.i18n import N_
from pb.panels import quotas as quota_rules
from pb.panels.models import (
    Invitation,
    Panel,
    PanelAddress,
    PanelCategory,
    PanelCategoryValue,
    PanelSelection,
    Registration,
    SelectionPerson,
)
from pb.panels.services import PanelRefused, save_quotas
from pb.sortition import feasibility as sortition_feasibility
from pb.sortition.draw import digests, pool_document, quotas_document
from pb.sortition.models import Instance, Person, Quota, household_key


class Status(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INFEASIBLE = "infeasible"
    SUPERSEDED = "superseded"


# The worker writes a heartbeat at least at every LEXIMIN step; a run silent this long has died (a restart).
STALE_AFTER = timedelta(minutes=5)


def is_stale(selection: PanelSelection, now: datetime) -> bool:
    last = selection.heartbeat_at or selection.created_at
    return selection.status == Status.RUNNING and last < now - STALE_AFTER


# --- the pool as a selection instance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolEntry:
    registration_id: int
    pseudonym: str
    features: dict[str, str]
    household: str


@dataclass(frozen=True)
class Pool:
    instance: Instance
    entries: tuple[PoolEntry, ...]
    # Registrations without an answer to every category cannot be placed in the quotas and are left out.
    incomplete: int


@dataclass(frozen=True)
class PoolRow:
    registration_id: int
    answers: Mapping[str, Any]
    street_address: str
    postal_code: str


def _pseudonym(prefix: str, taken: set[str]) -> str:
    while True:
        name = prefix + secrets.token_hex(4)
        if name not in taken:
            taken.add(name)
            return name


def panel_quotas(panel: Panel) -> list[Quota] | None:
    """The panel's quotas as the engine reads them (category and value ids as text); None while one is unset."""
    found: list[Quota] = []
    for category in panel.categories:
        for value in category.values:
            if value.min_count is None or value.max_count is None:
                return None
            found.append(Quota(str(category.id), str(value.id), value.min_count, value.max_count))
    return found or None


def build_pool(quotas: Sequence[Quota], panel_size: int, rows: Sequence[PoolRow]) -> Pool:
    categories = tuple(dict.fromkeys(quota.category for quota in quotas))
    allowed = {(quota.category, quota.value) for quota in quotas}
    taken: set[str] = set()
    households: dict[str, str] = {}
    entries: list[PoolEntry] = []
    incomplete = 0
    for row in rows:
        features = {category: str(row.answers.get(category, "")) for category in categories}
        if any((category, value) not in allowed for category, value in features.items()):
            incomplete += 1
            continue
        # One normalised address is one household (issue 8); pb.sortition.models.household_key folds case,
        # width and punctuation, so "Katu 1 a 3" and "KATU 1A 3" are the same flat.
        key = household_key([row.street_address, row.postal_code]) or f"registration {row.registration_id}"
        if key not in households:
            households[key] = _pseudonym("h", taken)
        entries.append(PoolEntry(row.registration_id, _pseudonym("p", taken), features, households[key]))
    instance = Instance(
        people=tuple(Person(entry.pseudonym, entry.features, entry.household) for entry in entries),
        quotas=tuple(quotas),
        panel_size=panel_size,
        categories=categories,
        name="pool",
        household_rule=True,
    )
    return Pool(instance, tuple(entries), incomplete)


async def load_pool(db: AsyncSession, panel: Panel) -> Pool | None:
    """The registered people as a selection instance with fresh pseudonyms; None while a quota is unset."""
    quotas = panel_quotas(panel)
    if quotas is None:
        return None
    rows = await db.execute(
        select(Registration.id, Registration.answers, PanelAddress.street_address, PanelAddress.postal_code)
        .join(Invitation, Registration.invitation_id == Invitation.id)
        .join(PanelAddress, Invitation.address_id == PanelAddress.id)
        .where(Registration.panel_id == panel.id)
        .order_by(Registration.id)
    )
    return build_pool(quotas, panel.size, [PoolRow(*row) for row in rows])


def instance_of(selection: PanelSelection) -> Instance:
    """The frozen instance back from its stored documents (the same digests, checked)."""
    quotas = tuple(Quota(item["category"], item["value"], item["min"], item["max"]) for item in selection.quotas)
    categories = tuple(dict.fromkeys(quota.category for quota in quotas))
    people = tuple(Person(item["id"], dict(item["features"]), item["household"]) for item in selection.pool)
    instance = Instance(
        people=people,
        quotas=quotas,
        panel_size=selection.panel_size,
        categories=categories,
        name="pool",
        household_rule=selection.household_rule,
    )
    if digests(instance)["instance_sha256"] != selection.instance_sha256:
        raise RuntimeError(f"selection {selection.id}: the stored pool does not match its published digest")
    return instance


# --- feasibility ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortage:
    """One reason no panel meets the quotas, provable by counting (``kind`` picks the sentence)."""

    kind: str  # "households", "mins_above_size", "maxes_below_size", "value_short"
    category: str = ""
    value: str = ""
    needed: int = 0
    available: int = 0


@dataclass(frozen=True)
class Loosening:
    category: str
    value: str
    min: int
    max: int
    new_min: int
    new_max: int


@dataclass(frozen=True)
class Conflict:
    """A quota bound in a set that cannot all hold together (pb.sortition.feasibility.conflicting_bounds)."""

    category: str
    value: str
    side: str  # "min" or "max"
    bound: int


@dataclass(frozen=True)
class Forced:
    """Interchangeable people whose chance the quotas force near 0 or 1 (issue 8: warn before the draw)."""

    features: dict[str, str]
    people: int
    low: float
    high: float
    near: str  # "one" or "zero"


@dataclass(frozen=True)
class Feasibility:
    feasible: bool
    shortages: tuple[Shortage, ...] = ()
    relaxations: tuple[Loosening, ...] = ()
    # False when no change of quotas helps (too few households for the panel size).
    relaxation_exists: bool = True
    forced: tuple[Forced, ...] = ()
    # Named when no shortage explains the conflict (issue 8: show which quotas conflict).
    conflicts: tuple[Conflict, ...] = ()

    def document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Feasibility:
        return cls(
            feasible=bool(document["feasible"]),
            shortages=tuple(Shortage(**item) for item in document["shortages"]),
            relaxations=tuple(Loosening(**item) for item in document["relaxations"]),
            relaxation_exists=bool(document["relaxation_exists"]),
            forced=tuple(Forced(**item) for item in document["forced"]),
            # Runs stored before conflicts were named have none.
            conflicts=tuple(Conflict(**item) for item in document.get("conflicts", ())),
        )


def _shortages(instance: Instance) -> list[Shortage]:
    """The counting arguments of pb.sortition.feasibility, as data to explain in the reader's language."""
    size = instance.panel_size
    found: list[Shortage] = []
    households = {person.household for person in instance.people}
    if len(households) < size:
        found.append(Shortage("households", needed=size, available=len(households)))
    for category in instance.categories:
        rows = [quota for quota in instance.quotas if quota.category == category]
        if sum(quota.min for quota in rows) > size:
            found.append(Shortage("mins_above_size", category, needed=sum(q.min for q in rows), available=size))
        if sum(quota.max for quota in rows) < size:
            found.append(Shortage("maxes_below_size", category, needed=size, available=sum(q.max for q in rows)))
    for quota in instance.quotas:
        holders = {p.household for p in instance.people if p.features[quota.category] == quota.value}
        if len(holders) < quota.min:
            found.append(Shortage("value_short", quota.category, quota.value, quota.min, len(holders)))
    return found


def check_feasibility(instance: Instance) -> Feasibility:
    """CPU work (HiGHS integer programs, about half a second on a 1,000-person pool): run it off the event loop."""
    report = sortition_feasibility.check(instance)
    if report.feasible:
        by_id = {person.id: person for person in instance.people}
        forced = tuple(
            Forced(
                dict(by_id[item.person_ids[0]].features),
                len(item.person_ids),
                item.low,
                item.high,
                "zero" if item.high <= sortition_feasibility.NEAR_ZERO else "one",
            )
            for item in report.forced
        )
        return Feasibility(True, forced=forced)
    relaxations = tuple(
        Loosening(item.category, item.value, item.min, item.max, item.new_min, item.new_max)
        for item in report.relaxations
    )
    conflicts = tuple(Conflict(item.category, item.value, item.side, item.bound) for item in report.conflicting)
    return Feasibility(
        False, tuple(_shortages(instance)), relaxations, relaxation_exists=bool(relaxations), conflicts=conflicts
    )


async def feasibility_of(pool: Pool) -> Feasibility:
    if len(pool.instance.people) < pool.instance.panel_size:
        return Feasibility(
            False, (Shortage("households", needed=pool.instance.panel_size, available=len(pool.instance.people)),)
        )
    return await anyio.to_thread.run_sync(check_feasibility, pool.instance)


async def relax_quotas(db: AsyncSession, actor: User, panel: Panel, address: str) -> int:
    """Applies the smallest relaxation to the panel's quotas; returns how many quotas changed."""
    pool = await load_pool(db, panel)
    if pool is None:
        raise PanelRefused(N_("Set every quota first."))
    result = await feasibility_of(pool)
    if result.feasible or not result.relaxations:
        raise PanelRefused(N_("There is no relaxation to apply."))
    bounds = {
        int(item.value): quota_rules.Bounds(item.new_min, item.new_max)
        for item in result.relaxations
        if item.value.isdigit()
    }
    await save_quotas(db, actor, panel, bounds, address)
    return len(bounds)


# --- the runs -----------------------------------------------------------------------------------------------------


async def selections_of(db: AsyncSession, panel: Panel) -> list[PanelSelection]:
    return list(
        await db.scalars(
            select(PanelSelection).where(PanelSelection.panel_id == panel.id).order_by(PanelSelection.id.desc())
        )
    )


async def current_selection(db: AsyncSession, panel: Panel) -> PanelSelection | None:
    """The drawn selection if there is one, else the newest run."""
    runs = await selections_of(db, panel)
    drawn = [item for item in runs if item.drawn_at is not None]
    return drawn[0] if drawn else (runs[0] if runs else None)


async def drawn_selection(db: AsyncSession, panel: Panel) -> PanelSelection | None:
    return await db.scalar(
        select(PanelSelection).where(PanelSelection.panel_id == panel.id, PanelSelection.drawn_at.is_not(None))
    )


async def start_selection(db: AsyncSession, actor: User, panel: Panel, pool: Pool, address: str) -> PanelSelection:
    """Freezes the pool and quotas (their digests are published with the result) for a worker to run LEXIMIN on."""
    now = utcnow()
    for item in await selections_of(db, panel):
        if item.drawn_at is not None:
            raise PanelRefused(N_("The panel has already been drawn; replace members who drop out instead."))
        if item.status == Status.RUNNING and not is_stale(item, now):
            raise PanelRefused(N_("A selection is already running. Wait for it to finish."))
    for item in await selections_of(db, panel):
        if item.status in {Status.DONE, Status.RUNNING}:
            item.status = Status.SUPERSEDED
    instance = pool.instance
    found = digests(instance)
    selection = PanelSelection(
        panel_id=panel.id,
        created_by_id=actor.id,
        status=Status.RUNNING,
        progress={"message": "queued", "stage": 0, "fixed_groups": 0, "groups": 0, "seconds": 0.0},
        heartbeat_at=now,
        pool=pool_document(instance),
        quotas=quotas_document(instance),
        panel_size=instance.panel_size,
        household_rule=instance.household_rule,
        pool_sha256=found["pool_sha256"],
        quotas_sha256=found["quotas_sha256"],
        instance_sha256=found["instance_sha256"],
        software_version=pb.__version__,
        people=[
            SelectionPerson(
                registration_id=entry.registration_id,
                pseudonym=entry.pseudonym,
                features=entry.features,
                household=entry.household,
            )
            for entry in pool.entries
        ],
    )
    db.add(selection)
    await db.flush()
    record(
        db,
        actor=actor,
        action="panel.selection_started",
        object_type="panel",
        object_id=panel.id,
        after={"selection_id": selection.id, "pool": len(pool.entries), **found},
        client_address=address,
    )
    await db.commit()
    return selection


async def mark_failed(db: AsyncSession, selection_id: int, error: str) -> None:
    """When the worker process itself died (it records its own errors otherwise)."""
    await db.execute(
        update(PanelSelection)
        .where(PanelSelection.id == selection_id, PanelSelection.status == Status.RUNNING)
        .values(status=Status.FAILED, error=error[:2000], finished_at=utcnow())
    )
    await db.commit()


def get_selection(panel: Panel, selections: Sequence[PanelSelection], selection_id: int) -> PanelSelection | None:
    return next((item for item in selections if item.id == selection_id and item.panel_id == panel.id), None)


# --- what the facilitator sees ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaLine:
    value: PanelCategoryValue
    population_share: int
    min: int
    max: int
    # The proportional count of the population shares (pb.panels.quotas.centre_counts).
    target: int
    in_pool: int
    # The expected number on the panel under the computed distribution (sum of the holders' chances).
    expected: float | None
    on_panel: int | None


def quota_lines(panel: Panel, selection: PanelSelection) -> list[tuple[PanelCategory, list[QuotaLine]]]:
    frozen = {(item["category"], item["value"]): item for item in selection.quotas}
    in_pool: Counter[tuple[str, str]] = Counter()
    expected: dict[tuple[str, str], float] = {}
    on_panel: Counter[tuple[str, str]] = Counter()
    for person in selection.people:
        for pair in person.features.items():
            in_pool[pair] += 1
            if person.probability is not None:
                expected[pair] = expected.get(pair, 0.0) + person.probability
            if person.on_panel:
                on_panel[pair] += 1
    drawn = selection.drawn_at is not None
    lines: list[tuple[PanelCategory, list[QuotaLine]]] = []
    for category in panel.categories:
        targets = quota_rules.centre_counts([value.population_share for value in category.values], selection.panel_size)
        rows = []
        for value, target in zip(category.values, targets, strict=True):
            key = (str(category.id), str(value.id))
            quota = frozen.get(key, {"min": value.min_count or 0, "max": value.max_count or 0})
            rows.append(
                QuotaLine(
                    value,
                    value.population_share,
                    int(quota["min"]),
                    int(quota["max"]),
                    target,
                    in_pool[key],
                    expected.get(key) if selection.status == Status.DONE else None,
                    on_panel[key] if drawn else None,
                )
            )
        lines.append((category, rows))
    return lines


@dataclass(frozen=True)
class Distribution:
    """The selection probabilities at a glance (issue 8): minimum, median, maximum, and k/n for comparison."""

    minimum: float
    median: float
    maximum: float
    k_over_n: float
    # (lower, upper, people) per bin of equal width.
    histogram: tuple[tuple[float, float, int], ...]


HISTOGRAM_BINS = 10


def distribution(probabilities: Sequence[float], panel_size: int) -> Distribution | None:
    if not probabilities:
        return None
    top = max(probabilities)
    # Bins up to the next 5 percentage points above the largest chance, so that small chances spread out.
    upper = max(0.05, -(-round(top * 1000) // 50) * 0.05)
    width = upper / HISTOGRAM_BINS
    counts = [0] * HISTOGRAM_BINS
    for value in probabilities:
        counts[min(HISTOGRAM_BINS - 1, int(value / width + 1e-9))] += 1
    bins = tuple((index * width, (index + 1) * width, counts[index]) for index in range(HISTOGRAM_BINS))
    return Distribution(
        min(probabilities), statistics.median(probabilities), top, panel_size / len(probabilities), bins
    )


def value_labels(panel: Panel, language: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Category id -> name, and category id -> value id -> name, in ``language``."""
    categories = {str(category.id): category.text("name", language) for category in panel.categories}
    values = {
        str(category.id): {str(value.id): value.text("name", language) for value in category.values}
        for category in panel.categories
    }
    return categories, values


async def registrations_by_id(db: AsyncSession, selection: PanelSelection) -> dict[int, Registration]:
    ids = [person.registration_id for person in selection.people if person.registration_id is not None]
    if not ids:
        return {}
    found = await db.scalars(select(Registration).where(Registration.id.in_(ids)))
    return {item.id: item for item in found}


async def read_people(
    db: AsyncSession, actor: User, panel: Panel, selection: PanelSelection, address: str
) -> dict[int, Registration]:
    """The people behind the pseudonyms, for the panel's facilitators; every read is audit-logged (issue 8)."""
    found = await registrations_by_id(db, selection)
    record(
        db,
        actor=actor,
        action="panel.selection_viewed",
        object_type="panel",
        object_id=panel.id,
        after={"selection_id": selection.id, "registrations": len(found)},
        client_address=address,
    )
    await db.commit()
    return found
