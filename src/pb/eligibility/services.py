"""Who may vote, and as whom: the census check, linking an account to a census entry, and voting codes.

Each function ends in a `pb.voting.services.Voter` or an `EligibilityRefused` with a msgid the page shows.
Rules: the process's accepted methods (Process.voting_methods), the minimum age on the last day of voting,
and "one account per person" (a census entry links to one account per process).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import anyio.to_process
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pb import i18n
from pb.accounts.models import User
from pb.audit.services import record
from pb.districts.models import District
from pb.i18n import N_
from pb.processes.models import PhaseKind, Process, VotingMethod
from pb.reports.pdf import Letter
from pb.reports.services import RendererConfig, render_pdf_in_worker
from pb.settings import LANGUAGES, Settings
from pb.voting.models import Channel, VoterRecord
from pb.voting.secrecy import Keys, new_code
from pb.voting.services import Voter, age_band, age_on, last_voting_day, old_enough

from .forms import LIMIT_FIELDS, CensusFile, VotingSettings
from .models import CensusEntry, CensusImport, CodeStatus, EligibilityProof, VotingCode

logger = logging.getLogger(__name__)


class EligibilityRefused(Exception):
    """`message` is an untranslated msgid; `field` the form field it belongs next to, if any."""

    def __init__(self, message: str, field: str = "", params: dict[str, str | int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params or {}


def accepts(process: Process, *methods: VotingMethod) -> bool:
    return any(method in process.voting_methods for method in methods)


def online_methods(process: Process) -> list[VotingMethod]:
    return [m for m in (VotingMethod.CENSUS, VotingMethod.CENSUS_AND_CODE) if m in process.voting_methods]


def _band(process: Process, birth_date: date) -> str | None:
    day = last_voting_day(process)
    return age_band(process.age_bands, age_on(birth_date, day)) if day is not None else None


async def find_census_entry(
    db: AsyncSession, keys: Keys, process: Process, identifier: str, birth_date: date
) -> CensusEntry | None:
    """The census entry of this identifier *and* birth date (both must match), or None."""
    entry = await db.scalar(
        select(CensusEntry).where(
            CensusEntry.process_id == process.id, CensusEntry.person_key == keys.person(identifier)
        )
    )
    if entry is None or entry.birth_date != birth_date:
        return None
    return entry


async def census_voter(
    db: AsyncSession, keys: Keys, process: Process, identifier: str, birth_date: date, channel: Channel
) -> Voter:
    """A person checked against the census by staff (assisted voting, the paper register)."""
    entry = await find_census_entry(db, keys, process, identifier, birth_date)
    if entry is None:
        raise EligibilityRefused(
            N_("No eligible resident with this identifier and birth date is in the census of this round."),
            "identifier",
        )
    if not old_enough(process, entry.birth_date):
        raise EligibilityRefused(
            N_("The voter is under %(age)s on the last day of voting."), "birth_date", {"age": process.minimum_age}
        )
    return Voter(entry.person_key, channel, entry.district_id, _band(process, entry.birth_date))


async def proof_of(db: AsyncSession, process: Process, user: User) -> EligibilityProof | None:
    return await db.scalar(
        select(EligibilityProof).where(EligibilityProof.process_id == process.id, EligibilityProof.user_id == user.id)
    )


async def find_code(db: AsyncSession, keys: Keys, process: Process, code: str) -> VotingCode:
    """A usable code of this process, or a refusal that says why (unknown, lost)."""
    found = await db.scalar(
        select(VotingCode).where(VotingCode.process_id == process.id, VotingCode.code_hash == keys.voting_code(code))
    )
    if found is None:
        raise EligibilityRefused(
            N_("This voting code is not valid for this round. Check the code in your letter."), "code"
        )
    if found.status == CodeStatus.LOST:
        raise EligibilityRefused(
            N_("This voting code was reported lost and no longer works. Use the code of your new letter."), "code"
        )
    return found


async def prove_eligibility(
    db: AsyncSession,
    keys: Keys,
    process: Process,
    user: User,
    identifier: str,
    birth_date: date,
    code: str | None = None,
) -> EligibilityProof:
    """Links the account to the census entry (and, when the process requires it, to the letter's code)."""
    if not online_methods(process):
        raise EligibilityRefused(N_("This round has no online voting with an account."))
    entry = await find_census_entry(db, keys, process, identifier, birth_date)
    if entry is None:
        raise EligibilityRefused(
            N_("We could not find you in the census of this round. Check your identifier and birth date."),
            "identifier",
        )
    if not old_enough(process, entry.birth_date):
        raise EligibilityRefused(
            N_("You can vote in this round if you are at least %(age)s on the last day of voting."),
            "birth_date",
            {"age": process.minimum_age},
        )
    voting_code: VotingCode | None = None
    if VotingMethod.CENSUS not in process.voting_methods:
        # VotingMethod.CENSUS_AND_CODE: the identifier alone is not secret, so the letter's code is needed too.
        if not code:
            raise EligibilityRefused(N_("Enter the voting code from your letter."), "code")
        voting_code = await find_code(db, keys, process, code)
        if voting_code.district_id != entry.district_id:
            raise EligibilityRefused(N_("This voting code belongs to another district's letters."), "code")
        taken = await db.scalar(select(EligibilityProof).where(EligibilityProof.voting_code_id == voting_code.id))
        if taken is not None and taken.user_id != user.id:
            raise EligibilityRefused(N_("This voting code has already been used."), "code")
    existing = await proof_of(db, process, user)
    if existing is not None:
        if existing.person_key != entry.person_key:
            raise EligibilityRefused(N_("Your account is already linked to another person in this round."))
        return existing
    proof = EligibilityProof(
        process_id=process.id,
        user_id=user.id,
        person_key=entry.person_key,
        district_id=entry.district_id,
        birth_date=entry.birth_date,
        voting_code_id=voting_code.id if voting_code else None,
    )
    db.add(proof)
    if voting_code is not None:
        voting_code.status = CodeStatus.USED
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        # Identifiers are not secret: someone else may have linked this person first. Staff can sort it out.
        raise EligibilityRefused(
            N_("This person is already linked to another account. Contact the city's voting help."), "identifier"
        ) from None
    return proof


async def voter_for_user(db: AsyncSession, process: Process, user: User) -> Voter:
    """The signed-in resident as a voter, or why not yet (no proof, unconfirmed email, too young)."""
    if not online_methods(process):
        raise EligibilityRefused(N_("This round has no online voting with an account."))
    if user.email_verified_at is None:
        raise EligibilityRefused(N_("Confirm your email address before voting."))
    proof = await proof_of(db, process, user)
    if proof is None:
        raise EligibilityRefused(N_("Check your voting right first."))
    if VotingMethod.CENSUS not in process.voting_methods and proof.voting_code_id is None:
        raise EligibilityRefused(N_("Check your voting right first."))
    if not old_enough(process, proof.birth_date):
        raise EligibilityRefused(
            N_("You can vote in this round if you are at least %(age)s on the last day of voting."),
            params={"age": process.minimum_age},
        )
    return Voter(proof.person_key, Channel.ONLINE, proof.district_id, _band(process, proof.birth_date), user.id)


async def voter_for_code(db: AsyncSession, keys: Keys, process: Process, code: str) -> tuple[Voter, VotingCode]:
    """A voter with the letter's code only (VotingMethod.CODE). The code is marked used by its first ballot."""
    if not accepts(process, VotingMethod.CODE):
        raise EligibilityRefused(N_("This round does not accept voting with a code only."), "code")
    voting_code = await find_code(db, keys, process, code)
    voter_key = keys.code_voter(await original_code_id(db, voting_code))
    return Voter(voter_key, Channel.CODE, voting_code.district_id, None), voting_code


async def original_code_id(db: AsyncSession, voting_code: VotingCode) -> int:
    """The first code of a chain of replacements: a lost letter's replacement votes as the same code voter,
    so the ballot cast with the lost code is replaced, not doubled (one person, one ballot per budget)."""
    current, seen = voting_code, {voting_code.id}
    while current.replaces_id is not None and current.replaces_id not in seen:
        previous = await db.get(VotingCode, current.replaces_id)
        if previous is None:
            break
        seen.add(previous.id)
        current = previous
    return current.id


# --- admin: the process's voting rules and ballot formats --------------------------------------------------


def voting_has_started(process: Process, now: datetime) -> bool:
    phase = process.phase(PhaseKind.VOTING)
    return phase is not None and phase.starts_at <= now


async def settings_locked(db: AsyncSession, process: Process, now: datetime) -> bool:
    """The rules of the vote are fixed once voting has started (or a ballot exists, e.g. after dates moved):
    changing them would treat the voters before and after the change differently."""
    if voting_has_started(process, now):
        return True
    return await db.scalar(select(VoterRecord.id).where(VoterRecord.process_id == process.id).limit(1)) is not None


def _voting_snapshot(process: Process) -> dict[str, Any]:
    return {
        "minimum_age": process.minimum_age,
        "budget_rule": str(process.budget_rule),
        "voting_methods": [str(method) for method in process.voting_methods],
        "ballots": {
            str(budget.id): {
                "ballot_format": str(budget.ballot_format),
                **{limit: getattr(budget, limit) for limit in LIMIT_FIELDS},
            }
            for budget in process.budgets
        },
    }


async def save_voting_settings(
    db: AsyncSession, actor: User, process: Process, settings: VotingSettings, address: str, now: datetime
) -> None:
    if await settings_locked(db, process, now):
        raise EligibilityRefused(N_("Voting has started, so the rules of the vote can no longer be changed."))
    before = _voting_snapshot(process)
    process.minimum_age = settings.minimum_age
    process.budget_rule = settings.budget_rule
    process.voting_methods = [str(method) for method in settings.voting_methods]
    for budget in process.budgets:
        if budget.id in settings.ballots:
            settings.ballots[budget.id].apply(budget)
    record(
        db,
        actor=actor,
        action="process.voting_rules_updated",
        object_type="process",
        object_id=process.id,
        before=before,
        after=_voting_snapshot(process),
        client_address=address,
    )
    await db.commit()


# --- admin: the census -------------------------------------------------------------------------------------

UNDER_AGE = "under"  # census_counts column: too young on the last day of voting
NO_BAND = "other"  # old enough, but in none of the process's age bands


async def replace_census(
    db: AsyncSession, keys: Keys, actor: User, process: Process, census: CensusFile, address: str
) -> CensusImport:
    """Replaces the process's census with a valid file's rows, in one transaction. Eligibility proofs stay:
    they hold their own copy of the person's hash, district and birth date."""
    assert census.is_valid and census.rows, "only a fully valid file is imported"
    try:
        replaced = await db.scalar(
            select(func.count()).select_from(CensusEntry).where(CensusEntry.process_id == process.id)
        )
        await db.execute(delete(CensusEntry).where(CensusEntry.process_id == process.id))
        await db.execute(
            insert(CensusEntry),
            [
                {
                    "process_id": process.id,
                    "person_key": keys.person(row.identifier),
                    "birth_date": row.birth_date,
                    "district_id": row.district_id,
                }
                for row in census.rows
            ],
        )
        imported = CensusImport(
            process_id=process.id, imported_by_id=actor.id, rows=len(census.rows), file_digest=census.digest
        )
        db.add(imported)
        await db.flush()
        record(
            db,
            actor=actor,
            action="census.imported",
            object_type="process",
            object_id=process.id,
            before={"rows": replaced or 0},
            after={"rows": len(census.rows), "file_digest": census.digest, "import_id": imported.id},
            client_address=address,
        )
        await db.commit()
    except Exception:
        await db.rollback()
        raise
    return imported


async def latest_census_import(db: AsyncSession, process: Process) -> tuple[CensusImport, User | None] | None:
    found = await db.scalar(
        select(CensusImport)
        .where(CensusImport.process_id == process.id)
        .order_by(CensusImport.imported_at.desc(), CensusImport.id.desc())
        .limit(1)
    )
    if found is None:
        return None
    by = await db.get(User, found.imported_by_id) if found.imported_by_id is not None else None
    return found, by


def census_columns(process: Process) -> list[str]:
    return [UNDER_AGE, *process.age_bands, NO_BAND]


async def census_counts(db: AsyncSession, process: Process, today: date) -> dict[int, dict[str, int]]:
    """Residents in the census per district and age band, ages on the last day of voting."""
    day = last_voting_day(process) or today
    counts: dict[int, dict[str, int]] = {}
    query = (
        select(CensusEntry.district_id, CensusEntry.birth_date, func.count())
        .where(CensusEntry.process_id == process.id)
        .group_by(CensusEntry.district_id, CensusEntry.birth_date)
    )
    for district_id, birth_date, number in await db.execute(query):
        age = age_on(birth_date, day)
        column = UNDER_AGE if age < process.minimum_age else (age_band(process.age_bands, age) or NO_BAND)
        row = counts.setdefault(district_id, dict.fromkeys(census_columns(process), 0))
        row[column] += number
    return counts


# --- admin: voting codes and their letters -----------------------------------------------------------------


@dataclass(frozen=True)
class NewCode:
    """A code about to be stored. The code in clear lives only in memory, for the letter being printed."""

    district_id: int
    batch: int
    serial: int
    code: str
    replaces_id: int | None = None


@dataclass
class BatchCounts:
    batch: int
    created_at: datetime
    # district id -> {status: count}
    by_district: dict[int, dict[str, int]]


async def next_batch(db: AsyncSession, process: Process) -> int:
    latest = await db.scalar(select(func.max(VotingCode.batch)).where(VotingCode.process_id == process.id))
    return (latest or 0) + 1


def plan_batch(batch: int, counts: Mapping[int, int], district_order: Sequence[int]) -> list[NewCode]:
    """Fresh random codes, numbered 1, 2, ... through the batch, district by district."""
    planned: list[NewCode] = []
    used: set[str] = set()
    for district_id in district_order:
        for _ in range(counts.get(district_id, 0)):
            code = new_code()
            while code in used:
                code = new_code()
            used.add(code)
            planned.append(NewCode(district_id, batch, len(planned) + 1, code))
    return planned


async def store_batch(
    db: AsyncSession, keys: Keys, actor: User, process: Process, codes: Sequence[NewCode], address: str
) -> None:
    """Stores the hashes of a batch whose letters have been made. The audit entry counts letters, never codes."""
    batch = codes[0].batch
    if await next_batch(db, process) != batch:
        raise EligibilityRefused(N_("Another batch was made at the same time. Make this batch again."), "counts")
    db.add_all(
        VotingCode(
            process_id=process.id,
            district_id=item.district_id,
            code_hash=keys.voting_code(item.code),
            batch=item.batch,
            serial=item.serial,
        )
        for item in codes
    )
    letters: dict[str, int] = {}
    for item in codes:
        letters[str(item.district_id)] = letters.get(str(item.district_id), 0) + 1
    record(
        db,
        actor=actor,
        action="voting_codes.generated",
        object_type="process",
        object_id=process.id,
        after={"batch": batch, "letters_by_district": letters},
        client_address=address,
    )
    await _commit_codes(db)


async def _commit_codes(db: AsyncSession) -> None:
    try:
        await db.commit()
    except IntegrityError:
        # Two equal 60-bit codes are practically impossible; if it happens, nothing was stored.
        await db.rollback()
        raise EligibilityRefused(N_("The codes could not be stored. Try again.")) from None


async def code_by_number(db: AsyncSession, process: Process, batch: int, serial: int) -> VotingCode | None:
    return await db.scalar(
        select(VotingCode).where(
            VotingCode.process_id == process.id, VotingCode.batch == batch, VotingCode.serial == serial
        )
    )


async def _next_serial(db: AsyncSession, process: Process, batch: int) -> int:
    latest = await db.scalar(
        select(func.max(VotingCode.serial)).where(VotingCode.process_id == process.id, VotingCode.batch == batch)
    )
    return (latest or 0) + 1


async def plan_replacement(db: AsyncSession, process: Process, batch: int, serial: int) -> tuple[VotingCode, NewCode]:
    """The lost letter's code and its replacement: same district, same batch, the batch's next letter number."""
    lost = await code_by_number(db, process, batch, serial)
    if lost is None:
        raise EligibilityRefused(N_("This round has no letter with this batch and letter number."), "serial")
    if lost.status == CodeStatus.LOST:
        replacement = await db.scalar(select(VotingCode).where(VotingCode.replaces_id == lost.id))
        if replacement is not None:
            raise EligibilityRefused(
                N_("This letter is already marked lost. Its replacement is letter %(serial)s of batch %(batch)s."),
                "serial",
                {"serial": replacement.serial, "batch": replacement.batch},
            )
        raise EligibilityRefused(N_("This letter is already marked lost."), "serial")
    return lost, NewCode(lost.district_id, batch, await _next_serial(db, process, batch), new_code(), lost.id)


async def store_replacement(
    db: AsyncSession, keys: Keys, actor: User, process: Process, lost: VotingCode, replacement: NewCode, address: str
) -> None:
    """Marks the code lost (it is refused from now on) and stores its replacement's hash, in one transaction."""
    await db.refresh(lost)
    if lost.status == CodeStatus.LOST or await _next_serial(db, process, replacement.batch) != replacement.serial:
        raise EligibilityRefused(N_("The letter was changed at the same time. Try again."), "serial")
    lost.status = CodeStatus.LOST
    db.add(
        VotingCode(
            process_id=process.id,
            district_id=replacement.district_id,
            code_hash=keys.voting_code(replacement.code),
            batch=replacement.batch,
            serial=replacement.serial,
            replaces_id=lost.id,
        )
    )
    record(
        db,
        actor=actor,
        action="voting_code.lost",
        object_type="voting_code",
        object_id=lost.id,
        after={"batch": lost.batch, "serial": lost.serial, "replacement_serial": replacement.serial},
        client_address=address,
    )
    await _commit_codes(db)


async def batch_counts(db: AsyncSession, process: Process) -> list[BatchCounts]:
    query = (
        select(
            VotingCode.batch, VotingCode.district_id, VotingCode.status, func.count(), func.min(VotingCode.created_at)
        )
        .where(VotingCode.process_id == process.id)
        .group_by(VotingCode.batch, VotingCode.district_id, VotingCode.status)
        .order_by(VotingCode.batch)
    )
    batches: dict[int, BatchCounts] = {}
    for batch, district_id, status, number, created_at in await db.execute(query):
        found = batches.setdefault(batch, BatchCounts(batch, created_at, {}))
        found.created_at = min(found.created_at, created_at)
        row = found.by_district.setdefault(district_id, {str(status): 0 for status in CodeStatus})
        row[str(status)] = row.get(str(status), 0) + number
    return list(batches.values())


# The letter's text, translated into each language of the letter (the letter is in all three).
LETTER_TEXTS = {
    "heading": N_("Your voting code for %(process)s"),
    "code_label": N_("Voting code"),
    "vote_with_code": N_(
        "Vote online at %(url)s or scan the QR code, and enter the code below. You do not need an account."
    ),
    "vote_with_census_and_code": N_(
        "Sign in at %(url)s, check your voting right with your personal identity code and date of birth, "
        "and enter the code below."
    ),
    "closes": N_("Voting ends on %(date)s. You can change your ballot until then."),
    "secret": N_("Keep the code to yourself: anyone who has it can vote in your place."),
    "lost": N_(
        "If you lose this letter, contact the city's voting help and give the number of the letter, "
        "%(number)s. You will get a new code, and this one stops working."
    ),
}
LETTERS_TEMPLATE = "eligibility/letters.html"


def letters_context(
    process: Process, codes: Sequence[NewCode], districts: Mapping[int, District], base_url: str, today: date
) -> dict[str, Any]:
    """Plain data for the letters template (pb.reports renders it in a worker process)."""
    # A code-only round sends people straight to the code page; a census-and-code round to the census check.
    # The code itself is never put in the link: links end up in browser histories and server logs.
    with_code = accepts(process, VotingMethod.CODE)
    path = f"/processes/{process.slug}/vote/code" if with_code else f"/processes/{process.slug}/eligibility"
    url = base_url.rstrip("/") + path
    phase = process.phase(PhaseKind.VOTING)
    last_day = last_voting_day(process)
    texts: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        translated = {key: i18n.gettext(language, message) for key, message in LETTER_TEXTS.items()}
        texts[language] = {
            "heading": translated["heading"] % {"process": process.text("name", language)},
            "code_label": translated["code_label"],
            "how": translated["vote_with_code" if with_code else "vote_with_census_and_code"] % {"url": url},
            "closes": translated["closes"] % {"date": i18n.format_date(last_day, language)}
            if phase is not None and last_day is not None
            else "",
            "secret": translated["secret"],
            "lost": translated["lost"],
        }
    letters = [
        Letter(
            address_lines=(districts[item.district_id].name_fi, districts[item.district_id].name_sv),
            code=item.code,
            qr_url=url,
            details={"number": f"{item.batch}/{item.serial}"},
        )
        for item in codes
    ]
    return {
        "title": texts["fi"]["heading"],
        "letters": letters,
        "letter_date": today,
        "texts": texts,
        "languages": list(LANGUAGES),
    }


async def letters_pdf(settings: Settings, context: Mapping[str, Any]) -> bytes:
    """The letters as one PDF, laid out in a worker process by pb.reports.

    Deliberately not through `pb.reports.services.Reports`: its disk cache would keep the codes in clear on the
    server. The codes exist only in this request's memory and in the PDF sent to the admin, so a batch's
    letters can be made only when the batch is generated."""
    pdf, messages = await anyio.to_process.run_sync(
        render_pdf_in_worker, RendererConfig(settings), LETTERS_TEMPLATE, dict(context), "fi", "pdf/ua-1", ()
    )
    for level, message in messages:
        logger.log(level, "WeasyPrint (letters): %s", message)
    return pdf
