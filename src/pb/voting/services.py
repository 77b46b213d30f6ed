"""Casting and finding ballots: which budgets a voter votes in, the server-side rule check, the two-table write.

Every channel (online, code, assisted, paper register) ends in a `Voter`: a keyed hash that is the same for one
person across channels, plus what statistics need. The web layers build a Voter; this module never sees an
identifier, a code or an account.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Boolean, Integer, String, Table, bindparam, func, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from pb.db import UTCDateTime
from pb.eligibility.models import CodeStatus, VotingCode
from pb.i18n import N_
from pb.processes.models import Budget, BudgetRule, PhaseKind, Process, Project
from pb.voting import rules
from pb.voting.models import Ballot, BallotStatus, Channel, VoterRecord
from pb.voting.secrecy import Keys, new_receipt, normalise_code, receipt_hash

HELSINKI = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class Voter:
    """A person about to vote, as far as voting needs to know them."""

    key: str  # Keys.person(identifier), or Keys.code_voter(code id) for code-only voters
    channel: Channel
    district_id: int | None  # home district (from the census or the code's letter)
    age_band: str | None
    # The account, when there is one: for the summary email and the "my ballot" page. Never stored with a ballot.
    user_id: int | None = None


@dataclass
class VotingRefused(Exception):
    """The ballot cannot be cast. `message` is an untranslated msgid; `problems` the ballot's broken rules."""

    message: str
    params: Mapping[str, int | str] = field(default_factory=dict)
    problems: list[rules.Problem] = field(default_factory=list)


class RoundChanged(Exception):
    """The round changed after the caller's copy of it was loaded (its `config_version` moved on): nothing was
    written, and the cast must be decided again on the round as it is now."""


# --- time and age ------------------------------------------------------------------------------------------


def voting_is_open(process: Process, now: datetime) -> bool:
    return process.is_open_for(PhaseKind.VOTING, now)


def voting_has_ended(process: Process, now: datetime) -> bool:
    phase = process.phase(PhaseKind.VOTING)
    return phase is not None and phase.state(now) == "ended"


def last_voting_day(process: Process) -> date | None:
    """The calendar day (Europe/Helsinki) of the last moment of voting; the minimum age applies on it."""
    phase = process.phase(PhaseKind.VOTING)
    if phase is None:
        return None
    # The phase ends at an instant (e.g. midnight); the last day of voting is the day of the instant before it.
    last_moment = phase.effective_end.astimezone(HELSINKI)
    day = last_moment.date()
    if last_moment.time() == datetime.min.time():
        day = date.fromordinal(day.toordinal() - 1)
    return day


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_band(bands: Sequence[str], age: int) -> str | None:
    """The process's band ("12-17", "65+") that holds `age`, or None."""
    for band in bands:
        text = band.strip()
        try:
            if text.endswith("+"):
                if age >= int(text[:-1]):
                    return band
            elif "-" in text:
                low, high = (int(part) for part in text.split("-", 1))
                if low <= age <= high:
                    return band
        except ValueError:
            continue
    return None


def old_enough(process: Process, birth_date: date) -> bool:
    day = last_voting_day(process)
    return day is not None and age_on(birth_date, day) >= process.minimum_age


# --- which budgets -----------------------------------------------------------------------------------------


def slot_for(process: Process, budget: Budget) -> str:
    """The voter-record slot: one per budget, except that under the city-wide-plus-one-district rule all
    district budgets share one, so the database itself keeps a voter to one district."""
    if process.budget_rule == BudgetRule.CITYWIDE_PLUS_ONE and budget.district_id is not None:
        return "district"
    return f"budget:{budget.id}"


def budgets_for(process: Process, voter: Voter) -> list[Budget]:
    """The budgets this voter may vote in under the process's rule (before any choice of district)."""
    if process.budget_rule == BudgetRule.OWN_DISTRICT:
        return [b for b in process.budgets if b.district_id is None or b.district_id == voter.district_id]
    return list(process.budgets)


async def voter_records(db: AsyncSession, process: Process, voter: Voter) -> list[VoterRecord]:
    query = select(VoterRecord).where(VoterRecord.process_id == process.id, VoterRecord.voter_key == voter.key)
    return list(await db.scalars(query))


def refusal_for_budget(process: Process, budget: Budget, voter: Voter, records: Iterable[VoterRecord]) -> str | None:
    """Why this voter may not vote in this budget (a msgid), or None."""
    if budget not in budgets_for(process, voter):
        return N_("You can vote only in the city-wide budget and in your own district's budget.")
    slot = slot_for(process, budget)
    for record in records:
        if record.slot == slot and record.budget_id != budget.id:
            return N_("You have already voted in another district's budget. You can change that ballot instead.")
    return None


# --- ballots -----------------------------------------------------------------------------------------------


def ballot_rules(budget: Budget) -> rules.BallotRules:
    return rules.BallotRules(
        format=rules.Format(budget.ballot_format),
        budget_cents=budget.amount_cents,
        min_spend_percent=budget.min_spend_percent,
        min_choices=budget.min_choices,
        max_choices=budget.max_choices,
        points_total=budget.points_total,
        points_per_project=budget.points_per_project,
    )


async def projects_of(db: AsyncSession, budget: Budget) -> list[Project]:
    return list(await db.scalars(select(Project).where(Project.budget_id == budget.id).order_by(Project.id)))


def encode_choices(choices: Mapping[int, int]) -> list[list[int]]:
    return [[project, value] for project, value in sorted(choices.items())]


def decode_choices(stored: Iterable[Any]) -> dict[int, int]:
    return {int(project): int(value) for project, value in stored}


@functools.cache
def _sqlite_write_statements() -> tuple[Any, Any, Any]:
    """The three statements of a ballot's write on SQLite, built once: a statement built per call costs more
    Python time than the database spends on it. (PostgreSQL does the same in one: _POSTGRESQL_CAST.)"""
    records = cast(Table, VoterRecord.__table__)
    new_record = sqlite_insert(records)
    record = new_record.on_conflict_do_update(
        index_elements=["process_id", "voter_key", "slot"],
        set_={"last_voted_at": new_record.excluded.last_voted_at, "channel": new_record.excluded.channel},
        # Under the one-district rule the slot may hold another district's budget: then nothing is updated.
        where=records.c.budget_id == new_record.excluded.budget_id,
    ).returning(records.c.id)
    new_ballot = sqlite_insert(cast(Table, Ballot.__table__))
    ballot = new_ballot.on_conflict_do_update(
        index_elements=["budget_id", "link"],
        set_={"choices": new_ballot.excluded.choices, "receipt_hash": new_ballot.excluded.receipt_hash},
    )
    codes = cast(Table, VotingCode.__table__)
    code_used = (
        update(codes)
        .where(codes.c.id == bindparam("code_id"), codes.c.status == CodeStatus.UNUSED)
        .values(status=CodeStatus.USED)
    )
    return record, ballot, code_used


# Voting day's write on PostgreSQL in one statement and one round trip (data-modifying CTEs, PostgreSQL manual
# 7.8.4): the voter record, the ballot and the letter's code, guarded by the version of the round the caller
# decided on. Every CTE runs exactly once and sees the record's RETURNING rows, so the ballot and the code are
# written only when the record was (same rules as _sqlite_write_statements: under the one-district rule a slot holding
# another district's budget returns no row). The outer SELECT tells the two "nothing written" cases apart.
_POSTGRESQL_CAST = text(
    """
    WITH round AS (
        SELECT config_version FROM processes WHERE id = :process_id
    ), record AS (
        INSERT INTO voter_records
            (process_id, budget_id, voter_key, slot, channel, district_id, age_band, first_voted_at, last_voted_at)
        SELECT :process_id, :budget_id, :voter_key, :slot, :channel, :district_id, :age_band, :now, :now
        WHERE :version IS NULL OR (SELECT config_version FROM round) = :version
        ON CONFLICT (process_id, voter_key, slot) DO UPDATE
            SET last_voted_at = excluded.last_voted_at, channel = excluded.channel
            WHERE voter_records.budget_id = excluded.budget_id
        RETURNING id
    ), ballot AS (
        INSERT INTO ballots (id, budget_id, link, choices, receipt_hash, is_paper, status)
        SELECT :ballot_id, :budget_id, :link, :choices, :receipt_hash, :is_paper, :status
        WHERE EXISTS (SELECT FROM record)
        ON CONFLICT (budget_id, link) DO UPDATE
            SET choices = excluded.choices, receipt_hash = excluded.receipt_hash
        RETURNING 1
    ), code AS (
        UPDATE voting_codes SET status = :code_used
        WHERE id = :code_id AND status = :code_unused AND EXISTS (SELECT FROM record)
        RETURNING 1
    )
    SELECT (SELECT config_version FROM round) AS version, (SELECT id FROM record) AS record_id
    """
).bindparams(
    # Typed, so that psycopg's parameters get casts (PostgreSQL cannot infer them inside INSERT ... SELECT).
    bindparam("process_id", type_=Integer()),
    bindparam("version", type_=Integer()),
    bindparam("budget_id", type_=Integer()),
    bindparam("voter_key", type_=String()),
    bindparam("slot", type_=String()),
    bindparam("channel", type_=String()),
    bindparam("district_id", type_=Integer()),
    bindparam("age_band", type_=String()),
    bindparam("now", type_=UTCDateTime()),
    bindparam("ballot_id", type_=String()),
    bindparam("link", type_=String()),
    bindparam("choices", type_=JSON()),
    bindparam("receipt_hash", type_=String()),
    bindparam("is_paper", type_=Boolean()),
    bindparam("status", type_=String()),
    bindparam("code_used", type_=String()),
    bindparam("code_unused", type_=String()),
    bindparam("code_id", type_=Integer()),
)


async def cast_ballot(
    db: AsyncSession,
    keys: Keys,
    process: Process,
    budget: Budget,
    voter: Voter,
    choices: Mapping[int, int],
    now: datetime,
    *,
    used_code_id: int | None = None,
    projects: Sequence[Project] | None = None,
    records: Sequence[VoterRecord] | None = None,
    round_version: int | None = None,
) -> str:
    """Stores the ballot (replacing the voter's earlier one in this budget) and returns its new receipt code.

    Raises VotingRefused when voting is not open, the budget is not the voter's, or the ballot breaks a rule.
    One transaction; the unique keys make 50 concurrent submissions of one voter end as one record and one
    ballot (the last one written counts).

    `round_version` is the `config_version` of the copy of `process` the checks were made on, when that copy
    was not checked against the database (the worker's cache); the write then checks it itself and raises
    RoundChanged, writing nothing, when the round has changed since.
    """
    if not voting_is_open(process, now):
        if voting_has_ended(process, now):
            raise VotingRefused(N_("Voting has closed. Your ballot was not saved."))
        raise VotingRefused(N_("Voting has not started yet."))
    if budget.process_id != process.id:
        raise VotingRefused(N_("This budget is not part of this round."))
    # The voting pages have usually loaded the voter's records and the budget's projects already; a cast is
    # voting day's hot path.
    if records is None:
        records = await voter_records(db, process, voter)
    refusal = refusal_for_budget(process, budget, voter, records)
    if refusal:
        raise VotingRefused(refusal)
    on_ballot = projects if projects is not None else await projects_of(db, budget)
    costs = {project.id: project.cost_cents for project in on_ballot}
    broken = rules.problems(ballot_rules(budget), costs, choices)
    if broken:
        raise VotingRefused(N_("The ballot breaks the rules of this budget."), problems=broken)
    if db.get_bind().dialect.name == "sqlite" and db.in_transaction():
        # End the reading transaction, so that the writing one begins with a write: on SQLite a transaction that
        # reads first and then writes cannot wait for the lock and fails at once when another voter wrote between.
        # (PostgreSQL's upserts need no such step, and a commit is a round trip.)
        await db.commit()
    return await store_ballot(
        db, keys, process, budget, voter, choices, now, used_code_id=used_code_id, round_version=round_version
    )


async def store_ballot(
    db: AsyncSession,
    keys: Keys,
    process: Process,
    budget: Budget,
    voter: Voter,
    choices: Mapping[int, int],
    now: datetime,
    *,
    receipt: str | None = None,
    used_code_id: int | None = None,
    round_version: int | None = None,
) -> str:
    """The write of `cast_ballot`, without its checks (the demo data uses it for a round that has ended).
    Writes the voter record and the ballot (and marks a letter's code used) in one transaction and commits;
    one commit is one disk flush on voting day. Returns the receipt code."""
    receipt = receipt or new_receipt()
    values = {
        "process_id": process.id,
        "budget_id": budget.id,
        "voter_key": voter.key,
        "slot": slot_for(process, budget),
        "channel": voter.channel,
        "district_id": voter.district_id,
        "age_band": voter.age_band,
        "ballot_id": secrets.token_hex(16),
        "link": keys.ballot_link(budget.id, voter.key),
        "choices": encode_choices(choices),
        "receipt_hash": receipt_hash(receipt),
        "is_paper": False,
        "status": BallotStatus.COUNTED,
    }
    if db.get_bind().dialect.name == "postgresql":
        written = await _write_postgresql(db, values, now, used_code_id, round_version)
    else:
        written = await _write_sqlite(db, process, values, now, used_code_id, round_version)
    if not written:
        raise VotingRefused(
            N_("You have already voted in another district's budget. You can change that ballot instead.")
        )
    return receipt


async def _write_postgresql(
    db: AsyncSession, values: dict[str, Any], now: datetime, code_id: int | None, version: int | None
) -> bool:
    """One statement (_POSTGRESQL_CAST); outside a transaction it runs on its own, without BEGIN and COMMIT
    (a single statement is atomic), which is the cast's one round trip. True when the ballot was written."""
    parameters = {
        **values,
        "now": now,
        "version": version,
        "code_id": code_id,
        "code_used": CodeStatus.USED,
        "code_unused": CodeStatus.UNUSED,
    }
    alone = {} if db.in_transaction() else {"isolation_level": "AUTOCOMMIT"}
    connection = await db.connection(execution_options=alone)
    found = (await connection.execute(_POSTGRESQL_CAST, parameters)).one()
    if version is not None and found.version != version:
        await db.rollback()
        raise RoundChanged()
    if found.record_id is None:
        await db.rollback()
        return False
    await db.commit()
    return True


async def _write_sqlite(
    db: AsyncSession,
    process: Process,
    values: dict[str, Any],
    now: datetime,
    code_id: int | None,
    version: int | None,
) -> bool:
    """The same write on SQLite (no data-modifying CTEs): three statements in one transaction."""
    record, ballot, code_used = _sqlite_write_statements()
    connection = await db.connection()
    if version is not None:
        current = await connection.scalar(select(Process.__table__.c.config_version).where(Process.id == process.id))
        if current != version:
            await db.rollback()
            raise RoundChanged()
    stored = await connection.execute(
        record,
        {
            key: values[key]
            for key in ("process_id", "budget_id", "voter_key", "slot", "channel", "district_id", "age_band")
        }
        | {"first_voted_at": now, "last_voted_at": now},
    )
    if stored.scalar_one_or_none() is None:
        await db.rollback()
        return False
    await connection.execute(
        ballot,
        {
            "id": values["ballot_id"],
            **{key: values[key] for key in ("budget_id", "link", "choices", "receipt_hash", "is_paper", "status")},
        },
    )
    if code_id is not None:
        await connection.execute(code_used, {"code_id": code_id})
    await db.commit()
    return True


async def current_ballot(db: AsyncSession, keys: Keys, budget: Budget, voter: Voter) -> Ballot | None:
    """The voter's ballot in this budget, for the voter themself (staff pages never call this)."""
    link = keys.ballot_link(budget.id, voter.key)
    return await db.scalar(select(Ballot).where(Ballot.budget_id == budget.id, Ballot.link == link))


async def ballot_by_receipt(db: AsyncSession, budget_ids: Iterable[int], receipt: str) -> Ballot | None:
    """The ballot a receipt code belongs to, among these budgets' ballots; a replaced ballot's old receipt
    finds nothing."""
    if len(normalise_code(receipt)) != 16:
        return None
    query = select(Ballot).where(Ballot.budget_id.in_(list(budget_ids)), Ballot.receipt_hash == receipt_hash(receipt))
    return await db.scalar(query)


async def counted_ballots_page(db: AsyncSession, budget: Budget, number: int, size: int) -> tuple[list[Ballot], int]:
    """One page of the budget's counted ballots in the order of their random ids, and the number of pages."""
    counted = (Ballot.budget_id == budget.id, Ballot.status == BallotStatus.COUNTED)
    total = int(await db.scalar(select(func.count()).select_from(Ballot).where(*counted)) or 0)
    pages = max(1, -(-total // size))
    query = select(Ballot).where(*counted).order_by(Ballot.id)
    found = await db.scalars(query.offset((min(number, pages) - 1) * size).limit(size))
    return list(found), pages


async def counted_ballots(db: AsyncSession, budget: Budget) -> list[Ballot]:
    """The ballots that count, ordered by their random ids (so the order says nothing about time)."""
    query = select(Ballot).where(Ballot.budget_id == budget.id, Ballot.status == BallotStatus.COUNTED)
    return list(await db.scalars(query.order_by(Ballot.id)))
