"""Paper ballots: the register of paper voters, batches typed twice, and the reconciliation with electronic votes.

Rules (issue 4, "one person, one ballot per budget, across all channels"; docs: pb.paper.models):
- Staff register each paper voter after an identity check, with the number of the sheet handed out. A person
  who already voted electronically in that budget (its voter-record slot) is not given a sheet: their
  electronic ballot stands and they can change it online.
- A batch is typed twice, by two different staff members; it counts only when both entries are equal. Then its
  ballots are stored (Ballot.is_paper, no receipt) in one transaction.
- Reconciliation, run after each accepted batch and on demand, sets aside every paper ballot of a person who
  also has an electronic ballot in the same budget slot (the electronic ballot stands, whenever either was
  cast), and every paper ballot whose sheet number is not in the register. It recomputes every status from
  scratch, so running it again changes nothing.
- Spoilt sheets (blank, or marked against the budget's rules: pb.voting.rules) are entered as "invalid". They
  are not ballots: nothing is stored in the ballots table for them and they count for no project. The
  reconciliation report counts them per budget, so that registered = counted + set aside + spoilt + not
  returned.

Secrecy: the register names a sheet only through Keys.paper_sheet and a ballot only through
Keys.paper_ballot_link, so without the server secret a database reader cannot join a person to a sheet's
choices. Nothing here writes a sheet number next to anything that names a person (the audit log included).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.assisted.forms import Person
from pb.audit.services import record
from pb.eligibility.services import accepts, census_voter
from pb.i18n import N_
from pb.paper.models import BatchStatus, PaperBatch, PaperEntry, PaperVoter
from pb.processes.models import Budget, PhaseKind, Process, VotingMethod
from pb.processes.services import get_process_for
from pb.voting import rules
from pb.voting.models import Ballot, BallotStatus, Channel, VoterRecord
from pb.voting.secrecy import Keys
from pb.voting.services import ballot_rules, budgets_for, encode_choices, projects_of, slot_for

SPOILT = "invalid"
BATCH_STATUS_LABELS = {
    BatchStatus.OPEN: N_("Being entered"),
    BatchStatus.DIFFERENT: N_("The entries differ"),
    BatchStatus.ACCEPTED: N_("Accepted"),
}
ROUNDS = (1, 2)
MAX_SHEET_NUMBER_LENGTH = 20
MAX_LABEL_LENGTH = 80


class PaperRefused(Exception):
    """`message` is an untranslated msgid; `field` the form field it belongs next to, if any."""

    def __init__(self, message: str, field: str = "", params: Mapping[str, str | int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = dict(params or {})


def normalise_sheet_number(raw: str) -> str:
    """Sheet numbers as typed: no spaces, upper case, and "007" read as "7" (the register and the batches must
    hash the same text)."""
    text = "".join(raw.split()).upper()
    return str(int(text)) if text.isdigit() else text


def sheet_sort_key(sheet: str) -> tuple[int, int, str]:
    return (0, int(sheet), "") if sheet.isdigit() else (1, 0, sheet)


# --- rounds and access ------------------------------------------------------------------------------------


def voting_has_started(process: Process, now: datetime) -> bool:
    phase = process.phase(PhaseKind.VOTING)
    return phase is not None and phase.starts_at <= now


async def paper_processes(db: AsyncSession, now: datetime) -> list[Process]:
    """Published rounds that accept paper ballots and whose voting has started (the register and the batches
    are typed during voting and after it)."""
    query = select(Process).where(Process.is_published.is_(True)).order_by(Process.created_at.desc(), Process.id)
    return [
        process
        for process in await db.scalars(query)
        if accepts(process, VotingMethod.PAPER) and voting_has_started(process, now)
    ]


async def get_process_for_paper(db: AsyncSession, user: User, slug: str) -> Process:
    """A round the staff member may know that accepts paper ballots; otherwise 404."""
    process = await get_process_for(db, user, slug)
    if not accepts(process, VotingMethod.PAPER):
        raise NotFoundException()
    return process


def budget_of(process: Process, budget_id: int) -> Budget:
    found = next((budget for budget in process.budgets if budget.id == budget_id), None)
    if found is None:
        raise NotFoundException()
    return found


# --- the register ---------------------------------------------------------------------------------------


async def register_counts(db: AsyncSession, process: Process) -> dict[int, int]:
    """Registered paper voters per budget id."""
    counts: dict[int, int] = {budget.id: 0 for budget in process.budgets}
    for budget_id in await db.scalars(select(PaperVoter.budget_id).where(PaperVoter.process_id == process.id)):
        counts[budget_id] = counts.get(budget_id, 0) + 1
    return counts


async def register_paper_voter(
    db: AsyncSession,
    keys: Keys,
    process: Process,
    budget: Budget,
    staff: User,
    person: Person,
    sheet_number: str,
    now: datetime,
    address: str,
) -> PaperVoter:
    """Adds a person to the paper register with the sheet handed to them. Raises PaperRefused or
    pb.eligibility.services.EligibilityRefused (not in the census, too young)."""
    if not voting_has_started(process, now):
        raise PaperRefused(N_("Paper ballots can be registered once voting has started."))
    voter = await census_voter(db, keys, process, person.identifier, person.birth_date, Channel.PAPER)
    if budget not in budgets_for(process, voter):
        raise PaperRefused(
            N_("This person can vote only in the city-wide budget and in their own district's budget."), "budget"
        )
    slot = slot_for(process, budget)
    same_slot = [other.id for other in process.budgets if slot_for(process, other) == slot]
    electronic = await db.scalar(
        select(VoterRecord).where(
            VoterRecord.process_id == process.id, VoterRecord.voter_key == voter.key, VoterRecord.slot == slot
        )
    )
    if electronic is not None:
        # The documented rule: the electronic ballot stands, so a paper ballot would only be set aside.
        raise PaperRefused(
            N_(
                "This person has already voted electronically in this budget: their electronic ballot stands. "
                "They can change it online instead of voting on paper."
            ),
            "identifier",
        )
    earlier = await db.scalar(
        select(PaperVoter).where(PaperVoter.budget_id.in_(same_slot), PaperVoter.person_key == voter.key)
    )
    if earlier is not None:
        message = (
            N_("This person has already been given a paper ballot in this budget.")
            if earlier.budget_id == budget.id
            else N_("This person has already been given a paper ballot in another district's budget.")
        )
        raise PaperRefused(message, "identifier")
    sheet_key = keys.paper_sheet(budget.id, sheet_number)
    taken = await db.scalar(
        select(PaperVoter.id).where(PaperVoter.budget_id == budget.id, PaperVoter.sheet_key == sheet_key)
    )
    if taken is not None:
        raise PaperRefused(
            N_("Sheet %(sheet)s has already been handed out in this budget. Check the number on the sheet."),
            "sheet",
            {"sheet": sheet_number},
        )
    entry = PaperVoter(
        process_id=process.id,
        budget_id=budget.id,
        person_key=voter.key,
        sheet_key=sheet_key,
        district_id=voter.district_id,
        age_band=voter.age_band,
        registered_by_id=staff.id,
        registered_at=now,
    )
    db.add(entry)
    # Neither the register row's id nor the sheet number goes in the log: either would let a database
    # reader follow a person to the choices typed for their sheet.
    record(
        db,
        actor=staff,
        action="paper.voter_registered",
        object_type="budget",
        object_id=budget.id,
        client_address=address,
    )
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        # Two staff members registered the same person or sheet at the same moment.
        raise PaperRefused(N_("This person or this sheet was registered a moment ago. Check the register.")) from None
    return entry


# --- batches and their two entries ----------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A sheet the two entries disagree on: the choices (or SPOILT) each typed, None when one lacks it."""

    sheet: str
    first: Any
    second: Any


@dataclass
class BatchView:
    batch: PaperBatch
    budget: Budget
    entries: dict[int, PaperEntry] = field(default_factory=dict)


async def batches_of(db: AsyncSession, process: Process) -> list[BatchView]:
    budgets = {budget.id: budget for budget in process.budgets}
    batches = list(await db.scalars(select(PaperBatch).where(PaperBatch.process_id == process.id)))
    views = {batch.id: BatchView(batch, budgets[batch.budget_id]) for batch in batches}
    if views:
        for entry in await db.scalars(select(PaperEntry).where(PaperEntry.batch_id.in_(list(views)))):
            views[entry.batch_id].entries[entry.round] = entry
    return sorted(views.values(), key=lambda view: (view.budget.position, view.budget.id, view.batch.label))


async def get_batch(db: AsyncSession, process: Process, batch_id: int) -> BatchView:
    """A batch of this round with its entries, or 404."""
    batch = await db.get(PaperBatch, batch_id)
    if batch is None or batch.process_id != process.id:
        raise NotFoundException()
    view = BatchView(batch, budget_of(process, batch.budget_id))
    for entry in await db.scalars(select(PaperEntry).where(PaperEntry.batch_id == batch.id)):
        view.entries[entry.round] = entry
    return view


def own_entry(view: BatchView, round_number: int, user: User) -> PaperEntry:
    """A round's entry for its own entrant only: the other entrant may not see it (the entries must be
    independent), and others have nothing to do there. 404 when the round has not been started."""
    entry = view.entries.get(round_number)
    if entry is None:
        raise NotFoundException()
    if entry.entered_by_id != user.id:
        raise PermissionDeniedException()
    return entry


async def create_batch(
    db: AsyncSession, process: Process, budget: Budget, staff: User, label: str, note: str, address: str
) -> PaperBatch:
    existing = await db.scalar(
        select(PaperBatch.id).where(PaperBatch.budget_id == budget.id, PaperBatch.label == label)
    )
    if existing is not None:
        raise PaperRefused(N_("This budget already has a batch with this label."), "label")
    batch = PaperBatch(process_id=process.id, budget_id=budget.id, label=label, note=note, created_by_id=staff.id)
    db.add(batch)
    await db.flush()
    record(
        db,
        actor=staff,
        action="paper.batch_created",
        object_type="paper_batch",
        object_id=batch.id,
        after={"budget_id": budget.id, "label": label},
        client_address=address,
    )
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise PaperRefused(N_("This budget already has a batch with this label."), "label") from None
    return batch


async def start_round(db: AsyncSession, view: BatchView, round_number: int, staff: User, address: str) -> PaperEntry:
    """The staff member takes on typing one round of the batch."""
    if view.batch.status == BatchStatus.ACCEPTED:
        raise PaperRefused(N_("This batch has been accepted and can no longer be changed."))
    if round_number not in ROUNDS:
        raise NotFoundException()
    if round_number in view.entries:
        raise PaperRefused(N_("Someone has already started this round."))
    other = view.entries.get(3 - round_number)
    if other is not None and other.entered_by_id == staff.id:
        # Issue 4: "a second staff member enters the same batch independently".
        raise PaperRefused(N_("The two rounds of a batch are typed by two different people. Ask a colleague."))
    entry = PaperEntry(batch_id=view.batch.id, round=round_number, entered_by_id=staff.id, sheets={})
    db.add(entry)
    await db.flush()
    record(
        db,
        actor=staff,
        action="paper.round_started",
        object_type="paper_batch",
        object_id=view.batch.id,
        after={"round": round_number},
        client_address=address,
    )
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise PaperRefused(N_("Someone has already started this round.")) from None
    view.entries[round_number] = entry
    return entry


def can_edit(view: BatchView, entry: PaperEntry) -> bool:
    """An entry is typed until its entrant marks it complete; after a comparison found differences, both
    entrants may correct theirs."""
    if view.batch.status == BatchStatus.ACCEPTED:
        return False
    return not entry.is_complete or view.batch.status == BatchStatus.DIFFERENT


@dataclass(frozen=True)
class SheetResult:
    value: Any  # the stored choices, or SPOILT
    problems: list[rules.Problem]


async def add_sheet(
    db: AsyncSession,
    view: BatchView,
    entry: PaperEntry,
    sheet_number: str,
    choices: Mapping[int, int],
    spoilt: bool,
    now: datetime,
) -> SheetResult:
    """Adds one sheet to an entry. A sheet that breaks the budget's rules is stored as spoilt (SPOILT), and
    `problems` says why, so the entrant can check the paper."""
    if not can_edit(view, entry):
        raise PaperRefused(N_("This entry is complete and can no longer be changed."))
    if sheet_number in entry.sheets:
        raise PaperRefused(
            N_("Sheet %(sheet)s is already in this entry. Remove it first if you want to type it again."),
            "sheet",
            {"sheet": sheet_number},
        )
    elsewhere = await _sheet_in_accepted_batch(db, view.batch, sheet_number)
    if elsewhere is not None:
        raise PaperRefused(
            N_("Sheet %(sheet)s is already in the accepted batch %(batch)s."),
            "sheet",
            {"sheet": sheet_number, "batch": elsewhere.label},
        )
    problems: list[rules.Problem] = []
    if not spoilt:
        costs = {project.id: project.cost_cents for project in await projects_of(db, view.budget)}
        problems = rules.problems(ballot_rules(view.budget), costs, choices)
    value: Any = SPOILT if spoilt or problems else encode_choices(choices)
    # A new dict, so that the JSON column sees the change.
    entry.sheets = {**entry.sheets, sheet_number: value}
    entry.updated_at = now
    await db.commit()
    return SheetResult(value, problems)


async def remove_sheet(db: AsyncSession, view: BatchView, entry: PaperEntry, sheet_number: str, now: datetime) -> None:
    if not can_edit(view, entry):
        raise PaperRefused(N_("This entry is complete and can no longer be changed."))
    if sheet_number not in entry.sheets:
        raise NotFoundException()
    entry.sheets = {number: value for number, value in entry.sheets.items() if number != sheet_number}
    entry.updated_at = now
    await db.commit()


async def _sheet_in_accepted_batch(db: AsyncSession, batch: PaperBatch, sheet_number: str) -> PaperBatch | None:
    others = await db.scalars(
        select(PaperBatch).where(
            PaperBatch.budget_id == batch.budget_id,
            PaperBatch.status == BatchStatus.ACCEPTED,
            PaperBatch.id != batch.id,
        )
    )
    for other in others:
        first = await db.scalar(select(PaperEntry).where(PaperEntry.batch_id == other.id, PaperEntry.round == 1))
        if first is not None and sheet_number in first.sheets:
            return other
    return None


def differences(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[Difference]:
    """Every sheet the two entries disagree on, in sheet order (a sheet only one entry has counts too)."""
    found = []
    for sheet in sorted(set(first) | set(second), key=sheet_sort_key):
        if _canonical(first.get(sheet)) != _canonical(second.get(sheet)):
            found.append(Difference(sheet, first.get(sheet), second.get(sheet)))
    return found


def _canonical(value: Any) -> Any:
    if value is None or value == SPOILT:
        return value
    return sorted((int(project), int(points)) for project, points in value)


async def complete_entry(
    db: AsyncSession,
    keys: Keys,
    process: Process,
    view: BatchView,
    entry: PaperEntry,
    staff: User,
    now: datetime,
    address: str | None,
) -> list[Difference] | None:
    """Marks the entrant's round complete; when the other round is complete too, compares them (see
    compare_batch). None while the other round is still being typed."""
    if view.batch.status == BatchStatus.ACCEPTED:
        raise PaperRefused(N_("This batch has been accepted and can no longer be changed."))
    if not entry.sheets:
        raise PaperRefused(N_("Enter at least one sheet before marking the entry complete."), "sheet")
    entry.is_complete = True
    record(
        db,
        actor=staff,
        action="paper.round_completed",
        object_type="paper_batch",
        object_id=view.batch.id,
        after={"round": entry.round, "sheets": len(entry.sheets)},
        client_address=address,
    )
    await db.commit()
    if all(number in view.entries and view.entries[number].is_complete for number in ROUNDS):
        return await compare_batch(db, keys, process, view, staff, now, address)
    return None


async def compare_batch(
    db: AsyncSession, keys: Keys, process: Process, view: BatchView, actor: User, now: datetime, address: str | None
) -> list[Difference]:
    """Compares the two complete entries. Equal: the batch is accepted, its ballots stored in one transaction,
    and the round reconciled. Different: the batch is marked DIFFERENT and the differences returned."""
    batch = view.batch
    if batch.status == BatchStatus.ACCEPTED:
        raise PaperRefused(N_("This batch has been accepted and can no longer be changed."))
    if not all(number in view.entries and view.entries[number].is_complete for number in ROUNDS):
        raise PaperRefused(N_("Both rounds must be complete before they can be compared."))
    first, second = view.entries[1].sheets, view.entries[2].sheets
    found = differences(first, second)
    if found:
        batch.status = BatchStatus.DIFFERENT
        record(
            db,
            actor=actor,
            action="paper.batch_different",
            object_type="paper_batch",
            object_id=batch.id,
            after={"sheets": len(found)},
            client_address=address,
        )
        await db.commit()
        return found
    for sheet in first:
        elsewhere = await _sheet_in_accepted_batch(db, batch, sheet)
        if elsewhere is not None:
            raise PaperRefused(
                N_("Sheet %(sheet)s is already in the accepted batch %(batch)s."),
                params={"sheet": sheet, "batch": elsewhere.label},
            )
    for sheet, value in first.items():
        if value == SPOILT:
            continue  # not a ballot: counted as spoilt in the reconciliation report
        # Counted until reconciliation (right below) sets it aside.
        db.add(
            Ballot(
                id=secrets.token_hex(16),
                budget_id=batch.budget_id,
                link=keys.paper_ballot_link(batch.budget_id, sheet),
                choices=value,
                receipt_hash=None,
                is_paper=True,
                status=BallotStatus.COUNTED,
            )
        )
    batch.status = BatchStatus.ACCEPTED
    batch.accepted_at = now
    record(
        db,
        actor=actor,
        action="paper.batch_accepted",
        object_type="paper_batch",
        object_id=batch.id,
        after={"sheets": len(first)},
        client_address=address,
    )
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise PaperRefused(N_("A sheet of this batch is already stored. Check the batch's sheet numbers.")) from None
    await reconcile(db, keys, process, actor=actor, address=address)
    return []


# --- reconciliation -------------------------------------------------------------------------------------


class SetAsideReason(StrEnum):
    ELECTRONIC = "electronic"  # the person also has an electronic ballot in this budget slot: it stands
    NOT_REGISTERED = "not_registered"  # the sheet number is not in the register


SET_ASIDE_LABELS = {
    SetAsideReason.ELECTRONIC: N_("The voter also voted electronically; the electronic ballot stands."),
    SetAsideReason.NOT_REGISTERED: N_("The sheet number is not in the paper voter register."),
}


@dataclass(frozen=True)
class Case:
    """A paper ballot set aside, as the report lists it: never a person, only the sheet."""

    budget: Budget
    sheet: str
    reason: SetAsideReason
    batch: PaperBatch


@dataclass
class BudgetTotals:
    budget: Budget
    registered: int = 0
    sheets: int = 0  # sheets in accepted batches
    counted: int = 0
    set_aside: int = 0
    spoilt: int = 0

    registered_returned: int = 0  # sheets in accepted batches whose number is in the register

    @property
    def not_returned(self) -> int:
        """Registered sheets that no accepted batch holds yet (in a batch still being typed, or not returned)."""
        return self.registered - self.registered_returned


@dataclass
class Reconciliation:
    cases: list[Case]
    totals: list[BudgetTotals]
    # Paper ballots whose stored status differs from what the rule says (0 right after reconcile()).
    out_of_date: int = 0


async def reconciliation_report(db: AsyncSession, keys: Keys, process: Process) -> Reconciliation:
    """What the rule says about every paper ballot of the round, without changing anything."""
    report, _ = await _assess(db, keys, process)
    return report


async def reconcile(
    db: AsyncSession, keys: Keys, process: Process, *, actor: User | None = None, address: str | None = None
) -> Reconciliation:
    """Applies the rule: sets aside or counts every paper ballot of the round. Idempotent; commits."""
    report, wanted = await _assess(db, keys, process)
    budget_ids = [budget.id for budget in process.budgets]
    changed = {BallotStatus.COUNTED: 0, BallotStatus.SET_ASIDE: 0}
    if budget_ids:
        ballots = await db.scalars(select(Ballot).where(Ballot.budget_id.in_(budget_ids), Ballot.is_paper.is_(True)))
        for ballot in ballots:
            status = wanted.get((ballot.budget_id, ballot.link))
            if status is not None and ballot.status != status:
                ballot.status = status
                changed[status] += 1
    if any(changed.values()):
        record(
            db,
            actor=actor,
            action="paper.reconciled",
            object_type="process",
            object_id=process.id,
            after={"set_aside": changed[BallotStatus.SET_ASIDE], "counted_again": changed[BallotStatus.COUNTED]},
            client_address=address,
        )
    await db.commit()
    report.out_of_date = 0
    return report


async def _assess(
    db: AsyncSession, keys: Keys, process: Process
) -> tuple[Reconciliation, dict[tuple[int, str], BallotStatus]]:
    budgets = {budget.id: budget for budget in process.budgets}
    totals = {budget.id: BudgetTotals(budget) for budget in process.budgets}
    register: dict[tuple[int, str], str] = {}
    for voter in await db.scalars(select(PaperVoter).where(PaperVoter.process_id == process.id)):
        register[(voter.budget_id, voter.sheet_key)] = voter.person_key
        totals[voter.budget_id].registered += 1
    electronic = {
        (voter_key, slot)
        for voter_key, slot in await db.execute(
            select(VoterRecord.voter_key, VoterRecord.slot).where(VoterRecord.process_id == process.id)
        )
    }
    cases: list[Case] = []
    wanted: dict[tuple[int, str], BallotStatus] = {}
    for view in await batches_of(db, process):
        if view.batch.status != BatchStatus.ACCEPTED or 1 not in view.entries:
            continue
        budget = budgets[view.batch.budget_id]
        line = totals[budget.id]
        for sheet, value in sorted(view.entries[1].sheets.items(), key=lambda item: sheet_sort_key(item[0])):
            line.sheets += 1
            person = register.get((budget.id, keys.paper_sheet(budget.id, sheet)))
            if person is not None:
                line.registered_returned += 1
            if value == SPOILT:
                line.spoilt += 1
                continue
            reason: SetAsideReason | None = None
            if person is None:
                reason = SetAsideReason.NOT_REGISTERED
            elif (person, slot_for(process, budget)) in electronic:
                reason = SetAsideReason.ELECTRONIC
            if reason is None:
                line.counted += 1
            else:
                line.set_aside += 1
                cases.append(Case(budget, sheet, reason, view.batch))
            wanted[(budget.id, keys.paper_ballot_link(budget.id, sheet))] = (
                BallotStatus.SET_ASIDE if reason else BallotStatus.COUNTED
            )
    out_of_date = 0
    if budgets:
        stored = await db.execute(
            select(Ballot.budget_id, Ballot.link, Ballot.status).where(
                Ballot.budget_id.in_(list(budgets)), Ballot.is_paper.is_(True)
            )
        )
        out_of_date = sum(1 for budget_id, link, status in stored if wanted.get((budget_id, link), status) != status)
    return Reconciliation(cases, list(totals.values()), out_of_date), wanted


def describe(value: Any, titles: Mapping[int, str], ballot_format: str) -> list[tuple[str, int]]:
    """A sheet's choices as (project title, value) pairs in the order of the paper: by project, or by rank."""
    if value is None or value == SPOILT:
        return []
    pairs = [(titles.get(int(project), f"#{project}"), int(points)) for project, points in value]
    if ballot_format == rules.Format.RANKED:
        pairs.sort(key=lambda pair: pair[1])
    return pairs


async def project_titles(db: AsyncSession, budgets: Iterable[Budget]) -> dict[int, str]:
    titles: dict[int, str] = {}
    for budget in budgets:
        titles.update({project.id: project.title for project in await projects_of(db, budget)})
    return titles
