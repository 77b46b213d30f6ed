"""Counting a budget from its counted ballots, result records, publication and implementation tracking.

A count goes through the same Pabulib file the public downloads: the counted ballots are written as a `.pb`
file (pb.counting.pabulib's writer), that text is parsed back and counted by the engine exactly as
`pb tally FILE --rule RULE --ties default` does, and the record keeps the text and its SHA-256. So the download
and `pb tally` reproduce the published selection by construction (docs/verify-results.md).

The file's PROJECTS section lists the projects in the budget's lot order, because pb's default tie order ends
with "the order of PROJECTS in the file" when `pb tally` reads a file: that is how the lot travels with the
ballots. Money in the file is in euros (exact decimals), so a completion of the Method of Equal Shares adds one
euro per voter per step, as equalshares.net does with the currency unit.
"""

from __future__ import annotations

import hashlib
import json
import platform
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import anyio.to_process
import anyio.to_thread
import numpy as np
from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import pb
import pb.counting
from pb.accounts.models import User
from pb.audit.services import record as audit
from pb.counting.election import Election, Outcome
from pb.counting.pabulib import (
    Number,
    PabulibFile,
    PabulibProject,
    PabulibVote,
    ballot_digest,
    format_number,
    parse_pabulib,
    write_pabulib,
)
from pb.counting.rules import CLI_NAMES, count
from pb.counting.ties import TieOrder
from pb.db import utcnow
from pb.i18n import N_
from pb.participation import services as participation
from pb.participation.statistics import Statistics
from pb.participation.statistics import compute as participation_statistics
from pb.processes.models import BallotFormat, Budget, BudgetRule, PhaseKind, Process, Project
from pb.processes.services import get_process_for
from pb.results import explain
from pb.results.models import (
    Implementation,
    ImplementationNote,
    ImplementationStatus,
    JobStatus,
    PastElection,
    RecordStatus,
    ResultLot,
    ResultRecord,
    StabilityRun,
)
from pb.results.stability import DEFAULT_RESAMPLES, RESAMPLING_PROCEDURE, stability_of_file
from pb.voting import services as voting
from pb.voting.models import Ballot

HELSINKI = ZoneInfo("Europe/Helsinki")
# Every count uses pb's default tie order: lower cost, then more votes, then the lot (pb.counting.ties).
TIE_ORDER: TieOrder = "default"
DEFAULT_RULE = "mes"
RECORD_FORMAT = "pb-result-record-v1"
LOT_PROCEDURE = "projects sorted by the SHA-256 (hex) of '<seed>:<project_id>', smallest first"

# The `pb tally --rule` names an admin chooses from, pb's default first.
RULE_LABELS = {
    "mes": N_("Method of Equal Shares, completed as equalshares.net does (pb's default)"),
    "mes-fill": N_("Method of Equal Shares, completed, then the remaining money by votes"),
    "mes-uncompleted": N_("Method of Equal Shares without completion"),
    "mes-pabutools": N_("Method of Equal Shares, completed as pabutools does"),
    "mes-checker": N_("Method of Equal Shares, completed as the Pabulib checker does"),
    "greedy": N_("Most votes first, skipping projects that no longer fit"),
    "greedy-no-skip": N_("Most votes first, stopping at the first project that does not fit"),
    "greedy-threshold": N_("Most votes first, among projects that reach a minimum number of votes"),
    "phragmen": N_("Sequential Phragmén"),
}
assert set(RULE_LABELS) == set(CLI_NAMES), "every engine rule has a label"
# Pabulib META `rule` values (pabulib.org/format) for the rules that have one.
PABULIB_RULE_NAMES = {
    "mes": "equalshares/add1",
    "mes-uncompleted": "equalshares",
    "greedy": "greedy",
    "greedy-no-skip": "greedy-no-skip",
    "greedy-threshold": "greedy-threshold",
}


@dataclass
class ResultRefused(Exception):
    """The count or the change cannot be made; `message` is an untranslated msgid."""

    message: str
    params: dict[str, str] = field(default_factory=dict)


# --- access-checked loaders ------------------------------------------------------------------------------------


async def get_process_for_results_staff(db: AsyncSession, user: User, slug: str) -> Process:
    """For the admin pages, whose guard admits admins only: any process, drafts included."""
    return await get_process_for(db, user, slug)


async def get_process_with_results(db: AsyncSession, user: User | None, slug: str) -> Process:
    """A process the user may see and that has published results; 404 otherwise (unpublished results do not
    exist for the public)."""
    process = await get_process_for(db, user, slug)
    if not await published_records(db, process):
        raise NotFoundException()
    return process


def get_budget_of(process: Process, budget_id: int) -> Budget:
    budget = next((budget for budget in process.budgets if budget.id == budget_id), None)
    if budget is None:
        raise NotFoundException()
    return budget


async def get_record_of(db: AsyncSession, process: Process, record_id: int) -> ResultRecord:
    record = await db.get(ResultRecord, record_id)
    if record is None or record.process_id != process.id:
        raise NotFoundException()
    return record


async def get_funded_project(db: AsyncSession, process: Process, project_id: int) -> Project:
    """A project of this process selected by its budget's published result; 404 otherwise."""
    project = await db.get(Project, project_id)
    if project is None or all(budget.id != project.budget_id for budget in process.budgets):
        raise NotFoundException()
    record = await published_record(db, get_budget_of(process, project.budget_id))
    if record is None or project.id not in record.selected:
        raise NotFoundException()
    return project


# --- publication state -----------------------------------------------------------------------------------------


async def published_record(db: AsyncSession, budget: Budget) -> ResultRecord | None:
    """The budget's current result: its most recently published record."""
    query = (
        select(ResultRecord)
        .where(ResultRecord.budget_id == budget.id, ResultRecord.status == RecordStatus.PUBLISHED)
        .order_by(ResultRecord.published_at.desc(), ResultRecord.id.desc())
    )
    return (await db.scalars(query.limit(1))).first()


async def published_records(db: AsyncSession, process: Process) -> dict[int, ResultRecord]:
    """Budget id -> the budget's current published record, for the budgets that have one."""
    found: dict[int, ResultRecord] = {}
    for budget in process.budgets:
        current = await published_record(db, budget)
        if current is not None:
            found[budget.id] = current
    return found


async def results_published(db: AsyncSession, process: Process) -> bool:
    """Whether the results of the round are out: every budget has a published result. This is what makes the
    anonymised ballot lists and the receipt check public (issue 4: "after results are published")."""
    if not process.budgets:
        return False
    return len(await published_records(db, process)) == len(process.budgets)


async def records_of(db: AsyncSession, budget: Budget) -> list[ResultRecord]:
    """Every record of the budget, the newest first (the history the pages show)."""
    query = select(ResultRecord).where(ResultRecord.budget_id == budget.id)
    return list(await db.scalars(query.order_by(ResultRecord.computed_at.desc(), ResultRecord.id.desc())))


# --- the lot ---------------------------------------------------------------------------------------------------


def lot_order(seed: str, project_ids: Iterable[str]) -> list[str]:
    """The lot drawn from `seed` (LOT_PROCEDURE): anyone can redraw it from the published seed."""
    return sorted(project_ids, key=lambda project_id: hashlib.sha256(f"{seed}:{project_id}".encode()).hexdigest())


async def lot_for(db: AsyncSession, budget: Budget, projects: Sequence[Project], actor: User | None) -> ResultLot:
    """The budget's lot, drawn now from a fresh random seed if it has none yet (then kept for every recount)."""
    lot = await db.scalar(select(ResultLot).where(ResultLot.budget_id == budget.id))
    ids = {str(project.id) for project in projects}
    if lot is not None and set(lot.order) == ids:
        return lot
    if lot is not None:
        # The ballot changed after the lot was drawn (a project added or removed): draw for the new set.
        await db.delete(lot)
        await db.flush()
    seed = secrets.token_hex(16)
    lot = ResultLot(budget_id=budget.id, seed=seed, order=lot_order(seed, ids), drawn_by_id=actor.id if actor else None)
    db.add(lot)
    await db.flush()
    return lot


# --- the anonymised ballots file -------------------------------------------------------------------------------


def euros(cents: int) -> Number:
    """Whole cents as exact euros (an int when whole), the unit of the .pb file."""
    value = Fraction(cents, 100)
    return value.numerator if value.denominator == 1 else value


def _day(moment: datetime | None) -> str:
    return moment.astimezone(HELSINKI).strftime("%d.%m.%Y") if moment is not None else ""


def ballots_file(
    process: Process,
    budget: Budget,
    projects: Sequence[Project],
    ballots: Sequence[Ballot],
    order: Sequence[str],
    *,
    rule: str,
    unit: str,
    threshold: int | None = None,
) -> PabulibFile:
    """The counted ballots as Pabulib data: projects in lot order, voters numbered 1, 2, ... in ballot-id order
    (ballot ids are random, so the order says nothing about who voted or when), no other voter data."""
    by_id = {str(project.id): project for project in projects}
    format = BallotFormat(budget.ballot_format)
    vote_type = {BallotFormat.CUMULATIVE: "cumulative", BallotFormat.RANKED: "ordinal"}.get(format, "approval")
    phase = process.phase(PhaseKind.VOTING)
    meta: list[tuple[str, str]] = [
        ("description", f"{process.name_fi}: {budget.name_fi}"),
        ("country", "Finland"),
        ("unit", unit),
        ("instance", process.slug),
        ("subunit", budget.name_fi),
        ("num_projects", str(len(projects))),
        ("num_votes", str(len(ballots))),
        ("budget", format_number(euros(budget.amount_cents))),
        ("vote_type", vote_type),
        ("rule", PABULIB_RULE_NAMES.get(rule, "unknown")),
        ("date_begin", _day(phase.starts_at if phase else None)),
        ("date_end", _day(phase.effective_end if phase else None)),
        ("currency", "EUR"),
    ]
    if format == BallotFormat.APPROVAL:
        meta.append(("max_sum_cost", format_number(euros(budget.amount_cents))))
    if format in (BallotFormat.K_APPROVAL, BallotFormat.RANKED):
        if budget.min_choices:
            meta.append(("min_length", str(budget.min_choices)))
        if budget.max_choices:
            # For ordinal votes the engine scores a ranking by `max_length - position` (Kraków's convention).
            meta.append(("max_length", str(budget.max_choices)))
    if format == BallotFormat.CUMULATIVE:
        if budget.points_per_project:
            meta.append(("max_points", str(budget.points_per_project)))
        if budget.points_total:
            meta.append(("max_sum_points", str(budget.points_total)))
    if threshold is not None:
        meta.append(("min_project_score_threshold", str(threshold)))
    file_projects = tuple(
        PabulibProject(project_id, euros(by_id[project_id].cost_cents), (("name", by_id[project_id].title),))
        for project_id in order
    )
    votes = []
    for number, ballot in enumerate(ballots, 1):
        choices = [(str(project), value) for project, value in voting.decode_choices(ballot.choices).items() if value]
        if format == BallotFormat.RANKED:
            # Stored as [project, rank] with rank 1 first; the file's vote lists the ranking in order.
            choices.sort(key=lambda item: item[1])
            votes.append(PabulibVote(str(number), tuple(project for project, _ in choices)))
        elif format == BallotFormat.CUMULATIVE:
            votes.append(
                PabulibVote(
                    str(number), tuple(project for project, _ in choices), tuple(points for _, points in choices)
                )
            )
        else:
            votes.append(PabulibVote(str(number), tuple(project for project, _ in choices)))
    return PabulibFile(tuple(meta), file_projects, tuple(votes))


@dataclass(frozen=True)
class Count:
    """What counting a ballots file gives: the parsed file, the engine's election and the outcomes."""

    data: PabulibFile
    election: Election
    outcome: Outcome
    # The other rules' selections (or why a rule does not apply), for the comparison on the results page.
    others: dict[str, list[str] | str]


def count_file(text: str, rule: str) -> Count:
    """Counts a .pb text as `pb tally` does (default ties; the lot is the file's project order)."""
    data = parse_pabulib(text)
    election = Election.from_pabulib(data, lot_order=[project.project_id for project in data.projects])
    outcome = count(CLI_NAMES[rule], election, TIE_ORDER)
    others: dict[str, list[str] | str] = {}
    for name in CLI_NAMES:
        # The threshold rule compares only when the file sets a threshold; with none it is plain greedy.
        if name == rule or (name == "greedy-threshold" and election.score_threshold is None):
            continue
        try:
            others[name] = list(count(CLI_NAMES[name], election, TIE_ORDER).selected)
        except ValueError as error:  # a rule that does not apply to these ballots (Phragmén on points)
            others[name] = str(error)
    return Count(data, election, outcome, others)


@lru_cache(maxsize=1)
def engine_version() -> str:
    """The counting engine's identity: pb.counting's source files, hashed (they change without a release)."""
    digest = hashlib.sha256()
    for path in sorted(Path(pb.counting.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"pb.counting sha256:{digest.hexdigest()[:16]}"


def software_versions() -> dict[str, str]:
    return {
        "pb": pb.__version__,
        "engine": engine_version(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


# --- computing and publishing ----------------------------------------------------------------------------------


async def compute_result(
    db: AsyncSession,
    process: Process,
    budget: Budget,
    *,
    rule: str,
    threshold: int | None,
    actor: User | None,
    now: datetime,
    unit: str,
    address: str | None = None,
) -> ResultRecord:
    """Counts the budget's counted ballots with `rule` and stores a new (unpublished) record; commits."""
    if rule not in CLI_NAMES:
        raise ResultRefused(N_("Choose a counting rule."))
    if rule == "greedy-threshold" and threshold is None:
        raise ResultRefused(N_("Give the minimum number of votes for the rule with a threshold."))
    if not voting.voting_has_ended(process, now):
        raise ResultRefused(N_("Results can be counted only after voting has ended."))
    projects = await voting.projects_of(db, budget)
    if not projects:
        raise ResultRefused(N_("This budget has no projects on its ballot."))
    ballots = await voting.counted_ballots(db, budget)
    lot = await lot_for(db, budget, projects, actor)
    data = ballots_file(
        process,
        budget,
        projects,
        ballots,
        lot.order,
        rule=rule,
        unit=unit,
        threshold=threshold if rule == "greedy-threshold" else None,
    )
    text = write_pabulib(data)
    try:
        # The engine is CPU work (a large MES completion takes seconds): off the event loop.
        counted = await anyio.to_thread.run_sync(count_file, text, rule)
    except ValueError as error:
        raise ResultRefused(N_("This rule cannot count these ballots: %(reason)s"), {"reason": str(error)}) from error
    outcome = counted.outcome
    record = ResultRecord(
        process_id=process.id,
        budget_id=budget.id,
        rule=rule,
        variant=CLI_NAMES[rule],
        tie_order=TIE_ORDER,
        parameters=parameters_of(counted.data),
        lot_seed=lot.seed,
        lot_order=list(lot.order),
        ballots_file=text,
        file_digest=hashlib.sha256(text.encode()).hexdigest(),
        ballot_digest=ballot_digest(counted.data),
        voters=len(ballots),
        selected=[int(project_id) for project_id in outcome.selected],
        total_cost_cents=explain.cents(outcome.total_cost),
        tallies=tallies_of(counted.election),
        endowment=None if outcome.endowment is None else str(outcome.endowment),
        mes_runs=outcome.mes_runs,
        ties=[
            {"step": tie.step, "tied": list(tie.tied), "chosen": tie.chosen, "criterion": tie.criterion}
            for tie in outcome.ties
        ],
        explanation=explain.explain(CLI_NAMES[rule], counted.election, outcome),
        comparison=counted.others,
        versions=software_versions(),
        computed_at=now,
        computed_by_id=actor.id if actor else None,
        status=RecordStatus.DRAFT,
    )
    db.add(record)
    await db.flush()
    audit(
        db,
        actor=actor,
        action="result.compute",
        object_type="budget",
        object_id=budget.id,
        after={"record": record.id, "rule": rule, "file_digest": record.file_digest, "selected": record.selected},
        client_address=address,
    )
    await db.commit()
    return record


def parameters_of(data: PabulibFile) -> dict[str, str]:
    """What the rule read besides the ballots: the META entries that change an outcome."""
    wanted = (
        "budget",
        "vote_type",
        "min_length",
        "max_length",
        "max_sum_cost",
        "max_points",
        "max_sum_points",
        "min_project_score_threshold",
        "currency",
    )
    meta = data.meta_map
    return {key: meta[key] for key in wanted if key in meta}


async def publish(
    db: AsyncSession, process: Process, record: ResultRecord, actor: User, now: datetime, address: str | None = None
) -> None:
    """Makes the record the budget's public result; from now on it never changes. Commits."""
    if record.is_published:
        raise ResultRefused(N_("This result is already published."))
    if not voting.voting_has_ended(process, now):
        raise ResultRefused(N_("Results can be published only after voting has ended."))
    record.status = RecordStatus.PUBLISHED
    record.published_at = now
    record.published_by_id = actor.id
    audit(
        db,
        actor=actor,
        action="result.publish",
        object_type="result_record",
        object_id=record.id,
        before={"status": RecordStatus.DRAFT},
        after={"status": RecordStatus.PUBLISHED, "budget": record.budget_id, "file_digest": record.file_digest},
        client_address=address,
    )
    await db.commit()


# --- the record as JSON ----------------------------------------------------------------------------------------


def file_name(process: Process, budget: Budget) -> str:
    return f"{process.slug}-{budget.id}.pb"


def record_document(
    process: Process, budget: Budget, record: ResultRecord, computed_by: str | None, published_by: str | None
) -> dict[str, Any]:
    """The public JSON of a record: everything needed to check it against `pb tally` (docs/verify-results.md)."""
    name = file_name(process, budget)
    return {
        "format": RECORD_FORMAT,
        "record": record.id,
        "process": process.slug,
        "budget": {"id": budget.id, "name_fi": budget.name_fi, "name_sv": budget.name_sv, "name_en": budget.name_en},
        "status": record.status,
        "rule": record.rule,
        "variant": record.variant,
        "tie_order": record.tie_order,
        "parameters": record.parameters,
        "lot": {"seed": record.lot_seed, "order": record.lot_order, "procedure": LOT_PROCEDURE},
        "ballots": {
            "file": name,
            "sha256": record.file_digest,
            "digest": record.ballot_digest,
            "voters": record.voters,
        },
        "selected": [str(project_id) for project_id in record.selected],
        "total_cost": format_number(euros(record.total_cost_cents)),
        "endowment": record.endowment,
        "mes_runs": record.mes_runs,
        "ties": record.ties,
        "versions": record.versions,
        "computed_at": record.computed_at.isoformat(),
        "computed_by": computed_by,
        "published_at": record.published_at.isoformat() if record.published_at else None,
        "published_by": published_by,
        "recompute": f"pb tally {name} --rule {record.rule} --ties {record.tie_order} --json",
    }


def record_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


async def user_names(db: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    return {user.id: user.display_name for user in await db.scalars(select(User).where(User.id.in_(wanted)))}


# --- votes per project -----------------------------------------------------------------------------------------


def tallies(record: ResultRecord) -> tuple[dict[int, int], dict[int, int]]:
    """Project id -> voters who chose it, and -> points (equal to voters for approval ballots; for ranked
    ballots the `max_length - position` points the engine used): as stored with the record when it was counted,
    or, for a record counted before pb stored them, read from the record's own ballots file."""
    stored = record.tallies
    if stored is None:
        stored = tallies_of(Election.from_pabulib(parse_pabulib(record.ballots_file)))
    return (
        {int(project_id): pair[0] for project_id, pair in stored.items()},
        {int(project_id): pair[1] for project_id, pair in stored.items()},
    )


def tallies_of(election: Election) -> dict[str, list[int]]:
    """What ``ResultRecord.tallies`` stores: ballot project id -> [voters, points] in the counted election."""
    supporters = election.supporters()
    scores = election.scores()
    return {project.project_id: [int(supporters[i]), int(scores[i])] for i, project in enumerate(election.projects)}


# --- turnout ---------------------------------------------------------------------------------------------------


def eligible_populations(process: Process, budget: Budget) -> dict[int, dict[str, int]]:
    """District id -> eligible residents by age band, for the people who may vote in `budget`: everyone taking
    part, except that a district budget under the own-district rule is open to its own residents only."""
    populations = {
        item.district_id: {band: int(count) for band, count in item.population_by_age.items()}
        for item in process.districts
    }
    if budget.district_id is not None and process.budget_rule == BudgetRule.OWN_DISTRICT:
        return {district: bands for district, bands in populations.items() if district == budget.district_id}
    return populations


async def turnout_by_budget(db: AsyncSession, process: Process) -> dict[int, Statistics]:
    """Budget id -> its participation by district, age band and channel (pb.participation's figures, from the
    voter records and the paper register, one person one voter), against its eligible population."""
    rows = await participation.participation_rows(db, process)
    channels = participation.channels_of(process)
    return {
        budget.id: participation_statistics(
            [row for row in rows if row.budget_id == budget.id],
            budget_ids=[budget.id],
            populations=eligible_populations(process, budget),
            age_bands=process.age_bands,
            channels=channels,
        )
        for budget in process.budgets
    }


# --- implementation tracking -----------------------------------------------------------------------------------


async def implementations_of(db: AsyncSession, project_ids: Iterable[int]) -> dict[int, Implementation]:
    ids = list(project_ids)
    if not ids:
        return {}
    found = await db.scalars(select(Implementation).where(Implementation.project_id.in_(ids)))
    return {item.project_id: item for item in found}


async def notes_of(db: AsyncSession, project_ids: Iterable[int]) -> dict[int, list[ImplementationNote]]:
    ids = list(project_ids)
    notes: dict[int, list[ImplementationNote]] = {project_id: [] for project_id in ids}
    if not ids:
        return notes
    query = select(ImplementationNote).where(ImplementationNote.project_id.in_(ids))
    for note in await db.scalars(query.order_by(ImplementationNote.day.desc(), ImplementationNote.id.desc())):
        notes[note.project_id].append(note)
    return notes


async def set_implementation(
    db: AsyncSession,
    project: Project,
    *,
    status: ImplementationStatus,
    cancel_reason: str,
    actual_cost_cents: int | None,
    actor: User,
    now: datetime,
    address: str | None = None,
) -> Implementation:
    """Records a funded project's status and actual cost; a cancellation needs its reason. Commits."""
    if status == ImplementationStatus.CANCELLED and not cancel_reason.strip():
        raise ResultRefused(N_("Tell residents why the project was cancelled."))
    item = await db.scalar(select(Implementation).where(Implementation.project_id == project.id))
    before = None
    if item is None:
        item = Implementation(project_id=project.id)
        db.add(item)
    else:
        before = {"status": item.status, "actual_cost_cents": item.actual_cost_cents}
    item.status = status
    item.cancel_reason = cancel_reason.strip() if status == ImplementationStatus.CANCELLED else ""
    item.actual_cost_cents = actual_cost_cents
    item.updated_at = now
    item.updated_by_id = actor.id
    audit(
        db,
        actor=actor,
        action="implementation.update",
        object_type="project",
        object_id=project.id,
        before=before,
        after={"status": status, "actual_cost_cents": actual_cost_cents},
        client_address=address,
    )
    await db.commit()
    return item


async def add_note(
    db: AsyncSession, project: Project, *, day: date, text: str, actor: User, address: str | None = None
) -> ImplementationNote:
    note = ImplementationNote(project_id=project.id, day=day, text=text.strip(), created_by_id=actor.id)
    db.add(note)
    await db.flush()
    audit(
        db,
        actor=actor,
        action="implementation.note",
        object_type="project",
        object_id=project.id,
        after={"note": note.id, "day": day.isoformat()},
        client_address=address,
    )
    await db.commit()
    return note


async def implementation_for_proposal(db: AsyncSession, proposal_id: int) -> tuple[Project, Implementation] | None:
    """For the proposal's page: the funded ballot project made from the proposal and its implementation, if any."""
    query = (
        select(Project, Implementation)
        .join(Implementation, Implementation.project_id == Project.id)
        .where(Project.proposal_id == proposal_id)
    )
    row = (await db.execute(query.limit(1))).first()
    return (row[0], row[1]) if row is not None else None


# --- stability (bootstrap resamples, pb.results.stability) ----------------------------------------------------

# A run still "running" after this long was lost (the server restarted mid-run); staff may start it again.
STABILITY_STALE_AFTER = timedelta(hours=2)


@dataclass(frozen=True)
class ProjectStability:
    project_id: str  # as in the ballots file (for a result record: the ballot project's id as text)
    name: str
    wins: int  # resamples in which the rule selected the project
    share: Fraction  # wins / resamples, exactly
    selected: bool  # selected by the counted outcome itself


@dataclass(frozen=True)
class StabilitySummary:
    """A finished stability run, as plain data for pages and reports.

    Every project of the ballot is listed, the most stable first (then in the ballots file's order). `procedure`
    and `seed` let anyone repeat the resampling from the published ballots file (pb.results.stability).
    """

    run_id: int
    record_id: int | None
    election_id: int | None
    rule: str  # the `pb tally --rule` name
    variant: str  # the engine's variant name
    tie_order: str
    resamples: int
    seed: str
    ballot_digest: str
    procedure: str
    versions: dict[str, str]
    computed_at: datetime
    projects: tuple[ProjectStability, ...]


def _summary(run: StabilityRun, names: dict[str, str], selected: Iterable[str]) -> StabilitySummary:
    chosen = set(selected)
    order = {project_id: position for position, project_id in enumerate(names)}
    projects = sorted(
        (
            ProjectStability(
                project_id,
                names.get(project_id, project_id),
                wins,
                Fraction(wins, run.resamples),
                project_id in chosen,
            )
            for project_id, wins in run.wins.items()
        ),
        key=lambda item: (-item.wins, order.get(item.project_id, len(order)), item.project_id),
    )
    assert run.finished_at is not None
    return StabilitySummary(
        run_id=run.id,
        record_id=run.record_id,
        election_id=run.election_id,
        rule=run.rule,
        variant=run.variant,
        tie_order=run.tie_order,
        resamples=run.resamples,
        seed=run.seed,
        ballot_digest=run.ballot_digest,
        procedure=RESAMPLING_PROCEDURE,
        versions=dict(run.versions),
        computed_at=run.finished_at,
        projects=tuple(projects),
    )


async def stability_run_of(db: AsyncSession, record: ResultRecord) -> StabilityRun | None:
    """The record's stability run in whatever state it is (for the staff page)."""
    return await db.scalar(select(StabilityRun).where(StabilityRun.record_id == record.id))


async def stability_for(db: AsyncSession, record_id: int) -> StabilitySummary | None:
    """The finished bootstrap stability analysis of result record `record_id`, or None when none is finished
    (never requested, still running, or failed).

    For the results page and the PDF outcome report: `projects` has every ballot project (its id as text, as in
    the published ballots file, and its title), how many of `resamples` resamples selected it, that share as an
    exact Fraction, and whether the record itself funded it; the most stable first (ties in the order of the
    ballot projects' ids). The run was made with the record's rule and tie order, so it describes the published
    count; `seed`, `resamples`, `procedure` and `versions` let a reader repeat it (pb.results.stability).
    """
    run = await db.scalar(
        select(StabilityRun).where(StabilityRun.record_id == record_id, StabilityRun.status == JobStatus.DONE)
    )
    if run is None:
        return None
    record = await db.get(ResultRecord, record_id)
    assert record is not None  # the run's foreign key cascades
    # The ballot projects' titles, which the ballots file's `name` column copies (reading them from the file would
    # parse every ballot).
    projects = await db.execute(
        select(Project.id, Project.title).where(Project.budget_id == record.budget_id).order_by(Project.id)
    )
    names = {str(project_id): title for project_id, title in projects}
    return _summary(run, names, (str(project_id) for project_id in record.selected))


async def election_stability(db: AsyncSession, election: PastElection) -> list[StabilitySummary]:
    """The finished stability runs of an imported election, one per rule run, pb's default rule first."""
    runs = await db.scalars(
        select(StabilityRun).where(StabilityRun.election_id == election.id, StabilityRun.status == JobStatus.DONE)
    )
    names = {project["id"]: project["name"] or project["id"] for project in election.projects}
    found = []
    for run in runs:
        outcome = election.outcomes.get(run.rule, {})
        found.append(_summary(run, names, outcome.get("selected", ())))
    rules = list(CLI_NAMES)
    return sorted(found, key=lambda summary: rules.index(summary.rule) if summary.rule in rules else len(rules))


def _may_restart(run: StabilityRun, now: datetime) -> bool:
    return run.status == JobStatus.FAILED or (
        run.status == JobStatus.RUNNING and now - run.requested_at > STABILITY_STALE_AFTER
    )


async def request_stability(
    db: AsyncSession,
    *,
    record: ResultRecord | None = None,
    election: PastElection | None = None,
    rule: str | None = None,
    actor: User | None,
    now: datetime,
    resamples: int = DEFAULT_RESAMPLES,
    seed: str | None = None,
    address: str | None = None,
) -> tuple[StabilityRun, bool]:
    """The stability run of a result record (with its own rule) or of an imported election with `rule`, and
    whether it must be computed now (`run_stability`). A run that is finished or still running is reused as it
    is; a failed or lost one starts again with a new seed. Commits."""
    if (record is None) == (election is None):
        raise ValueError("a stability run is of one result record or one imported election")
    if record is not None:
        rule = record.rule
        query = select(StabilityRun).where(StabilityRun.record_id == record.id)
        digest = record.ballot_digest
    else:
        assert election is not None
        if rule not in CLI_NAMES:
            raise ResultRefused(N_("Choose a counting rule."))
        query = select(StabilityRun).where(StabilityRun.election_id == election.id, StabilityRun.rule == rule)
        digest = election.ballot_digest
    assert rule is not None
    run = await db.scalar(query)
    if run is not None and not _may_restart(run, now):
        return run, False
    if run is None:
        run = StabilityRun(record_id=record.id if record else None, election_id=election.id if election else None)
        db.add(run)
    run.rule = rule
    run.variant = CLI_NAMES[rule]
    run.tie_order = TIE_ORDER
    run.resamples = resamples
    # A fresh random seed, stored and published with the figures so that anyone can repeat the draw.
    run.seed = seed or secrets.token_hex(16)
    run.ballot_digest = digest
    run.status = JobStatus.RUNNING
    run.wins = {}
    run.error = ""
    run.versions = software_versions()
    run.requested_at = now
    run.requested_by_id = actor.id if actor else None
    run.finished_at = None
    await db.flush()
    audit(
        db,
        actor=actor,
        action="result.stability",
        object_type="result_record" if record else "past_election",
        object_id=record.id if record else election.id if election else None,
        after={"run": run.id, "rule": rule, "resamples": resamples, "seed": run.seed},
        client_address=address,
    )
    await db.commit()
    return run, True


async def run_stability(sessions: async_sessionmaker[AsyncSession], run_id: int) -> None:
    """Computes a requested run in a worker process (200 counts of a large election take minutes of CPU, which
    must not hold up the event loop or, through the GIL, the other requests) and stores it. Called after the
    response that requested it (a background task), with sessions of its own."""
    async with sessions() as db:
        run = await db.get(StabilityRun, run_id)
        if run is None or run.status != JobStatus.RUNNING:
            return
        source: str | bytes
        if run.record_id is not None:
            record = await db.get(ResultRecord, run.record_id)
            assert record is not None
            source = record.ballots_file
        else:
            election = await db.get(PastElection, run.election_id)
            assert election is not None
            source = election.file_data
        rule, seed, resamples = run.rule, run.seed, run.resamples
    try:
        wins = await anyio.to_process.run_sync(stability_of_file, source, rule, seed, resamples)
    except Exception as error:  # the rule does not apply to these ballots, or the worker died
        wins, problem = None, f"{type(error).__name__}: {error}"[:2000]
    async with sessions() as db:
        run = await db.get(StabilityRun, run_id)
        if run is None or run.seed != seed:
            return  # deleted, or restarted meanwhile: that newer request owns the row now
        if wins is None:
            run.status = JobStatus.FAILED
            run.error = problem
        else:
            run.status = JobStatus.DONE
            run.wins = wins
        run.finished_at = utcnow()
        run.versions = software_versions()
        await db.commit()
