"""Who may vote, and as whom: the census check, linking an account to a census entry, and voting codes.

Each function ends in a `pb.voting.services.Voter` or an `EligibilityRefused` with a msgid the page shows.
Rules: the process's accepted methods (Process.voting_methods), the minimum age on the last day of voting,
and "one account per person" (a census entry links to one account per process).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.i18n import N_
from pb.processes.models import Process, VotingMethod
from pb.voting.models import Channel
from pb.voting.secrecy import Keys
from pb.voting.services import Voter, age_band, age_on, last_voting_day, old_enough

from .models import CensusEntry, CodeStatus, EligibilityProof, VotingCode


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
    return Voter(keys.code_voter(voting_code.id), Channel.CODE, voting_code.district_id, None), voting_code
