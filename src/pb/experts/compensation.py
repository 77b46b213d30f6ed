"""The compensation ledger (deliberation-panels.md §4.4): fees per session or per hour, which are taxable
(the Tax Administration treats meeting and lecture fees as wages), and expenses, which are reimbursed apart from
the fee and are not taxable; the expert's choice of a fee, no fee, or payment to an association; the tax card's
withholding; a CSV file for payroll; each expert's own view of their earnings with a private yearly alert.

Money is whole cents; percentages are hundredths of a percent; every rounding is half up to the cent, in one
place (``share``), so that a line's withheld and net amounts always add up to its gross amount.

Payment to an association: the fee is paid to the association the expert names (typically on its invoice),
so nothing is withheld and it is not the expert's taxable income; it is exported with the association's name
for the payments team rather than payroll. Declining the fee is recorded as a zero line, so the volunteered
work still shows in the expert's own history.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.experts.assignments import attendance_of, participants
from pb.experts.forms import ExpenseForm
from pb.experts.models import (
    Assignment,
    AssignmentStatus,
    Expert,
    ExpertGroup,
    ExpertIdentity,
    ExpertPaymentDetails,
    ExpertSession,
    FeeBasis,
    FeePreference,
    LedgerEntry,
    LedgerKind,
    Payee,
    RegistrySettings,
)
from pb.experts.services import ExpertsRefused
from pb.i18n import N_


def share(amount_cents: int, numerator: int, denominator: int) -> int:
    """``amount × numerator / denominator`` rounded half up to a whole cent, in integers (no floats)."""
    return (2 * amount_cents * numerator + denominator) // (2 * denominator)


def fee_for(basis: FeeBasis, rate_cents: int, minutes: int) -> int:
    """Per session: the rate. Per hour: the rate for the minutes attended."""
    return rate_cents if basis is FeeBasis.SESSION else share(rate_cents, minutes, 60)


def withholding(amount_cents: int, basis_points: int) -> int:
    return share(amount_cents, basis_points, 10_000)


@dataclass(frozen=True)
class FeeOutcome:
    written: list[LedgerEntry]
    already: list[str]  # pseudonyms whose fee for the session was written earlier
    no_details: list[str]  # pseudonyms without payment details: ask them to complete their profile


async def add_session_fees(
    db: AsyncSession, actor: User, assignment: Assignment, session: ExpertSession, timezone: str, address: str
) -> FeeOutcome:
    """One fee line per expert who attended the session, by each expert's own choice of payment."""
    if assignment.status == AssignmentStatus.REQUESTED:
        raise ExpertsRefused(N_("Take the request on first."), "session_id")
    marks = await attendance_of(db, assignment)
    present = {
        expert_id: row for (session_id, expert_id), row in marks.items() if session_id == session.id and row.attended
    }
    if not present:
        raise ExpertsRefused(N_("Record who attended the session first."), "session_id")
    existing = set(
        await db.scalars(
            select(LedgerEntry.expert_id).where(
                LedgerEntry.session_id == session.id, LedgerEntry.kind == LedgerKind.FEE
            )
        )
    )
    payments = {
        item.expert_id: item
        for item in await db.scalars(
            select(ExpertPaymentDetails).where(ExpertPaymentDetails.expert_id.in_(list(present)))
        )
    }
    pseudonyms = dict(
        (expert_id, pseudonym)
        for expert_id, pseudonym in await db.execute(
            select(Expert.id, Expert.pseudonym).where(Expert.id.in_(list(present)))
        )
    )
    earned_on = session.starts_at.astimezone(ZoneInfo(timezone)).date()
    outcome = FeeOutcome([], [], [])
    for expert_id, attendance in sorted(present.items()):
        if expert_id in existing:
            outcome.already.append(pseudonyms[expert_id])
            continue
        payment = payments.get(expert_id)
        if payment is None:
            outcome.no_details.append(pseudonyms[expert_id])
            continue
        gross = fee_for(FeeBasis(assignment.fee_basis), assignment.fee_rate_cents, attendance.minutes)
        preference = FeePreference(payment.fee_preference)
        entry = LedgerEntry(
            group_id=assignment.group_id,
            expert_id=expert_id,
            assignment_id=assignment.id,
            session_id=session.id,
            kind=LedgerKind.FEE,
            description=f"{assignment.topic}: {session.title}"[:200],
            earned_on=earned_on,
            created_by_id=actor.id,
        )
        if preference is FeePreference.FEE:
            entry.payee = Payee.EXPERT
            entry.amount_cents = gross
            entry.withholding_basis_points = payment.withholding_basis_points
            entry.withheld_cents = withholding(gross, payment.withholding_basis_points)
        elif preference is FeePreference.ASSOCIATION:
            entry.payee = Payee.ASSOCIATION
            entry.association_name = payment.association_name
            entry.amount_cents = gross
        else:
            entry.payee = Payee.DECLINED
            entry.amount_cents = 0
        db.add(entry)
        outcome.written.append(entry)
    await db.flush()
    record(
        db,
        actor=actor,
        action="experts.fees_recorded",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={"session_id": session.id, "entries": [entry.id for entry in outcome.written]},
        client_address=address,
    )
    await db.commit()
    return outcome


async def add_expense(
    db: AsyncSession, actor: User, assignment: Assignment, form: ExpenseForm, address: str
) -> LedgerEntry:
    if form.expert_id not in {row.expert.id for row in await participants(db, assignment)}:
        raise ExpertsRefused(N_("Choose an expert who takes part in the assignment."), "expert_id")
    entry = LedgerEntry(
        group_id=assignment.group_id,
        expert_id=form.expert_id,
        assignment_id=assignment.id,
        kind=LedgerKind.EXPENSE,
        payee=Payee.EXPERT,
        description=form.description,
        earned_on=form.spent_on,
        amount_cents=form.amount_cents,
        created_by_id=actor.id,
    )
    db.add(entry)
    await db.flush()
    record(
        db,
        actor=actor,
        action="experts.expense_recorded",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={"entry_id": entry.id, "amount_cents": form.amount_cents},
        client_address=address,
    )
    await db.commit()
    return entry


# --- sums ------------------------------------------------------------------------------------------------------


@dataclass
class Totals:
    fees_cents: int = 0  # taxable fees paid to the expert, gross
    withheld_cents: int = 0
    to_associations_cents: int = 0
    expenses_cents: int = 0
    declined: int = 0  # sessions worked without a fee

    @property
    def net_fees_cents(self) -> int:
        return self.fees_cents - self.withheld_cents

    @property
    def paid_out_cents(self) -> int:
        """What reaches the expert's bank account: net fees and expenses."""
        return self.net_fees_cents + self.expenses_cents

    def add(self, entry: LedgerEntry) -> None:
        if entry.kind == LedgerKind.EXPENSE:
            self.expenses_cents += entry.amount_cents
        elif entry.payee == Payee.EXPERT:
            self.fees_cents += entry.amount_cents
            self.withheld_cents += entry.withheld_cents
        elif entry.payee == Payee.ASSOCIATION:
            self.to_associations_cents += entry.amount_cents
        else:
            self.declined += 1


def totals(entries: list[LedgerEntry]) -> Totals:
    result = Totals()
    for entry in entries:
        result.add(entry)
    return result


@dataclass(frozen=True)
class LedgerRow:
    entry: LedgerEntry
    pseudonym: str


async def ledger_of(
    db: AsyncSession, group: ExpertGroup, *, assignment: Assignment | None = None, year: int | None = None
) -> list[LedgerRow]:
    query = (
        select(LedgerEntry, Expert.pseudonym)
        .join(Expert, Expert.id == LedgerEntry.expert_id)
        .where(LedgerEntry.group_id == group.id)
        .order_by(LedgerEntry.earned_on, LedgerEntry.id)
    )
    if assignment is not None:
        query = query.where(LedgerEntry.assignment_id == assignment.id)
    if year is not None:
        query = query.where(LedgerEntry.earned_on >= date(year, 1, 1), LedgerEntry.earned_on <= date(year, 12, 31))
    return [LedgerRow(entry, pseudonym) for entry, pseudonym in await db.execute(query)]


# --- the payroll file ------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "batch",
    "pseudonym",
    "name",
    "email",
    "payee",
    "association",
    "assignment_id",
    "description",
    "date",
    "type",
    "taxable",
    "gross_eur",
    "withholding_percent",
    "withheld_eur",
    "net_eur",
)


def _euros(cents: int) -> str:
    # Finnish spreadsheets read a decimal comma (the file is semicolon-separated for the same reason).
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def _cell(value: str) -> str:
    # OWASP "CSV injection": a cell starting with = + - @ (or a tab/CR) would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


async def export_for_payroll(db: AsyncSession, actor: User, group: ExpertGroup, address: str) -> tuple[bytes, str, int]:
    """Every line not yet exported (fees to experts and associations, expenses), as a CSV file; the lines are
    marked with the batch so the next file does not repeat them. Reading names and addresses for the file is
    audit-logged."""
    rows = await db.execute(
        select(LedgerEntry, Expert.pseudonym, ExpertIdentity)
        .join(Expert, Expert.id == LedgerEntry.expert_id)
        .outerjoin(ExpertIdentity, ExpertIdentity.expert_id == Expert.id)
        .where(
            LedgerEntry.group_id == group.id,
            LedgerEntry.exported_at.is_(None),
            LedgerEntry.payee != Payee.DECLINED,
        )
        .order_by(LedgerEntry.earned_on, LedgerEntry.id)
    )
    lines = [(entry, pseudonym, identity) for entry, pseudonym, identity in rows]
    now = utcnow()
    batch = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry, pseudonym, identity in lines:
        taxable = entry.kind == LedgerKind.FEE and entry.payee == Payee.EXPERT
        writer.writerow(
            [
                batch,
                pseudonym,
                _cell(identity.name if identity else ""),
                _cell(identity.email if identity else ""),
                entry.payee,
                _cell(entry.association_name),
                entry.assignment_id or "",
                _cell(entry.description),
                entry.earned_on.isoformat(),
                entry.kind,
                "yes" if taxable else "no",
                _euros(entry.amount_cents),
                _euros(entry.withholding_basis_points),
                _euros(entry.withheld_cents),
                _euros(entry.net_cents),
            ]
        )
        entry.exported_at = now
        entry.export_batch = batch
    record(
        db,
        actor=actor,
        action="experts.ledger_exported",
        object_type="expert_group",
        object_id=group.id,
        after={"batch": batch, "entries": [entry.id for entry, _, _ in lines]},
        client_address=address,
    )
    await db.commit()
    # A byte-order mark: Excel opens UTF-8 CSV correctly only with one (ä, ö, å in names).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), batch, len(lines)


# --- the expert's own view -----------------------------------------------------------------------------------


@dataclass
class YearEarnings:
    year: int
    totals: Totals
    entries: list[LedgerEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Alert:
    """The private earnings alert: shown to the expert only, never to coordinators (issue 6, Compensation)."""

    limit_cents: int
    earned_cents: int
    over: bool


async def own_earnings(db: AsyncSession, user: User) -> tuple[list[YearEarnings], list[ExpertPaymentDetails]]:
    entries = list(
        await db.scalars(
            select(LedgerEntry)
            .join(ExpertIdentity, ExpertIdentity.expert_id == LedgerEntry.expert_id)
            .where(ExpertIdentity.user_id == user.id)
            .order_by(LedgerEntry.earned_on.desc(), LedgerEntry.id.desc())
        )
    )
    payments = list(
        await db.scalars(
            select(ExpertPaymentDetails)
            .join(ExpertIdentity, ExpertIdentity.expert_id == ExpertPaymentDetails.expert_id)
            .where(ExpertIdentity.user_id == user.id)
        )
    )
    years: dict[int, YearEarnings] = defaultdict(lambda: YearEarnings(0, Totals()))
    for entry in entries:
        year = years[entry.earned_on.year]
        year.year = entry.earned_on.year
        year.totals.add(entry)
        year.entries.append(entry)
    return sorted(years.values(), key=lambda item: -item.year), payments


def earnings_alert(
    year: YearEarnings, payments: list[ExpertPaymentDetails], settings: RegistrySettings
) -> Alert | None:
    """Only for an expert who said they receive a benefit with an earnings limit: the limit they entered, or the
    registry's. Shown from ``alert_percent`` of it, so there is time to decline further fees."""
    declared = [payment for payment in payments if payment.has_earnings_limit]
    if not declared:
        return None
    own_limits = [payment.earnings_limit_cents for payment in declared if payment.earnings_limit_cents]
    limit = min(own_limits) if own_limits else settings.earnings_limit_cents
    earned = year.totals.fees_cents
    if limit <= 0 or earned * 100 < limit * settings.alert_percent:
        return None
    return Alert(limit, earned, earned >= limit)
